"""Hand-built server byte streams for protocol tests."""

from __future__ import annotations

import struct

from qvmrc.rfb.pixelformat import PRESETS, PixelFormat


def server_init(width: int, height: int, pf: PixelFormat = PRESETS["rgb888"], name: str = "test") -> bytes:
    raw = name.encode()
    return struct.pack(">HH", width, height) + pf.pack() + struct.pack(">I", len(raw)) + raw


def handshake(version: bytes = b"RFB 003.008\n", *, security: str = "none", width: int = 4,
              height: int = 3, pf: PixelFormat = PRESETS["rgb888"], name: str = "test") -> bytes:
    """Everything a server sends up to and including ServerInit (auth succeeds)."""
    out = version
    minor = int(version[8:11]) if version[4:7] == b"003" else 8
    if minor >= 889 or version[4:7] != b"003":
        minor = 8
    if minor < 7:
        out += struct.pack(">I", 1 if security == "none" else 2)
    else:
        out += bytes([1, 1 if security == "none" else 2])
    if security == "vnc":
        out += bytes(range(16))
    if security == "vnc" or minor >= 8:
        out += struct.pack(">I", 0)
    return out + server_init(width, height, pf, name)


def rect(x: int, y: int, w: int, h: int, encoding: int, body: bytes = b"") -> bytes:
    return struct.pack(">HHHHi", x, y, w, h, encoding) + body


def fbu(*rects: bytes, count: int | None = None) -> bytes:
    return struct.pack(">BxH", 0, len(rects) if count is None else count) + b"".join(rects)
