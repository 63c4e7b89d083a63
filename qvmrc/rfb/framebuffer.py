"""The console's framebuffer: one numpy array in ``QImage.Format_RGB32`` layout."""

from __future__ import annotations

import numpy as np

from qvmrc.errors import ProtocolError

# A server is untrusted: these bound what it can make us allocate.
MAX_DIMENSION = 16384
MAX_PIXELS = 7680 * 4800  # 8K UHD and then some: ~147 MB of framebuffer
#: The padding byte set in painted pixels for views whose surface honours alpha.
ALPHA = np.uint32(0xFF000000)


def check_size(width: int, height: int) -> None:
    if width < 0 or height < 0 or width > MAX_DIMENSION or height > MAX_DIMENSION:
        raise ProtocolError(f"server asked for an impossible screen size {width}x{height}")
    if width * height > MAX_PIXELS:
        raise ProtocolError(f"server asked for a screen of {width}x{height}, larger than QVMRC allows")


class Framebuffer:
    """Pixels as ``uint32`` ``0x??RRGGBB`` (native order), shape ``(height, width)``.

    Replaced, not resized in place, on DesktopSize so a view that still holds
    the old array never sees it change shape under it.
    """

    __slots__ = ("pixels",)

    def __init__(self, width: int, height: int) -> None:
        check_size(width, height)
        self.pixels = np.zeros((height, width), dtype=np.uint32)

    @property
    def width(self) -> int:
        return int(self.pixels.shape[1])

    @property
    def height(self) -> int:
        return int(self.pixels.shape[0])

    def resize(self, width: int, height: int, fill: int = 0) -> None:
        check_size(width, height)
        if (height, width) == self.pixels.shape:
            return
        new = np.full((height, width), fill, dtype=np.uint32)
        h = min(height, self.height)
        w = min(width, self.width)
        new[:h, :w] = self.pixels[:h, :w]
        self.pixels = new

    def rgb_array(self) -> np.ndarray:
        """(height, width, 3) uint8 copy in R, G, B order."""
        v = self.pixels
        out = np.empty(v.shape + (3,), dtype=np.uint8)
        out[..., 0] = (v >> 16) & 0xFF
        out[..., 1] = (v >> 8) & 0xFF
        out[..., 2] = v & 0xFF
        return out

    def save_png(self, path: str) -> None:
        from PIL import Image

        Image.fromarray(self.rgb_array(), "RGB").save(path)
