"""Hextile, many rectangles at once: the tile walk in Python, everything else in numpy.

Desktop traffic (Xvnc) is dozens of small Hextile strips per update, ~25 tiles
each, half of them empty and most of the rest "inherited colours plus a few
subrectangles". Parsing tile by tile in Python costs ~0.4 us a tile; this
module instead

1. computes, for every byte of the buffered data at once, where the next tile
   would start if a tile started there (``next_tile``),
2. walks the tiles of as many complete rectangles as are buffered, one list
   lookup per tile (headers of later rectangles are read on the way),
3. works out every tile's background, foreground and subrectangles with
   whole-array numpy, paints backgrounds per rectangle and queues the
   subrectangles for the decoder's deferred pass.

Anything unusual — a raw tile, a rectangle whose bytes are not all here,
another encoding, overlap with queued work — ends the run; the per-tile
decoder in :mod:`.hextile` handles it.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

import numpy as np

from qvmrc.errors import ProtocolError
from qvmrc.rfb.encodings import numbers
from qvmrc.rfb.pixelformat import PixelConverter

_HEADER = struct.Struct(">HHHHi")


def _tables(bpp: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per header byte: offset of the subrectangle count, fixed length, bytes per subrectangle."""
    sub = np.arange(256, dtype=np.int64)
    count_off = 1 + bpp * (((sub >> 1) & 1) + ((sub >> 2) & 1))
    anysub = (sub >> 3) & 1
    fixed = count_off + anysub
    per_sub = anysub * (2 + bpp * ((sub >> 4) & 1))
    # Raw and unknown bits: a large negative length, so the walk stops there.
    odd = ((sub & 1) == 1) | (sub > 31)
    fixed[odd] = -(1 << 30)
    return count_off.astype(np.int32), fixed.astype(np.int32), per_sub.astype(np.int32)


_TABLES = {bpp: _tables(bpp) for bpp in (1, 2, 4)}


# Longest possible tile: both colours, then 255 coloured subrectangles (32 bpp).
_MAX_TILE = 1 + 2 * 4 + 1 + 255 * (4 + 2)
_AT = np.arange(1 << 16, dtype=np.int32)


def next_tile(d: np.ndarray, bpp: int) -> np.ndarray:
    """For each offset p: where the tile after a tile starting at p begins (int32).

    Negative where a tile can't be walked here (raw tile, unknown bits). A
    tile that runs past the data points into a tail of -1 entries, so the
    walk stops one tile later; :func:`walk` drops that tile.
    """
    global _AT
    n = len(d)
    if len(_AT) < n:
        _AT = np.arange(n, dtype=np.int32)
    at = _AT[:n]
    count_off, fixed, per_sub = _TABLES[bpp]
    di = d.astype(np.intp)
    padded = np.zeros(n + 16, dtype=np.uint8)  # count bytes past the end read as 0
    padded[:n] = d
    count_at = count_off[di]
    count_at += at
    nxt = np.full(n + _MAX_TILE + 1, -1, dtype=np.int32)
    body = nxt[:n]
    np.take(per_sub, di, out=body)
    body *= padded[count_at]
    body += fixed[di]
    body += at
    return nxt


@dataclass
class Run:
    """What one call walked: rectangles (x, y, w, h), their first tile, tile offsets."""

    rects: list[tuple[int, int, int, int]] = field(default_factory=list)
    starts: list[int] = field(default_factory=list)
    ends: list[int] = field(default_factory=list)  # byte offset after each rectangle
    tiles: list[int] = field(default_factory=list)

    @property
    def end(self) -> int:
        """Bytes consumed, headers of later rectangles included."""
        return self.ends[-1]

    def cut(self, k: int) -> None:
        """Keep only the first ``k`` rectangles."""
        del self.rects[k:], self.ends[k:]
        if k < len(self.starts):
            del self.tiles[self.starts[k]:]
            del self.starts[k:]


def walk(data: bytes, nxt: memoryview, first: tuple[int, int, int, int], more: int,
         fb_w: int, fb_h: int) -> Run | None:
    """Walk the tiles of ``first`` and then of up to ``more`` following Hextile rectangles.

    None: ``first`` itself cannot be walked here (raw tile, bytes missing).
    """
    run = Run()
    tiles = run.tiles
    add = tiles.append
    n = len(data)
    x, y, w, h = first
    p = 0
    while True:
        total = ((w + 15) >> 4) * ((h + 15) >> 4)
        start = len(tiles)
        q = 0
        for _ in range(total):
            q = nxt[p]
            if q < 0:
                break
            add(p)
            p = q
        if q < 0 or p > n:  # p > n: the last tile walked runs past the data
            if p < n and data[p] > 31:
                raise ProtocolError(f"Hextile tile has unknown subencoding bits {data[p]:#04x}")
            del tiles[start:]  # raw tile or bytes missing: not for this pass
            return run if run.rects else None
        run.rects.append((x, y, w, h))
        run.starts.append(start)
        run.ends.append(p)
        if more <= 0 or p + 12 > n:
            return run
        x, y, w, h, enc = _HEADER.unpack_from(data, p)
        if enc != numbers.HEXTILE or x + w > fb_w or y + h > fb_h or w == 0 or h == 0:
            return run
        more -= 1
        p += 12


def first_overlap(rects: list[tuple[int, int, int, int]]) -> int:
    """Index of the first rectangle overlapping an earlier one, or len(rects)."""
    n = len(rects)
    x0, y0, w, h = np.array(rects, dtype=np.int32).T
    x1 = x0 + w
    y1 = y0 + h
    hit = np.less.outer(x0, x1)
    hit &= np.greater.outer(x1, x0)
    hit &= np.less.outer(y0, y1)
    hit &= np.greater.outer(y1, y0)
    hit &= _EARLIER[:n, :n] if n <= len(_EARLIER) else np.tri(n, k=-1, dtype=bool)
    later = hit.any(axis=1)
    i = int(later.argmax())
    return i if later[i] else n


# [i, j]: rectangle j comes before rectangle i (a run has ~75 rectangles).
_EARLIER = np.tri(512, k=-1, dtype=bool)


@dataclass
class Tiles:
    """Per-tile results of :func:`analyse`, in walk order."""

    bg: np.ndarray  # uint32 background of every tile
    # Subrectangle records, one row per tile with subrectangles:
    # (offset of its first subrectangle, count, stride, colour or -1, tile number, rectangle)
    subs: np.ndarray


def analyse(d: np.ndarray, run: Run, conv: PixelConverter) -> Tiles:
    """Backgrounds, foregrounds and subrectangle records of every walked tile."""
    bpp = conv.bpp
    pos = np.array(run.tiles, dtype=np.int64)
    m = len(pos)
    starts = np.array(run.starts, dtype=np.int64)
    counts = np.empty_like(starts)
    counts[:-1] = starts[1:] - starts[:-1]
    counts[-1] = m - starts[-1]
    rect_of = np.repeat(np.arange(len(run.rects)), counts)
    first_of = np.repeat(starts, counts)
    sub = d[pos]
    idx = np.arange(m, dtype=np.int64)
    has_bg = (sub & 2) != 0
    has_fg = (sub & 4) != 0
    # The wire pixel starting at every byte offset (an unaligned view), so
    # colours are picked with one gather.
    wire = np.ndarray((len(d) - bpp + 1,), dtype=np.dtype(f"u{bpp}"), buffer=d, strides=(1,))

    def values(mask: np.ndarray, at: np.ndarray) -> np.ndarray:
        """Per tile, the last value specified in its rectangle so far (0 if none)."""
        where = np.flatnonzero(mask)
        vals = np.zeros(m, dtype=np.uint32)
        if len(where):
            vals[where] = conv.pixels(wire[at[where]].view(np.uint8))
        last = np.maximum.accumulate(np.where(mask, idx, -1))
        ok = last >= first_of
        out = vals[np.maximum(last, 0)]
        out[~ok] = 0
        return out

    bg = values(has_bg, pos + 1)
    fg = values(has_fg, pos + 1 + bpp * has_bg)
    with_subs = np.flatnonzero(sub & 8)
    count_at = pos[with_subs] + 1 + bpp * (has_bg[with_subs].astype(np.int64) + has_fg[with_subs])
    n = d[count_at].astype(np.int64)
    keep = n > 0
    with_subs, count_at, n = with_subs[keep], count_at[keep], n[keep]
    coloured = (sub[with_subs] & 16) != 0
    stride = np.where(coloured, bpp + 2, 2)
    colour = np.where(coloured, -1, fg[with_subs].astype(np.int64))
    subs = np.stack([count_at + 1, n, stride, colour, idx[with_subs] - first_of[with_subs],
                     rect_of[with_subs]], axis=1)
    return Tiles(bg=bg, subs=subs)


def paint_backgrounds(px: np.ndarray, run: Run, bg: np.ndarray) -> None:
    """Fill every walked rectangle with its tiles' backgrounds (one slice when uniform)."""
    starts = np.array(run.starts, dtype=np.int64)
    lo = np.minimum.reduceat(bg, starts)
    hi = np.maximum.reduceat(bg, starts)
    uniform = (lo == hi).tolist()
    first = lo.tolist()
    ends = [*run.starts[1:], len(bg)]
    for i, (x, y, w, h) in enumerate(run.rects):
        if uniform[i]:
            px[y : y + h, x : x + w] = first[i]
            continue
        tiles_x = (w + 15) >> 4
        rows = bg[run.starts[i] : ends[i]].reshape(-1, tiles_x)
        for r in range(len(rows)):
            y0 = y + (r << 4)
            px[y0 : min(y0 + 16, y + h), x : x + w] = np.repeat(rows[r], 16)[:w]
