"""Cursor pseudo-encoding: the pointer's image and mask, drawn by the client."""

from __future__ import annotations

import numpy as np

from qvmrc.errors import ProtocolError
from qvmrc.rfb.buffer import ReadBuffer
from qvmrc.rfb.encodings import numbers
from qvmrc.rfb.encodings.base import DecodeContext, Decoder
from qvmrc.rfb.events import CursorShape

MAX_CURSOR = 1024


class CursorDecoder(Decoder):
    encoding = numbers.CURSOR
    name = "Cursor"
    paints = False

    def decode(self, buf: ReadBuffer, x: int, y: int, w: int, h: int, ctx: DecodeContext) -> bool:
        if w > MAX_CURSOR or h > MAX_CURSOR:
            raise ProtocolError(f"server sent a {w}x{h} cursor, larger than QVMRC accepts")
        bpp = ctx.conv.bpp
        stride = (w + 7) // 8
        n_pix = w * h * bpp
        n_mask = stride * h
        if buf.available() < n_pix + n_mask:
            return False
        pix = buf.read(n_pix)
        mask = buf.read(n_mask)
        rgba = np.zeros((h, w, 4), dtype=np.uint8)
        if w and h:
            v = ctx.conv.pixels(pix).reshape(h, w)
            rgba[..., 0] = (v >> 16) & 0xFF
            rgba[..., 1] = (v >> 8) & 0xFF
            rgba[..., 2] = v & 0xFF
            bits = np.unpackbits(np.frombuffer(mask, dtype=np.uint8).reshape(h, stride), axis=1)[:, :w]
            rgba[..., 3] = bits * 255
        ctx.events.append(CursorShape(hotspot_x=min(x, max(w - 1, 0)), hotspot_y=min(y, max(h - 1, 0)),
                                      width=w, height=h, rgba=rgba))
        return True
