"""Hextile, many rectangles at once: the tile walk in Python, everything else in numpy.

Desktop servers send dozens of small Hextile strips per update, ~25 tiles
each, half of them empty and most of the rest "inherited colours plus a few
subrectangles". Parsing and painting them tile by tile costs a dozen Python
operations a tile; this module instead

1. walks the tiles of as many complete rectangles as are buffered, finding
   where each tile starts from two table lookups by its header byte (bytes
   up to its subrectangles, bytes per subrectangle). Hextile has no length
   prefix, so only the walk knows where the next rectangle header is; the
   connection's parser reads it (and checks it like any other).
2. works out every tile's background, foreground and subrectangles with
   whole-array numpy, paints backgrounds per rectangle and leaves the
   subrectangles to the decoder's deferred pass.

Anything unusual (a raw tile, a rectangle whose bytes are not all here,
another encoding, overlap with queued work) ends the run; the per-tile
decoder in :mod:`.hextile` handles it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from qvmrc.errors import ProtocolError
from qvmrc.rfb.encodings.base import Decoder, Rect, RectParser
from qvmrc.rfb.pixelformat import PixelConverter


def _steps(bpp: int) -> tuple[list[int], list[int]]:
    """Per header byte: bytes up to the subrectangles (count byte included), and
    bytes per subrectangle (0: the tile has none). -1: raw or unknown bits."""
    fixed, per_sub = [], []
    for sub in range(256):
        if sub & 1 or sub > 31:
            fixed.append(-1)
            per_sub.append(0)
            continue
        head = 1 + bpp * (((sub >> 1) & 1) + ((sub >> 2) & 1))
        if sub & 8:
            fixed.append(head + 1)
            per_sub.append(2 + bpp * ((sub >> 4) & 1))
        else:
            fixed.append(head)
            per_sub.append(0)
    return fixed, per_sub


_STEPS = {bpp: _steps(bpp) for bpp in (1, 2, 4)}


@dataclass
class Run:
    """What one call walked: rectangles (x, y, w, h), their first tile, tile offsets,
    and the parsed header that ended the walk (``next``), if any."""

    rects: list[tuple[int, int, int, int]] = field(default_factory=list)
    starts: list[int] = field(default_factory=list)
    ends: list[int] = field(default_factory=list)  # byte offset after each rectangle
    tiles: list[int] = field(default_factory=list)
    next: Rect | None = None

    @property
    def end(self) -> int:
        """Bytes consumed, headers of later rectangles included (``next``'s too)."""
        return self.ends[-1] + (12 if self.next is not None else 0)

    def cut(self, k: int, decoder: Decoder) -> None:
        """Keep only the first ``k`` rectangles; the next one's header was parsed."""
        x, y, w, h = self.rects[k]
        self.next = (x, y, w, h, decoder)
        del self.rects[k:], self.ends[k:]
        if k < len(self.starts):
            del self.tiles[self.starts[k]:]
            del self.starts[k:]


def walk(data: bytes, bpp: int, first: tuple[int, int, int, int], more: int,
         parse: RectParser, decoder: Decoder) -> Run | None:
    """Walk the tiles of ``first`` and then of up to ``more`` following rectangles
    of ``decoder`` (their headers read by ``parse``).

    None: ``first`` itself cannot be walked here (raw tile, bytes missing).
    """
    fixed, per_sub = _STEPS[bpp]
    run = Run()
    nxt: Rect | None = None
    tiles = run.tiles
    add = tiles.append
    n = len(data)
    x, y, w, h = first
    p = 0
    while True:
        start = len(tiles)
        for _ in range(((w + 15) >> 4) * ((h + 15) >> 4)):
            if p >= n:
                break
            sub = data[p]
            f = fixed[sub]
            if f < 0:
                break
            add(p)
            per = per_sub[sub]
            if per:
                q = p + f
                if q > n:  # the count byte is not here yet
                    p = q
                    break
                p = q + per * data[q - 1]
            else:
                p += f
        else:
            if p <= n:  # the last tile's bytes are all here
                run.rects.append((x, y, w, h))
                run.starts.append(start)
                run.ends.append(p)
                if more <= 0 or p + 12 > n:
                    return run
                nxt = parse(data, p)
                x, y, w, h, dec = nxt
                if dec is not decoder or w == 0 or h == 0:
                    run.next = nxt
                    return run
                more -= 1
                p += 12
                continue
        if p < n and data[p] > 31:
            raise ProtocolError(f"Hextile tile has unknown subencoding bits {data[p]:#04x}")
        del tiles[start:]  # raw tile or bytes missing: not for this pass
        if not run.rects:
            return None
        run.next = nxt  # (its header was read)
        return run


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
