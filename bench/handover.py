"""The two decode/paint hand-overs of issue 13, side by side, for bench/micro_handover.py and bench/live.py.

- copy (what qvmrc does, ``qvmrc.frontbuffer.FrontBuffer.publish``): each
  complete update's rectangles are copied from the decoder's array into the
  view's front buffer, padding byte set in the same pass.
- double: the decoder's array becomes the front buffer at each update's end
  and the previous front buffer becomes the decoder's; before the next update
  is decoded into it, it must catch up with the damage it missed (a copy of
  the same rectangles), and the new front's padding byte must be set in place.
- none (main before issue 13): the decoder sets the padding byte over the
  damage in place (``RFBClient(opaque=True)``) and the view paints its array.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from qvmrc.frontbuffer import OPAQUE, FrontBuffer

Rect = tuple[int, int, int, int]


def opaque_in_place(pixels: np.ndarray, damage: Iterable[Rect]) -> None:
    """main's path: RFBClient(opaque=True) at each update's end."""
    for x, y, w, h in damage:
        pixels[y:y + h, x:x + w] |= OPAQUE


class DoubleBuffer(FrontBuffer):
    """Front/back swap; ``swap`` returns the array the decoder writes next."""

    def __init__(self, width: int = 0, height: int = 0) -> None:
        super().__init__(width, height)
        self.back: np.ndarray = self.pixels.copy()

    def reset(self, source: np.ndarray) -> None:
        super().reset(source)
        self.back = self.pixels.copy()

    def swap(self, decoded: np.ndarray, damage: Iterable[Rect]) -> np.ndarray:
        rects = list(damage)
        opaque_in_place(decoded, rects)
        with self.lock:
            old = self.pixels
            self.pixels = decoded
        for x, y, w, h in rects:  # the old front catches up before it is decoded into
            old[y:y + h, x:x + w] = decoded[y:y + h, x:x + w]
        return old


def install_double_buffer() -> None:
    """Make Session hand over by swapping (bench only: the view would rewrap per update)."""
    from qvmrc import session as sm

    def publish(self: sm.Session, damage: Iterable[Rect]) -> None:
        assert self.conn is not None
        front = self.front
        if not isinstance(front, DoubleBuffer):
            front = self.front = DoubleBuffer()
            front.reset(self.conn.fb.pixels)
        if front.pixels.shape != self.conn.fb.pixels.shape:
            front.reset(self.conn.fb.pixels)
            return
        self.conn.fb.pixels = front.swap(self.conn.fb.pixels, damage)

    sm.Session._publish = publish  # type: ignore[method-assign]
