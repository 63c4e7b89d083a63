"""hextile (placeholder until its decoder lands)."""

from __future__ import annotations

from qvmrc.errors import ProtocolError
from qvmrc.rfb.buffer import ReadBuffer
from qvmrc.rfb.encodings import numbers
from qvmrc.rfb.encodings.base import DecodeContext, Decoder


class HextileDecoder(Decoder):
    encoding = numbers.HEXTILE
    name = "hextile"

    def decode(self, buf: ReadBuffer, x: int, y: int, w: int, h: int, ctx: DecodeContext) -> bool:
        raise ProtocolError("hextile is not implemented yet")
