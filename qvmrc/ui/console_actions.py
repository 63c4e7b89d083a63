"""What a console tab's buttons do: screenshots, keys and typed text, power, recording.

A mixin of ConsoleTab; its toolbar (console_toolbar) connects to these.
Titles and texts for the user go through Qt's translation ("ConsoleActions").
"""

from __future__ import annotations

import asyncio
import logging
import time

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFileDialog

from qvmrc.ui import dialogs
from qvmrc.ui.keyboard import TYPE_CONFIRM_THRESHOLD as TYPE_CLIPBOARD_CONFIRM
from qvmrc.ui.keyboard import TYPE_TEXT_LIMIT as TYPE_CLIPBOARD_LIMIT
from qvmrc.ui.power import available
from qvmrc.ui.view_session import ConsoleSession

log = logging.getLogger("qvmrc.ui.console_tab")


class ConsoleActionsMixin:
    """The behaviour behind the toolbar's buttons (see ConsoleTab for the attributes used)."""

    # ------------------------------------------------------------ screenshots

    def copy_screenshot(self) -> bool:
        img = self.view.screenshot()
        if img.isNull():
            self.notification.emit(QCoreApplication.translate("ConsoleActions", "Copy screenshot"),
                                   QCoreApplication.translate("ConsoleActions", "there is no screen to copy yet"),
                                   False)
            return False
        QGuiApplication.clipboard().setImage(img)
        self._note(QCoreApplication.translate("ConsoleActions", "Screenshot copied to the clipboard ({w} × {h})")
                   .format(w=img.width(), h=img.height()))
        return True

    def _screenshot_clicked(self) -> None:
        name = f"{self.target.title}-{time.strftime('%Y%m%d-%H%M%S')}.png".replace("/", "_")
        path, _ = QFileDialog.getSaveFileName(self, QCoreApplication.translate("ConsoleActions", "Save screenshot"),
                                              name, QCoreApplication.translate("ConsoleActions",
                                                                               "PNG images (*.png)"))
        if path:
            self.save_screenshot(path)

    def save_screenshot(self, path: str) -> bool:
        try:
            self.view.save_screenshot(path)
        except OSError as e:
            self.notification.emit(QCoreApplication.translate("ConsoleActions", "Screenshot failed"),
                                   str(e.strerror or e), True)
            return False
        self.notification.emit(QCoreApplication.translate("ConsoleActions", "Screenshot"),
                               QCoreApplication.translate("ConsoleActions", "saved {path}").format(path=path), False)
        return True

    # ------------------------------------------------------------ view toggles

    def _set_smooth(self, on: bool) -> None:
        self.view.smooth = on

    def _set_view_only(self, on: bool) -> None:
        self.view.view_only = on
        self.keys_button.setEnabled(not on)
        self.type_action.setEnabled(not on)

    # ------------------------------------------------------------ keys and text

    def send_keys(self, combo: str) -> None:
        if self.session is None or not self.session.ready or self.view.view_only:
            return
        self.view.send_keys(combo)
        log.info("sent %s to %s", combo, self.target.title)
        self.view.setFocus()

    def _type_clipboard_clicked(self) -> None:
        asyncio.ensure_future(self.type_clipboard())

    async def type_clipboard(self, text: str | None = None) -> bool:
        """Type text (default: the local clipboard) into the VM, asking first when it is long."""
        if self.session is None or not self.session.ready or self.view.view_only:
            return False
        title = QCoreApplication.translate("ConsoleActions", "Type clipboard")
        text = QGuiApplication.clipboard().text() if text is None else text
        if not text:
            self.notification.emit(title, QCoreApplication.translate("ConsoleActions", "The clipboard holds no text."),
                                   False)
            return False
        if len(text) > TYPE_CLIPBOARD_LIMIT:
            self.notification.emit(title, QCoreApplication.translate(
                "ConsoleActions", "The clipboard holds {n} characters; at most {limit} can be typed.").format(
                    n=len(text), limit=TYPE_CLIPBOARD_LIMIT), True)
            return False
        if len(text) > TYPE_CLIPBOARD_CONFIRM and not await dialogs.confirm(
                self, title,
                QCoreApplication.translate("ConsoleActions", "Type {n} characters into {vm}?").format(
                    n=len(text), vm=self.target.title),
                QCoreApplication.translate("ConsoleActions", "Type"),
                QCoreApplication.translate("ConsoleActions",
                                           "Every character is sent as a key press; the VM sees it as typing.")):
            return False
        try:
            typed = self.view.type_text(text)
        except ValueError as e:  # keyboard.TextTooLong and characters that cannot be typed
            self.notification.emit(title, str(e), True)
            return False
        if not typed:
            return False
        log.info("typed %d characters into %s", len(text), self.target.title)
        return True

    # ------------------------------------------------------------ power

    def _update_power_menu(self) -> None:
        for key, a in self.power_actions.items():
            a.setEnabled(available(key, self.vm_state or "UNKNOWN"))

    def _power_clicked(self, key: str) -> None:
        if self.power is None or self.target.cp is None or not self.target.vm_id:
            return
        asyncio.ensure_future(self._power(key))

    async def _power(self, key: str) -> None:
        assert self.power is not None and self.target.cp is not None and self.target.vm_id
        vm = await self.power.perform(self.target.cp, self.target.vm_id, self.target.title, key)
        if vm is not None:
            self.vm_state = vm.state
            if key in ("start", "resume") and self.driver.waiting:
                self.retry_now()

    # ------------------------------------------------------------ recording

    @property
    def recording(self) -> bool:
        return self._recording

    def _set_recording(self, on: bool) -> None:
        self._recording = on
        self.record_action.setChecked(on)
        self.record_action.setText(QCoreApplication.translate("ConsoleActions", "Stop recording") if on
                                   else QCoreApplication.translate("ConsoleActions", "Record"))
        self.recordingChanged.emit(on)

    def _record_clicked(self, on: bool) -> None:
        if not on:
            self.stop_recording()
            return
        self.record_action.setChecked(False)
        name = f"{self.target.title}-{time.strftime('%Y%m%d-%H%M%S')}.fbs".replace("/", "_")
        path, _ = QFileDialog.getSaveFileName(self, QCoreApplication.translate("ConsoleActions", "Record session"),
                                              name, QCoreApplication.translate("ConsoleActions",
                                                                               "FBS recordings (*.fbs)"))
        if path:
            asyncio.ensure_future(self.start_recording(path))

    async def start_recording(self, path: str) -> None:
        """Record from the handshake on: the console reconnects once so the file is replayable."""
        self._record_path = path
        self.notification.emit(QCoreApplication.translate("ConsoleActions", "Recording"),
                               QCoreApplication.translate(
                                   "ConsoleActions", "reconnecting to record from the start into {path}").format(
                                       path=path), False)
        await self.reconnect()

    async def _watch_recording_cap(self, session: ConsoleSession) -> None:
        """The session ends a recording by itself at its size cap: show that."""
        await session.recording_ended.wait()
        if session is self.session and self._recording and session.recording_capped:
            self.notification.emit(QCoreApplication.translate("ConsoleActions", "Recording stopped"),
                                   QCoreApplication.translate(
                                       "ConsoleActions",
                                       "{path} reached its size cap and is complete up to there").format(
                                           path=self._record_path), True)
            self._record_path = None
            self._set_recording(False)

    def stop_recording(self) -> None:
        if self.session is not None and self._recording:
            self.session.stop_recording()
            log.info("recording of %s saved to %s", self.target.title, self._record_path)
            self.notification.emit(QCoreApplication.translate("ConsoleActions", "Recording saved"),
                                   str(self._record_path), False)
        self._record_path = None
        self._set_recording(False)
