"""Adding, editing and removing saved control planes, their tokens and pinned certificates.

Tokens live in the secret store (keyring), never in the settings file; a
certificate the user trusted from a console is pinned in the settings so the
next deep link to that control plane opens without asking again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from qvmrc.settings import ControlPlane, SecretStore, Settings, token_key
from qvmrc.trust import find_saved
from qvmrc.ui import dialogs
from qvmrc.ui.inventory import hide
from qvmrc.ui.logscrub import register_secret

log = logging.getLogger(__name__)

Notify = Callable[[str, str, bool], None]


class ControlPlaneEditor(QObject):
    #: The saved control planes or their VM lists changed (redraw the sidebar).
    changed = Signal()
    #: A control plane was added or edited (list it now; consoles on it may now be trusted).
    saved = Signal()

    def __init__(self, settings: Settings, secrets: SecretStore | None, window: QWidget,
                 save: Callable[[], None], notify: Notify) -> None:
        super().__init__(window)
        self.settings = settings
        self.secrets = secrets
        self.window = window
        self._save = save
        self._notify = notify

    def _dialog_client(self, cp: ControlPlane, token: str | None) -> Any:
        from qvmrc.controlplane.client import ControlPlaneClient
        from qvmrc.trust import tls_for

        register_secret(token)
        return ControlPlaneClient(cp.url, token=token, ssl=tls_for(cp.url, self.settings, cp))

    def add(self) -> None:
        asyncio.ensure_future(self.edit_dialog(None))

    def edit(self, cp_id: str) -> None:
        asyncio.ensure_future(self.edit_dialog(cp_id))

    async def edit_dialog(self, cp_id: str | None) -> None:
        """The control plane dialog (a new one for None); saves on OK."""
        from qvmrc.ui.settings_dialog import ControlPlaneDialog

        cp = self.settings.find_control_plane(cp_id) if cp_id else None
        token = self.secrets.get(token_key(cp)) if (cp and self.secrets) else None
        dlg = ControlPlaneDialog(self._dialog_client, cp, token, self.window)
        if cp is None:
            dlg.url.setFocus()
        else:
            asyncio.ensure_future(dlg.load_vms())
        fut: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        dlg.finished.connect(lambda r: None if fut.done() else fut.set_result(r))
        dlg.open()
        if await fut != dlg.DialogCode.Accepted.value:
            dlg.deleteLater()
            return
        new = dlg.current_cp()
        new_token = dlg.current_token()
        dlg.deleteLater()
        self.save(new, new_token, replace=cp_id)

    def save(self, cp: ControlPlane, token: str | None, replace: str | None = None) -> None:
        """Keep ``cp`` (in place of the control plane ``replace``) and its token."""
        if replace:
            cp.id = replace
            self.settings.control_planes = [cp if c.id == replace else c for c in self.settings.control_planes]
        else:
            self.settings.control_planes.append(cp)
        if self.secrets is not None:
            try:
                self.secrets.set(token_key(cp), token)
            except OSError as e:
                self._notify(self.tr("Token"), self.tr("cannot store the token: {0}").format(e.strerror or e),
                             True)
        register_secret(token)
        self._save()
        self.changed.emit()
        self.saved.emit()
        log.info("saved control plane %s with %d VMs", cp.label, len(cp.vms))

    async def remove(self, cp_id: str) -> None:
        """Forget a control plane and its token, after asking; open consoles stay open."""
        cp = self.settings.find_control_plane(cp_id)
        if cp is None:
            return
        if not await dialogs.confirm(self.window, self.tr("Remove control plane"),
                                     self.tr("Remove {0} and its saved VMs from the sidebar?").format(cp.label),
                                     self.tr("Remove"), self.tr("Open consoles stay open.")):
            return
        self.settings.control_planes = [c for c in self.settings.control_planes if c.id != cp_id]
        if self.secrets is not None:
            with contextlib.suppress(OSError):
                self.secrets.delete(token_key(cp))
        self._save()
        self.changed.emit()

    def remove_vm(self, cp_id: str, vm_id: str) -> None:
        """Take a VM out of the sidebar; later listings do not bring it back."""
        cp = self.settings.find_control_plane(cp_id)
        if cp is None:
            return
        hide(cp, vm_id)
        self._save()
        self.changed.emit()

    def remember_certificate(self, cp: ControlPlane) -> None:
        """Keep a certificate the user trusted from a console, so the next link just works."""
        saved = find_saved(self.settings, cp.url)
        if saved is None:
            self.settings.control_planes.append(cp)
        else:
            saved.pinned_pem = cp.pinned_pem
        self._save()
        self.changed.emit()
        self._notify(self.tr("Certificate trusted"),
                     self.tr("{0}: its certificate is pinned in your settings.").format(cp.url), False)
