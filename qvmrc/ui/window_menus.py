"""The main window's menu bar (File, View, Help) and its Open Recent list.

Every entry calls back into the window's parts; the menus hold no state of
their own beyond the checkable toggles that mirror the settings.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QMenu, QWidget

from qvmrc.settings import Settings
from qvmrc.ui import help as help_dialogs
from qvmrc.ui.key_menu import cursor_actions
from qvmrc.ui.recents import ConnectRequest

if TYPE_CHECKING:
    from qvmrc.ui.main_window import MainWindow


class RecentMenu(QMenu):
    """File › Open Recent: consoles opened with Connect to… (addresses only, never secrets)."""

    def __init__(self, title: str, settings: Settings, open_recent: Callable[[ConnectRequest], object],
                 save: Callable[[], None], parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.settings = settings
        self._open = open_recent
        self._save = save
        self.aboutToShow.connect(self.fill)
        self.fill()

    def fill(self) -> None:
        self.clear()
        if not self.settings.recent_targets:
            self.addAction(self.tr("No recent consoles")).setEnabled(False)
            return
        for r in self.settings.recent_targets:
            text = r.target if not r.title or r.title in r.target else f"{r.title} — {r.target}"
            text = text.replace("&", "&&")
            if r.view_only:
                text = self.tr("{0}  (view only)").format(text)
            a = self.addAction(text)
            a.triggered.connect(lambda _=False, r=r: self._open(ConnectRequest.from_recent(r)))
        self.addSeparator()
        self.addAction(self.tr("Clear recent"), self.clear_recent)

    def clear_recent(self) -> None:
        self.settings.recent_targets = []
        self._save()
        self.fill()


class WindowMenus(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        w = window
        mb = w.menuBar()
        file = mb.addMenu(self.tr("&File"))
        file.addAction(self.tr("&Connect to…"), QKeySequence("Ctrl+O"), w.open_console_dialog)
        self.recent_menu = RecentMenu(self.tr("Open &Recent"), w.settings, w.connect_to, w.save_settings, file)
        file.addMenu(self.recent_menu)
        file.addAction(self.tr("&Add control plane…"), w.editor.add)
        file.addSeparator()
        file.addAction(self.tr("&Preferences…"), QKeySequence("Ctrl+,"), w.open_settings)
        file.addSeparator()
        file.addAction(self.tr("&Quit"), QKeySequence("Ctrl+Q"), w.close)

        view = mb.addMenu(self.tr("&View"))
        self.sidebar_action = QAction(self.tr("&Sidebar"), w, checkable=True)
        self.sidebar_action.setChecked(w.settings.show_sidebar)
        self.sidebar_action.setShortcut(QKeySequence("Ctrl+Shift+B"))
        self.sidebar_action.toggled.connect(w.set_sidebar_visible)
        view.addAction(self.sidebar_action)
        self.fullscreen_action = QAction(self.tr("&Fullscreen"), w)
        self.fullscreen_action.setShortcut(QKeySequence(Qt.Key.Key_F11))
        self.fullscreen_action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        self.fullscreen_action.triggered.connect(w.toggle_fullscreen)
        view.addAction(self.fullscreen_action)
        w.addAction(self.fullscreen_action)  # works while the menu bar is hidden
        self.monitor_menu = view.addMenu(self.tr("Fullscreen &on"))
        fill_monitors = lambda: w.fullscreen.fill_monitor_menu(self.monitor_menu)  # noqa: E731
        self.monitor_menu.aboutToShow.connect(fill_monitors)
        fill_monitors()
        app = QGuiApplication.instance()
        if isinstance(app, QGuiApplication):
            app.screenAdded.connect(lambda _s: fill_monitors())
            app.screenRemoved.connect(lambda _s: fill_monitors())
        debug = w.debug_panel.toggleViewAction()
        debug.setText(self.tr("&Debug panel"))
        debug.setShortcut(QKeySequence("Ctrl+Shift+D"))
        view.addAction(debug)
        view.addSeparator()
        self.cursor_actions = cursor_actions(w, w.settings, w.cursor_options_changed)
        view.addActions(self.cursor_actions)

        help_menu = mb.addMenu(self.tr("&Help"))
        help_menu.addAction(self.tr("&Keyboard shortcuts"), lambda: help_dialogs.show_shortcuts(w))
        help_menu.addAction(self.tr("&About QVMRC"), lambda: help_dialogs.show_about(w))
