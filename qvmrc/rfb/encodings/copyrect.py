"""CopyRect: copy an area already on screen (source x, y)."""

from __future__ import annotations

import struct

from qvmrc.errors import ProtocolError
from qvmrc.rfb.buffer import ReadBuffer
from qvmrc.rfb.encodings import numbers
from qvmrc.rfb.encodings.base import DecodeContext, Decoder

_SRC = struct.Struct(">HH")


class CopyRectDecoder(Decoder):
    encoding = numbers.COPYRECT
    name = "copyrect"

    def decode(self, buf: ReadBuffer, x: int, y: int, w: int, h: int, ctx: DecodeContext) -> bool:
        if buf.available() < 4:
            return False
        sx, sy = buf.take(_SRC)
        px = ctx.fb.pixels
        if sx + w > px.shape[1] or sy + h > px.shape[0]:
            raise ProtocolError(f"CopyRect source {w}x{h}+{sx}+{sy} lies outside the screen")
        # numpy handles overlapping source and destination correctly.
        px[y : y + h, x : x + w] = px[sy : sy + h, sx : sx + w]
        return True
