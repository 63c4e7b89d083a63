"""The RFB client as a sans-IO state machine.

Feed it what the server sent (``receive_data``), take the events it found
(``next_events``) and the bytes it wants to answer with (``data_to_send``).
Input and other client messages are built by methods that return bytes and
touch no parsing state, so a session may call them from any thread while a
decode is in progress.

The handshake (:mod:`.handshake`), framebuffer updates (:mod:`.update`) and
cut text (:mod:`.clipboard`) are mixins of :class:`RFBClient`; this module
holds the loop that drives them and the other server messages.
"""

from __future__ import annotations

import logging
import struct
import zlib
from collections.abc import Callable, Collection, Sequence

import numpy as np

from qvmrc.errors import AuthenticationError, ProtocolError
from qvmrc.rfb import desktopsize, extclipboard, messages, vencrypt
from qvmrc.rfb import events as ev
from qvmrc.rfb.buffer import ReadBuffer
from qvmrc.rfb.clipboard import Clipboard
from qvmrc.rfb.encodings import numbers
from qvmrc.rfb.framebuffer import Framebuffer
from qvmrc.rfb.handshake import Handshake
from qvmrc.rfb.pixelformat import PixelFormat, colour_map_table
from qvmrc.rfb.states import State
from qvmrc.rfb.update import MAX_DAMAGE_PER_CALL, MAX_EVENTS_PER_CALL, UpdateReader

__all__ = ["RFBClient", "State"]

log = logging.getLogger(__name__)

MAX_CUT_TEXT = 16 * 1024 * 1024

# Work per receive_data call: at most this many messages (or update
# rectangles that produced events) before the caller gets the events; the
# rest waits in the buffer (``more_to_parse``). Bounds what one large chunk of
# tiny messages can pile up (the events bound is in .update).
MAX_STEPS_PER_CALL = 2048
# Bytes one Bell run looks at; a run of Bells is one event.
_BELL_WINDOW = 1 << 16
_FBU = struct.Struct(">BxH")
_COLOURMAP = struct.Struct(">BxHH")
_CUT = struct.Struct(">Bxxxi")  # negative: Extended Clipboard


class RFBClient(Handshake, UpdateReader, Clipboard):
    """One RFB connection's protocol state.

    ``pixel_format`` is a preset name (``rgb888``, ``rgb565``, ...), ``native``
    (keep the server's) or a :class:`PixelFormat`. ``encodings`` lists pixel
    encoding names in preference order. ``auto_update`` asks for the next
    incremental update as soon as one completes (the event-driven loop).
    ``vencrypt_subtypes`` lists the VeNCrypt subtypes whose TLS the caller can run
    (empty: VeNCrypt is not offered); Plain subtypes also need ``username``.
    ``extended_clipboard`` announces UTF-8 cut text (Extended Clipboard).
    """

    def __init__(
        self,
        *,
        password: str | None = None,
        pixel_format: str | PixelFormat = "rgb888",
        encodings: Sequence[str] = numbers.DEFAULT_ENCODINGS,
        jpeg_quality: int | None = None,
        compress_level: int | None = None,
        shared: bool = True,
        auto_update: bool = True,
        opaque: bool = False,
        username: str | None = None,
        vencrypt_subtypes: Collection[int] = (),
        extended_clipboard: bool = True,
    ) -> None:
        self._password = password
        self._username = username
        # Plain without TLS would send the password in clear: never.
        self._vencrypt = frozenset(vencrypt_subtypes) - {vencrypt.PLAIN}
        self._want_pf = pixel_format
        for name in encodings:
            if name not in numbers.PIXEL_ENCODINGS:
                raise ValueError(f"unknown encoding {name!r}")
        self._encoding_names = tuple(encodings)
        if jpeg_quality is not None and not 0 <= jpeg_quality <= 9:
            raise ValueError("JPEG quality must be 0-9")
        if compress_level is not None and not 0 <= compress_level <= 9:
            raise ValueError("compression level must be 0-9")
        self.jpeg_quality = jpeg_quality
        self.compress_level = compress_level
        self._shared = shared
        self.auto_update = auto_update
        # Set the padding byte to 0xff in painted areas (for views whose
        # surface honours alpha); done here, on the decoding thread, so the
        # view never writes into pixels a decoder may be writing.
        self.opaque = opaque
        #: Security type to pick when offered (replay follows the recording's sidecar).
        self.forced_security: int | None = None
        #: VeNCrypt subtype to pick (replay); a replay of VeNCrypt skips the TLS,
        #: as the recording holds the bytes from inside it.
        self.forced_subtype: int | None = None

        self.state = State.VERSION
        self._buf = ReadBuffer()
        self._out = bytearray()
        self._events: list[ev.Event] = []

        self.version = ""
        self.minor = 0
        self.security_type = 0
        #: The VeNCrypt subtype in use (0 when not VeNCrypt).
        self.security_subtype = 0
        self._password_for = State.VNC_CHALLENGE
        self._failure_is_auth = False
        self.name = ""
        self.server_pixel_format: PixelFormat | None = None
        self.fb = Framebuffer(0, 0)
        self._colour_map: np.ndarray | None = None
        self._init_update()
        self._init_clipboard(extended_clipboard)
        self._allow_offered()
        #: True when receive_data stopped at its work bound with complete
        #: messages still buffered: take the events, then call receive_data(b"").
        self.more_to_parse = False

        # What pseudo-encodings told us (see encodings.pseudo).
        self.extended_key_events = False
        self.extended_mouse_buttons = False  # the server acknowledged ExtendedMouseButtons
        self.pointer_absolute = True
        self.pointer_mode_known = False
        #: The server sent ExtendedDesktopSize: it understands SetDesktopSize.
        self.desktop_resize_supported = False
        #: The remote screen layout from the last ExtendedDesktopSize.
        self.screens: tuple[desktopsize.Screen, ...] = ()

        #: Bytes of server data processed, for statistics.
        self.bytes_received = 0

    # ---------------------------------------------------------------- input side

    def receive_data(self, data: bytes | bytearray | memoryview) -> None:
        """Parse what the data allows, within a bounded amount of work.

        Raises ProtocolError/AuthenticationError. When it stops at the bound
        (``more_to_parse``), the caller takes the events and calls again with
        ``b""``: a chunk of a million tiny messages never becomes a million
        pending events.
        """
        self.more_to_parse = False
        if self.state is State.CLOSED:
            return
        self._buf.feed(data)
        self.bytes_received += len(data)
        self._paused = False
        self._update_ended = False
        steps = MAX_STEPS_PER_CALL
        try:
            while self._step():
                steps -= 1
                if (steps <= 0 or len(self._events) >= MAX_EVENTS_PER_CALL
                        or self._held_damage >= MAX_DAMAGE_PER_CALL
                        or (self._update_ended and self.stop_after_update)):
                    self.more_to_parse = True
                    break
            if self._paused:
                self.more_to_parse = True
        except (ProtocolError, AuthenticationError):
            self.state = State.CLOSED
            raise
        except (ValueError, IndexError, KeyError, struct.error, zlib.error, OverflowError) as e:
            # A decoder tripped over malformed data: still the server's fault.
            self.state = State.CLOSED
            raise ProtocolError(f"malformed data from the server ({type(e).__name__}: {e})") from e

    def next_events(self) -> list[ev.Event]:
        out = self._events
        self._events = []
        self._held_damage = 0
        return out

    def data_to_send(self) -> bytes:
        out = bytes(self._out)
        self._out.clear()
        return out

    def send_password(self, password: str) -> None:
        """Answer a :class:`PasswordRequired` event."""
        self._password = password
        if self.state is State.WAIT_PASSWORD:
            self.state = self._password_for
            self._run()

    def tls_established(self) -> None:
        """Answer a :class:`StartTLS` event: the TLS session is up, go on inside it.

        From now on ``receive_data`` takes the decrypted bytes and
        ``data_to_send`` gives bytes to encrypt.
        """
        if self.state is not State.WAIT_TLS:
            raise RuntimeError("tls_established() without a StartTLS event")
        self._inner_auth()
        self._run()

    def _run(self) -> None:
        try:
            while self._step():
                pass
        except (ProtocolError, AuthenticationError):
            self.state = State.CLOSED
            raise

    @property
    def buffered(self) -> int:
        """Received bytes not yet parsed (an incomplete message)."""
        return self._buf.available()

    # ----------------------------------------------------------- state machine

    def _step(self) -> bool:
        s = self.state
        if s is State.UPDATE:  # (the hot states skip the Enum hash)
            return self._step_update()
        if s is State.NORMAL:
            return self._step_message()
        step = _HANDSHAKE_STEPS.get(s)  # (none while waiting for the caller, or closed)
        return step(self) if step is not None else False

    def _drop_broken_zrle(self) -> None:
        pf = self.pixel_format
        if (pf is not None and self.name.startswith("QEMU") and pf.bits_per_pixel == 16 and pf.green_max < 32
                and "zrle" in self._encoding_names and len(self._encoding_names) > 1):
            # QEMU's 15-bit ZRLE writes raw tiles at one byte per pixel (w*h*(15/8)).
            log.warning("QEMU sends broken ZRLE for 15-bit colour: not offering ZRLE")
            self._encoding_names = tuple(n for n in self._encoding_names if n != "zrle")
            self._allow_offered()

    def encoding_list(self) -> list[int]:
        encs = [numbers.PIXEL_ENCODINGS[n] for n in self._encoding_names]
        if self.jpeg_quality is not None:
            encs.append(numbers.JPEG_QUALITY_0 + self.jpeg_quality)
        if self.compress_level is not None:
            encs.append(numbers.COMPRESS_LEVEL_0 + self.compress_level)
        encs += [
            numbers.EXTENDED_DESKTOP_SIZE, numbers.DESKTOP_SIZE, numbers.LAST_RECT,
            numbers.CURSOR, numbers.DESKTOP_NAME, numbers.QEMU_EXTENDED_KEY_EVENT,
            numbers.QEMU_POINTER_MOTION_CHANGE, numbers.EXTENDED_MOUSE_BUTTONS,
        ]
        if self._want_ext_clipboard:
            encs.append(extclipboard.PSEUDO_ENCODING)
        return encs

    # ------------------------------------------------------- normal operation

    def _step_message(self) -> bool:
        buf = self._buf
        avail = buf.available()
        if avail < 1:
            return False
        t = buf.peek_u8()
        if t == 0:
            if avail < 4:
                return False
            _, n = buf.take(_FBU)
            self._begin_update(n, self.bytes_received - avail)
            return self._step_update()
        if t == 1:
            return self._colour_map_entries()
        if t == 2:
            # A run of Bells rings once: skipped at C speed, one event per batch.
            window = buf.peek(min(avail, _BELL_WINDOW))
            buf.skip(len(window) - len(window.lstrip(b"\x02")))
            if not any(isinstance(e, ev.Bell) for e in self._events[-8:]):
                self._events.append(ev.Bell())
            return True
        if t == 3:
            if buf.available() < 8:
                return False
            _, n = buf.unpack(_CUT)
            if n < 0:
                return self._extended_cut_text(-n)
            if n > MAX_CUT_TEXT:
                raise ProtocolError(f"server sent {n} bytes of clipboard text, more than QVMRC accepts")
            if buf.available() < 8 + n:
                return False
            buf.skip(8)
            text = ev.ServerCutText(buf.read(n).decode("latin-1"))
            # Only the newest clipboard matters: a later one replaces a pending one.
            self._events = [e for e in self._events if not isinstance(e, ev.ServerCutText)]
            self._events.append(text)
            return True
        if t == 150:  # EndOfContinuousUpdates: harmless even unasked
            buf.skip(1)
            return True
        raise ProtocolError(f"server sent an unknown message type {t}")


    def _colour_map_entries(self) -> bool:
        buf = self._buf
        if buf.available() < 6:
            return False
        _, first, n = buf.unpack(_COLOURMAP)
        if buf.available() < 6 + 6 * n:
            return False
        buf.skip(6)
        colours = np.frombuffer(buf.read(6 * n), dtype=">u2").reshape(n, 3)
        self._colour_map = colour_map_table(first, colours, self._colour_map)
        if self.pixel_format is not None and not self.pixel_format.true_colour:
            self._set_pixel_format(self.pixel_format)
        self._events.append(ev.ColourMapChanged(first, n))
        return True


    # ------------------------------------------------------------ output side

    def key_event(self, down: bool, keysym: int) -> bytes:
        return messages.key_event(down, keysym)

    def scancode_key_event(self, down: bool, keysym: int, xt_scancode: int) -> bytes:
        """Send by XT scancode when the server acknowledged QEMU Extended Key Events."""
        if self.extended_key_events and xt_scancode:
            return messages.qemu_key_event(down, keysym, xt_scancode)
        return messages.key_event(down, keysym)

    def pointer_event(self, x: int, y: int, buttons: int) -> bytes:
        """``buttons``: bit n is button n+1; bits 7 and 8 (back, forward) reach the
        server only where it acknowledged ExtendedMouseButtons, as noVNC does."""
        if self.extended_mouse_buttons and buttons & 0x180:
            return messages.extended_pointer_event(x, y, buttons)
        return messages.pointer_event(x, y, buttons)

    def relative_pointer_event(self, dx: int, dy: int, buttons: int) -> bytes:
        centre = messages.RELATIVE_POINTER_CENTRE
        return self.pointer_event(centre + dx, centre + dy, buttons)

    def set_desktop_size(self, width: int, height: int) -> bytes:
        """SetDesktopSize for one screen, or nothing when the server cannot take it."""
        if not self.desktop_resize_supported:
            return b""
        return desktopsize.set_desktop_size(width, height, self.screens)

    def set_encoding_preferences(self, encodings: Sequence[str], jpeg_quality: int | None,
                                 compress_level: int | None) -> bytes:
        """Change encodings and quality on a live connection: a new SetEncodings.

        Before ServerInit nothing is sent: the new choice goes out with the first.
        """
        for name in encodings:
            if name not in numbers.PIXEL_ENCODINGS:
                raise ValueError(f"unknown encoding {name!r}")
        if jpeg_quality is not None and not 0 <= jpeg_quality <= 9:
            raise ValueError("JPEG quality must be 0-9")
        if compress_level is not None and not 0 <= compress_level <= 9:
            raise ValueError("compression level must be 0-9")
        self._encoding_names = tuple(encodings)
        self.jpeg_quality = jpeg_quality
        self.compress_level = compress_level
        if self.state not in (State.NORMAL, State.UPDATE):
            self._allow_offered()
            return b""
        self._drop_broken_zrle()
        self._allow_offered(keep=True)
        return messages.set_encodings(self.encoding_list())


    # ------------------------------------------------------------ for replay

    def start_replay(self, width: int, height: int, pf: PixelFormat, name: str = "") -> None:
        """Skip the handshake: used to decode an FBS recording's message stream."""
        self.fb = Framebuffer(width, height)
        self.name = name
        self._set_pixel_format(pf)
        self.state = State.NORMAL


# The reader of each handshake state (a table of functions, not bound methods,
# so a client holds no reference cycle and is freed as soon as it is dropped).
_HANDSHAKE_STEPS: dict[State, Callable[[RFBClient], bool]] = {
    State.VERSION: RFBClient._step_version,
    State.SECURITY_TYPES: RFBClient._step_security_types,
    State.SECURITY_TYPE_33: RFBClient._step_security_33,
    State.VNC_CHALLENGE: RFBClient._step_challenge,
    State.VENCRYPT_VERSION: RFBClient._step_vencrypt_version,
    State.VENCRYPT_VERSION_ACK: RFBClient._step_vencrypt_version_ack,
    State.VENCRYPT_SUBTYPES: RFBClient._step_vencrypt_subtypes,
    State.VENCRYPT_SUBTYPE_ACK: RFBClient._step_vencrypt_subtype_ack,
    State.PLAIN_CREDENTIALS: RFBClient._step_plain,
    State.SECURITY_RESULT: RFBClient._step_security_result,
    State.FAILURE_REASON: RFBClient._step_failure_reason,
    State.SERVER_INIT: RFBClient._step_server_init,
}
