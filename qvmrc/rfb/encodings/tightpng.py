"""tightpng (placeholder until its decoder lands)."""

from __future__ import annotations

from qvmrc.errors import ProtocolError
from qvmrc.rfb.buffer import ReadBuffer
from qvmrc.rfb.encodings import numbers
from qvmrc.rfb.encodings.base import DecodeContext, Decoder


class TightPNGDecoder(Decoder):
    encoding = numbers.TIGHTPNG
    name = "tightpng"

    def decode(self, buf: ReadBuffer, x: int, y: int, w: int, h: int, ctx: DecodeContext) -> bool:
        raise ProtocolError("tightpng is not implemented yet")
