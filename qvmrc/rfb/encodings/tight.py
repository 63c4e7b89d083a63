"""Tight (encoding 7): fill, JPEG, and zlib-compressed "basic" rectangles.

Wire layout of one rectangle (rfbproto, "Tight Encoding"):

    u8 compression control
        low 4 bits: reset zlib stream i before this rectangle when bit i is set
        high 4 bits: 0b1000 fill, 0b1001 JPEG, (TightPNG: 0b1010 PNG),
                     0b0Fss basic: zlib stream ss, F = a filter id byte follows
    fill:  one TPIXEL
    JPEG:  compact length + a JPEG file
    basic: [u8 filter: 0 copy, 1 palette, 2 gradient]
           palette: u8 colours - 1, then that many TPIXELs
           data: when the filtered data is shorter than 12 bytes it follows as is;
                 otherwise compact length + zlib data from stream ss
    TPIXEL: R, G, B bytes when the pixel format is 32 bpp depth 24 with 8-bit
            channels, else one pixel in the session's pixel format.

Desktop traffic is thousands of small fill and palette rectangles, so those
paths do as little Python as possible: one ``peek`` for the header, one
``read`` for the whole rectangle, one ``decompress``, then numpy writes into
the framebuffer slice. A call that finds the rectangle incomplete consumes
nothing and costs O(1): it peeks the header and the compact length only.
"""

from __future__ import annotations

import zlib

import numpy as np

from qvmrc.errors import ProtocolError
from qvmrc.rfb.buffer import ReadBuffer
from qvmrc.rfb.encodings import numbers
from qvmrc.rfb.encodings.base import MAX_RECT_PAYLOAD, DecodeContext, Decoder
from qvmrc.rfb.encodings.tight_common import (
    decode_png_into,
    rgb24_into,
    rgb24_values,
    ungradient_below,
    ungradient_rgb8,
)
from qvmrc.rfb.jpeg import Scratch, decode_jpeg_into
from qvmrc.rfb.pixelformat import PixelConverter

FILL = 8
JPEG = 9
PNG = 10
FILTER_COPY = 0
FILTER_PALETTE = 1
FILTER_GRADIENT = 2
#: Filtered data shorter than this is sent without compression (and length).
MIN_TO_COMPRESS = 12
#: zlib output can exceed its input only by block headers and the sync flush;
#: a compressed length beyond this bound can't be honest, so we stop waiting.
_ZLIB_SLACK = 1024
# Pixels of gradient rectangles queued before they are undone anyway (undoing
# takes ~40 bytes of temporaries a pixel). Larger rectangles are undone at
# once, in bands of about _GRADIENT_BAND pixels.
_GRADIENT_QUEUE_MAX = 1 << 20
_GRADIENT_BAND = 1 << 17


class TightDecoder(Decoder):
    encoding = numbers.TIGHT
    name = "tight"
    #: TightPNG adds the PNG compression type.
    _png_allowed = False

    def __init__(self) -> None:
        self._streams: list[zlib._Decompress | None] = [None, None, None, None]
        self._scratch = Scratch()
        self._conv: PixelConverter | None = None
        self._tsize = 3
        self._rgb = True
        # Gradient rectangles waiting to be undone together (flush through
        # the update's deferred-paint queue): their differences and places.
        self._grad: list[tuple[np.ndarray, int, int]] = []
        self._grad_px = 0

    def reset(self) -> None:
        self._streams = [None, None, None, None]
        self._conv = None
        self._drop_gradients()

    def _drop_gradients(self) -> None:
        self._grad = []
        self._grad_px = 0

    def flush(self, ctx: DecodeContext) -> None:
        """Undo the queued gradient rectangles, those of one size in one batch."""
        pending = self._grad
        self._drop_gradients()
        groups: dict[tuple[int, ...], list[tuple[np.ndarray, int, int]]] = {}
        for item in pending:
            groups.setdefault(item[0].shape, []).append(item)
        px = ctx.fb.pixels
        for items in groups.values():
            vals = ungradient_rgb8(np.stack([diff for diff, _, _ in items]))
            for (diff, x, y), val in zip(items, vals, strict=True):
                h, w = diff.shape[0], diff.shape[1]
                rgb24_into(val.tobytes(), w, h, px[y : y + h, x : x + w])

    def _use(self, conv: PixelConverter) -> None:
        """Cache what the hot paths need to know about the pixel format."""
        self._conv = conv
        self._tsize = conv.tpixel_size
        self._rgb = conv.tpixel_size == 3

    def _reset_streams(self, bits: int) -> None:
        s = self._streams
        for i in range(4):
            if bits & (1 << i):
                s[i] = None

    # ------------------------------------------------------------------ decode

    def decode(self, buf: ReadBuffer, x: int, y: int, w: int, h: int, ctx: DecodeContext) -> bool:
        avail = buf.available()
        if avail == 0:
            return False
        cc = buf.peek_u8()
        conv = ctx.conv
        if conv is not self._conv:
            self._use(conv)
        kind = cc >> 4
        if kind == FILL:
            t = self._tsize
            if avail <= t:
                return False
            p = buf.read(1 + t)
            if cc & 0x0F:
                self._reset_streams(cc)
            if self._rgb:
                ctx.fb.pixels[y : y + h, x : x + w] = (p[1] << 16) | (p[2] << 8) | p[3]
            else:
                ctx.fb.pixels[y : y + h, x : x + w] = conv.pixel(p[1:])
            return True
        if kind < FILL:
            return self._basic(buf, avail, cc, x, y, w, h, ctx)
        if kind == JPEG or (kind == PNG and self._png_allowed):
            return self._image(buf, avail, cc, x, y, w, h, ctx)
        raise ProtocolError(f"server sent a {self.name} rectangle with unknown compression type {kind:#x}")

    def _compact(self, buf: ReadBuffer, avail: int, off: int) -> tuple[int, int]:
        """Peek a compact length at ``off``: (length, bytes it took), or (-1, 0)
        when it isn't all here yet. 1-3 bytes, 7 + 7 + 8 bits, low bits first."""
        if avail <= off:
            return -1, 0
        b = buf.peek_u8(off)
        n = b & 0x7F
        if not b & 0x80:
            return n, 1
        if avail <= off + 1:
            return -1, 0
        b = buf.peek_u8(off + 1)
        n |= (b & 0x7F) << 7
        if not b & 0x80:
            return n, 2
        if avail <= off + 2:
            return -1, 0
        return n | (buf.peek_u8(off + 2) << 14), 3

    def _image(self, buf: ReadBuffer, avail: int, cc: int,
               x: int, y: int, w: int, h: int, ctx: DecodeContext) -> bool:
        """JPEG or PNG: compact length + an image file of exactly w x h."""
        n, lb = self._compact(buf, avail, 1)
        if n < 0:
            return False
        kind = "JPEG" if cc >> 4 == JPEG else "PNG"
        # No honest image of w x h needs more than ~8 bytes a pixel (JPEG at quality 100 and
        # unfiltered PNG stay near 3); what a rectangle may announce is bounded by its size.
        if n > MAX_RECT_PAYLOAD or n > 8 * w * h + 65536:
            raise ProtocolError(f"server announced a {n}-byte {kind} rectangle, more than QVMRC accepts")
        if avail < 1 + lb + n:
            return False
        buf.skip(1 + lb)
        if cc & 0x0F:
            self._reset_streams(cc)
        if w == 0 or h == 0:
            buf.skip(n)
            return True
        if n == 0:
            raise ProtocolError(f"server sent an empty {kind} image for a {w}x{h} rectangle")
        out = ctx.fb.pixels[y : y + h, x : x + w]
        # Decoded straight from the receive buffer (no copy of the payload).
        with buf.view(n) as data:
            if kind == "JPEG":
                decode_jpeg_into(data, out, self._scratch)
            else:
                decode_png_into(data, out)
        return True

    def _basic(self, buf: ReadBuffer, avail: int, cc: int,
               x: int, y: int, w: int, h: int, ctx: DecodeContext) -> bool:
        t = self._tsize
        off = 1
        filt = FILTER_COPY
        if cc & 0x40:
            if avail < 2:
                return False
            filt = buf.peek_u8(1)
            off = 2
        ncol = 0
        if filt == FILTER_COPY or filt == FILTER_GRADIENT:
            size = w * h * t
        elif filt == FILTER_PALETTE:
            if avail <= off:
                return False
            ncol = buf.peek_u8(off) + 1
            off += 1 + ncol * t
            size = ((w + 7) >> 3) * h if ncol == 2 else w * h
        else:
            raise ProtocolError(f"server sent a {self.name} rectangle with unknown filter {filt}")

        if size < MIN_TO_COMPRESS:
            if avail < off + size:
                return False
            raw = buf.read(off + size)
            if cc & 0x0F:
                self._reset_streams(cc)
            data = raw[off:]
        else:
            n, lb = self._compact(buf, avail, off)
            if n < 0:
                return False
            if n > MAX_RECT_PAYLOAD or n > size + (size >> 3) + _ZLIB_SLACK:
                raise ProtocolError(
                    f"server announced {n} compressed bytes for a {w}x{h} {self.name} rectangle "
                    f"that holds {size} bytes")
            if avail < off + lb + n:
                return False
            raw = buf.read(off + lb + n)
            if cc & 0x0F:
                self._reset_streams(cc)
            data = self._inflate((cc >> 4) & 3, memoryview(raw)[off + lb :], size)

        px = ctx.fb.pixels
        if filt == FILTER_PALETTE:
            pal = raw[off - ncol * t : off]
            lut = rgb24_values(pal) if self._rgb else self._conv_pixels(pal)
            if ncol == 2:
                if w and h:
                    bits = np.unpackbits(np.frombuffer(data, dtype=np.uint8).reshape(h, (w + 7) >> 3),
                                         axis=1, count=w)
                    px[y : y + h, x : x + w] = lut[bits]
            else:
                idx = np.frombuffer(data, dtype=np.uint8).reshape(h, w)
                try:
                    px[y : y + h, x : x + w] = lut[idx]
                except IndexError:
                    raise ProtocolError(
                        f"server sent a {self.name} palette index beyond its {ncol} colours") from None
        elif filt == FILTER_COPY:
            if self._rgb:
                rgb24_into(data, w, h, px[y : y + h, x : x + w])
            else:
                px[y : y + h, x : x + w] = self._conv_pixels(data).reshape(h, w)
        else:
            self._gradient(data, x, y, w, h, ctx)
        return True

    def _conv_pixels(self, data: bytes) -> np.ndarray:
        conv = self._conv
        assert conv is not None
        return conv.pixels(data)

    def _inflate(self, sid: int, data: memoryview, size: int) -> bytes:
        """Inflate one rectangle's data from persistent stream ``sid`` in one call."""
        z = self._streams[sid]
        if z is None:
            z = self._streams[sid] = zlib.decompressobj()
        try:
            # size + 1 both bounds the output and reveals data that inflates
            # to more than the rectangle holds.
            out = z.decompress(data, size + 1)
        except zlib.error as exc:
            raise ProtocolError(f"server sent corrupt zlib data in {self.name} stream {sid}: {exc}") from None
        if len(out) != size:
            raise ProtocolError(
                f"{self.name} stream {sid} inflated to {len(out)}{'+' if len(out) > size else ''} bytes, "
                f"the rectangle needs {size}")
        return out

    def _gradient(self, data: bytes, x: int, y: int, w: int, h: int, ctx: DecodeContext) -> None:
        conv = self._conv
        assert conv is not None
        if w == 0 or h == 0:
            return
        px = ctx.fb.pixels
        if w * h > _GRADIENT_BAND:
            self._gradient_bands(data, x, y, w, h, px)
            return
        if self._rgb:
            # Queued: QEMU sends a dozen of these per update, undone together at its end.
            self._grad.append((np.frombuffer(data, dtype=np.uint8).reshape(h, w, 3), x, y))
            self._grad_px += w * h
            ctx.deferred.claim(self, x, y, w, h)
            if self._grad_px >= _GRADIENT_QUEUE_MAX:
                ctx.deferred.flush(ctx)
            return
        self._gradient_bands(data, x, y, w, h, px)

    def _gradient_bands(self, data: bytes, x: int, y: int, w: int, h: int, px: np.ndarray) -> None:
        """Undo the gradient a band of rows at a time: temporaries bounded whatever the size."""
        conv = self._conv
        assert conv is not None
        pf = conv.pf
        if self._rgb:
            maxes = (255, 255, 255)
            dt = np.dtype(np.uint8)
            diffs: np.ndarray = np.frombuffer(data, dtype=np.uint8).reshape(h, w, 3)
            shifts = (0, 0, 0)
        else:
            if not pf.true_colour:
                raise ProtocolError(f"server sent a {self.name} gradient rectangle in a colour-map pixel format")
            dt = np.dtype((">" if pf.big_endian else "<") + {1: "u1", 2: "u2", 4: "u4"}[conv.bpp])
            diffs = np.frombuffer(data, dtype=dt).reshape(h, w)
            shifts = (pf.red_shift, pf.green_shift, pf.blue_shift)
            maxes = (pf.red_max, pf.green_max, pf.blue_max)
        rows = max(1, _GRADIENT_BAND // w)
        above: np.ndarray | None = None
        for r0 in range(0, h, rows):
            r1 = min(h, r0 + rows)
            if self._rgb:
                diff = diffs[r0:r1]
            else:
                raw = diffs[r0:r1].astype(np.uint32)
                diff = np.stack([(raw >> s) & m for s, m in zip(shifts, maxes, strict=True)], axis=-1)
            val = ungradient_below(diff, above, maxes)
            above = val[-1]
            out = px[y + r0 : y + r1, x : x + w]
            if self._rgb:
                rgb24_into(val.astype(np.uint8).tobytes(), w, r1 - r0, out)
            else:
                v = val.reshape(-1, 3).astype(np.uint32)
                wire = (v[:, 0] << shifts[0]) | (v[:, 1] << shifts[1]) | (v[:, 2] << shifts[2])
                out[...] = conv.pixels(wire.astype(dt).tobytes()).reshape(r1 - r0, w)
