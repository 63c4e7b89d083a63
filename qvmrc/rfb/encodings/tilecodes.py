"""Painting Hextile subrectangles from their two geometry bytes.

A Hextile subrectangle is ``x << 4 | y`` and ``(w - 1) << 4 | (h - 1)``, so
each byte has only 256 values. Tables indexed by them give the pixel count,
the pixels as framebuffer offsets from the tile's corner and how far the
subrectangle reaches. An update's subrectangles (Xvnc sends ~3 million a
minute of scrolling text, most of 1-3 pixels) then paint with a few
gathers per subrectangle and per pixel, instead of the two dozen
whole-array passes of working out rows and columns from coordinates.
"""

from __future__ import annotations

import numpy as np

from qvmrc.errors import ProtocolError

_WH = np.arange(256, dtype=np.int64)
_SW = (_WH >> 4) + 1
_SH = (_WH & 15) + 1
AREA = _SW * _SH
# Pixels of each of the 256 shapes, back to back, row by row.
_START = np.cumsum(AREA) - AREA
_K = np.arange(int(AREA.sum()), dtype=np.int64) - np.repeat(_START, AREA)
_ROW = _K // np.repeat(_SW, AREA)
_COL = _K - _ROW * np.repeat(_SW, AREA)
# Reach check without branches: x + w and y + h in 6-bit fields with a guard
# bit each; (limit - reach) keeps both guard bits iff both fit the tile.
_GUARD = (32 << 6) | 32
_REACH_XY = ((_WH >> 4) << 6) | (_WH & 15)
_REACH_WH = (_SW << 6) | _SH


# Pixels painted per vectorised pass: ~30 bytes of temporaries each, so a
# pass holds ~8 MB however many subrectangles (up to 256 pixels from 2 wire
# bytes) a server queues.
CHUNK_PIXELS = 1 << 18

_POS_BITS = 24  # shape-table positions: fewer than 18,496 (the sum of all 256 areas)
_POS_MASK = (1 << _POS_BITS) - 1


class TilePainter:
    """Per-framebuffer-width offset tables, rebuilt when the width changes."""

    __slots__ = ("_stride", "_shape_offsets", "_corner")

    def __init__(self) -> None:
        self._stride = -1
        self._shape_offsets = np.zeros(0, dtype=np.int64)
        self._corner = np.zeros(0, dtype=np.int64)

    def _tables(self, stride: int) -> tuple[np.ndarray, np.ndarray]:
        if stride != self._stride:
            self._shape_offsets = _ROW * stride + _COL
            self._corner = (_WH & 15) * stride + (_WH >> 4)
            self._stride = stride
        return self._shape_offsets, self._corner

    def paint(
        self, pixels: np.ndarray, xy: np.ndarray, wh: np.ndarray, corners: np.ndarray,
        limits: np.ndarray, colours: np.ndarray | int,
    ) -> None:
        """Paint subrectangles in order (later ones win where they overlap).

        ``xy``/``wh`` are the geometry bytes (uint8 arrays, one per
        subrectangle); per subrectangle, ``corners`` is the flat framebuffer
        offset of its tile's top-left pixel and ``limits`` the tile's size as
        ``(w + 32) << 6 | (h + 32)``. ``colours`` is one framebuffer value per
        subrectangle, or one for all.
        """
        if len(xy) == 0:
            return
        xy = xy.astype(np.intp)  # converted once, used as an index four times
        wh = wh.astype(np.intp)
        reach = _REACH_XY[xy]
        reach += _REACH_WH[wh]
        ok = limits - reach
        ok &= _GUARD
        if not bool((ok == _GUARD).all()):
            i = int(np.argmin(ok == _GUARD))
            x, y, w, h = int(xy[i]) >> 4, int(xy[i]) & 15, int(_SW[wh[i]]), int(_SH[wh[i]])
            lim = int(limits[i])
            raise ProtocolError(
                f"Hextile subrectangle {w}x{h}+{x}+{y} lies outside its "
                f"{(lim >> 6) - 32}x{(lim & 63) - 32} tile")
        offsets, corner = self._tables(pixels.shape[1])
        area = AREA[wh]
        ends = np.cumsum(area)
        n = int(ends[-1])
        if n > CHUNK_PIXELS:
            # In order, a chunk of subrectangles at a time (later ones still win).
            cuts = np.searchsorted(ends, np.arange(CHUNK_PIXELS, n, CHUNK_PIXELS), side="right").tolist()
            flat = pixels.reshape(-1)
            for a, b in zip([0, *cuts], [*cuts, len(xy)], strict=True):
                if b > a:
                    self._paint_chunk(flat, offsets, corner, xy[a:b], wh[a:b], corners[a:b],
                                      colours if isinstance(colours, int) else colours[a:b])
            return
        self._paint_chunk(pixels.reshape(-1), offsets, corner, xy, wh, corners, colours, area, ends)

    @staticmethod
    def _paint_chunk(
        flat: np.ndarray, offsets: np.ndarray, corner: np.ndarray, xy: np.ndarray, wh: np.ndarray,
        corners: np.ndarray, colours: np.ndarray | int, area: np.ndarray | None = None,
        ends: np.ndarray | None = None,
    ) -> None:
        if area is None or ends is None:
            area = AREA[wh]
            ends = np.cumsum(area)
        n = int(ends[-1])
        # Per pixel we need its shape-table position (its index among all
        # pixels, shifted per subrectangle) and its subrectangle's corner.
        # Both per-subrectangle values travel in one int64 (corner above
        # bit 24, shift below), so they take one np.repeat, not two: the
        # shift may be negative, but adding the pixel index leaves a
        # position in [0, 2**24) and the corner bits intact.
        packed = corner[xy]
        packed += corners
        packed <<= _POS_BITS
        packed += _START[wh]
        packed -= ends
        packed += area
        per_pixel = np.repeat(packed, area)
        per_pixel += np.arange(n, dtype=np.int64)
        idx = offsets[per_pixel & _POS_MASK]
        per_pixel >>= _POS_BITS
        idx += per_pixel
        flat[idx] = colours if isinstance(colours, int) else np.repeat(colours, area)
