"""Console fullscreen: the window shows one console and nothing else, on the screen the user picked.

Everything but the console hides (menus, tabs, sidebar, the tab's toolbar and
status, the debug panel) and comes back as it was; the slide-in bar at the top
edge (:mod:`qvmrc.ui.fullscreen_bar`) keeps the few actions a fullscreen user needs.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QObject
from PySide6.QtGui import QActionGroup, QGuiApplication, QScreen
from PySide6.QtWidgets import QDockWidget, QMainWindow, QMenu, QWidget

from qvmrc.settings import Settings
from qvmrc.ui.console_tab import ConsoleTab
from qvmrc.ui.console_tabs import ConsoleTabs
from qvmrc.ui.fullscreen_bar import FullscreenBar


def fullscreen_target(name: str, screens: Sequence[QScreen]) -> QScreen | None:
    """The screen called ``name``; None (stay where the window is) for "" or a screen now gone."""
    return next((sc for sc in screens if name and sc.name() == name), None)


class FullscreenController(QObject):
    def __init__(self, window: QMainWindow, tabs: ConsoleTabs, sidebar: QWidget, debug_panel: QDockWidget,
                 settings: Settings) -> None:
        super().__init__(window)
        self.window = window
        self.tabs = tabs
        self.sidebar = sidebar
        self.debug_panel = debug_panel
        self.settings = settings
        self.tab: ConsoleTab | None = None
        #: The screen fullscreen goes to (its name); "" is the window's own screen.
        self.screen_name = ""
        self._was_maximized = False
        self._debug_was_visible = False
        bar = self.bar = FullscreenBar(window)
        bar.leaveRequested.connect(self.leave)
        bar.ctrlAltDelRequested.connect(lambda: self.tab and self.tab.send_keys("Ctrl+Alt+Del"))
        bar.releaseRequested.connect(self._release_grab)
        bar.zoomChosen.connect(lambda mode: self.tab and self.tab.set_scale_mode(mode))
        tabs.tabClosing.connect(self._tab_closing)

    @property
    def active(self) -> bool:
        return self.tab is not None

    def toggle(self) -> None:
        """Fullscreen for the current console, or back to the window as it was."""
        if self.tab is not None:
            self._leave(self.tab)
            return
        tab = self.tabs.current_tab()
        if tab is None:
            return
        w = self.window
        self.tab = tab
        self._was_maximized = w.isMaximized()
        w.menuBar().hide()
        w.statusBar().hide()
        self.tabs.tabBar().hide()
        self.sidebar.hide()
        self._debug_was_visible = self.debug_panel.isVisible()
        self.debug_panel.hide()
        tab.toolbar.hide()
        tab.status.hide()
        self.place_on_screen()
        w.showFullScreen()
        self.bar.activate(tab.target.title, tab.view.scale_mode)
        tab.view.setFocus()

    def leave(self) -> None:
        if self.tab is not None:
            self._leave(self.tab)

    def _tab_closing(self, tab: ConsoleTab) -> None:
        if tab is self.tab:
            self.leave()

    def _leave(self, tab: ConsoleTab) -> None:
        w = self.window
        self.tab = None
        w.menuBar().show()
        w.statusBar().show()
        self.tabs.tabBar().show()
        tab.toolbar.show()
        tab.status.show()
        self.sidebar.setVisible(self.settings.show_sidebar)
        self.bar.deactivate()
        if self._debug_was_visible:
            self.debug_panel.show()
        if self._was_maximized:
            w.showMaximized()
        else:
            w.showNormal()
        tab.view.setFocus()

    def _release_grab(self) -> None:
        if self.tab is not None and hasattr(self.tab.view, "release_input"):  # test views have none
            self.tab.view.release_input()

    # ------------------------------------------------------------ monitor

    def fill_monitor_menu(self, menu: QMenu) -> None:
        """One entry per screen; with a single screen there is nothing to choose."""
        menu.clear()
        screens = QGuiApplication.screens()
        group = QActionGroup(menu)
        choices = [("", self.tr("This window's screen"))] + [
            (sc.name(), self.tr("{0} ({1} × {2})").format(sc.name(), sc.geometry().width(), sc.geometry().height()))
            for sc in screens]
        for name, label in choices:
            a = menu.addAction(label)
            a.setCheckable(True)
            a.setChecked(name == self.screen_name)
            a.triggered.connect(lambda _=False, n=name: self.set_screen(n))
            group.addAction(a)
        menu.setEnabled(len(screens) > 1)

    def set_screen(self, name: str) -> None:
        self.screen_name = name
        if self.tab is not None:  # move there now
            self.place_on_screen()
            self.window.showFullScreen()

    def place_on_screen(self) -> None:
        screen = fullscreen_target(self.screen_name, QGuiApplication.screens())
        w = self.window
        handle = w.windowHandle()
        if screen is None or handle is None or screen is handle.screen():
            return
        if w.isFullScreen():
            w.showNormal()
        # A mapped window stays where the compositor put it (Wayland ignores a client's
        # position): unmap, move to the new screen, and let showFullScreen map it there.
        w.hide()
        handle.setScreen(screen)
        w.move(screen.availableGeometry().topLeft())
