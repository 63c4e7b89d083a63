"""File › Connect to…: a console by address, with password, TLS and view-only options.

Like virt-viewer's and VMRC's connect dialogs: the address field remembers
recent targets (no secrets, see qvmrc.ui.recents); the password is used for
this connection only; for ``wss://`` the user can verify the server with a CA
file or accept exactly one certificate by its SHA-256 fingerprint (shown by
"Show the server's…" so it can be compared with what the appliance prints).
"""

from __future__ import annotations

import asyncio
import os

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from qvmrc.errors import QVMRCError
from qvmrc.settings import RecentTarget, Settings
from qvmrc.ui.a11y import name_buttons
from qvmrc.ui.recents import ConnectRequest, normalise_fingerprint


class ConnectDialog(QDialog):
    """Ask for a console; :meth:`request` is the answer once accepted."""

    def __init__(self, settings: Settings, parent: QWidget | None = None,
                 initial: ConnectRequest | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Connect to a console"))
        self.setMinimumWidth(600)
        self.settings = settings
        self.pending: set[asyncio.Future[None]] = set()
        form = QFormLayout()
        self.address = QComboBox()
        self.address.setEditable(True)
        self.address.setAccessibleName(self.tr("Console address"))
        self.address.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        for r in settings.recent_targets:
            self.address.addItem(r.target, r)
        self.address.lineEdit().setPlaceholderText(
            self.tr("wss://host/path, ws://…, vnc://host:port or a qvmrc:// link"))
        self.address.setCurrentIndex(-1)  # nothing picked yet: picking a recent fills its options
        self.address.setCurrentText(initial.target if initial else "")
        self.address.currentIndexChanged.connect(self._recent_chosen)
        self.address.activated.connect(self._recent_chosen)  # the same entry picked again
        self.address.currentTextChanged.connect(lambda _t: self._update_tls())
        form.addRow(self.tr("Address:"), self.address)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName(self.tr("VNC password"))
        self.password.setPlaceholderText(self.tr("if the console asks for one (used now, never saved)"))
        form.addRow(self.tr("Password:"), self.password)
        self.view_only = QCheckBox(self.tr("View only (send no keyboard or mouse input)"))
        self.view_only.setAccessibleName(self.tr("View only"))
        form.addRow("", self.view_only)

        self.tls = QGroupBox(self.tr("TLS (wss:// only)"))
        self.tls_system = QRadioButton(self.tr("Verify with the system's trusted authorities"))
        self.tls_ca = QRadioButton(self.tr("Verify with this CA file:"))
        self.tls_pin = QRadioButton(self.tr("Accept the certificate with this SHA-256 fingerprint:"))
        group = QButtonGroup(self)
        for b in (self.tls_system, self.tls_ca, self.tls_pin):
            group.addButton(b)
        self.tls_system.setChecked(True)
        self.tls_system.setAccessibleName(self.tr("Verify with the system's trusted authorities"))
        self.tls_ca.setAccessibleName(self.tr("Verify with a CA file"))
        self.tls_pin.setAccessibleName(self.tr("Accept the certificate with a SHA-256 fingerprint"))
        self.ca_file = QLineEdit()
        self.ca_file.setAccessibleName(self.tr("CA file"))
        self.ca_file.setPlaceholderText(self.tr("PEM file of the CA (or of the self-signed server certificate)"))
        browse = QPushButton(self.tr("Browse…"))
        browse.setAccessibleName(self.tr("Browse for the CA file"))
        browse.clicked.connect(self._browse)
        self.fingerprint = QLineEdit()
        self.fingerprint.setAccessibleName(self.tr("Certificate fingerprint"))
        self.fingerprint.setPlaceholderText(self.tr("AB:CD:… as the appliance shows it"))
        self.fetch = QPushButton(self.tr("Show the server's…"))
        self.fetch.setAccessibleName(self.tr("Show the server's certificate fingerprint"))
        self.fetch.setToolTip(self.tr("Fetch the certificate the server presents now, to compare with the appliance's"))
        self.fetch.clicked.connect(lambda: self._spawn(self.show_server_fingerprint()))
        self.ca_file.textEdited.connect(lambda _t: self.tls_ca.setChecked(True))
        self.fingerprint.textEdited.connect(lambda _t: self.tls_pin.setChecked(True))
        tls_lay = QVBoxLayout(self.tls)
        tls_lay.addWidget(self.tls_system)
        tls_lay.addWidget(self.tls_ca)
        row = QHBoxLayout()
        row.addWidget(self.ca_file, 1)
        row.addWidget(browse)
        tls_lay.addLayout(row)
        tls_lay.addWidget(self.tls_pin)
        row = QHBoxLayout()
        row.addWidget(self.fingerprint, 1)
        row.addWidget(self.fetch)
        tls_lay.addLayout(row)

        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.connect_button = buttons.addButton(self.tr("Connect"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.connect_button.setDefault(True)
        name_buttons(buttons)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.tls)
        lay.addWidget(self.message)
        lay.addWidget(buttons)
        if initial is not None:
            self._fill(initial.view_only, initial.ca_file, initial.fingerprint)
        self._update_tls()
        self.address.setFocus()

    # ------------------------------------------------------------- state

    def _spawn(self, coro: object) -> None:
        task = asyncio.ensure_future(coro)  # type: ignore[arg-type]
        self.pending.add(task)
        task.add_done_callback(self.pending.discard)

    def _fill(self, view_only: bool, ca_file: str, fingerprint: str) -> None:
        self.view_only.setChecked(view_only)
        self.ca_file.setText(ca_file)
        self.fingerprint.setText(fingerprint)
        (self.tls_pin if fingerprint else self.tls_ca if ca_file else self.tls_system).setChecked(True)

    def _recent_chosen(self, index: int) -> None:
        r = self.address.itemData(index)
        if isinstance(r, RecentTarget):
            self._fill(r.view_only, r.ca_file, r.fingerprint)
            self.password.clear()

    def _update_tls(self) -> None:
        self.tls.setEnabled(self.address.currentText().strip().lower().startswith("wss://"))

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("CA certificate"), "", self.tr("PEM certificates (*.pem *.crt);;All files (*)"))
        if path:
            self.ca_file.setText(path)
            self.tls_ca.setChecked(True)

    async def show_server_fingerprint(self) -> str | None:
        from qvmrc.controlplane.client import fetch_server_certificate

        url = self.address.currentText().strip()
        self.message.setText(self.tr("Fetching the server's certificate…"))
        try:
            cert = await fetch_server_certificate(url)
        except QVMRCError as e:
            self.message.setText(str(e))
            return None
        self.message.setText(self.tr("The server presents SHA-256 {0}. Accept it only if the appliance "
                                     "shows the same fingerprint.").format(cert.sha256))
        return cert.sha256

    # ------------------------------------------------------------ answer

    def _accept(self) -> None:
        try:
            self.request()
        except (QVMRCError, ValueError) as e:
            self.message.setText(str(e))
            return
        self.accept()

    def request(self) -> ConnectRequest:
        """The checked answer; raises InvalidTarget / ValueError with the sentence to show."""
        from qvmrc.ui.console_tab import target_from_string

        text = self.address.currentText().strip()
        if not text:
            raise ValueError(self.tr("Give the console's address."))
        target_from_string(text, self.settings)  # one readable line when it is not a target
        req = ConnectRequest(target=text, password=self.password.text() or None,
                             view_only=self.view_only.isChecked())
        if req.is_wss and self.tls_ca.isChecked():
            path = os.path.expanduser(self.ca_file.text().strip())
            if not os.path.isfile(path):
                raise ValueError(self.tr("The CA file {0} does not exist.").format(path or self.tr("(none)")))
            req.ca_file = path
        elif req.is_wss and self.tls_pin.isChecked():
            req.fingerprint = normalise_fingerprint(self.fingerprint.text())
        return req
