"""Raw: width*height wire pixels, row-major.

Rows are painted as they arrive, as many at a time as the receive buffer
holds contiguously: a large rectangle spread over many network chunks is
never joined into one copy first (only a row that straddles two chunks is),
so each byte is copied once, into the framebuffer.
"""

from __future__ import annotations

from qvmrc.rfb.buffer import ReadBuffer
from qvmrc.rfb.encodings import numbers
from qvmrc.rfb.encodings.base import DecodeContext, Decoder


class RawDecoder(Decoder):
    encoding = numbers.RAW
    name = "raw"

    def __init__(self) -> None:
        # (x, y, w, h, rows painted) of a rectangle in progress.
        self._progress: tuple[int, int, int, int, int] | None = None

    def reset(self) -> None:
        self._progress = None

    def decode(self, buf: ReadBuffer, x: int, y: int, w: int, h: int, ctx: DecodeContext) -> bool:
        conv = ctx.conv
        row = w * conv.bpp
        if row == 0 or h == 0:
            return True
        prog = self._progress
        done = prog[4] if prog is not None and prog[:4] == (x, y, w, h) else 0
        px = ctx.fb.pixels
        while done < h:
            rows = min(h - done, buf.available() // row)
            if rows == 0:
                break
            # What is contiguous now, but at least one row (joined if it straddles chunks).
            rows = min(rows, max(1, buf.contiguous() // row))
            with buf.view(rows * row) as data:
                px[y + done : y + done + rows, x : x + w] = conv.pixels(data).reshape(rows, w)
            done += rows
        if done < h:
            self._progress = (x, y, w, h, done)
            return False
        self._progress = None
        return True
