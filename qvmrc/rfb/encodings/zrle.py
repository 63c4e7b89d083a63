"""ZRLE: 64x64 tiles, each raw, solid, packed palette or run-length encoded.

Wire body: ``u32 length`` and that many bytes of the connection's single zlib
stream. The whole rectangle is inflated in one ``decompress`` call (noVNC
calls its inflater every few bytes, which is what makes it slow) and the tiles
are parsed from the resulting bytes object. Pixels are CPIXELs
(``ctx.conv.cpixels``: 3 bytes for 32 bpp formats whose colour fits in 3).

Per tile: raw and packed-palette tiles are a handful of numpy calls; RLE
tiles parse their runs in Python (the run lengths are a sequential,
variable-length code) but paint with one ``np.repeat`` per tile.
"""

from __future__ import annotations

import sys
import zlib

import numpy as np

from qvmrc.errors import ProtocolError
from qvmrc.rfb.buffer import ReadBuffer
from qvmrc.rfb.encodings import numbers
from qvmrc.rfb.encodings.base import DecodeContext, Decoder, deflated_bound, read_u32_prefixed
from qvmrc.rfb.pixelformat import PixelConverter

TILE = 64
_CACHE_MAX = 4096


def _unpack_table(bits: int) -> np.ndarray:
    """Byte -> its 8/bits palette indices, most significant first."""
    per = 8 // bits
    b = np.arange(256, dtype=np.uint8)[:, None]
    shifts = np.arange(8 - bits, -1, -bits, dtype=np.uint8)[None, :]
    return ((b >> shifts) & ((1 << bits) - 1)).astype(np.uint8).reshape(256, per)


_UNPACK = {1: _unpack_table(1), 2: _unpack_table(2), 4: _unpack_table(4)}


class ZRLEDecoder(Decoder):
    encoding = numbers.ZRLE
    name = "zrle"

    def __init__(self) -> None:
        self._stream = zlib.decompressobj()
        self._conv: PixelConverter | None = None
        self._fast_raw = False
        self._solid: dict[bytes, int] = {}
        self._palettes: dict[bytes, np.ndarray] = {}

    def reset(self) -> None:
        self._stream = zlib.decompressobj()
        self._conv = None

    def _set_conv(self, conv: PixelConverter) -> None:
        self._conv = conv
        self._solid = {}
        self._palettes = {}
        pf = conv.pf
        # Default format on a little-endian host: a 3-byte CPIXEL is the
        # framebuffer value's low three bytes, so raw tiles are a byte copy.
        self._fast_raw = (pf.is_native_rgb32 and not pf.big_endian and conv.cpixel_size == 3
                          and sys.byteorder == "little")

    def decode(self, buf: ReadBuffer, x: int, y: int, w: int, h: int, ctx: DecodeContext) -> bool:
        conv = ctx.conv
        cp = conv.cpixel_size
        ntiles = ((w + TILE - 1) // TILE) * ((h + TILE - 1) // TILE)
        # No valid tile inflates to more than this (plain RLE of single pixels
        # is the worst case); it caps what a zlib bomb can make us allocate.
        bound = w * h * (cp + 2) + ntiles * (1 + 127 * cp)
        data = read_u32_prefixed(buf, "ZRLE", deflated_bound(bound))
        if data is None:
            return False
        if conv is not self._conv:
            self._set_conv(conv)
        try:
            out = self._stream.decompress(data, bound + 1)
        except zlib.error as e:
            raise ProtocolError(f"ZRLE rectangle has corrupt zlib data ({e})") from None
        if len(out) > bound:
            raise ProtocolError("ZRLE rectangle inflates to more data than its tiles can hold")
        try:
            used = self._tiles(out, x, y, w, h, ctx)
        except (IndexError, ValueError) as e:
            raise ProtocolError(f"malformed ZRLE rectangle: {e}") from None
        if used != len(out):
            raise ProtocolError(f"ZRLE rectangle has {len(out) - used} bytes after its last tile")
        return True

    def _tiles(self, out: bytes, x: int, y: int, w: int, h: int, ctx: DecodeContext) -> int:
        conv = ctx.conv
        cp = conv.cpixel_size
        px = ctx.fb.pixels
        arr = np.frombuffer(out, dtype=np.uint8)
        mv = memoryview(out)
        end = len(out)
        solid_cache = self._solid
        fast_raw = self._fast_raw
        p = 0
        for ty in range(0, h, TILE):
            th = min(TILE, h - ty)
            for tx in range(0, w, TILE):
                tw = min(TILE, w - tx)
                npix = tw * th
                target = px[y + ty : y + ty + th, x + tx : x + tx + tw]
                sub = out[p]
                p += 1
                if sub == 0:
                    n = npix * cp
                    if p + n > end:
                        raise ProtocolError("ZRLE raw tile is cut short")
                    if fast_raw and p + n < end:
                        # Read each 3-byte CPIXEL as an unaligned little-endian
                        # u32 (its top byte is the next pixel's) and mask: one
                        # pass, no temporaries. Needs one byte after the tile.
                        src = np.ndarray((th, tw), dtype="<u4", buffer=out, offset=p,
                                         strides=(tw * 3, 3))
                        np.bitwise_and(src, 0xFFFFFF, out=target)
                    elif fast_raw:
                        t8 = target.view(np.uint8).reshape(th, tw, 4)
                        t8[:, :, :3] = arr[p : p + n].reshape(th, tw, 3)
                        t8[:, :, 3] = 0
                    else:
                        target[...] = conv.cpixels(mv[p : p + n]).reshape(th, tw)
                    p += n
                elif sub == 1:
                    key = out[p : p + cp]
                    if len(key) != cp:
                        raise ProtocolError("ZRLE solid tile is cut short")
                    v = solid_cache.get(key)
                    if v is None:
                        if len(solid_cache) >= _CACHE_MAX:
                            solid_cache.clear()
                        v = solid_cache[key] = int(conv.cpixels(key)[0])
                    target[...] = v
                    p += cp
                elif sub <= 16:
                    palette = self._palette(out, p, sub, cp, conv)
                    p += sub * cp
                    bits = 1 if sub == 2 else 2 if sub <= 4 else 4
                    rowbytes = (tw * bits + 7) >> 3
                    n = rowbytes * th
                    if p + n > end:
                        raise ProtocolError("ZRLE packed palette tile is cut short")
                    idx = _UNPACK[bits][arr[p : p + n].reshape(th, rowbytes)]
                    target[...] = palette[idx.reshape(th, -1)[:, :tw]]
                    p += n
                elif sub == 128:
                    p = self._plain_rle(out, p, npix, cp, conv, target)
                elif sub >= 130:
                    palette = self._palette(out, p, sub - 128, cp, conv)
                    p = self._palette_rle(out, p + (sub - 128) * cp, npix, palette, target)
                else:
                    raise ProtocolError(f"ZRLE tile has unknown subencoding {sub}")
        return p

    def _palette(self, out: bytes, p: int, size: int, cp: int, conv: PixelConverter) -> np.ndarray:
        """The tile's palette as framebuffer values (cached: desktops reuse them)."""
        key = out[p : p + size * cp]
        if len(key) != size * cp:
            raise ProtocolError("ZRLE palette is cut short")
        pal = self._palettes.get(key)
        if pal is None:
            if len(self._palettes) >= _CACHE_MAX:
                self._palettes.clear()
            pal = self._palettes[key] = conv.cpixels(key)
        return pal

    @staticmethod
    def _palette_rle(out: bytes, p: int, npix: int, palette: np.ndarray, target: np.ndarray) -> int:
        idxs: list[int] = []
        lens: list[int] = []
        filled = 0
        while filled < npix:
            b = out[p]
            p += 1
            if b < 128:
                idxs.append(b)
                lens.append(1)
                filled += 1
            else:
                c = out[p]
                p += 1
                run = 1 + c
                while c == 255:
                    c = out[p]
                    p += 1
                    run += c
                idxs.append(b - 128)
                lens.append(run)
                filled += run
        if filled != npix:
            raise ProtocolError(f"ZRLE run ends {filled - npix} pixels beyond its tile")
        th, tw = target.shape
        target[...] = np.repeat(palette[idxs], lens).reshape(th, tw)
        return p

    @staticmethod
    def _plain_rle(out: bytes, p: int, npix: int, cp: int, conv: PixelConverter,
                   target: np.ndarray) -> int:
        starts: list[int] = []
        lens: list[int] = []
        filled = 0
        while filled < npix:
            starts.append(p)
            p += cp
            c = out[p]
            p += 1
            run = 1 + c
            while c == 255:
                c = out[p]
                p += 1
                run += c
            lens.append(run)
            filled += run
        if filled != npix:
            raise ProtocolError(f"ZRLE run ends {filled - npix} pixels beyond its tile")
        src = np.frombuffer(out, dtype=np.uint8)
        pix = src[(np.array(starts)[:, None] + np.arange(cp)).reshape(-1)]
        th, tw = target.shape
        target[...] = np.repeat(conv.cpixels(pix.tobytes()), lens).reshape(th, tw)
        return p
