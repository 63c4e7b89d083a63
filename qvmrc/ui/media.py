"""CD/DVD media of a VM from its console: "Mount ISO…" and "Eject", as VMRC and virt-viewer offer.

The ISO is a file on the platform's storage (the LimiQuantix web UI mounts
``/var/lib/limiquantix/isos/...`` paths), not a local file: the user names
the path, the control plane's MountISO inserts it into one of the VM's
drives (``spec.cdroms[]`` of GetVM), EjectISO empties the drive. The menu
asks GetVM each time it opens, so it shows what is in the drives now, also
when someone changed it in the web UI. A failure is one sentence in the
window's notification, never a traceback.
"""

from __future__ import annotations

import asyncio
import logging
import posixpath
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QMenu,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from qvmrc.controlplane.client import VM, Cdrom
from qvmrc.errors import ControlPlaneError, QVMRCError
from qvmrc.settings import ControlPlane
from qvmrc.ui.a11y import name_buttons

log = logging.getLogger(__name__)

ISO_DIR_HINT = "/var/lib/limiquantix/isos/"
MAX_ISO_PATH = 4096
MAX_RECENT_ISOS = 10


def iso_name(path: str) -> str:
    """The file name of an ISO path (or URL), for menus and messages."""
    return posixpath.basename(path.rstrip("/")) or path


def check_iso_path(text: str) -> str:
    """The path as the user meant it, or ValueError with the sentence to show."""
    path = text.strip()
    if not path:
        raise ValueError(QCoreApplication.translate("media", "Give the path of the ISO image on the platform's storage."))
    if len(path) > MAX_ISO_PATH:
        raise ValueError(QCoreApplication.translate("media", "That path is longer than {0} characters.").format(MAX_ISO_PATH))
    if any(ord(c) < 32 or ord(c) == 127 for c in path):
        raise ValueError(QCoreApplication.translate("media", "The path contains control characters."))
    return path


def _sentence(text: str) -> str:
    text = text.strip()
    if not text:
        return ""
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


def failure_text(what: str, e: QVMRCError) -> str:
    """"Could not … : <the control plane's own reason>." — one sentence, no codes for people."""
    if isinstance(e, ControlPlaneError):
        reason = e.message or e.code
        if e.code == "unimplemented":
            reason = QCoreApplication.translate("media", "this control plane does not offer CD/DVD media (MountISO/EjectISO)")
        elif e.code in ("unauthenticated", "permission_denied"):
            reason = QCoreApplication.translate("media", "{0} — check the API token of this control plane").format(reason)
    else:
        reason = str(e)
    return _sentence(QCoreApplication.translate("media", "{0}: {1}").format(what, reason))


class MediaController(QObject):
    """Runs GetVM / MountISO / EjectISO for one VM; reports like PowerController."""

    notification = Signal(str, str, bool)  # title, text, is_error
    drivesChanged = Signal(object)  # tuple[Cdrom, ...] | None (None: unknown)

    def __init__(self, client_factory: Callable[[ControlPlane], Any], cp: ControlPlane, vm_id: str,
                 vm_name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.client_factory = client_factory
        self.cp = cp
        self.vm_id = vm_id
        self.vm_name = vm_name or vm_id
        self.drives: tuple[Cdrom, ...] | None = None
        self.last_error = ""

    def _set(self, vm: VM) -> None:
        self.drives = vm.cdroms
        self.last_error = ""
        self.drivesChanged.emit(self.drives)

    async def refresh(self) -> tuple[Cdrom, ...] | None:
        try:
            async with self.client_factory(self.cp) as client:
                vm = await client.get_vm(self.vm_id)
        except QVMRCError as e:
            self.last_error = failure_text(self.tr("Cannot read the CD/DVD drives of {0}").format(self.vm_name), e)
            log.info("%s", self.last_error)
            self.drivesChanged.emit(self.drives)
            return None
        self._set(vm)
        return self.drives

    async def mount(self, cdrom_id: str, iso_path: str) -> VM | None:
        name = iso_name(iso_path)
        log.info("mount %s into %s of %s", iso_path, cdrom_id, self.vm_name)
        try:
            async with self.client_factory(self.cp) as client:
                vm = await client.mount_iso(self.vm_id, cdrom_id, iso_path)
        except QVMRCError as e:
            text = failure_text(
                self.tr("Could not insert {0} into {1} ({2})").format(name, self.vm_name, cdrom_id), e)
            log.warning("%s", text)
            self.notification.emit(self.tr("Mount ISO failed"), text, True)
            return None
        self._set(vm)
        self.notification.emit(self.tr("CD/DVD"), self.tr("{0} is in {1}'s drive {2}.").format(name, self.vm_name, cdrom_id),
                               False)
        return vm

    async def eject(self, cdrom_id: str) -> VM | None:
        log.info("eject %s of %s", cdrom_id, self.vm_name)
        try:
            async with self.client_factory(self.cp) as client:
                vm = await client.eject_iso(self.vm_id, cdrom_id)
        except QVMRCError as e:
            text = failure_text(
                self.tr("Could not eject the media of {0} ({1})").format(self.vm_name, cdrom_id), e)
            log.warning("%s", text)
            self.notification.emit(self.tr("Eject failed"), text, True)
            return None
        self._set(vm)
        self.notification.emit(self.tr("CD/DVD"), self.tr("{0}'s drive {1} is empty.").format(self.vm_name, cdrom_id), False)
        return vm


class MountIsoDialog(QDialog):
    """Which drive, which ISO path. Recent paths are offered; the list is the caller's."""

    def __init__(self, vm_name: str, drives: tuple[Cdrom, ...], recent: list[str],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Mount ISO — {0}").format(vm_name))
        self.setMinimumWidth(560)
        form = QFormLayout()
        self.drive = QComboBox()
        self.drive.setAccessibleName(self.tr("CD/DVD drive"))
        for d in drives:
            self.drive.addItem(f"{d.id} — {iso_name(d.iso_path) if d.has_media else self.tr('empty')}", d.id)
        first_empty = next((i for i, d in enumerate(drives) if not d.has_media), 0)
        self.drive.setCurrentIndex(first_empty)
        form.addRow(self.tr("Drive:"), self.drive)
        self.path = QComboBox()
        self.path.setEditable(True)
        self.path.setAccessibleName(self.tr("ISO path"))
        self.path.addItems(recent[:MAX_RECENT_ISOS])
        self.path.setCurrentText("")
        line = self.path.lineEdit()
        line.setPlaceholderText(ISO_DIR_HINT + "…")
        line.setText(ISO_DIR_HINT if not recent else "")
        form.addRow(self.tr("ISO path:"), self.path)
        hint = QLabel(self.tr("A path on the platform's storage, as the web UI's ISO library shows it "
                              "(upload ISOs there first). The guest sees the disc change at once."))
        hint.setWordWrap(True)
        hint.setStyleSheet("color: palette(mid);")
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setStyleSheet("color: #d0453a;")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.mount_button = buttons.addButton(self.tr("Mount"), QDialogButtonBox.ButtonRole.AcceptRole)
        name_buttons(buttons)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(hint)
        lay.addWidget(self.message)
        lay.addWidget(buttons)
        self.path.setFocus()

    def _accept(self) -> None:
        try:
            check_iso_path(self.path.currentText())
        except ValueError as e:
            self.message.setText(str(e))
            return
        if self.path.currentText().strip().endswith("/"):
            self.message.setText(self.tr("That is a folder: add the ISO's file name."))
            return
        self.accept()

    def choice(self) -> tuple[str, str]:
        return str(self.drive.currentData()), check_iso_path(self.path.currentText())


class MediaButton(QToolButton):
    """The console toolbar's "CD/DVD" menu for a VM of a control plane.

    Recently mounted ISO paths live in ``settings.recent_isos`` (read each time:
    Preferences may replace the list); ``save`` persists them.
    """

    def __init__(self, controller: MediaController | None, *, settings: Any = None,
                 save: Callable[[], None] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setText(self.tr("CD/DVD"))
        self.setObjectName("mediaButton")
        self.setAccessibleName(self.tr("CD/DVD media"))
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.controller = controller
        self.settings = settings
        self._own_recent: list[str] = []
        #: Persists settings.recent_isos after a mount (the window sets it).
        self.save_hook: Callable[[], None] = save or (lambda: None)
        self.dialog: MountIsoDialog | None = None
        self.pending: set[asyncio.Future[Any]] = set()
        self.menu_ = QMenu(self)
        self.menu_.setObjectName("mediaMenu")
        self.setMenu(self.menu_)
        if controller is None:
            self.setEnabled(False)
            self.setToolTip(self.tr("CD/DVD media needs a control plane (this console was opened by URL)"))
            return
        self.setToolTip(self.tr("Insert an ISO from the platform's storage, or eject it"))
        controller.drivesChanged.connect(lambda _d: self.rebuild())
        self.menu_.aboutToShow.connect(self._about_to_show)
        self.rebuild()

    def _spawn(self, coro: Any) -> asyncio.Future[Any]:
        task = asyncio.ensure_future(coro)
        self.pending.add(task)
        task.add_done_callback(self.pending.discard)
        return task

    def _about_to_show(self) -> None:
        self._spawn(self.refresh())

    async def refresh(self) -> None:
        assert self.controller is not None
        self._loading = True
        self.rebuild()
        try:
            await self.controller.refresh()
        finally:
            self._loading = False
            self.rebuild()

    _loading = False

    def rebuild(self) -> None:
        """Entries for what the drives hold now (the menu updates while it is open)."""
        m = self.menu_
        m.clear()
        c = self.controller
        if c is None:
            return
        drives = c.drives
        if c.last_error:
            m.addAction(c.last_error).setEnabled(False)
        elif drives is None:
            m.addAction(self.tr("Reading the VM's drives…") if self._loading
                        else self.tr("Drives not read yet")).setEnabled(False)
        elif not drives:
            m.addAction(self.tr("This VM has no CD/DVD drive (add one in the web UI)")).setEnabled(False)
        else:
            for d in drives:
                shown = iso_name(d.iso_path) if d.has_media else self.tr("empty")
                m.addAction(f"{d.id}: {shown}").setEnabled(False)
        m.addSeparator()
        mount = m.addAction(self.tr("Mount ISO…"))
        mount.setObjectName("mountIso")
        mount.setEnabled(bool(drives))
        mount.triggered.connect(lambda: self._spawn(self.mount_dialog()))
        loaded = [d for d in drives or () if d.has_media]
        if not loaded:
            eject = m.addAction(self.tr("Eject"))
            eject.setEnabled(False)
        for d in loaded:
            eject = m.addAction(self.tr("Eject {0}").format(iso_name(d.iso_path)) + (f" ({d.id})" if len(loaded) > 1 else ""))
            eject.setObjectName(f"eject:{d.id}")
            eject.triggered.connect(lambda _=False, cid=d.id: self._spawn(self.eject(cid)))

    @property
    def recent(self) -> list[str]:
        return self.settings.recent_isos if self.settings is not None else self._own_recent

    def actions_text(self) -> list[str]:
        return [a.text() for a in self.menu_.actions() if not a.isSeparator()]

    async def mount_dialog(self) -> VM | None:
        """Ask for drive and path, then mount. Returns the VM on success."""
        c = self.controller
        assert c is not None
        if c.drives is None:
            await c.refresh()
        if not c.drives:
            c.notification.emit(self.tr("Mount ISO"), c.last_error or self.tr(
                "{0} has no CD/DVD drive; add one in the LimiQuantix web UI first.").format(c.vm_name), True)
            return None
        dlg = MountIsoDialog(c.vm_name, c.drives, self.recent, self.window())
        self.dialog = dlg
        fut: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        dlg.finished.connect(lambda r: fut.done() or fut.set_result(r))
        dlg.open()
        try:
            if await fut != QDialog.DialogCode.Accepted.value:
                return None
            cdrom_id, path = dlg.choice()
        finally:
            self.dialog = None
            dlg.deleteLater()
        vm = await c.mount(cdrom_id, path)
        if vm is not None:
            if path in self.recent:
                self.recent.remove(path)
            self.recent.insert(0, path)
            del self.recent[MAX_RECENT_ISOS:]
            self.save_hook()
        return vm

    async def eject(self, cdrom_id: str) -> VM | None:
        assert self.controller is not None
        return await self.controller.eject(cdrom_id)


def media_button_for(tab: Any) -> MediaButton:
    """The CD/DVD button of a console tab (disabled for consoles opened by URL)."""
    target = tab.target
    factory = getattr(tab.power, "client_factory", None)  # the power actions' API clients
    controller = None
    if target.has_control_plane and factory is not None:
        controller = MediaController(factory, target.cp, target.vm_id, target.title, parent=tab)
        controller.notification.connect(tab.notification)
    return MediaButton(controller, settings=tab.settings, parent=tab)
