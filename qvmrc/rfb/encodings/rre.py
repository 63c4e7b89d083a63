"""RRE: a background pixel and a list of solid subrectangles.

Wire body: ``u32 nsubrects``, background PIXEL, then ``nsubrects`` times
(PIXEL, ``u16 x, y, w, h``) relative to the rectangle. The length is known
after the first four bytes, so an incomplete body costs O(1) per call.

Painting: a slice fill per subrectangle costs ~0.5 us of Python each, which is
fine for a handful of big ones but dominates on desktop content (thousands of
1-3 pixel strokes per strip). There :func:`paint_rects` expands all
subrectangles into flat framebuffer indices with a few whole-array numpy calls
and paints them with one fancy assignment. (Hextile's subrectangles are
smaller and fixed-format; :mod:`.tilecodes` paints them from lookup tables.)
"""

from __future__ import annotations

import numpy as np

from qvmrc.errors import ProtocolError
from qvmrc.rfb.buffer import ReadBuffer
from qvmrc.rfb.encodings import numbers
from qvmrc.rfb.encodings.base import MAX_RECT_PAYLOAD, DecodeContext, Decoder

# Below this many subrectangles a slice fill per subrectangle wins; above it
# the vectorised expansion wins unless the subrectangles are large: the
# expansion has a fixed cost of a few dozen numpy calls plus a little per
# pixel, a slice fill one numpy call whatever its size
# (bench/micro_decoders.py measures both).
_LOOP_MAX = 24
# Flush deferred subrectangles once this many are queued; a flush also
# works through them this many at a time (~100 bytes of temporaries each).
_PENDING_MAX = 1 << 16
_LOOP_AREA_PER_RECT = 64
# Pixels one vectorised expansion covers (~24 bytes of temporaries each).
CHUNK_PIXELS = 1 << 18


def paint_rects(
    pixels: np.ndarray,
    xs: np.ndarray,
    ys: np.ndarray,
    ws: np.ndarray,
    hs: np.ndarray,
    colours: np.ndarray,
) -> None:
    """Fill rectangles (absolute framebuffer coordinates) in list order.

    Later rectangles win where they overlap, as the encodings require. The
    caller has checked every rectangle lies inside ``pixels``. Inputs are
    int64 arrays (coordinates) and a uint32 array (colours) of equal length.
    """
    n = len(xs)
    if n == 0:
        return
    area = ws * hs
    total = int(area.sum())
    if total > CHUNK_PIXELS and n > 1 and total < n * _LOOP_AREA_PER_RECT:
        # Many small subrectangles covering much: expand them a chunk at a time, in order.
        ends = np.cumsum(area)
        cuts = np.searchsorted(ends, np.arange(CHUNK_PIXELS, total, CHUNK_PIXELS), side="right").tolist()
        for a, b in zip([0, *cuts], [*cuts, n], strict=True):
            if b > a:
                _paint_small(pixels, xs[a:b], ys[a:b], ws[a:b], hs[a:b], colours[a:b])
        return
    if n <= _LOOP_MAX or total >= n * _LOOP_AREA_PER_RECT:
        for i in range(n):
            x0 = int(xs[i])
            y0 = int(ys[i])
            pixels[y0 : y0 + int(hs[i]), x0 : x0 + int(ws[i])] = colours[i]
        return
    if total == 0:
        return
    _paint_small(pixels, xs, ys, ws, hs, colours, area, total)


def _paint_small(
    pixels: np.ndarray, xs: np.ndarray, ys: np.ndarray, ws: np.ndarray, hs: np.ndarray,
    colours: np.ndarray, area: np.ndarray | None = None, total: int = -1,
) -> None:
    """The vectorised expansion: a few int64 entries per row and per pixel painted."""
    if area is None:
        area = ws * hs
        total = int(area.sum())
    if total <= 0:
        return
    stride = pixels.shape[1]
    # One entry per subrectangle row, then one per pixel. A 1-D fancy
    # assignment with repeated indices stores in index order (last wins);
    # tests pin this for overlapping subrectangles. np.repeat of the
    # per-rectangle columns beats gathering them through an index array.
    nrows = int(hs.sum())
    first_row = np.cumsum(hs) - hs
    row_in = np.arange(nrows) - np.repeat(first_row, hs)
    row_start = np.repeat(ys * stride + xs, hs) + row_in * stride
    row_len = np.repeat(ws, hs)
    first_pix = np.cumsum(row_len) - row_len
    idx = np.repeat(row_start - first_pix, row_len) + np.arange(total)
    pixels.reshape(-1)[idx] = np.repeat(colours, area)


class RREDecoder(Decoder):
    """Backgrounds paint at once; subrectangles wait for one pass per update
    (the update's deferred-paint queue, :mod:`qvmrc.rfb.encodings.deferred`)."""

    encoding = numbers.RRE
    name = "rre"

    def __init__(self) -> None:
        # Pending rectangles: (subrectangle table bytes, count, x, y, w, h).
        self._pending: list[tuple[bytes | memoryview, int, int, int, int, int]] = []
        self._pending_subrects = 0

    def reset(self) -> None:
        self._pending = []
        self._pending_subrects = 0

    def decode(self, buf: ReadBuffer, x: int, y: int, w: int, h: int, ctx: DecodeContext) -> bool:
        conv = ctx.conv
        bpp = conv.bpp
        avail = buf.available()
        if avail < 4 + bpp:
            return False
        n = buf.peek_u32()
        rec = bpp + 8
        size = 4 + bpp + n * rec
        if size > MAX_RECT_PAYLOAD or n > w * h:
            # (More subrectangles than pixels is never an encoding, only a way to make us buffer.)
            raise ProtocolError(f"RRE rectangle of {w}x{h} announces {n} subrectangles, more than QVMRC accepts")
        if avail < size:
            return False
        buf.skip(4)
        data = buf.read(size - 4)
        # (The connection flushed deferred work this rectangle overlaps.)
        ctx.fb.pixels[y : y + h, x : x + w] = conv.pixels(data[:bpp])[0]
        if n == 0:
            return True
        self._pending.append((memoryview(data)[bpp:], n, x, y, w, h))  # (no copy of a large table)
        self._pending_subrects += n
        ctx.deferred.claim(self, x, y, w, h)
        if self._pending_subrects >= _PENDING_MAX:
            ctx.deferred.flush(ctx)
        return True

    def flush(self, ctx: DecodeContext) -> None:
        pending = self._pending
        if not pending:
            return
        self.reset()
        rec = ctx.conv.bpp + 8
        # One rectangle may hold millions of subrectangles: go _PENDING_MAX at a time.
        batch: list[tuple[bytes | memoryview, int, int, int, int, int]] = []
        size = 0
        for data, n, x, y, w, h in pending:
            mv = memoryview(data)
            for i in range(0, n, _PENDING_MAX):
                k = min(_PENDING_MAX, n - i)
                batch.append((mv[i * rec : (i + k) * rec], k, x, y, w, h))
                size += k
                if size >= _PENDING_MAX:
                    self._paint_batch(batch, ctx)
                    batch = []
                    size = 0
        if batch:
            self._paint_batch(batch, ctx)

    def _paint_batch(self, pending: list[tuple[bytes | memoryview, int, int, int, int, int]],
                     ctx: DecodeContext) -> None:
        conv = ctx.conv
        bpp = conv.bpp
        rec = bpp + 8
        blob = pending[0][0] if len(pending) == 1 else b"".join(p[0] for p in pending)
        total = len(blob) // rec
        table = np.frombuffer(blob, dtype=np.uint8).reshape(total, rec)
        colours = conv.pixels(np.ascontiguousarray(table[:, :bpp]).reshape(-1))
        geo = np.ascontiguousarray(table[:, bpp:]).view(">u2").astype(np.int64)
        sx, sy, sw, sh = geo[:, 0], geo[:, 1], geo[:, 2], geo[:, 3]
        rx: int | np.ndarray
        ry: int | np.ndarray
        rw: int | np.ndarray
        rh: int | np.ndarray
        if len(pending) == 1:
            _, _, rx, ry, rw, rh = pending[0]
        else:
            meta = np.array([p[1:] for p in pending], dtype=np.int64)
            counts = meta[:, 0]
            rx, ry, rw, rh = (np.repeat(meta[:, i], counts) for i in range(1, 5))
        bad = (sx + sw > rw) | (sy + sh > rh)
        if bad.any():
            i = int(np.argmax(bad))
            raise ProtocolError(
                f"RRE subrectangle {int(sw[i])}x{int(sh[i])}+{int(sx[i])}+{int(sy[i])} "
                "lies outside its rectangle")
        paint_rects(ctx.fb.pixels, sx + rx, sy + ry, sw, sh, colours)
