"""Deferring subrectangle painting across the rectangles of one update.

Xvnc sends desktop changes as dozens of small strips per FramebufferUpdate.
Painting each strip's subrectangles costs a dozen numpy calls whatever its
size, which on desktop traffic outweighs the pixels themselves; painting all
of an update's subrectangles in one vectorised pass does not. Deferral is
only correct while later paints don't overlap pending ones, so pending
rectangles are marked in a framebuffer-sized mask and the work is flushed
before an overlapping rectangle paints (and by the connection before any
other encoding paints and at the update's end).
"""

from __future__ import annotations

import numpy as np

# Up to this many pending rectangles are checked one by one; beyond, a mask.
_LIST_MAX = 32


class Occupancy:
    """Which framebuffer pixels rectangles with pending paint work cover.

    Servers send an update's rectangles top to bottom (Xvnc's strips), so
    the usual question, "does this rectangle overlap pending ones?", is
    answered by comparing with the lowest pending bottom edge. Otherwise the
    pending rectangles are compared one by one, or, when there are many, a
    framebuffer-sized mask is consulted.
    """

    __slots__ = ("_mask", "_masked", "_rects", "_bottom")

    def __init__(self) -> None:
        self._mask: np.ndarray | None = None
        self._masked = False
        self._rects: list[tuple[int, int, int, int]] = []
        self._bottom = 0  # max(y + h) of pending rectangles

    def overlaps(self, shape: tuple[int, ...], x: int, y: int, w: int, h: int) -> bool:
        if not self._rects or y >= self._bottom or w == 0 or h == 0:
            return False
        if self._masked:
            m = self._mask
            assert m is not None
            return bool(m[y : y + h, x : x + w].any())
        x1, y1 = x + w, y + h
        for rx, ry, rx1, ry1 in self._rects:
            if rx < x1 and x < rx1 and ry < y1 and y < ry1:
                return True
        return False

    def mark(self, shape: tuple[int, ...], x: int, y: int, w: int, h: int) -> None:
        rects = self._rects
        rects.append((x, y, x + w, y + h))
        if y + h > self._bottom:
            self._bottom = y + h
        if self._masked:
            assert self._mask is not None
            self._mask[y : y + h, x : x + w] = True
        elif len(rects) > _LIST_MAX:
            m = self._mask
            if m is None or m.shape != shape:
                m = self._mask = np.zeros(shape, dtype=bool)
            for rx, ry, rx1, ry1 in rects:
                m[ry:ry1, rx:rx1] = True
            self._masked = True

    def clear(self) -> None:
        if self._masked and self._mask is not None:
            self._mask.fill(False)
        self._masked = False
        self._rects = []
        self._bottom = 0
