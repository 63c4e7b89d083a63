"""zrle (placeholder until its decoder lands)."""

from __future__ import annotations

from qvmrc.errors import ProtocolError
from qvmrc.rfb.buffer import ReadBuffer
from qvmrc.rfb.encodings import numbers
from qvmrc.rfb.encodings.base import DecodeContext, Decoder


class ZRLEDecoder(Decoder):
    encoding = numbers.ZRLE
    name = "zrle"

    def decode(self, buf: ReadBuffer, x: int, y: int, w: int, h: int, ctx: DecodeContext) -> bool:
        raise ProtocolError("zrle is not implemented yet")
