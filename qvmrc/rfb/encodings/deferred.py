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


class Occupancy:
    """Which framebuffer pixels rectangles with pending paint work cover."""

    __slots__ = ("_mask", "_dirty")

    def __init__(self) -> None:
        self._mask: np.ndarray | None = None
        self._dirty = False

    def overlaps(self, shape: tuple[int, ...], x: int, y: int, w: int, h: int) -> bool:
        m = self._mask
        if m is None or m.shape != shape:
            return self._dirty
        return self._dirty and bool(m[y : y + h, x : x + w].any())

    def mark(self, shape: tuple[int, ...], x: int, y: int, w: int, h: int) -> None:
        m = self._mask
        if m is None or m.shape != shape:
            m = self._mask = np.zeros(shape, dtype=bool)
        m[y : y + h, x : x + w] = True
        self._dirty = True

    def clear(self) -> None:
        if self._dirty and self._mask is not None:
            self._mask.fill(False)
        self._dirty = False
