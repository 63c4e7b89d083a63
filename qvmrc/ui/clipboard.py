"""Clipboard sync between this machine and the VM (ClientCutText / ServerCutText).

Text is a ``str`` both ways: the protocol core sends it as UTF-8 when the server
offers Extended Clipboard and as Latin-1 otherwise.

Only text, only the CLIPBOARD selection, and only while the user allows it.
What the server sent is remembered so setting it locally is not echoed back
to the server as if the user had copied it.

Nothing moves in either direction before the user's first interaction (a key
or a click) with the console: a console opened by a link must not read the
local clipboard on connect, nor overwrite it, before the user has used it.
"""

from __future__ import annotations

import logging
from typing import Protocol

from PySide6.QtCore import QObject
from PySide6.QtGui import QClipboard, QGuiApplication

log = logging.getLogger(__name__)

# Servers cap cut text (QEMU at 1 MiB); a million characters is plenty.
MAX_CLIPBOARD = 1 << 20


class _CutTextSink(Protocol):
    @property
    def ready(self) -> bool: ...

    def client_cut_text(self, text: str) -> None: ...


class ClipboardSync(QObject):
    """One per console tab; ``session`` is swapped on every reconnect."""

    def __init__(self, clipboard: QClipboard | None = None, enabled: bool = True,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.clipboard = clipboard or QGuiApplication.clipboard()
        self.enabled = enabled
        self.session: _CutTextSink | None = None
        #: Set by :meth:`user_interacted`; until then nothing is sent or received.
        self.interacted = False
        self._from_server: str | None = None
        self._last_sent: str | None = None
        self.clipboard.dataChanged.connect(self._local_changed)

    def set_enabled(self, enabled: bool) -> None:
        self.enabled = enabled
        self._gate()

    def attach(self, session: _CutTextSink | None) -> None:
        self.session = session
        self._last_sent = None
        self._gate()

    def _gate(self) -> None:
        """Tell the session whether sharing is allowed now: with Extended Clipboard it
        then neither fetches the VM's clipboard nor keeps offering ours while it is not."""
        gate = getattr(self.session, "set_clipboard_shared", None)
        if gate is not None:
            shared = self.enabled and self.interacted
            if not shared:
                self._last_sent = None  # withdrawn: send it again once allowed
            gate(shared)

    def push_local(self) -> None:
        """Send the local clipboard now (on connect, so a paste in the VM works at once),
        or at the user's first interaction if that has not happened yet."""
        self._send(self.clipboard.text())

    def user_interacted(self) -> None:
        """The user pressed a key or clicked in this console: sharing may start."""
        if self.interacted:
            return
        self.interacted = True
        self._gate()
        self.push_local()

    def _local_changed(self) -> None:
        text = self.clipboard.text()
        if text == self._from_server:
            return  # our own echo of the server's text
        self._send(text)

    def _send(self, text: str) -> None:
        if not (self.enabled and self.interacted and text and self.session is not None and self.session.ready):
            return
        if len(text) > MAX_CLIPBOARD:
            log.info("clipboard not sent to the VM: %d characters is more than %d", len(text), MAX_CLIPBOARD)
            return
        if text == self._last_sent:
            return
        self._last_sent = text
        self.session.client_cut_text(text)
        log.debug("sent %d characters of clipboard to the VM", len(text))

    def server_text(self, text: str) -> None:
        """The VM's cut text: put it on the local clipboard."""
        if not (self.enabled and self.interacted):
            log.debug("clipboard from the VM ignored (sharing is off or the console was not used yet)")
            return
        text = text[:MAX_CLIPBOARD]
        self._from_server = text
        self._last_sent = text  # the server has it already
        if self.clipboard.text() != text:
            self.clipboard.setText(text)
        log.debug("received %d characters of clipboard from the VM", len(text))

    def close(self) -> None:
        try:
            self.clipboard.dataChanged.disconnect(self._local_changed)
        except (RuntimeError, TypeError):
            pass
        self.session = None
