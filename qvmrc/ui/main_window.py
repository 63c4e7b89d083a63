"""The main window: saved VMs by control plane on the left, one tab per open console.

Power states in the sidebar come from ListVMs every ~10 s (one call per control
plane, not one per VM); the same answer brings in VMs created since (see
qvmrc.ui.inventory) and marks the deleted ones. Opening a VM that already has a tab focuses that tab:
two consoles of one VM would fight over the keyboard and the pointer.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QBrush,
    QCloseEvent,
    QColor,
    QGuiApplication,
    QKeySequence,
    QScreen,
)
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from qvmrc.controlplane.client import VM
from qvmrc.errors import QVMRCError
from qvmrc.trust import find_saved
from qvmrc.ui import dialogs
from qvmrc.ui import help as help_dialogs
from qvmrc.ui.console_tab import ConsoleTab, ConsoleTarget, target_for_vm, target_from_string
from qvmrc.ui.debug_panel import ConsoleStatsSource, DebugPanel, QtLogHandler
from qvmrc.ui.fullscreen_bar import FullscreenBar
from qvmrc.ui.inventory import hide, merge_listing
from qvmrc.ui.key_menu import cursor_actions
from qvmrc.ui.logscrub import register_secret
from qvmrc.ui.power import ACTIONS, PowerController, available, make_client
from qvmrc.ui.recents import ConnectRequest, remember, request_resolver
from qvmrc.ui.settings import (
    ControlPlane,
    SavedVM,
    SecretStore,
    Settings,
    SettingsStore,
    display_url,
    token_key,
)

log = logging.getLogger(__name__)

REFRESH_INTERVAL_MS = 10_000
ROLE = Qt.ItemDataRole.UserRole
STATE_COLOURS = {"RUNNING": "#2e9d4f", "STOPPED": "#8a8f98", "PAUSED": "#d49a17", "SUSPENDED": "#d49a17",
                 "CRASHED": "#d0453a", "MIGRATING": "#3b82c4", "PROVISIONING": "#3b82c4",
                 "NOT FOUND": "#d0453a", "UNREACHABLE": "#d0453a"}

TabFactory = Callable[[ConsoleTarget], ConsoleTab]


def initial_size() -> tuple[int, int]:
    """1280x860, or 90% of a smaller screen's free area (never off-screen)."""
    from PySide6.QtGui import QGuiApplication

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
        self.setWindowTitle("QVMRC")
        self.setObjectName("mainWindow")
        self.resize(*initial_size())
        self.settings = settings
        self.store = store
        self.secrets = secrets
        self.tabs_by_key: dict[str, ConsoleTab] = {}
        self._requests: dict[str, ConnectRequest] = {}
        #: Links waiting for the user's yes (open_string); tests await them.
        self.pending_links: set[asyncio.Future[ConsoleTab | None]] = set()
        self.link_confirmer: Callable[..., Any] = _default_link_confirmer
        self.vm_states: dict[tuple[str, str], str] = {}
        self._refreshing = False
        self._fullscreen_tab: ConsoleTab | None = None
        self._was_maximized = False
        self._debug_was_visible = False
        #: The screen fullscreen goes to (its name); "" is the window's own screen.
        self.fullscreen_screen = ""
        self.client_factory = client_factory or (lambda cp: make_client(cp, self.secrets, settings=self.settings))
        self.tab_factory = tab_factory or self._make_tab
        self.power = PowerController(self.client_factory, parent=self)
        self.power.widget = self
        self.power.notification.connect(self.notify)
        self.power.vmChanged.connect(self._vm_changed)

        self._build_sidebar()
        self.tabs = QTabWidget()
        self.tabs.setTabsClosable(True)
        self.tabs.setMovable(True)
        self.tabs.setDocumentMode(True)
        self.tabs.tabCloseRequested.connect(lambda i: self.close_tab(self.tabs.widget(i)))
        self.tabs.currentChanged.connect(lambda _: self._current_changed())
        self.welcome = QLabel(
            "<h2>QVMRC</h2><p>Double-click a VM in the sidebar to open its console,<br>"
            "or add a control plane with <b>+</b>.</p><p>File › Connect to… takes a "
            "ws://, wss://, vnc:// address or a qvmrc:// link.</p>")
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
        self._build_menus()
        self._build_fullscreen_bar()
        self.sidebar.setVisible(settings.show_sidebar)
        self.rebuild_tree()

        self.refresh_timer = QTimer(self)
        self.refresh_timer.setInterval(REFRESH_INTERVAL_MS)
        self.refresh_timer.timeout.connect(self._refresh_soon)
        if auto_refresh:
            self.refresh_timer.start()
            QTimer.singleShot(0, self._refresh_soon)

    # ------------------------------------------------------------ sidebar

    def _build_sidebar(self) -> None:
        self.sidebar = QWidget()
        self.sidebar.setObjectName("sidebar")
        lay = QVBoxLayout(self.sidebar)
        lay.setContentsMargins(6, 6, 0, 6)
        top = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search VMs")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.apply_filter)
        add = QToolButton()
        add.setText("+")
        add.setToolTip("Add a control plane or open a console")
        add.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(add)
        menu.addAction("Add control plane…", self.add_control_plane)
        menu.addAction("Connect to…", self.open_console_dialog)
        add.setMenu(menu)
        top.addWidget(self.search, 1)
        top.addWidget(add)
        lay.addLayout(top)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["Name", "State"])
        self.tree.setRootIsDecorated(True)
        self.tree.setUniformRowHeights(True)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, header.ResizeMode.Stretch)
        header.setSectionResizeMode(1, header.ResizeMode.ResizeToContents)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._tree_menu)
        self.tree.itemActivated.connect(self._item_activated)
        lay.addWidget(self.tree, 1)

    def rebuild_tree(self) -> None:
        self.tree.clear()
        for cp in self.settings.control_planes:
            top = QTreeWidgetItem([cp.label, ""])
            top.setData(0, ROLE, ("cp", cp.id, ""))
            top.setToolTip(0, cp.url)
            f = top.font(0)
            f.setBold(True)
            top.setFont(0, f)
            self.tree.addTopLevelItem(top)
            for vm in cp.vms:
                item = QTreeWidgetItem([vm.label, ""])
                item.setData(0, ROLE, ("vm", cp.id, vm.id))
                item.setToolTip(0, f"{vm.label}\n{vm.id}")
                top.addChild(item)
                self._paint_state(item, self.vm_states.get((cp.id, vm.id), ""))
            top.setExpanded(True)
        self.apply_filter(self.search.text())

    def _paint_state(self, item: QTreeWidgetItem, state: str) -> None:
        gone = state == "NOT FOUND"
        shown = "Deleted" if gone else state.capitalize() if state else ""
        item.setText(1, ("● " + shown) if shown else "")
        item.setForeground(1, QBrush(QColor(STATE_COLOURS.get(state, "#8a8f98"))))
        f = item.font(0)
        f.setItalic(gone)
        item.setFont(0, f)
        item.setToolTip(1, "The control plane no longer lists this VM; right-click › Remove from list"
                        if gone else "")

    def vm_item(self, cp_id: str, vm_id: str) -> QTreeWidgetItem | None:
        for i in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(i)
            for j in range(top.childCount()):
                if top.child(j).data(0, ROLE) == ("vm", cp_id, vm_id):
                    return top.child(j)
        return None

    def apply_filter(self, text: str) -> None:
        needle = text.strip().lower()
        for i in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(i)
            cp_match = bool(needle) and needle in top.text(0).lower()
            any_child = False
            for j in range(top.childCount()):
                child = top.child(j)
                _, _, vm_id = child.data(0, ROLE)
                match = not needle or cp_match or needle in child.text(0).lower() or needle in vm_id.lower()
                child.setHidden(not match)
                any_child = any_child or match
            top.setHidden(bool(needle) and not (cp_match or any_child))

    def _item_activated(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        kind, cp_id, vm_id = item.data(0, ROLE)
        if kind == "vm":
            self.open_saved_vm(cp_id, vm_id)

    def _tree_menu(self, pos: QPoint) -> None:
        item = self.tree.itemAt(pos)
        if item is None:
            menu = QMenu(self)
            menu.addAction("Add control plane…", self.add_control_plane)
            menu.exec(self.tree.viewport().mapToGlobal(pos))
            return
        kind, cp_id, vm_id = item.data(0, ROLE)
        cp = self.settings.find_control_plane(cp_id)
        if cp is None:
            return
        menu = QMenu(self)
        if kind == "vm":
            vm = cp.find_vm(vm_id)
            menu.addAction("Open console", lambda: self.open_saved_vm(cp_id, vm_id))
            menu.addSeparator()
            state = self.vm_states.get((cp_id, vm_id), "UNKNOWN")
            for key, action in ACTIONS.items():
                a = menu.addAction(action.label + ("…" if action.confirm else ""))
                a.setEnabled(available(key, state))
                a.triggered.connect(lambda _=False, k=key: asyncio.ensure_future(
                    self.power.perform(cp, vm_id, vm.label if vm else vm_id, k)))
            menu.addSeparator()
            menu.addAction("Remove from list", lambda: self.remove_vm(cp_id, vm_id))
        else:
            menu.addAction("Refresh", self._refresh_soon)
            menu.addAction("Edit…", lambda: self.edit_control_plane(cp_id))
            menu.addAction("Remove…", lambda: asyncio.ensure_future(self.remove_control_plane(cp_id)))
        menu.exec(self.tree.viewport().mapToGlobal(pos))

    # ---------------------------------------------------- control planes

    def save_settings(self) -> None:
        if self.store is None:
            return
        try:
            self.store.save(self.settings)
        except OSError as e:
            self.notify("Settings", f"cannot save settings: {e.strerror or e}", True)

    def _dialog_client(self, cp: ControlPlane, token: str | None) -> Any:
        from qvmrc.controlplane.client import ControlPlaneClient
        from qvmrc.trust import tls_for

        register_secret(token)
        return ControlPlaneClient(cp.url, token=token, ssl=tls_for(cp.url, self.settings, cp))

    def add_control_plane(self) -> None:
        asyncio.ensure_future(self._edit_cp(None))

    def edit_control_plane(self, cp_id: str) -> None:
        asyncio.ensure_future(self._edit_cp(cp_id))

    async def _edit_cp(self, cp_id: str | None) -> None:
        from qvmrc.ui.settings_dialog import ControlPlaneDialog

        cp = self.settings.find_control_plane(cp_id) if cp_id else None
        token = self.secrets.get(token_key(cp)) if (cp and self.secrets) else None
        dlg = ControlPlaneDialog(self._dialog_client, cp, token, self)
        if cp is None:
            dlg.url.setFocus()
        else:
            asyncio.ensure_future(dlg.load_vms())
        fut: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        dlg.finished.connect(lambda r: fut.done() or fut.set_result(r))
        dlg.open()
        if await fut != dlg.DialogCode.Accepted.value:
            dlg.deleteLater()
            return
        new = dlg.current_cp()
        new_token = dlg.current_token()
        dlg.deleteLater()
        self.save_control_plane(new, new_token, replace=cp_id)

    def save_control_plane(self, cp: ControlPlane, token: str | None, replace: str | None = None) -> None:
        if replace:
            cp.id = replace
            self.settings.control_planes = [cp if c.id == replace else c for c in self.settings.control_planes]
        else:
            self.settings.control_planes.append(cp)
        if self.secrets is not None:
            try:
                self.secrets.set(token_key(cp), token)
            except OSError as e:
                self.notify("Token", f"cannot store the token: {e.strerror or e}", True)
        register_secret(token)
        self.save_settings()
        self.rebuild_tree()
        self._refresh_soon()
        for tab in self.tabs_by_key.values():
            if tab.target.cp is not None and find_saved(self.settings, tab.target.cp.url) is not None:
                tab.set_trusted(True)
        log.info("saved control plane %s with %d VMs", cp.label, len(cp.vms))

    async def remove_control_plane(self, cp_id: str) -> None:
        cp = self.settings.find_control_plane(cp_id)
        if cp is None:
            return
        if not await dialogs.confirm(self, "Remove control plane", f"Remove {cp.label} and its saved VMs "
                                     "from the sidebar?", "Remove", "Open consoles stay open."):
            return
        self.settings.control_planes = [c for c in self.settings.control_planes if c.id != cp_id]
        if self.secrets is not None:
            with contextlib.suppress(OSError):
                self.secrets.delete(token_key(cp))
        self.save_settings()
        self.rebuild_tree()

    def remove_vm(self, cp_id: str, vm_id: str) -> None:
        cp = self.settings.find_control_plane(cp_id)
        if cp is None:
            return
        hide(cp, vm_id)
        self.save_settings()
        self.rebuild_tree()

    def _refresh_soon(self) -> None:
        if self.settings.control_planes and not self._refreshing:
            asyncio.ensure_future(self.refresh_states())

    async def refresh_states(self) -> None:
        """ListVMs on every control plane (concurrently); paint the states."""
        if self._refreshing:
            return
        self._refreshing = True
        try:
            cps = list(self.settings.control_planes)
            results = await asyncio.gather(*(self._list(cp) for cp in cps), return_exceptions=True)
            for cp, result in zip(cps, results, strict=True):
                top = next((self.tree.topLevelItem(i) for i in range(self.tree.topLevelItemCount())
                            if self.tree.topLevelItem(i).data(0, ROLE)[1] == cp.id), None)
                if isinstance(result, BaseException):
                    msg = str(result) if isinstance(result, QVMRCError) else f"{type(result).__name__}: {result}"
                    log.info("cannot refresh %s: %s", cp.label, msg)
                    if top is not None:
                        top.setText(1, "unreachable")
                        top.setForeground(1, QBrush(QColor(STATE_COLOURS["UNREACHABLE"])))
                        top.setToolTip(1, msg)
                    continue
                if top is not None:
                    top.setText(1, "")
                    top.setToolTip(1, "")
                change = merge_listing(cp, result)  # new VMs join the sidebar
                if change.changed:
                    self.save_settings()
                if change.added:
                    self.rebuild_tree()
                for vm_id in change.renamed:
                    item, saved_vm = self.vm_item(cp.id, vm_id), cp.find_vm(vm_id)
                    if item is not None and saved_vm is not None:
                        item.setText(0, saved_vm.label)
                by_id = {vm.id: vm for vm in result}
                for saved in cp.vms:
                    vm = by_id.get(saved.id)
                    self._set_vm_state(cp.id, saved.id, vm.state if vm else "NOT FOUND")
        finally:
            self._refreshing = False

    async def _list(self, cp: ControlPlane) -> list[VM]:
        async with self.client_factory(cp) as client:
            return list(await client.list_vms())

    def _set_vm_state(self, cp_id: str, vm_id: str, state: str) -> None:
        self.vm_states[(cp_id, vm_id)] = state
        item = self.vm_item(cp_id, vm_id)
        if item is not None:
            self._paint_state(item, state)
        cp = self.settings.find_control_plane(cp_id)
        if cp is not None:
            tab = self.tabs_by_key.get(target_for_vm(cp, SavedVM(vm_id)).key)
            if tab is not None:
                tab.vm_state = state

    def _vm_changed(self, cp_id: str, vm: VM) -> None:
        self._set_vm_state(cp_id, vm.id, vm.state)

    # --------------------------------------------------------------- tabs

    def _make_tab(self, target: ConsoleTarget) -> ConsoleTab:
        req = self._requests.get(target.key)  # Connect to… with a CA file or a fingerprint
        extra: dict[str, Any] = {"resolver": request_resolver(req)} if req is not None else {}
        tab = ConsoleTab(target, self.settings, power=self.power, **extra)
        tab.media_button.save_hook = self.save_settings  # recent ISO paths
        tab.certificateTrusted.connect(self.remember_certificate)
        tab.settingsChanged.connect(self.save_settings)
        return tab

    def remember_certificate(self, cp: ControlPlane) -> None:
        """Keep a certificate the user trusted from a console, so the next link just works."""
        saved = find_saved(self.settings, cp.url)
        if saved is None:
            self.settings.control_planes.append(cp)
        else:
            saved.pinned_pem = cp.pinned_pem
        self.save_settings()
        self.rebuild_tree()
        self.notify("Certificate trusted", f"{cp.url}: its certificate is pinned in your settings.", False)

    def open_saved_vm(self, cp_id: str, vm_id: str) -> ConsoleTab | None:
        cp = self.settings.find_control_plane(cp_id)
        vm = cp.find_vm(vm_id) if cp else None
        if cp is None or vm is None:
            return None
        return self.open_target(target_for_vm(cp, vm))

    def _size_debug_panel(self, visible: bool) -> None:
        if visible and not self._debug_sized:
            self._debug_sized = True
            self.resizeDocks([self.debug_panel], [max(180, self.height() // 3)], Qt.Orientation.Vertical)

    def open_string(self, text: str, *, token: str | None = None,
                    password: str | None = None) -> ConsoleTab | None:
        """Open a TARGET typed by the user or handed over by a link.

        Every link takes this path (argv, the desktop handler, a running
        instance's hand-over). A link whose control plane is not saved only
        opens after the user said yes (see :mod:`qvmrc.ui.linktrust`); then
        this returns None and ``pending_links`` holds the question.
        """
        try:
            target = target_from_string(text, self.settings)
        except QVMRCError as e:
            self.notify("Cannot open console", str(e), True)
            return None
        if token:
            register_secret(token)
            target.token = token
        if password:
            register_secret(password)
            target.password = password
        if target.from_link and not target.trusted and target.key not in self.tabs_by_key:
            task = asyncio.ensure_future(self._confirm_link(target))
            self.pending_links.add(task)
            task.add_done_callback(self.pending_links.discard)
            return None
        return self.open_target(target)

    async def _confirm_link(self, target: ConsoleTarget) -> ConsoleTab | None:
        from qvmrc.ui.linktrust import LinkDecision

        assert target.cp is not None and target.vm_id
        name = target.title if target.title != target.vm_id else None
        decision = await self.link_confirmer(self, target.cp.url, target.vm_id, name, target.fullscreen)
        if decision is LinkDecision.CANCEL:
            log.info("link to %s on %s not opened (the user declined)", target.vm_id, display_url(target.cp.url))
            return None
        if decision is LinkDecision.ALWAYS:
            saved = find_saved(self.settings, target.cp.url)
            if saved is None:
                saved = target.cp
                saved.vms.append(SavedVM(target.vm_id, name or ""))
                self.save_control_plane(saved, target.token)
            elif saved.find_vm(target.vm_id) is None:
                saved.vms.append(SavedVM(target.vm_id, name or ""))
                self.save_settings()
                self.rebuild_tree()
            target.cp = saved
            target.trusted = True
            log.info("control plane %s is now trusted (saved)", display_url(saved.url))
        existing = self.tabs_by_key.get(target.key)
        if existing is not None:  # the same link twice while the question was open
            self.tabs.setCurrentWidget(existing)
            return existing
        return self.open_target(target)

    def open_target(self, target: ConsoleTarget) -> ConsoleTab:
        """Open a console tab, or focus the one already open for this VM."""
        existing = self.tabs_by_key.get(target.key)
        if existing is not None:
            self.tabs.setCurrentWidget(existing)
            existing.view.setFocus()
            log.info("console %s is already open: focused its tab", target.title)
            return existing
        if target.cp is not None and target.token is None and self.secrets is not None:
            target.token = self.secrets.get(token_key(target.cp))
            register_secret(target.token)
        if target.cp is not None and target.vm_id:
            target.cp = copy.copy(target.cp)
        tab = self.tab_factory(target)
        self.tabs_by_key[target.key] = tab
        i = self.tabs.addTab(tab, target.title)
        self.tabs.setTabToolTip(i, target.key)
        self.tabs.setCurrentIndex(i)
        self.stack.setCurrentWidget(self.tabs)
        tab.notification.connect(self.notify)
        tab.fullscreenRequested.connect(self.toggle_fullscreen)
        tab.stateTextChanged.connect(lambda _t, t=tab: self._tab_state(t))
        state = self.vm_states.get((target.cp.id, target.vm_id or "")) if target.cp else None
        if state:
            tab.vm_state = state
        tab.start()
        if target.fullscreen:
            QTimer.singleShot(0, self.toggle_fullscreen)
        return tab

    def _tab_state(self, tab: ConsoleTab) -> None:
        i = self.tabs.indexOf(tab)
        if i >= 0:
            connected = tab.overlay.isHidden()
            self.tabs.setTabText(i, tab.target.title if connected else f"{tab.target.title} ⋯")

    def current_tab(self) -> ConsoleTab | None:
        w = self.tabs.currentWidget()
        return w if isinstance(w, ConsoleTab) else None

    def _current_changed(self) -> None:
        tab = self.current_tab()
        if tab is not None:
            self.setWindowTitle(f"{tab.target.title} — QVMRC")
            tab.view.setFocus()
        else:
            self.setWindowTitle("QVMRC")
        self.debug_panel.refresh_stats()

    def close_tab(self, tab: QWidget | None) -> None:
        if not isinstance(tab, ConsoleTab):
            return
        if self._fullscreen_tab is tab:
            self.toggle_fullscreen()
        self.tabs_by_key.pop(tab.target.key, None)
        i = self.tabs.indexOf(tab)
        if i >= 0:
            self.tabs.removeTab(i)
        if self.tabs.count() == 0:
            self.stack.setCurrentWidget(self.welcome)

        async def finish() -> None:
            await tab.close_console()
            tab.deleteLater()

        asyncio.ensure_future(finish())

    async def close_all(self) -> None:
        tabs = list(self.tabs_by_key.values())
        self.tabs_by_key.clear()
        await asyncio.gather(*(t.close_console() for t in tabs), return_exceptions=True)

    # ------------------------------------------------------------- menus

    def _build_menus(self) -> None:
        mb = self.menuBar()
        file = mb.addMenu("&File")
        file.addAction("&Connect to…", QKeySequence("Ctrl+O"), self.open_console_dialog)
        self.recent_menu = file.addMenu("Open &Recent")
        self.recent_menu.aboutToShow.connect(self.fill_recent_menu)
        self.fill_recent_menu()
        file.addAction("&Add control plane…", self.add_control_plane)
        file.addSeparator()
        file.addAction("&Preferences…", QKeySequence("Ctrl+,"), self.open_settings)
        file.addSeparator()
        file.addAction("&Quit", QKeySequence("Ctrl+Q"), self.close)
        view = mb.addMenu("&View")
        self.sidebar_action = QAction("&Sidebar", self, checkable=True)
        self.sidebar_action.setChecked(self.settings.show_sidebar)
        self.sidebar_action.setShortcut(QKeySequence("Ctrl+Shift+B"))
        self.sidebar_action.toggled.connect(self.set_sidebar_visible)
        view.addAction(self.sidebar_action)
        self.fullscreen_action = QAction("&Fullscreen", self)
        self.fullscreen_action.setShortcut(QKeySequence(Qt.Key.Key_F11))
        self.fullscreen_action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        self.fullscreen_action.triggered.connect(self.toggle_fullscreen)
        view.addAction(self.fullscreen_action)
        self.addAction(self.fullscreen_action)  # works while the menu bar is hidden
        self.monitor_menu = view.addMenu("Fullscreen &on")
        self.monitor_menu.aboutToShow.connect(self._fill_monitor_menu)
        self._fill_monitor_menu()
        app = QGuiApplication.instance()
        if isinstance(app, QGuiApplication):
            app.screenAdded.connect(lambda _s: self._fill_monitor_menu())
            app.screenRemoved.connect(lambda _s: self._fill_monitor_menu())
        debug = self.debug_panel.toggleViewAction()
        debug.setText("&Debug panel")
        debug.setShortcut(QKeySequence("Ctrl+Shift+D"))
        view.addAction(debug)
        view.addSeparator()
        self.cursor_actions = cursor_actions(self, self.settings, self._cursor_options_changed)
        view.addActions(self.cursor_actions)
        help_menu = mb.addMenu("&Help")
        help_menu.addAction("&Keyboard shortcuts", lambda: help_dialogs.show_shortcuts(self))
        help_menu.addAction("&About QVMRC", self._about)

    def _fill_monitor_menu(self) -> None:
        """One entry per screen; with a single screen there is nothing to choose."""
        menu = self.monitor_menu
        menu.clear()
        screens = QGuiApplication.screens()
        group = QActionGroup(menu)
        for name, label in [("", "This window's screen")] + [
                (sc.name(), f"{sc.name()} ({sc.geometry().width()} × {sc.geometry().height()})") for sc in screens]:
            a = menu.addAction(label)
            a.setCheckable(True)
            a.setChecked(name == self.fullscreen_screen)
            a.triggered.connect(lambda _=False, n=name: self.set_fullscreen_screen(n))
            group.addAction(a)
        menu.setEnabled(len(screens) > 1)

    def set_fullscreen_screen(self, name: str) -> None:
        self.fullscreen_screen = name
        if self._fullscreen_tab is not None:  # move there now
            self._place_on_screen()
            self.showFullScreen()

    def _place_on_screen(self) -> None:
        screen = fullscreen_target(self.fullscreen_screen, QGuiApplication.screens())
        handle = self.windowHandle()
        if screen is None or handle is None or screen is handle.screen():
            return
        if self.isFullScreen():
            self.showNormal()
        # A mapped window stays where the compositor put it (Wayland ignores a client's
        # position): unmap, move to the new screen, and let showFullScreen map it there.
        self.hide()
        handle.setScreen(screen)
        self.move(screen.availableGeometry().topLeft())
    def _cursor_options_changed(self) -> None:
        self.save_settings()
        for tab in self.tabs_by_key.values():
            tab.apply_settings(self.settings)

    def set_sidebar_visible(self, on: bool) -> None:
        self.sidebar.setVisible(on)
        if self.sidebar_action.isChecked() != on:
            self.sidebar_action.setChecked(on)
        if self.settings.show_sidebar != on:
            self.settings.show_sidebar = on
            self.save_settings()

    def open_console_dialog(self, initial: ConnectRequest | None = None) -> Any:
        """File › Connect to…: address, password, TLS and view-only (qvmrc.ui.connect_dialog)."""
        from qvmrc.ui.connect_dialog import ConnectDialog

        dlg = ConnectDialog(self.settings, self, initial if isinstance(initial, ConnectRequest) else None)
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.accepted.connect(lambda: self.connect_to(dlg.request()))
        self.connect_dialog = dlg
        dlg.open()
        return dlg

    def connect_to(self, req: ConnectRequest) -> ConsoleTab | None:
        """Open what Connect to… or File › Recent asks for, and remember it (no secrets).

        Typed ws://, wss:// and vnc:// targets open at once; a qvmrc:// link
        still asks first when its control plane is not saved (open_string).
        """
        try:
            target = target_from_string(req.target, self.settings)
        except QVMRCError as e:
            self.notify("Cannot open console", str(e), True)
            return None
        remember(self.settings, req.recent(target.title))
        self.save_settings()
        if target.from_link:
            before = set(self.pending_links)
            tab = self.open_string(req.target, password=req.password)
            if req.view_only:  # the link waits for the user's yes: view only applies after it
                for task in set(self.pending_links) - before:
                    task.add_done_callback(_view_only_when_opened)
        else:
            if req.password:
                register_secret(req.password)
                target.password = req.password
            if req.is_wss and (req.ca_file or req.fingerprint):
                self._requests[target.key] = req
            try:
                tab = self.open_target(target)
            finally:
                self._requests.pop(target.key, None)
        if tab is not None and req.view_only:
            tab.view_only_action.setChecked(True)
        return tab

    def fill_recent_menu(self) -> None:
        m = self.recent_menu
        m.clear()
        if not self.settings.recent_targets:
            m.addAction("No recent consoles").setEnabled(False)
            return
        for r in self.settings.recent_targets:
            text = r.target if not r.title or r.title in r.target else f"{r.title} — {r.target}"
            a = m.addAction(text.replace("&", "&&") + ("  (view only)" if r.view_only else ""))
            a.triggered.connect(lambda _=False, r=r: self.connect_to(ConnectRequest.from_recent(r)))
        m.addSeparator()
        m.addAction("Clear recent", self.clear_recent)

    def clear_recent(self) -> None:
        self.settings.recent_targets = []
        self.save_settings()
        self.fill_recent_menu()

    def open_settings(self) -> None:
        from qvmrc.ui.settings_dialog import SettingsDialog

        dlg = SettingsDialog(self.settings, self)
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def accepted() -> None:
            self.apply_settings(dlg.result_settings())

        dlg.accepted.connect(accepted)
        dlg.open()

    def apply_settings(self, new: Settings) -> None:
        new.control_planes = self.settings.control_planes
        new.show_sidebar = self.settings.show_sidebar
        for kept in ("link_handler_asked", "legacy_imported", "secret_storage", "recent_isos",
                     "recent_targets"):  # changed meanwhile
            setattr(new, kept, getattr(self.settings, kept))
        for k, v in vars(new).items():
            setattr(self.settings, k, v)
        self.save_settings()
        apply_theme(self.settings)
        for tab in self.tabs_by_key.values():
            tab.apply_settings(self.settings)
        log.info("preferences saved")

    def _about(self) -> None:
        help_dialogs.show_about(self)

    def notify(self, title: str, text: str, error: bool = False) -> None:
        self.statusBar().showMessage(f"{title}: {text}", 10_000)
        if error:
            dialogs.notify(self, title, text, error=True)

    # -------------------------------------------------------- fullscreen

    def toggle_fullscreen(self) -> None:
        tab = self._fullscreen_tab
        if tab is not None:
            self._fullscreen_tab = None
            self.menuBar().show()
            self.statusBar().show()
            self.tabs.tabBar().show()
            tab.toolbar.show()
            tab.status.show()
            self.sidebar.setVisible(self.settings.show_sidebar)
            self.fullscreen_bar.deactivate()
            if self._debug_was_visible:
                self.debug_panel.show()
            if self._was_maximized:
                self.showMaximized()
            else:
                self.showNormal()
            tab.view.setFocus()
            return
        tab = self.current_tab()
        if tab is None:
            return
        self._fullscreen_tab = tab
        self._was_maximized = self.isMaximized()
        self.menuBar().hide()
        self.statusBar().hide()
        self.tabs.tabBar().hide()
        self.sidebar.hide()
        self._debug_was_visible = self.debug_panel.isVisible()
        self.debug_panel.hide()
        tab.toolbar.hide()
        tab.status.hide()
        self._place_on_screen()
        self.showFullScreen()
        self.fullscreen_bar.activate(tab.target.title, tab.view.scale_mode)
        tab.view.setFocus()

    def _build_fullscreen_bar(self) -> None:
        bar = self.fullscreen_bar = FullscreenBar(self)
        bar.leaveRequested.connect(lambda: self._fullscreen_tab is not None and self.toggle_fullscreen())
        bar.ctrlAltDelRequested.connect(lambda: self._fullscreen_tab and self._fullscreen_tab.send_keys("Ctrl+Alt+Del"))
        bar.releaseRequested.connect(self._release_grab)
        bar.zoomChosen.connect(lambda mode: self._fullscreen_tab and self._fullscreen_tab.set_scale_mode(mode))

    def _release_grab(self) -> None:
        tab = self._fullscreen_tab
        if tab is not None and hasattr(tab.view, "release_input"):
            tab.view.release_input()

    @property
    def is_console_fullscreen(self) -> bool:
        return self._fullscreen_tab is not None

    # -------------------------------------------------------------- debug

    def _source(self, tab: ConsoleTab) -> ConsoleStatsSource:
        s = tab.session
        return ConsoleStatsSource(title=tab.target.title, stats=getattr(s, "stats", None),
                                  recording=tab.recording, state=tab.state.value)

    def console_sources(self) -> list[ConsoleStatsSource]:
        return [self._source(t) for t in self.tabs_by_key.values()]

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

    # -------------------------------------------------------------- close

    def closeEvent(self, event: QCloseEvent) -> None:
        self.refresh_timer.stop()
        self.save_settings()
        super().closeEvent(event)


def _view_only_when_opened(task: asyncio.Future[ConsoleTab | None]) -> None:
    if not task.cancelled() and task.exception() is None and task.result() is not None:
        tab = task.result()
        assert tab is not None
        tab.view_only_action.setChecked(True)


def fullscreen_target(name: str, screens: list[QScreen]) -> QScreen | None:
    """The screen called ``name``; None (stay where the window is) for "" or a screen now gone."""
    return next((sc for sc in screens if name and sc.name() == name), None)


async def _default_link_confirmer(*args: Any) -> Any:
    from qvmrc.ui.linktrust import confirm_link

    return await confirm_link(*args)


def apply_theme(settings: Settings) -> None:
    """Follow the OS colour scheme, or force light/dark (Qt 6.8+; older Qt just follows the OS)."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return
    hints = app.styleHints()
    if not hasattr(hints, "setColorScheme"):
        return
    if settings.theme_follows_os:
        hints.unsetColorScheme() if hasattr(hints, "unsetColorScheme") else hints.setColorScheme(
            Qt.ColorScheme.Unknown)
    else:
        hints.setColorScheme(Qt.ColorScheme.Dark if settings.theme == "dark" else Qt.ColorScheme.Light)
