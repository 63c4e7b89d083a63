"""Raw: width*height wire pixels, row-major."""

from __future__ import annotations

from qvmrc.rfb.buffer import ReadBuffer
from qvmrc.rfb.encodings import numbers
from qvmrc.rfb.encodings.base import DecodeContext, Decoder


class RawDecoder(Decoder):
    encoding = numbers.RAW
    name = "raw"

    def decode(self, buf: ReadBuffer, x: int, y: int, w: int, h: int, ctx: DecodeContext) -> bool:
        n = w * h * ctx.conv.bpp
        if buf.available() < n:
            return False
        if n:
            with buf.view(n) as data:
                ctx.fb.pixels[y : y + h, x : x + w] = ctx.conv.pixels(data).reshape(h, w)
        return True
