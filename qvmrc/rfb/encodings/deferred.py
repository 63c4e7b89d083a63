"""Deferring paint work across the rectangles of one update.

Painting a small rectangle's subrectangles costs a dozen numpy calls whatever
their size; painting all of an update's subrectangles in one vectorised pass
does not. Deferral is only correct while nothing paints over pending work, so
the update has one queue (:class:`DeferredPaints`): the decoder holding work
(Hextile, RRE, Tight gradients) claims the area it will paint, and the
connection flushes the queue before a rectangle that overlaps that area,
before any other decoder's rectangle, and at the update's end.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from qvmrc.rfb.encodings.base import DecodeContext, Decoder

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
    update that are almost never asked about.
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


class DeferredPaints:
    """The update's one deferred-paint queue.

    ``owner`` is the decoder whose deferred work is pending (one at a time:
    a rectangle of another decoder flushes it first); ``area`` is what that
    work may paint. The owner keeps the work itself in whatever form it
    batches best and paints it in its ``flush``.
    """

    __slots__ = ("owner", "area")

    def __init__(self) -> None:
        self.owner: Decoder | None = None
        self.area = Occupancy()

    def claim(self, decoder: Decoder, x: int, y: int, w: int, h: int) -> None:
        """``decoder`` holds (or may add) deferred work painting into this rectangle."""
        self.owner = decoder
        self.area.mark(x, y, w, h)

    def claim_all(self, decoder: Decoder, rects: list[tuple[int, int, int, int]]) -> None:
        self.owner = decoder
        self.area.mark_all(rects)

    def flush(self, ctx: DecodeContext) -> None:
        """Paint the pending work now."""
        owner = self.owner
        if owner is not None:
            self.owner = None
            self.area.clear()
            owner.flush(ctx)
