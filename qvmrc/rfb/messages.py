"""Client-to-server messages as bytes (the writing half of the protocol)."""

from __future__ import annotations

import struct
from collections.abc import Iterable

from qvmrc.rfb.pixelformat import PixelFormat

SET_PIXEL_FORMAT = 0
SET_ENCODINGS = 2
FRAMEBUFFER_UPDATE_REQUEST = 3
KEY_EVENT = 4
POINTER_EVENT = 5
CLIENT_CUT_TEXT = 6
QEMU_CLIENT_MESSAGE = 255

_FBUR = struct.Struct(">BBHHHH")
_KEY = struct.Struct(">BBxxI")
_POINTER = struct.Struct(">BBHH")
_EXT_POINTER = struct.Struct(">BBHHB")
_QEMU_KEY = struct.Struct(">BBHII")

# QEMU's relative pointer motion is sent offset by this (0 motion = 0x7FFF).
RELATIVE_POINTER_CENTRE = 0x7FFF
MAX_CUT_TEXT = 1 << 20


def set_pixel_format(pf: PixelFormat) -> bytes:
    return bytes([SET_PIXEL_FORMAT, 0, 0, 0]) + pf.pack()


def set_encodings(encodings: Iterable[int]) -> bytes:
    encs = list(encodings)
    return struct.pack(f">BxH{len(encs)}i", SET_ENCODINGS, len(encs), *encs)


def framebuffer_update_request(incremental: bool, x: int, y: int, w: int, h: int) -> bytes:
    return _FBUR.pack(FRAMEBUFFER_UPDATE_REQUEST, int(incremental), x, y, w, h)


def key_event(down: bool, keysym: int) -> bytes:
    return _KEY.pack(KEY_EVENT, int(down), keysym & 0xFFFFFFFF)


def pointer_event(x: int, y: int, buttons: int) -> bytes:
    """Buttons 1-7 (bits 0-6). Bit 7 stays 0: with ExtendedMouseButtons it is the
    marker of the 7-byte form, so a server could misread it as one."""
    return _POINTER.pack(POINTER_EVENT, buttons & 0x7F, max(0, min(0xFFFF, x)), max(0, min(0xFFFF, y)))


def extended_pointer_event(x: int, y: int, buttons: int) -> bytes:
    """ExtendedMouseButtons: marker bit 7 set, then a byte with buttons 8 and 9
    (``buttons`` bits 7 and 8: back, forward). Only after the server acknowledged it."""
    return _EXT_POINTER.pack(POINTER_EVENT, (buttons & 0x7F) | 0x80, max(0, min(0xFFFF, x)),
                             max(0, min(0xFFFF, y)), (buttons >> 7) & 0x03)


def relative_pointer_event(dx: int, dy: int, buttons: int) -> bytes:
    """QEMU relative mode: motion is (x - 0x7FFF, y - 0x7FFF)."""
    return pointer_event(RELATIVE_POINTER_CENTRE + dx, RELATIVE_POINTER_CENTRE + dy, buttons)


def qemu_key_event(down: bool, keysym: int, xt_scancode: int) -> bytes:
    """QEMU Extended Key Event; E0-prefixed scancodes travel as 0x80 | code."""
    code = xt_scancode
    if (code >> 8) == 0xE0 and (code & 0xFF) < 0x80:
        code = 0x80 | (code & 0xFF)
    return _QEMU_KEY.pack(QEMU_CLIENT_MESSAGE, 0, int(down), keysym & 0xFFFFFFFF, code)


def client_cut_text(text: str) -> bytes:
    """RFB cut text is Latin-1 with LF line ends; characters outside it become '?'."""
    data = text.replace("\r\n", "\n").encode("latin-1", errors="replace")[:MAX_CUT_TEXT]
    return struct.pack(">BxxxI", CLIENT_CUT_TEXT, len(data)) + data
