"""A test-side Tight / TightPNG encoder.

Builds rectangle bodies the way servers do (QEMU, TightVNC, TigerVNC) from
framebuffer values (uint32 ``0x00RRGGBB``), so decoder tests and the
micro-benchmarks can exercise every corner of the wire format: fill, JPEG,
PNG, basic mode with copy / palette / gradient filters on each of the four
persistent zlib streams, stream resets, short uncompressed data and 1-3
byte compact lengths. Written independently from the decoder: pixel work is
plain numpy, clarity before speed.
"""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Sequence

import numpy as np
from PIL import Image

from qvmrc.rfb.encodings import numbers
from qvmrc.rfb.pixelformat import PixelConverter, PixelFormat

FILL, JPEG, PNG = 0x80, 0x90, 0xA0
EXPLICIT_FILTER = 0x40
COPY, PALETTE, GRADIENT = 0, 1, 2
MIN_TO_COMPRESS = 12


def compact_len(n: int) -> bytes:
    """Tight's compact length: 7 bits, 7 bits, then 8 bits, low bits first."""
    if not 0 <= n < (1 << 22):
        raise ValueError(f"compact length {n} out of range")
    if n < 0x80:
        return bytes([n])
    if n < 0x4000:
        return bytes([(n & 0x7F) | 0x80, n >> 7])
    return bytes([(n & 0x7F) | 0x80, ((n >> 7) & 0x7F) | 0x80, n >> 14])


def rect(x: int, y: int, w: int, h: int, encoding: int, body: bytes) -> bytes:
    return struct.pack(">HHHHi", x, y, w, h, encoding) + body


def update(rects: Sequence[bytes]) -> bytes:
    """A FramebufferUpdate message holding already-built rectangles."""
    return struct.pack(">BxH", 0, len(rects)) + b"".join(rects)


def to_rgb(values: np.ndarray) -> np.ndarray:
    v = np.asarray(values, dtype=np.uint32)
    return np.stack([(v >> 16) & 0xFF, (v >> 8) & 0xFF, v & 0xFF], axis=-1).astype(np.uint8)


def from_rgb(rgb: np.ndarray) -> np.ndarray:
    c = rgb.astype(np.uint32)
    return (c[..., 0] << 16) | (c[..., 1] << 8) | c[..., 2]


class TightEncoder:
    """Encodes rectangles for one connection: owns the four deflate streams."""

    def __init__(self, pf: PixelFormat, level: int = 6, encoding: int = numbers.TIGHT) -> None:
        self.pf = pf
        self.conv = PixelConverter(pf)
        self.level = level
        self.encoding = encoding
        self._streams: list[zlib._Compress | None] = [None] * 4
        self.is_888 = pf.is_888

    # ---------------------------------------------------------- pixel helpers

    def expected(self, values: np.ndarray) -> np.ndarray:
        """What a lossless rectangle of ``values`` must look like once decoded."""
        v = np.asarray(values, dtype=np.uint32) & 0xFFFFFF
        if self.is_888:
            return v
        return self.conv.pixels(self.conv.encode(v)).reshape(v.shape)

    def tpixels(self, values: np.ndarray) -> bytes:
        v = np.asarray(values, dtype=np.uint32).ravel()
        if self.is_888:
            return to_rgb(v).tobytes()
        return self.conv.encode(v)

    def _channels(self, values: np.ndarray) -> tuple[np.ndarray, tuple[int, int, int]]:
        """(h, w, 3) channel values as the gradient filter sees them, and the maxes."""
        if self.is_888:
            return to_rgb(values).astype(np.int64), (255, 255, 255)
        pf = self.pf
        raw = np.frombuffer(self.conv.encode(values), dtype=self._wire_dtype())
        raw = raw.astype(np.int64).reshape(values.shape)
        maxes = (pf.red_max, pf.green_max, pf.blue_max)
        shifts = (pf.red_shift, pf.green_shift, pf.blue_shift)
        return np.stack([(raw >> s) & m for s, m in zip(shifts, maxes, strict=True)], axis=-1), maxes

    def _wire_dtype(self) -> np.dtype:
        pf = self.pf
        return np.dtype((">" if pf.big_endian else "<") + {1: "u1", 2: "u2", 4: "u4"}[pf.bits_per_pixel // 8])

    def _from_channels(self, ch: np.ndarray) -> bytes:
        if self.is_888:
            return ch.astype(np.uint8).tobytes()
        pf = self.pf
        c = ch.astype(np.uint64)
        raw = (c[..., 0] << pf.red_shift) | (c[..., 1] << pf.green_shift) | (c[..., 2] << pf.blue_shift)
        return raw.astype(self._wire_dtype()).tobytes()

    # -------------------------------------------------------------- deflate

    def compress(self, stream: int, data: bytes) -> bytes:
        z = self._streams[stream]
        if z is None:
            z = self._streams[stream] = zlib.compressobj(self.level)
        return z.compress(data) + z.flush(zlib.Z_SYNC_FLUSH)

    def reset_stream(self, stream: int) -> None:
        """Start ``stream`` afresh; the next rectangle must carry its reset bit."""
        self._streams[stream] = None

    def _data(self, stream: int, data: bytes) -> bytes:
        if len(data) < MIN_TO_COMPRESS:
            return data
        z = self.compress(stream, data)
        return compact_len(len(z)) + z

    # ------------------------------------------------------- rectangle bodies

    def fill(self, value: int, reset: int = 0) -> bytes:
        return bytes([FILL | reset]) + self.tpixels(np.array([value]))

    def jpeg(self, values: np.ndarray, quality: int = 75, reset: int = 0) -> bytes:
        b = io.BytesIO()
        Image.fromarray(to_rgb(values), "RGB").save(b, "JPEG", quality=quality)
        data = b.getvalue()
        return bytes([JPEG | reset]) + compact_len(len(data)) + data

    def png(self, values: np.ndarray, palette: bool = False, reset: int = 0) -> bytes:
        """A PNG rectangle as QEMU makes it: RGB, or indexed with a PLTE."""
        rgb = to_rgb(values)
        im = Image.fromarray(rgb, "RGB")
        if palette:
            colours = np.unique(np.asarray(values, dtype=np.uint32))
            if len(colours) > 256:
                raise ValueError("too many colours for a palette PNG")
            idx = np.searchsorted(colours, np.asarray(values, dtype=np.uint32)).astype(np.uint8)
            im = Image.fromarray(idx, "P")
            im.putpalette(to_rgb(colours).tobytes())
        b = io.BytesIO()
        im.save(b, "PNG")
        data = b.getvalue()
        return bytes([PNG | reset]) + compact_len(len(data)) + data

    def basic(self, values: np.ndarray, filt: int = COPY, stream: int | None = None,
              reset: int = 0, explicit: bool | None = None,
              palette: Sequence[int] | None = None) -> bytes:
        """Basic compression with one filter; ``stream`` defaults to the one
        TightVNC uses for the filter (copy 0, mono 1, palette 2, gradient 3)."""
        values = np.asarray(values, dtype=np.uint32)
        h, w = values.shape
        head = bytearray()
        if filt == PALETTE:
            if palette is None:
                palette = [int(c) for c in np.unique(self.expected(values))]
            pal = np.array(palette, dtype=np.uint32)
            n = len(pal)
            if not 1 <= n <= 256:
                raise ValueError("palette needs 1-256 colours")
            if stream is None:
                stream = 1 if n == 2 else 2
            exp = self.expected(values)
            order = np.argsort(pal, kind="stable")
            pos = np.searchsorted(pal[order], exp)
            idx = order[np.clip(pos, 0, n - 1)]
            if not np.array_equal(pal[idx], exp):
                raise ValueError("a pixel's colour is not in the palette")
            head += bytes([n - 1]) + self.tpixels(pal)
            if n == 2:
                data = np.packbits(idx.astype(np.uint8), axis=1).tobytes() if w else b""
            else:
                data = idx.astype(np.uint8).tobytes()
        elif filt == GRADIENT:
            if stream is None:
                stream = 3
            ch, maxes = self._channels(values)
            mx = np.array(maxes, dtype=np.int64)
            pad = np.zeros((h + 1, w + 1, 3), dtype=np.int64)
            pad[1:, 1:] = ch
            pred = np.clip(pad[1:, :-1] + pad[:-1, 1:] - pad[:-1, :-1], 0, mx)
            data = self._from_channels((ch - pred) & mx)
        elif filt == COPY:
            if stream is None:
                stream = 0
            data = self.tpixels(values)
        else:
            raise ValueError(f"unknown filter {filt}")
        if explicit is None:
            explicit = filt != COPY
        if filt != COPY and not explicit:
            raise ValueError("only the copy filter may be implicit")
        cc = (stream << 4) | reset | (EXPLICIT_FILTER if explicit else 0)
        out = bytearray([cc])
        if explicit:
            out.append(filt)
        return bytes(out + head + self._data(stream, data))

    # ----------------------------------------------------------- convenience

    def rect(self, x: int, y: int, body: bytes, w: int, h: int) -> bytes:
        return rect(x, y, w, h, self.encoding, body)
