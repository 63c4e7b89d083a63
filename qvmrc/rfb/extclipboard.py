"""Extended Clipboard (rfbproto's "Extended Clipboard Pseudo-Encoding"): UTF-8 cut text.

Plain cut text is Latin-1 only. A client that announces this pseudo-encoding may
get, in ServerCutText / ClientCutText, a *negative* length: then ``-length``
bytes follow, a u32 of flags (formats in bits 0-15, one action in bits 24-28)
and the action's payload. Only the text format is handled here.

QEMU (7.2) and TigerVNC's Xvnc (1.12) both offer it. QEMU relays its clipboard
only to clients that announce the pseudo-encoding,
and only as notify -> request -> provide: it advertises a maximum unsolicited
size of 0, ignores the client's caps, accepts a provide only from the peer that
last notified, and refuses (disconnects) any client message over 1 MiB.

This module only parses and builds messages; the connection keeps the state.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass

#: 0xC0A1E5CE as the s32 SetEncodings carries.
PSEUDO_ENCODING = -1063131698

TEXT = 1 << 0
RTF = 1 << 1
HTML = 1 << 2
DIB = 1 << 3
FILES = 1 << 4
FORMATS = 0xFFFF

CAPS = 1 << 24
REQUEST = 1 << 25
PEEK = 1 << 26
NOTIFY = 1 << 27
PROVIDE = 1 << 28
ACTIONS = 0xFF000000

#: Largest extended message accepted from a server (on the wire, after the length).
MAX_MESSAGE = 10 << 20
#: Largest decompressed provide payload accepted from a server (zlib bombs stop here).
MAX_DATA = 10 << 20
#: Largest text we provide (UTF-8 with its NUL, plus the 4-byte size): QEMU inflates
#: at most 1 MiB and drops anything longer.
MAX_SEND = (1 << 20) - 5
#: Largest message we send (after the length): QEMU disconnects a client above 1 MiB.
MAX_SEND_MESSAGE = 1 << 20

_CUT = struct.Struct(">Bxxxi")
_U32 = struct.Struct(">I")

CLIENT_CUT_TEXT = 6


class BadMessage(ValueError):
    """An extended clipboard message that breaks the format (the stream stays in sync)."""


@dataclass(frozen=True)
class Message:
    """One parsed extended clipboard message.

    ``sizes`` (caps only) maps each format the sender accepts to its largest
    unsolicited size; ``text`` (provide only) is the text, or None when the
    provide carries no text.
    """

    flags: int
    sizes: dict[int, int]
    text: str | None = None

    @property
    def formats(self) -> int:
        return self.flags & FORMATS

    @property
    def action(self) -> int:
        return self.flags & ACTIONS


def _format_bits(flags: int) -> list[int]:
    return [1 << i for i in range(16) if flags & (1 << i)]


def parse(payload: bytes) -> Message:
    """Parse the ``-length`` bytes after the header; raises :class:`BadMessage`."""
    if len(payload) < 4:
        raise BadMessage(f"{len(payload)} bytes, shorter than its 4-byte flags")
    (flags,) = _U32.unpack_from(payload)
    body = payload[4:]
    if flags & CAPS:
        bits = _format_bits(flags)
        if len(body) < 4 * len(bits):
            raise BadMessage(f"caps for {len(bits)} formats carry {len(body)} bytes of sizes")
        sizes = {bit: _U32.unpack_from(body, 4 * i)[0] for i, bit in enumerate(bits)}
        return Message(flags, sizes)
    if flags & PROVIDE:
        return Message(flags, {}, _provided_text(flags, body))
    return Message(flags, {})


def _inflate(body: bytes) -> bytes:
    d = zlib.decompressobj()
    try:
        # max_length bounds what is allocated however well the data compresses.
        out = d.decompress(body, MAX_DATA + 1)
    except zlib.error as e:
        raise BadMessage(f"provide data is not a valid zlib stream ({e})") from None
    if len(out) > MAX_DATA or d.unconsumed_tail:
        raise BadMessage(f"provide data inflates to more than {MAX_DATA} bytes")
    # No check for the stream's end: TigerVNC ends each provide with a sync flush,
    # not a finished stream. A cut-off stream shows as text shorter than its size.
    return out


def _provided_text(flags: int, body: bytes) -> str | None:
    if not flags & TEXT:
        return None
    data = _inflate(body)
    # One (u32 size, data) pair per format set in flags, lowest bit first: text is first.
    if len(data) < 4:
        raise BadMessage("provide data has no size for its text")
    (size,) = _U32.unpack_from(data)
    if size > len(data) - 4:
        raise BadMessage(f"provide text claims {size} bytes, {len(data) - 4} follow")
    return decode_text(data[4 : 4 + size])


def decode_text(raw: bytes) -> str:
    """The spec's text: UTF-8, CRLF line ends, NUL-terminated. Gives LF line ends.

    QEMU relays what a Latin-1 client pasted unchanged (no NUL, not UTF-8): text
    that is not valid UTF-8 is read as the Latin-1 it almost surely was.
    """
    nul = raw.find(b"\0")
    if nul >= 0:
        raw = raw[:nul]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def encode_text(text: str) -> bytes:
    """UTF-8 with CRLF line ends and the terminating NUL the spec asks for."""
    crlf = text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\r\n")
    return crlf.encode("utf-8", errors="replace") + b"\0"


def _message(flags: int, body: bytes = b"") -> bytes:
    return _CUT.pack(CLIENT_CUT_TEXT, -(4 + len(body))) + _U32.pack(flags) + body


def caps(flags: int, sizes: dict[int, int]) -> bytes:
    """ClientCutText caps: ``flags`` (formats | actions) and a size per format."""
    body = b"".join(_U32.pack(sizes.get(bit, 0)) for bit in _format_bits(flags))
    return _message(flags | CAPS, body)


def notify(formats: int) -> bytes:
    return _message(NOTIFY | (formats & FORMATS))


def request(formats: int) -> bytes:
    return _message(REQUEST | (formats & FORMATS))


def peek() -> bytes:
    return _message(PEEK)


def provide_text(data: bytes | None) -> bytes:
    """A provide of ``data`` (from :func:`encode_text`), or of no format when None
    or when it would not compress below :data:`MAX_SEND_MESSAGE`."""
    if data is not None:
        body = zlib.compress(_U32.pack(len(data)) + data)
        if 4 + len(body) <= MAX_SEND_MESSAGE:
            return _message(PROVIDE | TEXT, body)
    return _message(PROVIDE, zlib.compress(b""))
