"""Zlib: raw pixels deflated through one zlib stream per connection.

Wire body: ``u32 length`` and that many bytes of the connection's single zlib
stream (the server sync-flushes after each rectangle), which inflate to
exactly ``w * h`` wire pixels. The length prefix lets an incomplete body cost
O(1) per call; the whole body is inflated in one call.
"""

from __future__ import annotations

import zlib

from qvmrc.errors import ProtocolError
from qvmrc.rfb.buffer import ReadBuffer
from qvmrc.rfb.encodings import numbers
from qvmrc.rfb.encodings.base import MAX_RECT_PAYLOAD, DecodeContext, Decoder


def inflate_exact(stream: zlib._Decompress, data: bytes, size: int, what: str) -> bytes:
    """Inflate ``data`` from a persistent stream; it must yield exactly ``size`` bytes."""
    try:
        # max_length 0 would mean "no limit": ask for one byte more than allowed.
        out = stream.decompress(data, size or 1)
        # Inflate stops when the output is full, possibly before the empty
        # block of the server's sync flush: that tail must yield nothing.
        for _ in range(4):
            tail = stream.unconsumed_tail
            if not tail:
                break
            if stream.decompress(tail, 1):
                raise ProtocolError(f"{what} rectangle inflates to more than the {size} bytes it needs")
        else:
            raise ProtocolError(f"{what} rectangle has zlib data that does not end cleanly")
    except zlib.error as e:
        raise ProtocolError(f"{what} rectangle has corrupt zlib data ({e})") from None
    if len(out) != size:
        raise ProtocolError(f"{what} rectangle inflates to {len(out)} bytes, expected {size}")
    return out


class ZlibDecoder(Decoder):
    encoding = numbers.ZLIB
    name = "zlib"

    def __init__(self) -> None:
        self._stream = zlib.decompressobj()

    def reset(self) -> None:
        self._stream = zlib.decompressobj()

    def decode(self, buf: ReadBuffer, x: int, y: int, w: int, h: int, ctx: DecodeContext) -> bool:
        avail = buf.available()
        if avail < 4:
            return False
        n = buf.peek_u32()
        if n > MAX_RECT_PAYLOAD:
            raise ProtocolError(f"Zlib rectangle announces {n} bytes, more than QVMRC accepts")
        if avail < 4 + n:
            return False
        buf.skip(4)
        data = buf.read(n)
        size = w * h * ctx.conv.bpp
        raw = inflate_exact(self._stream, data, size, "Zlib")
        if size:
            ctx.fb.pixels[y : y + h, x : x + w] = ctx.conv.pixels(raw).reshape(h, w)
        return True
