"""Deferring subrectangle painting across the rectangles of one update.

Xvnc sends desktop changes as dozens of small strips per FramebufferUpdate.
Painting each strip's subrectangles costs a dozen numpy calls whatever its
size, which on desktop traffic outweighs the pixels themselves; painting all
of an update's subrectangles in one vectorised pass does not. Deferral is
only correct while later paints don't overlap pending ones, so pending
rectangles are remembered and the work is flushed before an overlapping
rectangle paints (and by the connection before any other encoding paints and
at the update's end).
"""

from __future__ import annotations

import numpy as np

# Up to this many pending rectangles are checked one by one; beyond, a mask.
_LIST_MAX = 32


class Occupancy:
    """Which framebuffer pixels rectangles with pending paint work cover.

    Servers send an update's rectangles roughly top to bottom (Xvnc's
    strips), so the usual question, "does this rectangle overlap pending
    ones?", is answered by comparing with the lowest pending bottom edge.
    Otherwise the pending rectangles are compared one by one, or, when there
    are many, through a framebuffer-sized mask. The mask is filled only when
    such a question is asked: a Hextile run marks a hundred rectangles per
    update that are almost never asked about, and painting them into the
    mask (and clearing it again) cost ~8% of decoding desktop Hextile.
    """

    __slots__ = ("_mask", "_in_mask", "_rects", "_bottom")

    def __init__(self) -> None:
        self._mask: np.ndarray | None = None
        self._in_mask = 0  # how many of _rects are painted into _mask
        self._rects: list[tuple[int, int, int, int]] = []  # (x, y, w, h)
        self._bottom = 0  # max(y + h) of pending rectangles

    def overlaps(self, shape: tuple[int, ...], x: int, y: int, w: int, h: int) -> bool:
        rects = self._rects
        if not rects or y >= self._bottom or w == 0 or h == 0:
            return False
        if len(rects) > _LIST_MAX:
            return bool(self._masked(shape)[y : y + h, x : x + w].any())
        x1, y1 = x + w, y + h
        for rx, ry, rw, rh in rects:
            if rx < x1 and x < rx + rw and ry < y1 and y < ry + rh:
                return True
        return False

    def _masked(self, shape: tuple[int, ...]) -> np.ndarray:
        """The mask, with every pending rectangle painted in."""
        m = self._mask
        if m is None or m.shape != shape:
            m = self._mask = np.zeros(shape, dtype=bool)
            self._in_mask = 0
        rects = self._rects
        for rx, ry, rw, rh in rects[self._in_mask :]:
            m[ry : ry + rh, rx : rx + rw] = True
        self._in_mask = len(rects)
        return m

    def mark(self, x: int, y: int, w: int, h: int) -> None:
        self._rects.append((x, y, w, h))
        if y + h > self._bottom:
            self._bottom = y + h

    def mark_all(self, rects: list[tuple[int, int, int, int]]) -> None:
        if rects:
            self._rects += rects
            self._bottom = max(self._bottom, max(y + h for _, y, _, h in rects))

    def clear(self) -> None:
        if self._in_mask:
            assert self._mask is not None
            done = self._rects[: self._in_mask]
            x0 = min(r[0] for r in done)
            y0 = min(r[1] for r in done)
            x1 = max(r[0] + r[2] for r in done)
            y1 = max(r[1] + r[3] for r in done)
            self._mask[y0:y1, x0:x1] = False
            self._in_mask = 0
        self._rects = []
        self._bottom = 0
