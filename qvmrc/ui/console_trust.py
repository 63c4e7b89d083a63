"""Start, Resume and Trust from a console's overlay, and the VNC password prompt.

A mixin of ConsoleTab (see it for the attributes used). Texts keep the "ConsoleTab"
translation context: a mixin's ``self.tr`` would look them up under the runtime
class, which lupdate cannot know.
"""

from __future__ import annotations

import logging
from dataclasses import replace

from PySide6.QtCore import QCoreApplication

from qvmrc.console import Action
from qvmrc.errors import QVMRCError
from qvmrc.settings import display_url
from qvmrc.ui import dialogs
from qvmrc.ui.logscrub import register_secret

log = logging.getLogger("qvmrc.ui.console_tab")


class ConsoleTrustMixin:
    """What the overlay's buttons need beyond reconnecting: power, trust, a password."""

    async def _perform(self, action: Action) -> bool:
        """Start, Resume or Trust from the overlay; True when it happened."""
        if action is Action.TRUST:
            return await self._trust()
        if self.power is None or self.target.cp is None or not self.target.vm_id:
            return False
        key = "start" if action is Action.START else "resume"
        self.model.busy(QCoreApplication.translate("ConsoleTab", "Starting the VM…") if key == "start" else QCoreApplication.translate("ConsoleTab", "Resuming the VM…"))
        vm = await self.power.perform(self.target.cp, self.target.vm_id, self.target.title, key)
        if vm is None:
            return False
        self.vm_state = vm.state
        return True

    def _trust_url(self) -> str | None:
        """Where the certificate to trust is: the control plane, or an ad-hoc wss:// server."""
        if self.target.cp is not None and self.target.cp.url.lower().startswith("https://"):
            return self.target.cp.url
        if self.target.target.lower().startswith("wss://"):
            return self.target.target
        return None

    async def _trust(self) -> bool:
        """Self-signed appliances are the normal case: show the certificate's fingerprint,
        and when the user accepts, pin it in the settings (its control plane, or its host:port)."""
        url = self._trust_url()
        if url is None:
            return False
        from qvmrc import certs
        from qvmrc.controlplane.client import fetch_server_certificate

        shown = self.model.state
        self.model.busy(QCoreApplication.translate("ConsoleTab", "Fetching the certificate…"))
        try:
            cert = await fetch_server_certificate(url)
        except QVMRCError as err:
            self.model.restore(replace(shown, reason=f"{shown.reason}\n{err}".strip()))
            return False
        where = display_url(url)
        ok = await dialogs.confirm(
            self, QCoreApplication.translate("ConsoleTab", "Trust this certificate?"),
            QCoreApplication.translate("ConsoleTab", "{where} presents a certificate that no known authority signed (normal for an appliance).")
            .format(where=where),
            QCoreApplication.translate("ConsoleTab", "Trust"), QCoreApplication.translate("ConsoleTab", "Compare its SHA-256 fingerprint with the one the appliance shows:\n\n{sha256}")
            .format(sha256=cert.sha256))
        if not ok:
            return False
        cp = self.target.cp
        if cp is not None and url == cp.url:
            cp.pinned_pem = cert.pem
            log.info("trusting the certificate of %s (SHA-256 %s)", cp.url, cert.sha256)
            self.certificateTrusted.emit(cp)
        else:
            key = certs.host_key(url)
            self.settings.pinned_certificates[key] = cert.sha256
            log.info("trusting the certificate of %s (SHA-256 %s)", key, cert.sha256)
            self.settingsChanged.emit()
        return True

    async def ask_password(self) -> str | None:
        if self._password_prompt is not None:
            pw = await self._password_prompt()
        else:
            self._show(QCoreApplication.translate("ConsoleTab", "Authenticating…"), QCoreApplication.translate("ConsoleTab", "The console asks for a VNC password."))
            pw = await dialogs.ask_password(
                self, QCoreApplication.translate("ConsoleTab", "VNC password"),
                QCoreApplication.translate("ConsoleTab", "The console of {vm} asks for its VNC password:").format(vm=self.target.title))
        if pw is not None:
            register_secret(pw)
            self._password = pw  # for reconnects of this tab only; never saved
        return pw
