"""Server-side rectangle encoders for the demo: Raw, Zlib and ZRLE.

Pixels go through :meth:`PixelConverter.encode` (numpy) into the viewer's
pixel format. Zlib and ZRLE keep one zlib stream each for the whole
connection, as the encodings require. ZRLE sends each 64x64 tile solid when
it is one colour and raw otherwise: simple, lossless, and small enough for a
mostly flat demo screen.
"""

from __future__ import annotations

import struct
import zlib

import numpy as np

from qvmrc.rfb.encodings import numbers
from qvmrc.rfb.pixelformat import PixelConverter, PixelFormat

SUPPORTED = (numbers.ZRLE, numbers.ZLIB, numbers.RAW)
TILE = 64
_U32 = struct.Struct(">I")


def cpixel_drop(pf: PixelFormat) -> int | None:
    """Index of the wire-pixel byte ZRLE's 3-byte CPIXEL leaves out (None: no CPIXEL)."""
    if not (pf.true_colour and pf.bits_per_pixel == 32 and pf.depth <= 24):
        return None
    top = max(pf.red_max << pf.red_shift, pf.green_max << pf.green_shift,
              pf.blue_max << pf.blue_shift)
    if top < (1 << 24):  # colour in the 3 least significant bytes: drop the MS byte
        return 0 if pf.big_endian else 3
    if min(pf.red_shift, pf.green_shift, pf.blue_shift) >= 8:  # drop the LS byte
        return 3 if pf.big_endian else 0
    return None


class RectEncoder:
    """Encodes framebuffer areas for one viewer (one pixel format, one set of streams)."""

    def __init__(self, pf: PixelFormat) -> None:
        self._zlib = zlib.compressobj(6)
        self._zrle = zlib.compressobj(6)
        self.set_pixel_format(pf)

    def set_pixel_format(self, pf: PixelFormat) -> None:
        self.pf = pf
        self.conv = PixelConverter(pf)
        self._drop = cpixel_drop(pf)

    def encode(self, encoding: int, pixels: np.ndarray) -> bytes:
        """The rectangle body (after its 12-byte header) for ``pixels`` (h, w) uint32."""
        if encoding == numbers.RAW:
            return self.conv.encode(pixels)
        if encoding == numbers.ZLIB:
            return self._compressed(self._zlib, self.conv.encode(pixels))
        if encoding == numbers.ZRLE:
            return self._compressed(self._zrle, self._zrle_tiles(pixels))
        raise ValueError(f"demo server cannot encode {numbers.name_of(encoding)}")

    @staticmethod
    def _compressed(stream: zlib._Compress, data: bytes) -> bytes:
        out = stream.compress(data) + stream.flush(zlib.Z_SYNC_FLUSH)
        return _U32.pack(len(out)) + out

    def _cpixels(self, pixels: np.ndarray) -> bytes:
        wire = self.conv.encode(pixels)
        if self._drop is None:
            return wire
        keep = [i for i in range(4) if i != self._drop]
        return np.frombuffer(wire, dtype=np.uint8).reshape(-1, 4)[:, keep].tobytes()

    def _zrle_tiles(self, pixels: np.ndarray) -> bytes:
        h, w = pixels.shape
        parts: list[bytes] = []
        for ty in range(0, h, TILE):  # one loop step per 64x64 tile, as ZRLE is laid out
            for tx in range(0, w, TILE):
                tile = pixels[ty:ty + TILE, tx:tx + TILE]
                first = tile[0, 0]
                if (tile == first).all():
                    parts.append(b"\x01" + self._cpixels(tile[:1, :1]))
                else:
                    parts.append(b"\x00" + self._cpixels(tile))
        return b"".join(parts)
