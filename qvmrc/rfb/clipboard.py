"""Cut text both ways: Latin-1 ServerCutText, or UTF-8 with Extended Clipboard.

A mixin of :class:`~qvmrc.rfb.connection.RFBClient`. Whether the server speaks
Extended Clipboard is known only once its caps arrive (or an update is painted
without them), so text copied before then waits. ``client_cut_text`` and
``set_clipboard_shared`` may be called from another thread than the parser:
the state they share with it is under ``_clip_lock``.
"""

from __future__ import annotations

import logging
import threading

from qvmrc.errors import ProtocolError
from qvmrc.rfb import events as ev
from qvmrc.rfb import extclipboard, messages
from qvmrc.rfb.buffer import ReadBuffer

log = logging.getLogger(__name__)


class Clipboard:
    _buf: ReadBuffer
    _out: bytearray
    _events: list[ev.Event]

    def _init_clipboard(self, extended_clipboard: bool) -> None:
        self._want_ext_clipboard = extended_clipboard  # (part of what we offer)
        #: True once the server's clipboard caps arrived, False once it is known to
        #: have none (Latin-1 cut text), None until then.
        self.extended_clipboard: bool | None = None if extended_clipboard else False
        self._clip_lock = threading.Lock()
        self._clip_server_flags = 0
        self._clip_data: bytes | None = None  # our announced text (UTF-8, CRLF, NUL)
        self._clip_provide: bytes | None = None  # its provide message, built once
        self._clip_pending: str | None = None  # text given before the mode was known
        self._clip_shared = True  # off: request nothing, offer nothing
        #: Formats the server last said its clipboard holds (Extended Clipboard notify).
        self.server_clipboard_formats: int | None = None

    def client_cut_text(self, text: str) -> bytes:
        """The user copied ``text``: UTF-8 with Extended Clipboard, else Latin-1.

        Until the server's clipboard is known the text is kept and sent (from the
        parser's ``data_to_send``) once it is; only the latest text is kept.
        """
        with self._clip_lock:
            if self.extended_clipboard is None:
                self._clip_pending = text
                return b""
            return self._cut_text_locked(text)

    def set_clipboard_shared(self, shared: bool) -> bytes:
        """The UI's gate: while off, the server's clipboard is not asked for (with
        Extended Clipboard nothing moves unasked) and text offered earlier is withdrawn.
        """
        with self._clip_lock:
            self._clip_shared = shared
            if shared:
                return b""
            offered = self._clip_data is not None
            self._clip_data = self._clip_provide = self._clip_pending = None
            if offered and self.extended_clipboard and self._clip_server_flags & extclipboard.NOTIFY:
                return extclipboard.notify(0)  # "no text here any more"
            return b""

    def _cut_text_locked(self, text: str) -> bytes:
        ec = extclipboard
        if not self.extended_clipboard:
            return messages.client_cut_text(text)
        data = ec.encode_text(text)
        if len(data) > ec.MAX_SEND:
            log.info("clipboard not sent: %d bytes of UTF-8 is more than the %d a server takes",
                     len(data), ec.MAX_SEND)
            return b""
        self._clip_data = data
        self._clip_provide = None
        if self._clip_server_flags & ec.NOTIFY:
            return ec.notify(ec.TEXT)  # the server requests it when someone wants it
        return ec.provide_text(data)
    def _extended_cut_text(self, n: int) -> bool:
        buf = self._buf
        if n > extclipboard.MAX_MESSAGE:
            raise ProtocolError(f"server sent a clipboard message of {n} bytes, more than QVMRC accepts")
        if buf.available() < 8 + n:
            return False
        buf.skip(8)
        try:
            msg = extclipboard.parse(buf.read(n))
        except extclipboard.BadMessage as e:
            # The whole message was read: the stream is still in step, only the text is lost.
            log.warning("ignored a malformed clipboard message from the server: %s", e)
            return True
        self._on_extended_clipboard(msg)
        return True

    def _on_extended_clipboard(self, msg: extclipboard.Message) -> None:
        ec = extclipboard
        if msg.flags & ec.CAPS:
            if not self._want_ext_clipboard:
                return
            # QEMU ignores our caps; size 0 asks any server to notify rather than push.
            self._out += ec.caps(ec.TEXT | ec.REQUEST | ec.PEEK | ec.NOTIFY | ec.PROVIDE, {ec.TEXT: 0})
            takes_text = bool(msg.formats & ec.TEXT and msg.flags & (ec.NOTIFY | ec.PROVIDE))
            if self.extended_clipboard is None or (takes_text and not self.extended_clipboard):
                # (Caps after a painted update are late but still the server's word.)
                self._clipboard_mode(takes_text, msg.flags)
            elif self.extended_clipboard:
                with self._clip_lock:
                    self._clip_server_flags = msg.flags
            return
        action = msg.action
        if action & ec.REQUEST:
            with self._clip_lock:
                if not msg.formats & ec.TEXT or self._clip_data is None:
                    reply = ec.provide_text(None)
                else:
                    # A server may ask again and again: compress our text once.
                    if self._clip_provide is None:
                        self._clip_provide = ec.provide_text(self._clip_data)
                    reply = self._clip_provide
            self._out += reply
        elif action & ec.PEEK:
            self._out += ec.notify(ec.TEXT if self._clip_data is not None else 0)
        elif action & ec.NOTIFY:
            self.server_clipboard_formats = msg.formats
            with self._clip_lock:
                # Someone else's copy now: ours is no longer on offer (nor to withdraw).
                self._clip_data = self._clip_provide = None
            if msg.formats & ec.TEXT and self._clip_shared:
                self._out += ec.request(ec.TEXT)
        elif action & ec.PROVIDE:
            if msg.text is not None:
                self._events.append(ev.ServerCutText(msg.text))

    def _clipboard_mode(self, extended: bool, server_flags: int = 0) -> None:
        """The server's clipboard is now known; send what the user copied meanwhile."""
        with self._clip_lock:
            self.extended_clipboard = extended
            self._clip_server_flags = server_flags
            pending, self._clip_pending = self._clip_pending, None
            if pending is not None:
                self._out += self._cut_text_locked(pending)
        self._events.append(ev.ClipboardNegotiated(extended))

