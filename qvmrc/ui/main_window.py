"""The main window: saved VMs by control plane on the left, one tab per open console.

The window is the composition of its parts and the glue between them:
:mod:`~qvmrc.ui.sidebar` (tree, filter, context menu), :mod:`~qvmrc.ui.vm_poller`
(power states and inventory), :mod:`~qvmrc.ui.control_plane_editor` (saved control
planes, tokens, pinned certificates), :mod:`~qvmrc.ui.console_tabs` (tabs and every
way to open one), :mod:`~qvmrc.ui.fullscreen` (fullscreen and monitor choice),
:mod:`~qvmrc.ui.window_menus` and :mod:`~qvmrc.ui.theme`. The methods at the end
forward to the part that does the work, so callers (app start, single instance,
tests) keep talking to the window.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent, QGuiApplication
from PySide6.QtWidgets import QLabel, QMainWindow, QSplitter, QStackedWidget, QTreeWidgetItem

from qvmrc.settings import ControlPlane, SecretStore, Settings, SettingsStore
from qvmrc.ui import dialogs
from qvmrc.ui.console_tab import ConsoleTab, ConsoleTarget
from qvmrc.ui.console_tabs import ConsoleTabs, TabFactory
from qvmrc.ui.control_plane_editor import ControlPlaneEditor
from qvmrc.ui.debug_panel import ConsoleStatsSource, DebugPanel, QtLogHandler
from qvmrc.ui.fullscreen import FullscreenController, fullscreen_target
from qvmrc.ui.power import PowerController, make_client
from qvmrc.ui.recents import ConnectRequest
from qvmrc.ui.sidebar import Sidebar
from qvmrc.ui.theme import apply_theme
from qvmrc.ui.vm_poller import VmPoller
from qvmrc.ui.window_menus import WindowMenus

__all__ = ["MainWindow", "apply_theme", "fullscreen_target", "initial_size"]

log = logging.getLogger(__name__)


def initial_size() -> tuple[int, int]:
    """1280x860, or 90% of a smaller screen's free area (never off-screen)."""
    screen = QGuiApplication.primaryScreen()
    if screen is None:
        return 1280, 860
    free = screen.availableGeometry()
    return min(1280, int(free.width() * 0.9)), min(860, int(free.height() * 0.9))


class MainWindow(QMainWindow):
    def __init__(self, settings: Settings, store: SettingsStore | None = None,
                 secrets: SecretStore | None = None, log_handler: QtLogHandler | None = None, *,
                 tab_factory: TabFactory | None = None, client_factory: Callable[..., Any] | None = None,
                 auto_refresh: bool = True) -> None:
        super().__init__()
        self.setWindowTitle(self.tr("QVMRC"))
        self.setObjectName("mainWindow")
        self.resize(*initial_size())
        self.settings = settings
        self.store = store
        self.secrets = secrets
        self.connect_dialog: Any = None
        self.client_factory = client_factory or (lambda cp: make_client(cp, self.secrets, settings=self.settings))
        notify = lambda title, text, error=False: self.notify(title, text, error)  # noqa: E731  (late: tests swap notify)

        self.power = PowerController(self.client_factory, parent=self)
        self.power.widget = self
        self.power.notification.connect(notify)
        self.poller = VmPoller(settings, self.client_factory, self)
        self.editor = ControlPlaneEditor(settings, secrets, self, self.save_settings, notify)
        self.sidebar = Sidebar(settings, self.poller.states)
        self.tabs = ConsoleTabs(settings, secrets, self.power, self.editor, self.poller.states,
                                self.save_settings, notify, tab_factory)
        self._wire_parts()

        self.welcome = QLabel(self.tr(
            "<h2>QVMRC</h2><p>Double-click a VM in the sidebar to open its console,<br>"
            "or add a control plane with <b>+</b>.</p><p>File › Connect to… takes a "
            "ws://, wss://, vnc:// address or a qvmrc:// link.</p>"))
        self.welcome.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.welcome.setTextFormat(Qt.TextFormat.RichText)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.welcome)
        self.stack.addWidget(self.tabs)
        self.splitter = QSplitter()
        self.splitter.addWidget(self.sidebar)
        self.splitter.addWidget(self.stack)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([290, 990])
        self.splitter.setCollapsible(1, False)
        self.setCentralWidget(self.splitter)

        self.log_handler = log_handler or QtLogHandler()
        self.debug_panel = DebugPanel(self.log_handler, self, consoles=self.console_sources,
                                      current=self.current_source, settings=self.settings.redacted)
        self.debug_panel.recordToggled.connect(self._debug_record)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.debug_panel)
        self.debug_panel.hide()
        self._debug_sized = False
        # First opening: a third of the window, so the console stays the main thing.
        self.debug_panel.visibilityChanged.connect(self._size_debug_panel)

        self.fullscreen = FullscreenController(self, self.tabs, self.sidebar, self.debug_panel, settings)
        self.fullscreen_bar = self.fullscreen.bar
        self.menus = WindowMenus(self)
        self.recent_menu = self.menus.recent_menu
        self.monitor_menu = self.menus.monitor_menu
        self.sidebar_action = self.menus.sidebar_action
        self.sidebar.setVisible(settings.show_sidebar)
        self.sidebar.rebuild()
        self.tree = self.sidebar.tree
        self.search = self.sidebar.search
        if auto_refresh:
            self.poller.start()

    def _wire_parts(self) -> None:
        sb, poller, editor, tabs = self.sidebar, self.poller, self.editor, self.tabs
        sb.openRequested.connect(tabs.open_saved_vm)
        sb.powerRequested.connect(self._power)
        sb.removeVmRequested.connect(editor.remove_vm)
        sb.addControlPlaneRequested.connect(editor.add)
        sb.connectRequested.connect(self.open_console_dialog)
        sb.refreshRequested.connect(poller.refresh_soon)
        sb.editControlPlaneRequested.connect(editor.edit)
        sb.removeControlPlaneRequested.connect(lambda cp_id: asyncio.ensure_future(editor.remove(cp_id)))
        poller.stateChanged.connect(sb.set_vm_state)
        poller.stateChanged.connect(tabs.set_vm_state)
        poller.unreachable.connect(sb.set_unreachable)
        poller.inventoryChanged.connect(self._inventory_changed)
        self.power.vmChanged.connect(lambda cp_id, vm: poller.set_state(cp_id, vm.id, vm.state))
        editor.changed.connect(sb.rebuild)
        editor.saved.connect(poller.refresh_soon)
        editor.saved.connect(tabs.mark_trusted)
        tabs.fullscreenRequested.connect(self.toggle_fullscreen)
        tabs.currentConsoleChanged.connect(self._current_changed)

    def _power(self, cp_id: str, vm_id: str, key: str) -> None:
        cp = self.settings.find_control_plane(cp_id)
        if cp is None:
            return
        vm = cp.find_vm(vm_id)
        asyncio.ensure_future(self.power.perform(cp, vm_id, vm.label if vm else vm_id, key))

    def _inventory_changed(self, cp_id: str, change: Any) -> None:
        self.save_settings()
        if change.added:
            self.sidebar.rebuild()
        cp = self.settings.find_control_plane(cp_id)
        for vm_id in change.renamed:
            saved = cp.find_vm(vm_id) if cp else None
            if saved is not None:
                self.sidebar.rename(cp_id, vm_id, saved.label)

    def _current_changed(self, tab: ConsoleTab | None) -> None:
        if tab is not None:
            self.stack.setCurrentWidget(self.tabs)
            self.setWindowTitle(self.tr("{0} — QVMRC").format(tab.target.title))
        else:
            self.setWindowTitle(self.tr("QVMRC"))
            if self.tabs.count() == 0:
                self.stack.setCurrentWidget(self.welcome)
        self.debug_panel.refresh_stats()

    # ------------------------------------------------- settings, dialogs

    def save_settings(self) -> None:
        if self.store is None:
            return
        try:
            self.store.save(self.settings)
        except OSError as e:
            self.notify(self.tr("Settings"), self.tr("cannot save settings: {0}").format(e.strerror or e), True)

    def notify(self, title: str, text: str, error: bool = False) -> None:
        self.statusBar().showMessage(self.tr("{0}: {1}").format(title, text), 10_000)
        if error:
            dialogs.notify(self, title, text, error=True)

    def open_console_dialog(self, initial: ConnectRequest | None = None) -> Any:
        """File › Connect to…: address, password, TLS and view-only (qvmrc.ui.connect_dialog)."""
        from qvmrc.ui.connect_dialog import ConnectDialog

        dlg = ConnectDialog(self.settings, self, initial if isinstance(initial, ConnectRequest) else None)
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.accepted.connect(lambda: self.connect_to(dlg.request()))
        self.connect_dialog = dlg
        dlg.open()
        return dlg

    def open_settings(self) -> None:
        from qvmrc.ui.settings_dialog import SettingsDialog

        dlg = SettingsDialog(self.settings, self)
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.accepted.connect(lambda: self.apply_settings(dlg.result_settings()))
        dlg.open()

    def apply_settings(self, new: Settings) -> None:
        """Preferences → OK: keep what the dialog does not edit (it may have changed meanwhile)."""
        new.control_planes = self.settings.control_planes
        new.show_sidebar = self.settings.show_sidebar
        for kept in ("link_handler_asked", "legacy_imported", "secret_storage", "recent_isos",
                     "recent_targets"):
            setattr(new, kept, getattr(self.settings, kept))
        for k, v in vars(new).items():
            setattr(self.settings, k, v)
        self.save_settings()
        apply_theme(self.settings)
        for tab in self.tabs.by_key.values():
            tab.apply_settings(self.settings)
        log.info("preferences saved")

    def cursor_options_changed(self) -> None:
        self.save_settings()
        for tab in self.tabs.by_key.values():
            tab.apply_settings(self.settings)

    def set_sidebar_visible(self, on: bool) -> None:
        self.sidebar.setVisible(on)
        if self.sidebar_action.isChecked() != on:
            self.sidebar_action.setChecked(on)
        if self.settings.show_sidebar != on:
            self.settings.show_sidebar = on
            self.save_settings()

    # -------------------------------------------------------------- debug

    def _size_debug_panel(self, visible: bool) -> None:
        if visible and not self._debug_sized:
            self._debug_sized = True
            self.resizeDocks([self.debug_panel], [max(180, self.height() // 3)], Qt.Orientation.Vertical)

    def _source(self, tab: ConsoleTab) -> ConsoleStatsSource:
        s = tab.session
        return ConsoleStatsSource(title=tab.target.title, stats=getattr(s, "stats", None),
                                  recording=tab.recording, state=tab.state.value)

    def console_sources(self) -> list[ConsoleStatsSource]:
        return [self._source(t) for t in self.tabs.by_key.values()]

    def current_source(self) -> ConsoleStatsSource | None:
        tab = self.current_tab()
        return self._source(tab) if tab is not None else None

    def _debug_record(self, on: bool) -> None:
        tab = self.current_tab()
        if tab is None:
            return
        if on and not tab.recording:
            tab._record_clicked(True)
        elif not on and tab.recording:
            tab.stop_recording()
        self.debug_panel.refresh_stats()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.poller.stop()
        self.save_settings()
        super().closeEvent(event)

    # ------------------------------------------- forwarded to the parts

    @property
    def tabs_by_key(self) -> dict[str, ConsoleTab]:
        return self.tabs.by_key

    @property
    def pending_links(self) -> set[asyncio.Future[ConsoleTab | None]]:
        return self.tabs.pending_links

    @property
    def link_confirmer(self) -> Callable[..., Any]:
        return self.tabs.link_confirmer

    @link_confirmer.setter
    def link_confirmer(self, confirmer: Callable[..., Any]) -> None:
        self.tabs.link_confirmer = confirmer

    @property
    def vm_states(self) -> dict[tuple[str, str], str]:
        return self.poller.states

    @property
    def is_console_fullscreen(self) -> bool:
        return self.fullscreen.active

    def open_string(self, text: str, *, token: str | None = None,
                    password: str | None = None) -> ConsoleTab | None:
        return self.tabs.open_string(text, token=token, password=password)

    def open_target(self, target: ConsoleTarget) -> ConsoleTab:
        return self.tabs.open_target(target)

    def open_saved_vm(self, cp_id: str, vm_id: str) -> ConsoleTab | None:
        return self.tabs.open_saved_vm(cp_id, vm_id)

    def connect_to(self, req: ConnectRequest) -> ConsoleTab | None:
        return self.tabs.connect_to(req)

    def current_tab(self) -> ConsoleTab | None:
        return self.tabs.current_tab()

    def close_tab(self, tab: Any) -> None:
        self.tabs.close_tab(tab)

    async def close_all(self) -> None:
        await self.tabs.close_all()

    async def refresh_states(self) -> None:
        await self.poller.refresh()

    def vm_item(self, cp_id: str, vm_id: str) -> QTreeWidgetItem | None:
        return self.sidebar.vm_item(cp_id, vm_id)

    def save_control_plane(self, cp: ControlPlane, token: str | None, replace: str | None = None) -> None:
        self.editor.save(cp, token, replace)

    def remove_vm(self, cp_id: str, vm_id: str) -> None:
        self.editor.remove_vm(cp_id, vm_id)

    def remember_certificate(self, cp: ControlPlane) -> None:
        self.editor.remember_certificate(cp)

    def fill_recent_menu(self) -> None:
        self.recent_menu.fill()

    def toggle_fullscreen(self) -> None:
        self.fullscreen.toggle()

    def set_fullscreen_screen(self, name: str) -> None:
        self.fullscreen.set_screen(name)
