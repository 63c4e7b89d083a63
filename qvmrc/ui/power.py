"""VM power actions through the control plane, from the toolbar and the sidebar.

A console user's most common fix is "turn it off and on again", so the actions
sit next to the console. Power off loses unsaved guest data and asks first; a
failure is one readable sentence (the control plane's own message), never a
traceback.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Signal
from PySide6.QtWidgets import QWidget

from qvmrc.controlplane.client import VM, ControlPlaneClient
from qvmrc.errors import QVMRCError
from qvmrc.i18n import QT_TRANSLATE_NOOP
from qvmrc.settings import ControlPlane, SecretStore, Settings, token_key
from qvmrc.ui import dialogs
from qvmrc.ui.logscrub import register_secret

log = logging.getLogger(__name__)

RUNNING, STOPPED, PAUSED = "RUNNING", "STOPPED", "PAUSED"
KNOWN_STATES = {"RUNNING", "STOPPED", "PAUSED", "SUSPENDED", "CRASHED", "MIGRATING", "PROVISIONING"}


def _tr(text: str) -> str:
    return QCoreApplication.translate("PowerAction", text) if text else ""


@dataclass(frozen=True)
class PowerAction:
    """One action; its texts are kept in English and read translated (label, confirm, done)."""

    key: str
    english_label: str
    call: Callable[[ControlPlaneClient, str], Awaitable[VM]]
    states: frozenset[str]  # states in which the action makes sense
    english_confirm: str = ""  # non-empty: ask this question first
    english_done: str = ""

    @property
    def label(self) -> str:
        return _tr(self.english_label)

    @property
    def confirm(self) -> str:
        return _tr(self.english_confirm)

    @property
    def done(self) -> str:
        return _tr(self.english_done)


ACTIONS: dict[str, PowerAction] = {a.key: a for a in (
    PowerAction("start", QT_TRANSLATE_NOOP("PowerAction", "Start"), lambda c, i: c.start_vm(i),
                frozenset({STOPPED, "CRASHED", "SUSPENDED"}), english_done=QT_TRANSLATE_NOOP("PowerAction", "start requested")),
    PowerAction("shutdown", QT_TRANSLATE_NOOP("PowerAction", "Shut down"), lambda c, i: c.stop_vm(i, force=False),
                frozenset({RUNNING}),
                english_done=QT_TRANSLATE_NOOP("PowerAction", "graceful shutdown requested (the guest decides when)")),
    PowerAction("poweroff", QT_TRANSLATE_NOOP("PowerAction", "Power off"), lambda c, i: c.stop_vm(i, force=True),
                frozenset({RUNNING, PAUSED, "CRASHED", "MIGRATING"}),
                english_confirm=QT_TRANSLATE_NOOP("PowerAction", "Power off cuts the power like pulling the plug: unsaved work in the VM is lost."),
                english_done=QT_TRANSLATE_NOOP("PowerAction", "powered off")),
    PowerAction("reboot", QT_TRANSLATE_NOOP("PowerAction", "Reboot"), lambda c, i: c.reboot_vm(i), frozenset({RUNNING}),
                english_done=QT_TRANSLATE_NOOP("PowerAction", "reboot requested")),
    PowerAction("pause", QT_TRANSLATE_NOOP("PowerAction", "Pause"), lambda c, i: c.pause_vm(i), frozenset({RUNNING}),
                english_done=QT_TRANSLATE_NOOP("PowerAction", "paused")),
    PowerAction("resume", QT_TRANSLATE_NOOP("PowerAction", "Resume"), lambda c, i: c.resume_vm(i), frozenset({PAUSED, "SUSPENDED"}),
                english_done=QT_TRANSLATE_NOOP("PowerAction", "resumed")),
)}


def available(action: str, state: str) -> bool:
    """Whether to enable an action for a VM in ``state`` (unknown states allow all)."""
    if state not in KNOWN_STATES:
        return True
    return state in ACTIONS[action].states


def make_client(cp: ControlPlane, secrets: SecretStore | None, timeout: float = 15.0,
                settings: Settings | None = None) -> ControlPlaneClient:
    """A client for a saved control plane, with its token and the TLS trust its consoles use."""
    from qvmrc.trust import tls_for

    token = secrets.get(token_key(cp)) if secrets is not None else None
    register_secret(token)
    return ControlPlaneClient(cp.url, token=token, timeout=timeout, ssl=tls_for(cp.url, settings, cp))


ConfirmFn = Callable[[QWidget | None, str, str, str, str], Awaitable[bool]]


class PowerController(QObject):
    """Runs power actions; reports results as signals the window shows."""

    notification = Signal(str, str, bool)  # title, text, is_error
    vmChanged = Signal(str, object)  # control plane id, VM

    def __init__(self, client_factory: Callable[[ControlPlane], Any],
                 confirm: ConfirmFn | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.client_factory = client_factory
        self.confirm: ConfirmFn = confirm or dialogs.confirm
        self.widget: QWidget | None = None  # parent for the confirmation dialog

    async def perform(self, cp: ControlPlane, vm_id: str, vm_name: str, key: str) -> VM | None:
        action = ACTIONS[key]
        name = vm_name or vm_id
        question = self.tr("{0} {1}?").format(action.label, name)
        if action.confirm and not await self.confirm(
                self.widget, question, question, action.label, action.confirm):
            log.info("%s of %s cancelled", action.english_label.lower(), name)
            return None
        log.info("%s %s (%s) on %s", action.english_label.lower(), name, vm_id, cp.label)
        try:
            client = self.client_factory(cp)
            async with client:
                vm = await action.call(client, vm_id)
        except QVMRCError as e:
            log.warning("%s of %s failed: %s", action.english_label.lower(), name, e)
            self.notification.emit(self.tr("{0} failed").format(action.label),
                                   self.tr("{0} {1}: {2}").format(action.label, name, e), True)
            return None
        self.vmChanged.emit(cp.id, vm)
        self.notification.emit(action.label, self.tr("{0}: {1} (now {2})").format(name, action.done, vm.state), False)
        return vm
