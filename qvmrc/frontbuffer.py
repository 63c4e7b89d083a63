"""The picture a view paints, kept apart from the array the decoder writes.

The decoder runs on a worker thread and writes into ``RFBClient.fb``; a view
(Qt, on the GUI thread) must never read pixels that are being written, or it
shows half an update. So the session copies each *complete* update's damaged
rectangles into a :class:`FrontBuffer` under its lock, and the view paints
from the front buffer holding the same lock. The copy is also where the
padding byte becomes 0xFF (opaque), in the same numpy pass, so no other layer
forces alpha.

Chosen over a double buffer (swapping the decoder's array at each update): a
swap still has to bring the new back buffer up to date with every update's
damage, so it copies as much, plus an alpha pass in place and a rewrap of the
view's image per update; it measured slower (bench/RESULTS.md, "Hand-over").

Qt-free: the session and the headless tools use it too.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import numpy as np

#: The padding byte of ``0x??RRGGBB`` set: opaque for every Qt paint target.
OPAQUE = np.uint32(0xFF000000)

Rect = tuple[int, int, int, int]


class FrontBuffer:
    """A thread-safe ``(height, width)`` uint32 picture, ``0xFFRRGGBB``.

    ``pixels`` is replaced (never resized in place) when the remote size
    changes; readers take :meth:`reading` around any use of it.
    """

    def __init__(self, width: int = 0, height: int = 0) -> None:
        self.lock = threading.Lock()
        self.pixels: np.ndarray = np.full((height, width), OPAQUE, dtype=np.uint32)

    @property
    def width(self) -> int:
        return int(self.pixels.shape[1])

    @property
    def height(self) -> int:
        return int(self.pixels.shape[0])

    @property
    def size(self) -> tuple[int, int]:
        return self.width, self.height

    @contextmanager
    def reading(self) -> Iterator[np.ndarray]:
        """Hold the picture still while painting or copying it."""
        with self.lock:
            yield self.pixels

    def reset(self, source: np.ndarray) -> None:
        """A new screen (connect, resize): take all of ``source``, in a new array."""
        new: np.ndarray = np.empty(source.shape, dtype=np.uint32)
        np.bitwise_or(source, OPAQUE, out=new)
        with self.lock:
            self.pixels = new

    def seed(self, picture: np.ndarray) -> None:
        """Start from an earlier picture of the same size (a reconnect keeps the last frame)."""
        with self.lock:
            if picture.shape == self.pixels.shape:
                np.bitwise_or(picture, OPAQUE, out=self.pixels)

    def publish(self, source: np.ndarray, damage: Iterable[Rect]) -> None:
        """Copy a complete update's rectangles from the decoder's array, made opaque.

        ``source`` must have this buffer's shape (the session resets on resize first).
        """
        with self.lock:
            dst = self.pixels
            if dst.shape != source.shape:
                raise ValueError(f"front buffer is {dst.shape}, the update's framebuffer {source.shape}")
            for x, y, w, h in damage:
                np.bitwise_or(source[y:y + h, x:x + w], OPAQUE, out=dst[y:y + h, x:x + w])
