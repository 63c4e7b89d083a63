"""The RFB client as a sans-IO state machine.

Feed it what the server sent (``receive_data``), take the events it found
(``next_events``) and the bytes it wants to answer with (``data_to_send``).
Input and other client messages are built by methods that return bytes and
touch no parsing state, so a session may call them from any thread while a
decode is in progress.
"""

from __future__ import annotations

import logging
import struct
import threading
import zlib
from collections.abc import Collection, Sequence
from enum import Enum, auto

import numpy as np

from qvmrc.errors import AuthenticationError, ProtocolError
from qvmrc.rfb import desktopsize, extclipboard, messages, vencrypt
from qvmrc.rfb import events as ev
from qvmrc.rfb.auth import vnc_auth_response
from qvmrc.rfb.buffer import ReadBuffer
from qvmrc.rfb.encodings import numbers
from qvmrc.rfb.encodings.base import DecodeContext, Decoder
from qvmrc.rfb.encodings.registry import make_decoders
from qvmrc.rfb.framebuffer import Framebuffer
from qvmrc.rfb.pixelformat import PRESETS, PixelConverter, PixelFormat, colour_map_table

log = logging.getLogger(__name__)

SECURITY_NONE = 1
SECURITY_VNC = 2
SECURITY_VENCRYPT = vencrypt.SECURITY_VENCRYPT
SECURITY_NAMES = {
    0: "Invalid", 1: "None", 2: "VNC Authentication", 5: "RA2", 6: "RA2ne", 16: "Tight",
    17: "Ultra", 18: "TLS", 19: "VeNCrypt", 20: "SASL", 21: "MD5", 22: "xvp",
    30: "Apple Remote Desktop", 129: "Unix Login",
}

MAX_REASON = 4096
MAX_NAME = 65536
MAX_CUT_TEXT = 16 * 1024 * 1024

_ALPHA = np.uint32(0xFF000000)
# Pseudo-encodings the connection handles itself (no decoder object).
_HANDLED_PSEUDO = frozenset((
    numbers.DESKTOP_SIZE, numbers.EXTENDED_DESKTOP_SIZE, numbers.LAST_RECT, numbers.DESKTOP_NAME,
    numbers.QEMU_EXTENDED_KEY_EVENT, numbers.QEMU_POINTER_MOTION_CHANGE,
    numbers.EXTENDED_MOUSE_BUTTONS,
))
# Work per receive_data call: at most this many messages (or update
# rectangles that produced events) and this many events before the caller
# gets them; the rest waits in the buffer (``more_to_parse``). Bounds what
# one large chunk of tiny messages can pile up.
MAX_STEPS_PER_CALL = 2048
MAX_EVENTS_PER_CALL = 512
# ... and damage rectangles held in those events (~100 bytes each; an update has up to 65,535).
MAX_DAMAGE_PER_CALL = 1 << 16
# Bytes one Bell run looks at; a run of Bells is one event.
_BELL_WINDOW = 1 << 16
_RECT = struct.Struct(">HHHHi")
_SERVER_INIT = struct.Struct(">HH16sI")
_FBU = struct.Struct(">BxH")
_COLOURMAP = struct.Struct(">BxHH")
_CUT = struct.Struct(">Bxxxi")  # negative: Extended Clipboard


class State(Enum):
    VERSION = auto()
    SECURITY_TYPES = auto()
    SECURITY_TYPE_33 = auto()
    VNC_CHALLENGE = auto()
    VENCRYPT_VERSION = auto()
    VENCRYPT_VERSION_ACK = auto()
    VENCRYPT_SUBTYPES = auto()
    VENCRYPT_SUBTYPE_ACK = auto()
    WAIT_TLS = auto()
    PLAIN_CREDENTIALS = auto()
    WAIT_PASSWORD = auto()
    SECURITY_RESULT = auto()
    FAILURE_REASON = auto()
    SERVER_INIT = auto()
    NORMAL = auto()
    UPDATE = auto()
    CLOSED = auto()


def _reason(data: bytes) -> str:
    # QEMU ends its reason with a NUL byte.
    return data.rstrip(b"\0").decode("utf-8", errors="replace").strip()


class RFBClient:
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
        self.pixel_format: PixelFormat | None = None
        self.fb = Framebuffer(0, 0)
        self._colour_map: np.ndarray | None = None
        self._ctx: DecodeContext | None = None
        self._decoders: dict[int, Decoder] = {}
        self._pseudo_allowed: frozenset[int] = frozenset()
        self._want_ext_clipboard = extended_clipboard  # (part of what we offer)
        self._allow_offered()
        #: True when receive_data stopped at its work bound with complete
        #: messages still buffered: take the events, then call receive_data(b"").
        self.more_to_parse = False
        self._paused = False
        self._held_damage = 0  # damage rectangles in events not yet taken
        #: Return from ``receive_data`` at the end of each FramebufferUpdate, so the
        #: caller can hand a complete picture over before the next one is decoded.
        self.stop_after_update = False
        self._update_ended = False

        self.extended_key_events = False
        self.extended_mouse_buttons = False  # the server acknowledged ExtendedMouseButtons
        #: True once the server's clipboard caps arrived, False once it is known to
        #: have none (Latin-1 cut text), None until then.
        self.extended_clipboard: bool | None = None if extended_clipboard else False
        # Clipboard state is shared between the parser and client_cut_text, which a
        # session may call from another thread while a decode runs.
        self._clip_lock = threading.Lock()
        self._clip_server_flags = 0
        self._clip_data: bytes | None = None  # our announced text (UTF-8, CRLF, NUL)
        self._clip_provide: bytes | None = None  # its provide message, built once
        self._clip_pending: str | None = None  # text given before the mode was known
        self._clip_shared = True  # off: request nothing, offer nothing
        #: Formats the server last said its clipboard holds (Extended Clipboard notify).
        self.server_clipboard_formats: int | None = None
        self.pointer_absolute = True
        self.pointer_mode_known = False
        #: The server sent ExtendedDesktopSize: it understands SetDesktopSize.
        self.desktop_resize_supported = False
        #: The remote screen layout from the last ExtendedDesktopSize.
        self.screens: tuple[desktopsize.Screen, ...] = ()

        # Progress through the current FramebufferUpdate.
        self._rects_left = 0
        self._rect: tuple[int, int, int, int, int, Decoder | None] | None = None
        self._damage: list[tuple[int, int, int, int]] = []
        self._enc_counts: dict[str, int] = {}
        self._nrects = 0
        self._update_start = 0

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
        if s is State.UPDATE:
            return self._step_update()
        if s is State.NORMAL:
            return self._step_message()
        handler = {
            State.VERSION: self._step_version,
            State.SECURITY_TYPES: self._step_security_types,
            State.SECURITY_TYPE_33: self._step_security_33,
            State.VNC_CHALLENGE: self._step_challenge,
            State.VENCRYPT_VERSION: self._step_vencrypt_version,
            State.VENCRYPT_VERSION_ACK: self._step_vencrypt_version_ack,
            State.VENCRYPT_SUBTYPES: self._step_vencrypt_subtypes,
            State.VENCRYPT_SUBTYPE_ACK: self._step_vencrypt_subtype_ack,
            State.PLAIN_CREDENTIALS: self._step_plain,
            State.SECURITY_RESULT: self._step_security_result,
            State.FAILURE_REASON: self._step_failure_reason,
            State.SERVER_INIT: self._step_server_init,
        }.get(s)
        if handler is None:
            return False
        return handler()

    def _step_version(self) -> bool:
        buf = self._buf
        if buf.available() < 12:
            if buf.available() >= 4 and buf.peek(4) != b"RFB ":
                raise ProtocolError(f"not a VNC server (it sent {buf.peek(buf.available())[:40]!r})")
            return False
        raw = buf.read(12)
        if raw[:4] != b"RFB " or raw[7:8] != b"." or raw[11:12] != b"\n":
            raise ProtocolError(f"not a VNC server (it sent {raw!r})")
        try:
            major, minor = int(raw[4:7]), int(raw[8:11])
        except ValueError:
            raise ProtocolError(f"not a VNC server (it sent {raw!r})") from None
        if major < 3 or (major == 3 and minor < 3):
            raise ProtocolError(f"server speaks RFB {major}.{minor}, older than 3.3")
        if major > 3 or minor >= 8:
            self.minor = 8
        elif minor == 7:
            self.minor = 7
        else:
            self.minor = 3
        self.version = f"3.{self.minor}"
        self._out += b"RFB 003.%03d\n" % self.minor
        self.state = State.SECURITY_TYPE_33 if self.minor == 3 else State.SECURITY_TYPES
        return True

    def _fail(self) -> bool:
        """Server refused: its reason follows as u32 length + text."""
        self.state = State.FAILURE_REASON
        return True

    def _step_failure_reason(self) -> bool:
        buf = self._buf
        if buf.available() < 4:
            return False
        n = buf.peek_u32()
        want = min(n, MAX_REASON)
        if buf.available() < 4 + want:
            return False
        buf.skip(4)
        text = _reason(buf.read(want)) or "no reason given"
        if self._failure_is_auth:
            raise AuthenticationError(f"authentication failed: {text}")
        raise ProtocolError(f"server refused the connection: {text}")

    def _step_security_types(self) -> bool:
        buf = self._buf
        if buf.available() < 1:
            return False
        n = buf.peek_u8()
        if n == 0:
            buf.skip(1)
            return self._fail()
        if buf.available() < 1 + n:
            return False
        buf.skip(1)
        types = list(buf.read(n))
        self._choose_security(types)
        self._out.append(self.security_type)
        return self._after_security_choice()

    def _step_security_33(self) -> bool:
        buf = self._buf
        if buf.available() < 4:
            return False
        t = buf.read_u32()
        if t == 0:
            return self._fail()
        if t not in (SECURITY_NONE, SECURITY_VNC):
            raise AuthenticationError(f"server requires security type {self._sec_name(t)}, which QVMRC does not support")
        self.security_type = t
        return self._after_security_choice()

    @staticmethod
    def _sec_name(t: int) -> str:
        return f"{SECURITY_NAMES.get(t, 'unknown')} ({t})"

    def _choose_security(self, types: list[int]) -> None:
        if self.forced_security is not None and self.forced_security in types:
            # Replaying a recording: follow the choice its client made.
            self.security_type = self.forced_security
        elif SECURITY_VENCRYPT in types and self._vencrypt:
            # Encrypted beats clear text, with or without a password.
            self.security_type = SECURITY_VENCRYPT
        elif SECURITY_NONE in types:
            self.security_type = SECURITY_NONE
        elif SECURITY_VNC in types:
            self.security_type = SECURITY_VNC
        else:
            offered = ", ".join(self._sec_name(t) for t in types)
            raise AuthenticationError(f"server offers only security types QVMRC does not support: {offered}")

    def _after_security_choice(self) -> bool:
        self._failure_is_auth = True
        if self.security_type == SECURITY_VNC:
            self.state = State.VNC_CHALLENGE
        elif self.security_type == SECURITY_VENCRYPT:
            self.state = State.VENCRYPT_VERSION
        elif self.minor >= 8:
            self.state = State.SECURITY_RESULT
        else:
            self._client_init()
        return True

    # ------------------------------------------------------------ VeNCrypt

    def _step_vencrypt_version(self) -> bool:
        buf = self._buf
        if buf.available() < 2:
            return False
        major, minor = buf.read(2)
        if (major, minor) < vencrypt.VERSION:
            self._out += b"\0\0"  # "cannot support it": the server closes
            raise AuthenticationError(
                f"the server speaks VeNCrypt {major}.{minor}; QVMRC needs version 0.2 or later")
        self._out += bytes(vencrypt.VERSION)
        self.state = State.VENCRYPT_VERSION_ACK
        return True

    def _step_vencrypt_version_ack(self) -> bool:
        if self._buf.available() < 1:
            return False
        if self._buf.read(1)[0] != 0:
            raise AuthenticationError("the server refused VeNCrypt version 0.2")
        self.state = State.VENCRYPT_SUBTYPES
        return True

    def _step_vencrypt_subtypes(self) -> bool:
        buf = self._buf
        if buf.available() < 1:
            return False
        n = buf.peek_u8()
        if n == 0:
            raise AuthenticationError("the server offers no VeNCrypt subtypes")
        if n > vencrypt.MAX_SUBTYPES:
            raise ProtocolError(f"the server lists {n} VeNCrypt subtypes")
        if buf.available() < 1 + 4 * n:
            return False
        buf.skip(1)
        offered = list(struct.unpack(f">{n}I", buf.read(4 * n)))
        if self.forced_subtype is not None and self.forced_subtype in offered:
            chosen: int | None = self.forced_subtype
        elif self.forced_security == SECURITY_VENCRYPT:
            chosen = offered[0]
        else:
            usable = {t for t in self._vencrypt if t not in vencrypt.PLAIN_AUTH or self._username is not None}
            chosen = vencrypt.choose(offered, usable)
        if chosen is None:
            x509, user = bool(self._vencrypt & vencrypt.X509), self._username is not None
            why = "; ".join(f"{vencrypt.subtype_name(t)} {vencrypt.why_unusable(t, x509=x509, username=user)}"
                            for t in offered)
            raise AuthenticationError(f"the server offers only VeNCrypt subtypes QVMRC cannot use here: {why}")
        self.security_subtype = chosen
        self._out += struct.pack(">I", chosen)
        self.state = State.VENCRYPT_SUBTYPE_ACK
        return True

    def _step_vencrypt_subtype_ack(self) -> bool:
        buf = self._buf
        if buf.available() < 1:
            return False
        if buf.read(1)[0] == 0:
            raise AuthenticationError(
                f"the server refused VeNCrypt subtype {vencrypt.subtype_name(self.security_subtype)}")
        if self.forced_security == SECURITY_VENCRYPT:
            # Replay: the recording holds what came out of the TLS session.
            self._inner_auth()
            return True
        if buf.available():
            # The client speaks first in TLS: anything here is not TLS.
            raise ProtocolError("the server sent data before the VeNCrypt TLS handshake")
        self.state = State.WAIT_TLS
        self._events.append(ev.StartTLS(anonymous=self.security_subtype in vencrypt.ANONYMOUS,
                                        subtype=vencrypt.SUBTYPE_NAMES[self.security_subtype]))
        return False

    def _inner_auth(self) -> None:
        subtype = self.security_subtype
        if subtype in vencrypt.VNC_AUTH:
            self.state = State.VNC_CHALLENGE
        elif subtype in vencrypt.PLAIN_AUTH:
            self.state = State.PLAIN_CREDENTIALS
        else:
            self.state = State.SECURITY_RESULT

    def _step_plain(self) -> bool:
        if self._password is None:
            # Nothing comes from the server before the credentials: ask now.
            self._password_for = State.PLAIN_CREDENTIALS
            self.state = State.WAIT_PASSWORD
            self._events.append(ev.PasswordRequired())
            return False
        try:
            self._out += vencrypt.plain_credentials(self._username or "", self._password)
        except ValueError as e:
            raise AuthenticationError(str(e)) from None
        self.state = State.SECURITY_RESULT
        return True

    # ------------------------------------------------------------------

    def _step_challenge(self) -> bool:
        if self._password is None:
            if self._buf.available() >= 16 and self.state is not State.WAIT_PASSWORD:
                self._password_for = State.VNC_CHALLENGE
                self.state = State.WAIT_PASSWORD
                self._events.append(ev.PasswordRequired())
            return False
        if self._buf.available() < 16:
            return False
        self._out += vnc_auth_response(self._password, self._buf.read(16))
        self.state = State.SECURITY_RESULT
        return True

    def _step_security_result(self) -> bool:
        buf = self._buf
        if buf.available() < 4:
            return False
        result = buf.read_u32()
        if result == 0:
            self._client_init()
            return True
        if self.minor >= 8:
            return self._fail()
        if result == 2:
            raise AuthenticationError("authentication failed: too many attempts")
        password_used = (self.security_type == SECURITY_VNC
                         or self.security_subtype in vencrypt.VNC_AUTH | vencrypt.PLAIN_AUTH)
        raise AuthenticationError("authentication failed" + (": wrong password" if password_used else ""))

    def _client_init(self) -> None:
        self._failure_is_auth = False
        self._out.append(1 if self._shared else 0)
        self.state = State.SERVER_INIT

    def _step_server_init(self) -> bool:
        buf = self._buf
        if buf.available() < 24:
            return False
        w, h, pf_raw, name_len = buf.unpack(_SERVER_INIT)
        if name_len > MAX_NAME:
            raise ProtocolError(f"server sent a desktop name of {name_len} bytes")
        if buf.available() < 24 + name_len:
            return False
        buf.skip(24)
        self.name = _reason(buf.read(name_len))
        server_pf = PixelFormat.unpack(pf_raw)
        self.server_pixel_format = server_pf
        if isinstance(self._want_pf, PixelFormat):
            pf = self._want_pf
        elif self._want_pf == "native":
            pf = server_pf
        else:
            pf = PRESETS[self._want_pf]
        pf.validate()
        self.fb = Framebuffer(w, h)
        if self.opaque:
            self.fb.pixels.fill(_ALPHA)
        self._set_pixel_format(pf)
        if pf != server_pf:
            self._out += messages.set_pixel_format(pf)
        self._drop_broken_zrle()
        self._out += messages.set_encodings(self.encoding_list())
        self._out += messages.framebuffer_update_request(False, 0, 0, w, h)
        self.state = State.NORMAL
        self._events.append(ev.Connected(
            width=w, height=h, name=self.name, version=self.version,
            security_type=self._security_description(),
            server_pixel_format=server_pf, pixel_format=pf,
        ))
        return True

    def _drop_broken_zrle(self) -> None:
        pf = self.pixel_format
        if (pf is not None and self.name.startswith("QEMU") and pf.bits_per_pixel == 16 and pf.green_max < 32
                and "zrle" in self._encoding_names and len(self._encoding_names) > 1):
            # QEMU's 15-bit ZRLE writes raw tiles at one byte per pixel (w*h*(15/8)).
            log.warning("QEMU sends broken ZRLE for 15-bit colour: not offering ZRLE")
            self._encoding_names = tuple(n for n in self._encoding_names if n != "zrle")
            self._allow_offered()

    def _security_description(self) -> str:
        name = SECURITY_NAMES.get(self.security_type, str(self.security_type))
        if self.security_subtype:
            name += f" {vencrypt.SUBTYPE_NAMES.get(self.security_subtype, str(self.security_subtype))}"
        return name

    def _set_pixel_format(self, pf: PixelFormat) -> None:
        self.pixel_format = pf
        conv = PixelConverter(pf, self._colour_map)
        if self._ctx is None:
            self._ctx = DecodeContext(self.fb, conv)
        else:
            self._ctx.conv = conv
            self._ctx.fb = self.fb

    def _allow_offered(self, keep: bool = False) -> None:
        """Decode only what we offer (plus Raw, which a server may always send):
        an unoffered encoding is refused rather than handed to a decoder the
        user turned off. ``keep``: a live change also keeps what was offered
        before, since updates already on their way may still use it."""
        offered = set(self.encoding_list())
        offered.add(numbers.RAW)
        old = self._decoders
        if keep:
            offered |= set(old) | self._pseudo_allowed
        self._decoders = {enc: old.get(enc) or dec for enc, dec in make_decoders().items() if enc in offered}
        self._pseudo_allowed = frozenset(offered & _HANDLED_PSEUDO)

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
            self._rects_left = n
            self._damage = []
            self._enc_counts = {}
            self._nrects = 0
            self._update_start = self.bytes_received - avail
            self.state = State.UPDATE
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

    # ------------------------------------------------------ Extended Clipboard

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

    def _step_update(self) -> bool:
        buf = self._buf
        ctx = self._ctx
        assert ctx is not None
        while True:
            rect = self._rect
            if rect is None:
                if self._rects_left == 0:
                    self._finish_update()
                    return True
                if buf.available() < 12:
                    return False
                x, y, w, h, enc = buf.take(_RECT)
                self._rects_left -= 1
                self._nrects += 1
                if enc == numbers.LAST_RECT:  # (Xvnc ends every update with one)
                    self._finish_update()
                    return True
                decoder = self._decoders.get(enc)
                if decoder is None:
                    if enc not in self._pseudo_allowed:
                        raise ProtocolError(
                            f"server sent a rectangle in encoding {numbers.name_of(enc)}, which QVMRC did not ask for")
                elif decoder.paints:
                    fb = self.fb.pixels
                    if x + w > fb.shape[1] or y + h > fb.shape[0]:
                        raise ProtocolError(
                            f"server sent a {numbers.name_of(enc)} rectangle {w}x{h}+{x}+{y} "
                            f"outside the {fb.shape[1]}x{fb.shape[0]} screen")
                rect = self._rect = (x, y, w, h, enc, decoder)
            x, y, w, h, enc, decoder = rect
            pending = ctx.pending
            if pending is not None and pending is not decoder:
                ctx.pending = None
                pending.flush(ctx)
            if decoder is None:
                done = self._pseudo(x, y, w, h, enc)
                if done is None:  # LastRect
                    self._rect = None
                    self._finish_update()
                    return True
            else:
                run = decoder.decode_run(buf, x, y, w, h, self._rects_left, ctx) if decoder.runs else None
                if run is not None:
                    # This rectangle and len(run) - 1 following ones, headers included.
                    extra = len(run) - 1
                    self._rects_left -= extra
                    self._nrects += extra
                    self._damage.extend(run)
                    self._enc_counts[decoder.name] = self._enc_counts.get(decoder.name, 0) + extra
                    done = True
                else:
                    done = decoder.decode(buf, x, y, w, h, ctx)
                    if done and decoder.paints and w and h:
                        self._damage.append((x, y, w, h))
            if not done:
                return False
            self._rect = None
            name = decoder.name if decoder is not None else numbers.name_of(enc)
            self._enc_counts[name] = self._enc_counts.get(name, 0) + 1
            if ctx.events:
                self._take_rect_events(ctx.events)
                if len(self._events) >= MAX_EVENTS_PER_CALL:
                    self._paused = True  # resumes at the next rectangle
                    return False

    def _take_rect_events(self, new: list[ev.Event]) -> None:
        """Move a rectangle's events out; a new cursor shape replaces a pending one."""
        if any(isinstance(e, ev.CursorShape) for e in new):
            self._events = [e for e in self._events if not isinstance(e, ev.CursorShape)]
        self._events.extend(new)
        new.clear()

    def _pseudo(self, x: int, y: int, w: int, h: int, enc: int) -> bool | None:
        buf = self._buf
        if enc == numbers.LAST_RECT:
            return None
        if enc == numbers.DESKTOP_SIZE:
            self._resize(w, h)
            return True
        if enc == numbers.EXTENDED_DESKTOP_SIZE:
            if buf.available() < 4:
                return False
            count = buf.peek_u8()
            if count > desktopsize.MAX_SCREENS:
                raise ProtocolError(f"server sent a screen layout of {count} screens")
            if buf.available() < 4 + 16 * count:
                return False
            buf.skip(4)
            screens = desktopsize.parse_screens(buf.read(16 * count), count)
            self.desktop_resize_supported = True
            # x says who asked; y is the status when it was us. A refusal
            # still reports the current size, which stays what it was.
            if x == desktopsize.REASON_THIS_CLIENT:
                self._events.append(ev.DesktopSizeResult(y, w, h))
            if x != desktopsize.REASON_THIS_CLIENT or y == desktopsize.STATUS_OK:
                self.screens = screens
                self._resize(w, h)
            return True
        if enc == numbers.DESKTOP_NAME:
            if buf.available() < 4:
                return False
            n = buf.peek_u32()
            if n > MAX_NAME:
                raise ProtocolError(f"server sent a desktop name of {n} bytes")
            if buf.available() < 4 + n:
                return False
            buf.skip(4)
            self.name = _reason(buf.read(n))
            self._events.append(ev.DesktopNameChanged(self.name))
            return True
        if enc == numbers.QEMU_EXTENDED_KEY_EVENT:
            if not self.extended_key_events:
                self.extended_key_events = True
                self._events.append(ev.ExtendedKeyEventsEnabled())
            return True
        if enc == numbers.EXTENDED_MOUSE_BUTTONS:
            self.extended_mouse_buttons = True
            return True
        if enc == numbers.QEMU_POINTER_MOTION_CHANGE:
            absolute = x != 0
            if absolute != self.pointer_absolute or not self.pointer_mode_known:
                self.pointer_absolute = absolute
                self.pointer_mode_known = True
                self._events.append(ev.PointerModeChanged(absolute))
            return True
        raise ProtocolError(f"unhandled pseudo-encoding {enc}")  # pragma: no cover

    def _resize(self, w: int, h: int) -> None:
        if (w, h) != (self.fb.width, self.fb.height):
            self.fb.resize(w, h, fill=_ALPHA if self.opaque else 0)
            self._events.append(ev.DesktopResized(w, h))

    def _finish_update(self) -> None:
        ctx = self._ctx
        if ctx is not None and ctx.pending is not None:
            pending, ctx.pending = ctx.pending, None
            pending.flush(ctx)
        self.state = State.NORMAL
        damage = tuple(self._damage)
        self._held_damage += len(damage)
        self._update_ended = True
        bounds = None
        if len(damage) == 1:
            bounds = damage[0]
        elif damage:
            x0 = min(d[0] for d in damage)
            y0 = min(d[1] for d in damage)
            x1 = max(d[0] + d[2] for d in damage)
            y1 = max(d[1] + d[3] for d in damage)
            bounds = (x0, y0, x1 - x0, y1 - y0)
        nbytes = self.bytes_received - self._buf.available() - self._update_start
        self._events.append(ev.FramebufferUpdated(
            damage=damage, bounds=bounds, rects=self._nrects,
            encodings=dict(self._enc_counts), nbytes=nbytes))
        if self.opaque and damage:
            px = self.fb.pixels
            for x, y, w, h in damage:
                px[y : y + h, x : x + w] |= _ALPHA
        self._damage = []
        if damage and self.extended_clipboard is None:
            # Painted pixels answer our update request, which followed SetEncodings:
            # a server with Extended Clipboard would have sent its caps by now.
            self._clipboard_mode(False)
        if self.auto_update:
            req = messages.framebuffer_update_request(True, 0, 0, self.fb.width, self.fb.height)
            if not self._out.endswith(req):  # one unsent request already asks for the same
                self._out += req

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

    # ------------------------------------------------------------ for replay

    def start_replay(self, width: int, height: int, pf: PixelFormat, name: str = "") -> None:
        """Skip the handshake: used to decode an FBS recording's message stream."""
        self.fb = Framebuffer(width, height)
        self.name = name
        self._set_pixel_format(pf)
        self.state = State.NORMAL
