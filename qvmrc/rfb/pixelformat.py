"""Pixel formats and the numpy converters from wire pixels to the framebuffer.

The framebuffer holds ``uint32`` values laid out as ``0x??RRGGBB`` in native
byte order (what ``QImage.Format_RGB32`` wants). Every decoder turns wire
pixels into that layout through a :class:`PixelConverter`: a view for the
default format, a lookup table for 8/16 bpp and colour maps, shifts and
per-channel tables for other 32 bpp layouts.
"""

from __future__ import annotations

import struct
import sys
from dataclasses import dataclass

import numpy as np

from qvmrc.errors import ProtocolError

_NATIVE_LITTLE = sys.byteorder == "little"

#: Anything np.frombuffer accepts.
BytesLike = bytes | bytearray | memoryview | np.ndarray


@dataclass(frozen=True)
class PixelFormat:
    bits_per_pixel: int
    depth: int
    big_endian: bool
    true_colour: bool
    red_max: int
    green_max: int
    blue_max: int
    red_shift: int
    green_shift: int
    blue_shift: int

    _STRUCT = struct.Struct(">BBBBHHHBBBxxx")

    def pack(self) -> bytes:
        return self._STRUCT.pack(
            self.bits_per_pixel, self.depth, int(self.big_endian), int(self.true_colour),
            self.red_max, self.green_max, self.blue_max,
            self.red_shift, self.green_shift, self.blue_shift,
        )

    @classmethod
    def unpack(cls, data: bytes) -> PixelFormat:
        bpp, depth, be, tc, rm, gm, bm, rs, gs, bs = cls._STRUCT.unpack(data)
        return cls(bpp, depth, bool(be), bool(tc), rm, gm, bm, rs, gs, bs)

    @property
    def bytes_per_pixel(self) -> int:
        return self.bits_per_pixel // 8

    def validate(self) -> None:
        """Refuse formats we cannot decode before any rectangle arrives."""
        if self.bits_per_pixel not in (8, 16, 32):
            raise ProtocolError(f"unsupported pixel size: {self.bits_per_pixel} bits per pixel")
        if self.true_colour:
            bits = self.bits_per_pixel
            for name, mx, sh in (("red", self.red_max, self.red_shift),
                                 ("green", self.green_max, self.green_shift),
                                 ("blue", self.blue_max, self.blue_shift)):
                if mx == 0 or (mx & (mx + 1)) != 0 or sh >= bits or (mx << sh) >= (1 << bits):
                    raise ProtocolError(f"unusable pixel format: {name} max {mx} shift {sh}")

    @property
    def is_native_rgb32(self) -> bool:
        """True when wire pixels are already framebuffer values (a memcpy)."""
        return (self.bits_per_pixel == 32 and self.true_colour
                and self.red_max == 255 and self.green_max == 255 and self.blue_max == 255
                and (self.red_shift, self.green_shift, self.blue_shift) == (16, 8, 0))

    @property
    def is_888(self) -> bool:
        """Tight's condition for 3-byte TPIXELs (sent as R, G, B)."""
        return (self.bits_per_pixel == 32 and self.depth == 24 and self.true_colour
                and self.red_max == 255 and self.green_max == 255 and self.blue_max == 255)

    def describe(self) -> str:
        if not self.true_colour:
            return f"{self.bits_per_pixel} bpp colour map"
        end = "BE" if self.big_endian else "LE"
        return (f"{self.bits_per_pixel} bpp depth {self.depth} {end} "
                f"max {self.red_max}/{self.green_max}/{self.blue_max} "
                f"shift {self.red_shift}/{self.green_shift}/{self.blue_shift}")


PRESETS: dict[str, PixelFormat] = {
    "rgb888": PixelFormat(32, 24, False, True, 255, 255, 255, 16, 8, 0),
    "bgr888": PixelFormat(32, 24, False, True, 255, 255, 255, 0, 8, 16),
    "rgb565": PixelFormat(16, 16, False, True, 31, 63, 31, 11, 5, 0),
    "rgb555": PixelFormat(16, 15, False, True, 31, 31, 31, 10, 5, 0),
    "bgr233": PixelFormat(8, 8, False, True, 7, 7, 3, 0, 3, 6),
}
PIXEL_FORMAT_NAMES = (*PRESETS, "native")


def _scale_table(mx: int) -> np.ndarray:
    """Map 0..mx to 0..255 the way servers expand channels (rounded)."""
    vals = np.arange(mx + 1, dtype=np.uint32)
    return ((vals * 255 + mx // 2) // mx).astype(np.uint32)


class PixelConverter:
    """Converts wire pixels of one pixel format into framebuffer values.

    Built once per SetPixelFormat / SetColourMapEntries, then called per
    rectangle; every method works on whole arrays.
    """

    def __init__(self, pf: PixelFormat, colour_map: np.ndarray | None = None) -> None:
        pf.validate()
        self.pf = pf
        self.bpp = pf.bytes_per_pixel
        self._dtype = np.dtype((">" if pf.big_endian else "<") + {1: "u1", 2: "u2", 4: "u4"}[self.bpp])
        self._identity = pf.is_native_rgb32 and not pf.big_endian
        #: Wire pixels are framebuffer values as they are (little-endian 0x00RRGGBB).
        self.identity = self._identity
        self._lut: np.ndarray | None = None
        if pf.true_colour:
            if self.bpp <= 2:
                self._lut = self._true_colour_values(np.arange(1 << pf.bits_per_pixel, dtype=np.uint32))
        else:
            self._lut = colour_map if colour_map is not None else np.zeros(256, dtype=np.uint32)
            if self.bpp != 1:
                # Colour maps beyond 8 bpp are legal but nobody sends them.
                raise ProtocolError("colour-map pixel formats above 8 bits per pixel are not supported")
        # ZRLE's compact pixel: 3 bytes when the colour fits in 3 of the 4.
        self.cpixel_size = self.bpp
        self._cpad_front = False
        if pf.true_colour and pf.bits_per_pixel == 32 and pf.depth <= 24:
            top = max(pf.red_max << pf.red_shift, pf.green_max << pf.green_shift,
                      pf.blue_max << pf.blue_shift)
            low = min(pf.red_shift, pf.green_shift, pf.blue_shift)
            fits_ls = top < (1 << 24)
            fits_ms = low >= 8
            if fits_ls or fits_ms:
                self.cpixel_size = 3
                # The missing byte sits at the front of the wire pixel when it is
                # the MS byte of a big-endian or the LS byte of a little-endian one.
                self._cpad_front = (fits_ls and pf.big_endian) or (not fits_ls and not pf.big_endian)
        self.tpixel_size = 3 if pf.is_888 else self.bpp

    def _true_colour_values(self, raw: np.ndarray) -> np.ndarray:
        pf = self.pf
        r = _scale_table(pf.red_max)[(raw >> pf.red_shift) & pf.red_max]
        g = _scale_table(pf.green_max)[(raw >> pf.green_shift) & pf.green_max]
        b = _scale_table(pf.blue_max)[(raw >> pf.blue_shift) & pf.blue_max]
        return (r << 16) | (g << 8) | b

    def pixels(self, data: BytesLike) -> np.ndarray:
        """Wire pixels (``bpp`` bytes each) -> 1-D uint32 framebuffer values."""
        raw = np.frombuffer(data, dtype=self._dtype)
        if self._identity:
            return raw
        if self._lut is not None:
            return self._lut[raw]
        return self._true_colour_values(raw.astype(np.uint32, copy=False))

    def cpixels(self, data: BytesLike) -> np.ndarray:
        """ZRLE CPIXELs -> framebuffer values."""
        if self.cpixel_size == self.bpp:
            return self.pixels(data)
        src = np.frombuffer(data, dtype=np.uint8).reshape(-1, 3)
        wide = np.zeros((src.shape[0], 4), dtype=np.uint8)
        if self._cpad_front:
            wide[:, 1:] = src
        else:
            wide[:, :3] = src
        return self.pixels(wide.reshape(-1))

    def tpixels(self, data: BytesLike) -> np.ndarray:
        """Tight TPIXELs (R, G, B bytes for 888 formats) -> framebuffer values."""
        if self.tpixel_size == self.bpp:
            return self.pixels(data)
        return rgb_bytes_to_fb(np.frombuffer(data, dtype=np.uint8).reshape(-1, 3))

    def pixel(self, data: BytesLike) -> int:
        return int(self.pixels(data)[0])

    def encode(self, fb_values: np.ndarray) -> bytes:
        """Framebuffer values -> wire pixels (used by the demo server and tests)."""
        pf = self.pf
        v = fb_values.astype(np.uint32).ravel()
        r = (v >> 16) & 0xFF
        g = (v >> 8) & 0xFF
        b = v & 0xFF
        if not pf.true_colour:
            raise ProtocolError("cannot encode into a colour-map format")
        raw = (((r * pf.red_max + 127) // 255) << pf.red_shift
               | ((g * pf.green_max + 127) // 255) << pf.green_shift
               | ((b * pf.blue_max + 127) // 255) << pf.blue_shift)
        return raw.astype(self._dtype).tobytes()


def rgb_bytes_to_fb(rgb: np.ndarray) -> np.ndarray:
    """(N, 3) uint8 R, G, B rows -> uint32 ``0x00RRGGBB``."""
    n = rgb.shape[0]
    out = np.zeros((n, 4), dtype=np.uint8)
    if _NATIVE_LITTLE:
        out[:, 0] = rgb[:, 2]
        out[:, 1] = rgb[:, 1]
        out[:, 2] = rgb[:, 0]
    else:
        out[:, 1:] = rgb
    return out.view(np.uint32).reshape(n)


def colour_map_table(first: int, colours: np.ndarray, old: np.ndarray | None) -> np.ndarray:
    """Apply SetColourMapEntries ((N, 3) uint16 RGB) to a 256-entry table."""
    table = np.zeros(256, dtype=np.uint32) if old is None else old.copy()
    end = min(256, first + colours.shape[0])
    if first < end:
        c = (colours[: end - first].astype(np.uint32) >> 8)
        table[first:end] = (c[:, 0] << 16) | (c[:, 1] << 8) | c[:, 2]
    return table
