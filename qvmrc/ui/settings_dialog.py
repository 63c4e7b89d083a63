"""The Preferences dialog and the add/edit control plane dialog."""

from __future__ import annotations

import asyncio
import copy
import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from qvmrc.errors import ControlPlaneError, QVMRCError
from qvmrc.rfb.encodings.numbers import PIXEL_ENCODINGS
from qvmrc.settings import RELEASE_HOTKEYS, SCALE_MODES, ControlPlane, SavedVM, Settings
from qvmrc.ui import dialogs
from qvmrc.ui.a11y import name_buttons

log = logging.getLogger(__name__)


class SettingsDialog(QDialog):
    """Preferences; :meth:`result_settings` returns an edited copy (control planes untouched)."""

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("QVMRC Preferences"))
        self._orig = settings
        form = QFormLayout()
        self.encoding = QComboBox()
        for name in PIXEL_ENCODINGS:
            if name != "copyrect":
                self.encoding.addItem(name.upper() if len(name) <= 4 else name.capitalize(), name)
        self.encoding.setAccessibleName(self.tr("Preferred encoding"))
        self.encoding.setCurrentIndex(max(0, self.encoding.findData(settings.preferred_encoding)))
        self.encoding.setToolTip(self.tr("Asked for first; the server picks among what it supports"))
        form.addRow(self.tr("Preferred encoding:"), self.encoding)
        self.jpeg = QComboBox()
        self.jpeg.addItem(self.tr("Off (lossless)"), None)
        for q in range(10):
            self.jpeg.addItem(f"{q}" + (self.tr(" (smallest)") if q == 0 else self.tr(" (best)") if q == 9 else ""), q)
        self.jpeg.setAccessibleName(self.tr("JPEG quality"))
        self.jpeg.setCurrentIndex(max(0, self.jpeg.findData(settings.jpeg_quality)))
        form.addRow(self.tr("JPEG quality:"), self.jpeg)
        self.compress = QComboBox()
        self.compress.addItem(self.tr("Server default"), None)
        for lv in range(10):
            self.compress.addItem(f"{lv}" + (self.tr(" (fastest)") if lv == 0 else self.tr(" (smallest)") if lv == 9 else ""), lv)
        self.compress.setAccessibleName(self.tr("Compression level"))
        self.compress.setCurrentIndex(max(0, self.compress.findData(settings.compress_level)))
        form.addRow(self.tr("Compression level:"), self.compress)
        self.scale = QComboBox()
        for m in SCALE_MODES:
            self.scale.addItem({"fit": self.tr("Fit"), "fill": self.tr("Fill"), "1:1": self.tr("1:1 (no scaling)")}[m], m)
        self.scale.setAccessibleName(self.tr("Default scale mode"))
        self.scale.setCurrentIndex(max(0, self.scale.findData(settings.scale_mode)))
        form.addRow(self.tr("Default scale mode:"), self.scale)
        self.smooth = QCheckBox(self.tr("Smooth scaling"))
        self.smooth.setAccessibleName(self.tr("Smooth scaling"))
        self.smooth.setChecked(settings.smooth_scaling)
        form.addRow("", self.smooth)
        self.hotkey = QComboBox()
        for combo in RELEASE_HOTKEYS:
            self.hotkey.addItem(combo, combo)
        self.hotkey.setAccessibleName(self.tr("Release hotkey"))
        self.hotkey.setCurrentIndex(max(0, self.hotkey.findData(settings.release_hotkey)))
        self.hotkey.setToolTip(self.tr("Gives keyboard and mouse back from a console you clicked into"))
        form.addRow(self.tr("Release hotkey:"), self.hotkey)
        self.reconnect = QCheckBox(self.tr("Reconnect automatically when a console drops"))
        self.reconnect.setAccessibleName(self.tr("Reconnect automatically"))
        self.reconnect.setChecked(settings.reconnect)
        form.addRow("", self.reconnect)
        self.clipboard = QCheckBox(self.tr("Share the clipboard with the VM"))
        self.clipboard.setAccessibleName(self.tr("Share the clipboard with the VM"))
        self.clipboard.setChecked(settings.clipboard_sync)
        form.addRow("", self.clipboard)
        self.follow_os = QCheckBox(self.tr("Theme follows the operating system"))
        self.follow_os.setAccessibleName(self.tr("Theme follows the operating system"))
        self.follow_os.setChecked(settings.theme_follows_os)
        self.theme = QComboBox()
        self.theme.addItem(self.tr("Light"), "light")
        self.theme.addItem(self.tr("Dark"), "dark")
        self.theme.setAccessibleName(self.tr("Theme"))
        self.theme.setCurrentIndex(max(0, self.theme.findData(settings.theme)))
        self.theme.setEnabled(not settings.theme_follows_os)
        self.follow_os.toggled.connect(lambda on: self.theme.setEnabled(not on))
        form.addRow("", self.follow_os)
        form.addRow(self.tr("Theme:"), self.theme)
        self.ca_file = QLineEdit(settings.ca_file)
        self.ca_file.setObjectName("caFile")
        self.ca_file.setAccessibleName(self.tr("TLS CA certificate"))
        self.ca_file.setPlaceholderText(self.tr("PEM file (optional; the system's store is always used)"))
        self.ca_file.setToolTip(self.tr("A CA (or an appliance's own certificate) to trust for https:// and wss:// "
                                        "servers; names and IP addresses in it are checked"))
        form.addRow(self.tr("TLS CA certificate:"), self.ca_file)
        self.forget_pins = QPushButton(self.tr("Forget %n trusted certificate(s)", "",
                                               len(settings.pinned_certificates)))
        self.forget_pins.setObjectName("forgetPins")
        self.forget_pins.setAccessibleName(self.tr("Forget trusted certificates"))
        self.forget_pins.setToolTip("\n".join(f"{k}  SHA-256 {v}" for k, v in settings.pinned_certificates.items()))
        self.forget_pins.setVisible(bool(settings.pinned_certificates))
        self._forget = False
        self.forget_pins.clicked.connect(self._forget_clicked)
        form.addRow("", self.forget_pins)
        self.vnc_ca = QLineEdit(settings.vnc_ca_file)
        self.vnc_ca.setAccessibleName(self.tr("VNC CA certificate"))
        self.vnc_ca.setPlaceholderText(self.tr("PEM file (only for VeNCrypt X509 consoles)"))
        self.vnc_ca.setToolTip(self.tr("The CA that signed the hypervisors' VNC certificates (QEMU tls-creds-x509)"))
        form.addRow(self.tr("VNC CA certificate:"), self.vnc_ca)
        self.vnc_user = QLineEdit(settings.vnc_username)
        self.vnc_user.setAccessibleName(self.tr("VNC username"))
        self.vnc_user.setPlaceholderText(self.tr("only for VeNCrypt Plain consoles"))
        form.addRow(self.tr("VNC username:"), self.vnc_user)
        note = QLabel(self.tr("Encoding, quality and compression apply when a console next connects."))
        note.setWordWrap(True)
        note.setStyleSheet("color: palette(mid);")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        name_buttons(buttons)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(note)
        lay.addWidget(buttons)

    def result_settings(self) -> Settings:
        s = copy.deepcopy(self._orig)
        s.preferred_encoding = self.encoding.currentData()
        s.jpeg_quality = self.jpeg.currentData()
        s.compress_level = self.compress.currentData()
        s.scale_mode = self.scale.currentData()
        s.smooth_scaling = self.smooth.isChecked()
        s.release_hotkey = self.hotkey.currentData()
        s.reconnect = self.reconnect.isChecked()
        s.clipboard_sync = self.clipboard.isChecked()
        s.theme_follows_os = self.follow_os.isChecked()
        s.theme = self.theme.currentData()
        s.vnc_ca_file = self.vnc_ca.text().strip()
        s.vnc_username = self.vnc_user.text().strip()
        s.ca_file = self.ca_file.text().strip()
        if self._forget:
            s.pinned_certificates = {}
        return s

    def _forget_clicked(self) -> None:
        self._forget = True
        self.forget_pins.setText(self.tr("Trusted certificates will be forgotten"))
        self.forget_pins.setEnabled(False)


class ControlPlaneDialog(QDialog):
    """Add or edit a control plane: URL, token, TLS trust, and which VMs to keep in the sidebar.

    ``client_factory(cp, token)`` makes the API client (tests pass a fake).
    """

    def __init__(self, client_factory: Callable[[ControlPlane, str | None], Any],
                 cp: ControlPlane | None = None, token: str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Edit control plane") if cp else self.tr("Add control plane"))
        self.setMinimumWidth(520)
        self.client_factory = client_factory
        self.cp = copy.deepcopy(cp) if cp else None
        self._loading: asyncio.Future[None] | None = None
        form = QFormLayout()
        self.url = QLineEdit(cp.url if cp else "")
        self.url.setPlaceholderText(self.tr("https://limiquantix.example.com"))
        self.url.setAccessibleName(self.tr("Control plane URL"))
        self.name = QLineEdit(cp.name if cp else "")
        self.name.setAccessibleName(self.tr("Name"))
        self.name.setPlaceholderText(self.tr("optional display name"))
        self.token = QLineEdit(token or "")
        self.token.setEchoMode(QLineEdit.EchoMode.Password)
        self.token.setAccessibleName(self.tr("API token"))
        self.token.setPlaceholderText(self.tr("API token (optional today; stored in the keyring or a private file)"))
        self.verify = QCheckBox(self.tr("Verify the TLS certificate"))
        self.verify.setAccessibleName(self.tr("Verify the TLS certificate"))
        self.verify.setChecked(cp.verify_tls if cp else True)
        self.pinned_pem = cp.pinned_pem if cp else ""
        self.pin_label = QLabel(self.tr("A trusted certificate is pinned.") if self.pinned_pem else "")
        form.addRow(self.tr("Control plane URL:"), self.url)
        form.addRow(self.tr("Name:"), self.name)
        form.addRow(self.tr("Token:"), self.token)
        form.addRow("", self.verify)
        form.addRow("", self.pin_label)
        self.load_button = QPushButton(self.tr("Load VMs"))
        self.load_button.setAccessibleName(self.tr("Load VMs"))
        self.load_button.clicked.connect(lambda: asyncio.ensure_future(self.load_vms()))
        self.trust_button = QPushButton(self.tr("Trust this certificate…"))
        self.trust_button.setAccessibleName(self.tr("Trust this certificate"))
        self.trust_button.hide()
        self.trust_button.clicked.connect(lambda: asyncio.ensure_future(self.trust_certificate()))
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.vm_list = QListWidget()
        self.vm_list.setMinimumHeight(180)
        self.vm_list.setAccessibleName(self.tr("VMs to show in the sidebar"))
        if cp:
            for vm in cp.vms:
                self._add_vm_item(vm.id, vm.name, "", True)
        row = QHBoxLayout()
        row.addWidget(self.load_button)
        row.addWidget(self.trust_button)
        row.addStretch(1)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        name_buttons(self.buttons)
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addLayout(row)
        lay.addWidget(self.message)
        lay.addWidget(QLabel(self.tr("VMs to show in the sidebar:")))
        lay.addWidget(self.vm_list, 1)
        lay.addWidget(self.buttons)

    def _add_vm_item(self, vm_id: str, name: str, state: str, checked: bool) -> None:
        text = f"{name or vm_id}" + (f"   [{state}]" if state else "")
        item = QListWidgetItem(text)
        item.setData(Qt.ItemDataRole.UserRole, (vm_id, name))
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        item.setToolTip(vm_id)
        self.vm_list.addItem(item)

    def current_cp(self) -> ControlPlane:
        cp = copy.deepcopy(self.cp) if self.cp else ControlPlane(url="")
        cp.url = self.url.text().strip().rstrip("/")
        cp.name = self.name.text().strip()
        cp.verify_tls = self.verify.isChecked()
        cp.pinned_pem = self.pinned_pem
        cp.vms = []
        unticked = []
        for i in range(self.vm_list.count()):
            item = self.vm_list.item(i)
            vm_id, name = item.data(Qt.ItemDataRole.UserRole)
            if item.checkState() == Qt.CheckState.Checked:
                cp.vms.append(SavedVM(id=vm_id, name=name))
            else:
                unticked.append(vm_id)
        # Unticked VMs stay out of the sidebar; VMs created later join it (qvmrc.ui.inventory).
        ticked = {v.id for v in cp.vms}
        before = [h for h in (self.cp.hidden_vms or []) if h not in ticked] if self.cp else []
        cp.hidden_vms = before + [u for u in unticked if u not in before]
        return cp

    def current_token(self) -> str | None:
        return self.token.text().strip() or None

    async def load_vms(self) -> bool:
        cp = self.current_cp()
        if not cp.url.lower().startswith(("http://", "https://")):
            self.message.setText(self.tr("The URL must start with http:// or https://"))
            return False
        checked = {v.id for v in cp.vms}
        self.message.setText(self.tr("Loading…"))
        self.load_button.setEnabled(False)
        self.trust_button.hide()
        try:
            async with self.client_factory(cp, self.current_token()) as client:
                vms = await client.list_vms()
        except QVMRCError as e:
            self.message.setText(str(e))
            if isinstance(e, ControlPlaneError) and "not trusted" in str(e) and cp.url.startswith("https://"):
                self.trust_button.show()
            return False
        finally:
            self.load_button.setEnabled(True)
        self.vm_list.clear()
        for vm in vms:
            self._add_vm_item(vm.id, vm.name, vm.state, vm.id in checked or not checked)
        self.message.setText(self.tr("%n VM(s); tick the ones to keep in the sidebar.", "", len(vms)))
        return True

    async def trust_certificate(self) -> None:
        from qvmrc.controlplane.client import fetch_server_certificate

        try:
            cert = await fetch_server_certificate(self.url.text().strip())
        except QVMRCError as e:
            self.message.setText(str(e))
            return
        if await dialogs.confirm(self, self.tr("Trust this certificate?"),
                                 self.tr("The control plane presents a certificate that is not signed by a "
                                         "known authority (normal for an appliance)."), self.tr("Trust"),
                                 self.tr("Compare its SHA-256 fingerprint with the one the appliance "
                                         "shows:\n\n{0}").format(cert.sha256)):
            self.pinned_pem = cert.pem
            self.pin_label.setText(self.tr("A trusted certificate is pinned."))
            self.trust_button.hide()
            await self.load_vms()

    def _accept(self) -> None:
        if not self.url.text().strip().lower().startswith(("http://", "https://")):
            self.message.setText(self.tr("The URL must start with http:// or https://"))
            return
        if "@" in self.url.text().split("//", 1)[-1].split("/", 1)[0]:
            # settings.json is no place for a password: the token field goes to the keyring.
            self.message.setText(self.tr("Leave user name and password out of the URL; put the API token in the "
                                         "Token field"))
            return
        self.accept()
