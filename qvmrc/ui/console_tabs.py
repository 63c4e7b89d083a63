"""The console tabs and every way into them: a saved VM, a typed address, a deep link, a recent.

One tab per console: opening a VM that already has a tab focuses that tab, since
two consoles of one VM would fight over the keyboard and the pointer. Every link
(argv, the desktop handler, a running instance's hand-over) takes
:meth:`ConsoleTabs.open_string`; a link to a control plane that is not saved only
opens after the user said yes (:mod:`qvmrc.ui.linktrust`).
"""

from __future__ import annotations

import asyncio
import copy
import logging
from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QTabBar, QTabWidget, QWidget

from qvmrc.errors import QVMRCError
from qvmrc.settings import SavedVM, SecretStore, Settings, display_url, token_key
from qvmrc.trust import find_saved
from qvmrc.ui.console_tab import ConsoleTab, ConsoleTarget, target_for_vm, target_from_string
from qvmrc.ui.control_plane_editor import ControlPlaneEditor, Notify
from qvmrc.ui.logscrub import register_secret
from qvmrc.ui.power import PowerController
from qvmrc.ui.recents import ConnectRequest, remember, request_resolver

log = logging.getLogger(__name__)

TabFactory = Callable[[ConsoleTarget], ConsoleTab]


class ConsoleTabs(QTabWidget):
    #: A tab asked for fullscreen (its toolbar button or F11 inside it).
    fullscreenRequested = Signal()
    #: A tab is about to go (leave fullscreen first if it is the fullscreen one).
    tabClosing = Signal(object)
    #: The current console, or None when the last tab closed.
    currentConsoleChanged = Signal(object)

    def __init__(self, settings: Settings, secrets: SecretStore | None, power: PowerController,
                 editor: ControlPlaneEditor, states: Mapping[tuple[str, str], str],
                 save: Callable[[], None], notify: Notify, tab_factory: TabFactory | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.secrets = secrets
        self.power = power
        self.editor = editor
        self.states = states
        self._save = save
        self._notify = notify
        self.tab_factory = tab_factory or self.make_tab
        self.by_key: dict[str, ConsoleTab] = {}
        self._requests: dict[str, ConnectRequest] = {}
        #: Links waiting for the user's yes (open_string); tests await them.
        self.pending_links: set[asyncio.Future[ConsoleTab | None]] = set()
        self.link_confirmer: Callable[..., Any] = _default_link_confirmer
        self.setTabsClosable(True)
        self.setMovable(True)
        self.setDocumentMode(True)
        self.setAccessibleName(self.tr("Consoles"))
        self.tabBar().setAccessibleName(self.tr("Open consoles"))
        self.tabCloseRequested.connect(lambda i: self.close_tab(self.widget(i)))
        self.currentChanged.connect(lambda _: self._current_changed())

    # ----------------------------------------------------------- opening

    def make_tab(self, target: ConsoleTarget) -> ConsoleTab:
        req = self._requests.get(target.key)  # Connect to… with a CA file or a fingerprint
        extra: dict[str, Any] = {"resolver": request_resolver(req)} if req is not None else {}
        tab = ConsoleTab(target, self.settings, power=self.power, **extra)
        tab.media_button.save_hook = self._save  # recent ISO paths
        tab.certificateTrusted.connect(self.editor.remember_certificate)
        tab.settingsChanged.connect(self._save)
        return tab

    def open_target(self, target: ConsoleTarget) -> ConsoleTab:
        """Open a console tab, or focus the one already open for this VM."""
        existing = self.by_key.get(target.key)
        if existing is not None:
            self.setCurrentWidget(existing)
            existing.view.setFocus()
            log.info("console %s is already open: focused its tab", target.title)
            return existing
        if target.cp is not None and target.token is None and self.secrets is not None:
            target.token = self.secrets.get(token_key(target.cp))
            register_secret(target.token)
        if target.cp is not None and target.vm_id:
            target.cp = copy.copy(target.cp)
        tab = self.tab_factory(target)
        self.by_key[target.key] = tab
        i = self.addTab(tab, target.title)
        self.setTabToolTip(i, target.key)
        self._name_close_button(i, target.title)
        self.setCurrentIndex(i)
        tab.notification.connect(lambda title, text, error: self._notify(title, text, error))
        tab.fullscreenRequested.connect(self.fullscreenRequested.emit)
        tab.stateTextChanged.connect(lambda _t, t=tab: self._tab_state(t))
        state = self.states.get((target.cp.id, target.vm_id or "")) if target.cp else None
        if state:
            tab.vm_state = state
        tab.start()
        if target.fullscreen:
            QTimer.singleShot(0, self.fullscreenRequested.emit)
        return tab

    def _name_close_button(self, index: int, title: str) -> None:
        bar = self.tabBar()
        for side in (QTabBar.ButtonPosition.RightSide, QTabBar.ButtonPosition.LeftSide):
            button = bar.tabButton(index, side)
            if button is not None:
                button.setAccessibleName(self.tr("Close {0}").format(title))

    def open_saved_vm(self, cp_id: str, vm_id: str) -> ConsoleTab | None:
        cp = self.settings.find_control_plane(cp_id)
        vm = cp.find_vm(vm_id) if cp else None
        if cp is None or vm is None:
            return None
        return self.open_target(target_for_vm(cp, vm))

    def open_string(self, text: str, *, token: str | None = None,
                    password: str | None = None) -> ConsoleTab | None:
        """Open a TARGET typed by the user or handed over by a link.

        Returns None when the target is bad (the user is told why) or when a
        link waits for the user's yes; then ``pending_links`` holds the question.
        """
        try:
            target = target_from_string(text, self.settings)
        except QVMRCError as e:
            self._notify(self.tr("Cannot open console"), str(e), True)
            return None
        if token:
            register_secret(token)
            target.token = token
        if password:
            register_secret(password)
            target.password = password
        if target.from_link and not target.trusted and target.key not in self.by_key:
            task = asyncio.ensure_future(self._confirm_link(target))
            self.pending_links.add(task)
            task.add_done_callback(self.pending_links.discard)
            return None
        return self.open_target(target)

    async def _confirm_link(self, target: ConsoleTarget) -> ConsoleTab | None:
        from qvmrc.ui.linktrust import LinkDecision

        assert target.cp is not None and target.vm_id
        name = target.title if target.title != target.vm_id else None
        decision = await self.link_confirmer(self.window(), target.cp.url, target.vm_id, name, target.fullscreen)
        if decision is LinkDecision.CANCEL:
            log.info("link to %s on %s not opened (the user declined)", target.vm_id, display_url(target.cp.url))
            return None
        if decision is LinkDecision.ALWAYS:
            saved = find_saved(self.settings, target.cp.url)
            if saved is None:
                saved = target.cp
                saved.vms.append(SavedVM(target.vm_id, name or ""))
                self.editor.save(saved, target.token)
            elif saved.find_vm(target.vm_id) is None:
                saved.vms.append(SavedVM(target.vm_id, name or ""))
                self._save()
                self.editor.changed.emit()
            target.cp = saved
            target.trusted = True
            log.info("control plane %s is now trusted (saved)", display_url(saved.url))
        existing = self.by_key.get(target.key)
        if existing is not None:  # the same link twice while the question was open
            self.setCurrentWidget(existing)
            return existing
        return self.open_target(target)

    def connect_to(self, req: ConnectRequest) -> ConsoleTab | None:
        """Open what Connect to… or File › Recent asks for, and remember it (no secrets).

        Typed ws://, wss:// and vnc:// targets open at once; a qvmrc:// link
        still asks first when its control plane is not saved (open_string).
        """
        try:
            target = target_from_string(req.target, self.settings)
        except QVMRCError as e:
            self._notify(self.tr("Cannot open console"), str(e), True)
            return None
        remember(self.settings, req.recent(target.title))
        self._save()
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

    # ----------------------------------------------------- current, close

    def current_tab(self) -> ConsoleTab | None:
        w = self.currentWidget()
        return w if isinstance(w, ConsoleTab) else None

    def _current_changed(self) -> None:
        tab = self.current_tab()
        if tab is not None:
            tab.view.setFocus()
        self.currentConsoleChanged.emit(tab)

    def _tab_state(self, tab: ConsoleTab) -> None:
        """A tab's title says "⋯" while its console is not showing a screen."""
        i = self.indexOf(tab)
        if i >= 0:
            connected = tab.overlay.isHidden()
            self.setTabText(i, tab.target.title if connected else f"{tab.target.title} ⋯")

    def set_vm_state(self, cp_id: str, vm_id: str, state: str) -> None:
        """Tell the open console of that VM (if any) its power state."""
        cp = self.settings.find_control_plane(cp_id)
        if cp is not None:
            tab = self.by_key.get(target_for_vm(cp, SavedVM(vm_id)).key)
            if tab is not None:
                tab.vm_state = state

    def mark_trusted(self) -> None:
        """Consoles whose control plane is now saved stop asking about links and clipboard."""
        for tab in self.by_key.values():
            if tab.target.cp is not None and find_saved(self.settings, tab.target.cp.url) is not None:
                tab.set_trusted(True)

    def close_tab(self, tab: QWidget | None) -> None:
        if not isinstance(tab, ConsoleTab):
            return
        self.tabClosing.emit(tab)
        self.by_key.pop(tab.target.key, None)
        i = self.indexOf(tab)
        if i >= 0:
            self.removeTab(i)

        async def finish() -> None:
            await tab.close_console()
            tab.deleteLater()

        asyncio.ensure_future(finish())

    async def close_all(self) -> None:
        tabs = list(self.by_key.values())
        self.by_key.clear()
        await asyncio.gather(*(t.close_console() for t in tabs), return_exceptions=True)


def _view_only_when_opened(task: asyncio.Future[ConsoleTab | None]) -> None:
    if not task.cancelled() and task.exception() is None and task.result() is not None:
        tab = task.result()
        assert tab is not None
        tab.view_only_action.setChecked(True)


async def _default_link_confirmer(*args: Any) -> Any:
    from qvmrc.ui.linktrust import confirm_link

    return await confirm_link(*args)
