"""Hextile: the rectangle in 16x16 tiles, each raw or background + subrects.

A tile starts with a subencoding byte: Raw (1), BackgroundSpecified (2),
ForegroundSpecified (4), AnySubrects (8), SubrectsColoured (16). Background
and foreground persist from tile to tile within one rectangle. The body has no
length prefix, so the decoder keeps its progress (next tile, background,
foreground) on ``self`` and parses a tile only once all its bytes are there:
feeding one byte at a time costs O(1) per byte, not O(rectangle).

The per-tile Python loop only reads headers; painting is batched: tile
backgrounds as one repeated row per tile row, raw tiles one slice each.
Subrectangles go through the update's deferred-paint queue
(:mod:`.deferred`): desktop servers send dozens of small strips per update,
and one vectorised subrectangle pass costs ~20 numpy calls whatever it
paints, so it runs once per update (or when the queue is flushed earlier).
The pass works from tables indexed by the subrectangles' geometry bytes
(:mod:`.tilecodes`). Many complete strips at once go through
:mod:`.hextile_run` instead of the tile loop.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import as_strided

from qvmrc.errors import ProtocolError
from qvmrc.rfb.buffer import ReadBuffer
from qvmrc.rfb.encodings import hextile_run, numbers
from qvmrc.rfb.encodings.base import DecodeContext, Decoder, Rect, RectParser
from qvmrc.rfb.encodings.tilecodes import TilePainter
from qvmrc.rfb.pixelformat import PixelConverter

RAW = 1
BACKGROUND = 2
FOREGROUND = 4
ANY_SUBRECTS = 8
COLOURED = 16

# Bytes one peek copies at most; a tile never needs more than 1 + 256 * 4 or
# 1 + 8 + 1 + 255 * 6 bytes, so progress is always possible.
_WINDOW = 1 << 16
_CACHE_MAX = 4096
# Flush deferred subrectangles once this many bytes of tile data are queued.
# A subrectangle takes at least 2 bytes, so this bounds the pass's
# per-subrectangle arrays (~100 bytes each); its per-pixel work is chunked
# (tilecodes.CHUNK_PIXELS), so neither grows with the overdraw a server asks for.
_PENDING_MAX = 256 << 10
# Bytes one bulk run looks at (and keeps while its subrectangles are pending).
_RUN_WINDOW = 1 << 16
# Larger rectangles go tile by tile (QEMU's full screens: a run would stop at their raw tiles).
_RUN_MAX_AREA = 1 << 17
_RUN_MIN_BYTES = 512
# Up to this many pending subrectangles are painted one slice each.
_FEW_SUBRECTS = 32


class HextileDecoder(Decoder):
    encoding = numbers.HEXTILE
    name = "hextile"
    runs = True

    def __init__(self) -> None:
        # (x, y, w, h, next tile, background, foreground) of a rectangle in progress.
        self._progress: tuple[int, int, int, int, int, int, int] | None = None
        self._conv: PixelConverter | None = None
        self._cache: dict[bytes, int] = {}
        # Deferred subrectangles: tile data chunks, their flattened tile
        # records (offset into the joined chunks, count, stride, colour, tile
        # number, rectangle slot) and the pending rectangles' geometry by slot.
        self._pend_data: list[bytes] = []
        self._pend_subs: list[int] = []
        self._pend_arrays: list[np.ndarray] = []  # the same records, from bulk runs
        self._pend_rects: list[tuple[int, int, int, int]] = []
        self._pend_base = 0
        self._slot = 0
        self._tile_bytes = 64.0
        self._tiles = TilePainter()

    def reset(self) -> None:
        self._progress = None
        self._conv = None
        self._cache = {}
        self._drop_pending()

    def _drop_pending(self) -> None:
        self._pend_data = []
        self._pend_subs = []
        self._pend_arrays = []
        self._pend_rects = []
        self._pend_base = 0

    def flush(self, ctx: DecodeContext) -> None:
        if self._pend_subs or self._pend_arrays:
            data = self._pend_data[0] if len(self._pend_data) == 1 else b"".join(self._pend_data)
            parts = list(self._pend_arrays)
            if self._pend_subs:
                parts.append(np.array(self._pend_subs, dtype=np.int64).reshape(-1, 6))
            info = parts[0] if len(parts) == 1 else np.concatenate(parts)
            rects = self._pend_rects
            self._drop_pending()
            self._paint_subrects(data, info, rects, ctx)
        elif self._pend_data or self._pend_rects:
            self._drop_pending()

    def _claim(self, x: int, y: int, w: int, h: int, ctx: DecodeContext) -> None:
        """A new rectangle: its subrectangles may be deferred (the connection
        has already flushed pending work lying under it)."""
        ctx.deferred.claim(self, x, y, w, h)
        self._slot = len(self._pend_rects)
        self._pend_rects.append((x, y, w, h))

    def _flush_early(self, x: int, y: int, w: int, h: int, ctx: DecodeContext) -> None:
        """Much is queued: paint it; the rectangle in progress goes on, pending again in slot 0."""
        ctx.deferred.flush(ctx)
        self._claim(x, y, w, h, ctx)

    def _use(self, conv: PixelConverter) -> PixelConverter:
        """The session's converter; the colour cache belongs to one pixel format."""
        if conv is not self._conv:
            self._conv = conv
            self._cache = {}
        return conv

    def _pixel(self, raw: bytes) -> int:
        """Wire PIXEL -> framebuffer value, cached (tiles repeat few colours)."""
        v = self._cache.get(raw)
        if v is None:
            if len(self._cache) >= _CACHE_MAX:
                self._cache.clear()
            assert self._conv is not None
            v = self._cache[raw] = self._conv.pixel(raw)
        return v

    def decode_run(self, buf: ReadBuffer, x: int, y: int, w: int, h: int, more: int,
                   ctx: DecodeContext, parse: RectParser,
                   ) -> tuple[list[tuple[int, int, int, int]], Rect | None] | None:
        """Many complete rectangles at once (:mod:`.hextile_run`); None leaves it to decode()."""
        if self._progress is not None or w == 0 or h == 0 or w * h > _RUN_MAX_AREA:
            return None  # (a big rectangle's per-rectangle cost is nothing next to its pixels)
        avail = buf.available()
        if avail < _RUN_MIN_BYTES or buf.peek_u8() & RAW:
            # A few tiles (a blinking cursor) cost less tile by tile than the
            # run's fixed ~20 numpy calls; photo content: the raw-tile runs
            # in _batch are the fast path.
            return None
        conv = self._use(ctx.conv)
        self._claim(x, y, w, h, ctx)
        # From here decode() resumes this rectangle without claiming it again.
        self._progress = (x, y, w, h, 0, 0, 0)
        window = buf.peek(min(avail, _RUN_WINDOW))
        d = np.frombuffer(window, dtype=np.uint8)
        px = ctx.fb.pixels
        shape = px.shape
        run = hextile_run.walk(window, conv.bpp, (x, y, w, h), more, parse, self)
        if run is None:
            return None
        # Later rectangles overlapping earlier ones (or queued work) wait for the next pass.
        keep = hextile_run.first_overlap(run.rects) if len(run.rects) > 1 else 1
        queue = ctx.deferred
        if self._pend_subs or self._pend_arrays:  # earlier rectangles' deferred work
            for i in range(1, keep):
                if queue.area.overlaps(shape, *run.rects[i]):
                    keep = i
                    break
        if keep < len(run.rects):
            run.cut(keep, self)
        first_slot = self._slot
        queue.claim_all(self, run.rects[1:])
        self._pend_rects += run.rects[1:]
        tiles = hextile_run.analyse(d, run, conv)
        hextile_run.paint_backgrounds(px, run, tiles.bg)
        subs = tiles.subs
        if len(subs):
            subs[:, 0] += self._pend_base
            subs[:, 5] += first_slot
            self._pend_arrays.append(subs)
            self._pend_data.append(window)
            self._pend_base += len(window)
        buf.skip(run.end)
        self._progress = None
        if self._pend_base >= _PENDING_MAX:
            queue.flush(ctx)
        return run.rects, run.next

    def decode(self, buf: ReadBuffer, x: int, y: int, w: int, h: int, ctx: DecodeContext) -> bool:
        if w == 0 or h == 0:
            return True  # no tiles, no bytes (waiting for one would stall the update)
        conv = self._use(ctx.conv)
        prog = self._progress
        if prog is not None and prog[:4] == (x, y, w, h):
            tile, bg, fg = prog[4], prog[5], prog[6]
        else:
            tile, bg, fg = 0, 0, 0
            if buf.available() == 0:
                return False
            self._claim(x, y, w, h, ctx)
            # Keep a progress record so a resumed call doesn't claim again.
            self._progress = (x, y, w, h, 0, 0, 0)
        tiles_x = (w + 15) >> 4
        total = tiles_x * ((h + 15) >> 4)
        bpp = conv.bpp
        max_tile = 1 + max(256 * bpp, 2 * bpp + 1 + 255 * (bpp + 2))
        # Peek about what the rest should take (bytes per tile seen so far):
        # every peeked byte is copied, and kept while subrectangles are pending.
        start_tile = tile
        consumed = 0
        guess = int((total - tile) * self._tile_bytes * 1.25) + 64
        try:
            while tile < total:
                avail = buf.available()
                want = min(avail, (total - tile) * max_tile, max(guess, max_tile), _WINDOW)
                if want == 0:
                    break
                data = buf.peek(want)
                used, tile, bg, fg = self._batch(data, tile, total, tiles_x, bg, fg, x, y, w, h, ctx)
                buf.skip(used)
                consumed += used
                if want == avail and tile < total:
                    break  # the next tile's bytes have not all arrived
                guess = want * 2
        except (IndexError, ValueError) as e:
            self._progress = None
            self._drop_pending()
            raise ProtocolError(f"malformed Hextile rectangle: {e}") from None
        except ProtocolError:
            self._progress = None
            self._drop_pending()
            raise
        if tile > start_tile:
            self._tile_bytes = 0.75 * self._tile_bytes + 0.25 * consumed / (tile - start_tile)
        if tile < total:
            self._progress = (x, y, w, h, tile, bg, fg)
            return False
        self._progress = None
        return True

    def _batch(
        self, data: bytes, tile: int, total: int, tiles_x: int, bg: int, fg: int,
        rx: int, ry: int, w: int, h: int, ctx: DecodeContext,
    ) -> tuple[int, int, int, int]:
        """Parse and paint the complete tiles in ``data``; return progress.

        The loop body for the two common desktop tiles (empty; inherited
        colours plus subrectangles) is a handful of bytecodes: tile geometry
        is worked out only for raw tiles, and later, in bulk, for deferred
        subrectangles; backgrounds are recorded only when they change.
        """
        bpp = ctx.conv.bpp
        end = len(data)
        pixel = self._pixel
        base = self._pend_base
        slot = self._slot
        subs = self._pend_subs
        nsubs = len(subs)
        first = tile
        first_bg = bg
        p = 0
        # Background changes, flattened: (tile, new background).
        bg_changes: list[int] = []
        # Raw tiles as runs: (first payload offset, count, x, y, w, h). Back-to-back
        # raw tiles in one tile row (photo content) are painted as one block.
        raws: list[list[int]] = []
        t = tile
        while t < total:
            resume = -1
            for t in range(t, total):  # noqa: B020 - resumes where the inner loop stopped
                if p >= end:
                    break
                sub = data[p]
                if sub == 0:  # nothing but the inherited background (~half of desktop tiles)
                    p += 1
                    continue
                if sub == ANY_SUBRECTS:  # inherited colours + subrects (most of the rest)
                    if p + 1 >= end:
                        break
                    n = data[p + 1]
                    q = p + 2 + 2 * n
                    if q > end:
                        break
                    if n:
                        subs += (base + p + 2, n, 2, fg, t, slot)
                    p = q
                    continue
                if sub > 31:  # checked before Raw, as the bulk walk does
                    raise ProtocolError(f"Hextile tile has unknown subencoding bits {sub:#04x}")
                if sub & RAW:
                    ty, tx = divmod(t, tiles_x)
                    tw = min(16, w - (tx << 4))
                    th = min(16, h - (ty << 4))
                    if sub == RAW and tw == 16 and th == 16:
                        # Photo content: find the run of full raw tiles in this tile
                        # row at C speed (their header bytes sit one stride apart).
                        n = 256 * bpp
                        step = n + 1
                        k = min(tiles_x - tx - (w & 15 != 0), (end - p) // step)
                        if k == 0:
                            break
                        heads = data[p : p + k * step : step]
                        r = k - len(heads.lstrip(b"\x01"))
                        raws.append([p + 1, r, tx << 4, ty << 4, 16, 16])
                        p += r * step
                        if r > 1:
                            resume = t + r
                            break
                        continue
                    n = tw * th * bpp
                    if p + 1 + n > end:
                        break
                    last = raws[-1] if raws else None
                    if (last is not None and last[5] == th and last[4] == 16 and tw == 16
                            and last[3] == ty << 4 and last[2] + (last[1] << 4) == tx << 4
                            and last[0] + last[1] * (n + 1) == p + 1):
                        last[1] += 1
                    else:
                        raws.append([p + 1, 1, tx << 4, ty << 4, tw, th])
                    p += 1 + n
                    continue
                q = p + 1
                nbg = bg
                nfg = fg
                if sub & BACKGROUND:
                    if q + bpp > end:
                        break
                    nbg = pixel(data[q : q + bpp])
                    q += bpp
                if sub & FOREGROUND:
                    if q + bpp > end:
                        break
                    nfg = pixel(data[q : q + bpp])
                    q += bpp
                if sub & ANY_SUBRECTS:
                    if q >= end:
                        break
                    n = data[q]
                    q += 1
                    stride = bpp + 2 if sub & COLOURED else 2
                    if q + n * stride > end:
                        break
                    if n:
                        subs += (base + q, n, stride, -1 if sub & COLOURED else nfg, t, slot)
                    q += n * stride
                if nbg != bg:
                    if t == first:
                        first_bg = nbg  # no tile had the old one yet
                    else:
                        bg_changes += (t, nbg)
                    bg = nbg
                fg = nfg
                p = q
            else:
                t = total
                break
            if resume < 0:
                break  # tile t's bytes are not all here
            t = resume
        if t > first:
            self._paint(data, first, t, total, tiles_x, first_bg, bg_changes, raws,
                        len(subs) > nsubs, rx, ry, w, h, ctx)
        return p, t, bg, fg

    def _paint(
        self, data: bytes, first: int, stop: int, total: int, tiles_x: int, bg: int,
        bg_changes: list[int], raws: list[list[int]], any_subs: bool,
        rx: int, ry: int, w: int, h: int, ctx: DecodeContext,
    ) -> None:
        px = ctx.fb.pixels
        conv = ctx.conv
        if not bg_changes and first % tiles_x == 0 and (stop % tiles_x == 0 or stop == total):
            # Whole tile rows with one background (the usual case): one fill.
            y0 = ry + ((first // tiles_x) << 4)
            y1 = ry + min(((stop + tiles_x - 1) // tiles_x) << 4, h)
            px[y0:y1, rx : rx + w] = bg
        else:
            bgs = np.full(stop - first, bg, dtype=np.uint32)
            for i in range(0, len(bg_changes), 2):
                bgs[bg_changes[i] - first :] = bg_changes[i + 1]
            row = first // tiles_x
            while row * tiles_x < stop:
                a = max(first, row * tiles_x)
                b = min(stop, (row + 1) * tiles_x)
                seg = bgs[a - first : b - first]
                x0 = (a - row * tiles_x) << 4
                x1 = min(w, (b - row * tiles_x) << 4)
                y0 = ry + (row << 4)
                y1 = ry + min((row + 1) << 4, h)
                target = px[y0:y1, rx + x0 : rx + x1]
                if seg[0] == seg[-1] and not bg_changes:
                    target[...] = seg[0]
                else:
                    target[...] = np.repeat(seg, 16)[: x1 - x0]
                row += 1
        bpp = conv.bpp
        for off, count, tx, ty, tw, th in raws:
            nb = tw * th * bpp
            if count == 1:
                px[ry + ty : ry + ty + th, rx + tx : rx + tx + tw] = (
                    conv.pixels(data[off : off + nb]).reshape(th, tw))
                continue
            # ``count`` payloads of nb bytes, each after a 1-byte tile header.
            if conv.identity:
                # Photo content: one strided copy from the wire into the framebuffer.
                src = np.ndarray((count, th, tw), dtype="<u4", buffer=data, offset=off,
                                 strides=(nb + 1, tw * 4, 4))
                dst = px[ry + ty : ry + ty + th, rx + tx : rx + tx + count * tw]
                as_strided(dst, shape=(th, count, tw), strides=(dst.strides[0], tw * 4, 4))[...] = (
                    src.transpose(1, 0, 2))
                continue
            arr = np.frombuffer(data, dtype=np.uint8, count=count * (nb + 1) - 1, offset=off)
            block = as_strided(arr, shape=(count, nb), strides=(nb + 1, 1))
            vals = conv.pixels(np.ascontiguousarray(block).reshape(-1)).reshape(count, th, tw)
            px[ry + ty : ry + ty + th, rx + tx : rx + tx + count * tw] = (
                vals.transpose(1, 0, 2).reshape(th, count * tw))
        if any_subs:
            self._pend_data.append(data)
            self._pend_base += len(data)
            if self._pend_base >= _PENDING_MAX:
                self._flush_early(rx, ry, w, h, ctx)

    def _paint_subrects(
        self, data: bytes, info: np.ndarray, rects: list[tuple[int, int, int, int]], ctx: DecodeContext,
    ) -> None:
        if int(info[:, 1].sum()) <= _FEW_SUBRECTS:
            self._paint_few(data, info, rects, ctx)
            return
        conv = ctx.conv
        bpp = conv.bpp
        arr = np.frombuffer(data, dtype=np.uint8)
        counts = info[:, 1]
        strides = info[:, 2]
        total = int(counts.sum())
        first = np.cumsum(counts) - counts  # each tile's first subrectangle
        colour_col = info[:, 3]
        # Per-tile values reach the subrectangles by np.repeat (cheaper than gathering).
        if bool((strides == 2).all()):
            # No coloured tiles: geometry bytes are back to back.
            geo = np.repeat(info[:, 0] - 2 * first, counts)
            geo += np.arange(0, 2 * total, 2, dtype=np.int64)
            c0 = int(colour_col[0])
            # One foreground for the whole update (text): paint a scalar.
            colours: np.ndarray | int = (
                c0 if bool((colour_col == c0).all()) else np.repeat(colour_col.astype(np.uint32), counts))
        else:
            # Offset of each subrectangle's geometry bytes (after its colour).
            k = np.arange(total, dtype=np.int64) - np.repeat(first, counts)
            geo = np.repeat(info[:, 0] + strides - 2, counts) + k * np.repeat(strides, counts)
            col = np.repeat(colour_col, counts)
            colours = col.astype(np.uint32)
            coloured = np.flatnonzero(col < 0)
            if len(coloured):
                raw = arr[(geo[coloured] - bpp)[:, None] + np.arange(bpp)]
                colours[coloured] = conv.pixels(raw.reshape(-1))
        # Tile geometry from tile numbers and their rectangles.
        r = np.array(rects, dtype=np.int64)[info[:, 5]]
        rw, rh = r[:, 2], r[:, 3]
        ty, tx = np.divmod(info[:, 4], (rw + 15) >> 4)
        tx <<= 4
        ty <<= 4
        stride = ctx.fb.pixels.shape[1]
        corner = (r[:, 1] + ty) * stride + r[:, 0] + tx
        limit = ((np.minimum(rw - tx, 16) + 32) << 6) | (np.minimum(rh - ty, 16) + 32)
        self._tiles.paint(ctx.fb.pixels, arr[geo], arr[1:][geo], np.repeat(corner, counts),
                          np.repeat(limit, counts), colours)

    def _paint_few(
        self, data: bytes, info: np.ndarray, rects: list[tuple[int, int, int, int]], ctx: DecodeContext,
    ) -> None:
        """The same as the vectorised pass, one slice per subrectangle: a text
        cursor's update has a handful, and the pass's ~40 numpy calls cost
        ~100 us whatever the count."""
        px = ctx.fb.pixels
        bpp = ctx.conv.bpp
        for off, n, stride, colour, tile, slot in info.tolist():
            rx, ry, rw, rh = rects[slot]
            ty, tx = divmod(tile, (rw + 15) >> 4)
            tx <<= 4
            ty <<= 4
            tw = min(rw - tx, 16)
            th = min(rh - ty, 16)
            for p in range(off, off + n * stride, stride):
                c = colour
                if c < 0:
                    c = self._pixel(data[p : p + bpp])
                    p += bpp
                xy, wh = data[p], data[p + 1]
                x, y, w, h = xy >> 4, xy & 15, (wh >> 4) + 1, (wh & 15) + 1
                if x + w > tw or y + h > th:
                    raise ProtocolError(
                        f"Hextile subrectangle {w}x{h}+{x}+{y} lies outside its {tw}x{th} tile")
                x += rx + tx
                y += ry + ty
                px[y : y + h, x : x + w] = c
