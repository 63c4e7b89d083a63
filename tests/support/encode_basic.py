"""Test-side encoders for RRE, Hextile, Zlib and ZRLE, plus feeding helpers.

Images are numpy ``uint32`` arrays of *wire* pixel values (what the server's
pixel format holds), so every pixel format can be exercised; the expected
framebuffer comes from :func:`expected_fb`. The CPIXEL rule is re-implemented
here from RFC 6143 rather than taken from ``qvmrc`` so the tests check it.

These encoders favour clarity over speed but stay vectorised enough to encode
a 1920x1080 frame in a few seconds for ``bench/micro_decoders.py``.
"""

from __future__ import annotations

import random
import struct
import zlib
from collections.abc import Iterable, Sequence

import numpy as np

from qvmrc.rfb.connection import RFBClient
from qvmrc.rfb.pixelformat import PRESETS, PixelConverter, PixelFormat

RAW, COPYRECT, RRE, HEXTILE, ZLIB, ZRLE = 0, 1, 2, 5, 6, 16

HX_RAW, HX_BG, HX_FG, HX_ANY, HX_COLOURED = 1, 2, 4, 8, 16


# ----------------------------------------------------------------- pixels


class Wire:
    """Serialises wire pixel values for one pixel format."""

    def __init__(self, pf: PixelFormat | str) -> None:
        self.pf = PRESETS[pf] if isinstance(pf, str) else pf
        self.bpp = self.pf.bits_per_pixel // 8
        self.dtype = np.dtype((">" if self.pf.big_endian else "<") + {1: "u1", 2: "u2", 4: "u4"}[self.bpp])
        # CPIXEL (RFC 6143 7.7.5): 3 bytes when true colour, 32 bpp, depth <= 24
        # and all colour bits fit in the least or the most significant 3 bytes.
        pf_ = self.pf
        self.cpixel_size = self.bpp
        self._keep = slice(0, self.bpp)
        if pf_.true_colour and pf_.bits_per_pixel == 32 and pf_.depth <= 24:
            mask = ((pf_.red_max << pf_.red_shift) | (pf_.green_max << pf_.green_shift)
                    | (pf_.blue_max << pf_.blue_shift))
            if mask < (1 << 24):
                ls3 = True
            elif mask & 0xFF == 0:
                ls3 = False
            else:
                return
            self.cpixel_size = 3
            # LS 3 bytes: first three of a little-endian pixel, last three of a big-endian one.
            self._keep = slice(0, 3) if ls3 != pf_.big_endian else slice(1, 4)

    def pixels(self, values: np.ndarray | Sequence[int]) -> bytes:
        return np.asarray(values, dtype=np.uint32).astype(self.dtype).tobytes()

    def pixel(self, value: int) -> bytes:
        return self.pixels([value])

    def cpixels(self, values: np.ndarray | Sequence[int]) -> bytes:
        raw = np.frombuffer(self.pixels(values), dtype=np.uint8).reshape(-1, self.bpp)
        return raw[:, self._keep].tobytes()

    def random(self, rng: np.random.Generator, shape: tuple[int, int],
               colours: int | None = None) -> np.ndarray:
        """Random valid wire values (each channel within its max); optionally few colours."""
        pf = self.pf
        if colours is None:
            r = rng.integers(0, pf.red_max + 1, size=shape, dtype=np.uint32)
            g = rng.integers(0, pf.green_max + 1, size=shape, dtype=np.uint32)
            b = rng.integers(0, pf.blue_max + 1, size=shape, dtype=np.uint32)
            return (r << pf.red_shift) | (g << pf.green_shift) | (b << pf.blue_shift)
        pal = self.distinct(rng, colours)
        return pal[rng.integers(0, colours, size=shape)]

    def distinct(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """``n`` distinct valid wire values."""
        seen: dict[int, None] = {}
        while len(seen) < n:
            for v in self.random(rng, (1, 4 * n)).ravel():
                seen.setdefault(int(v))
        return np.array(list(seen)[:n], dtype=np.uint32)


def expected_fb(pf: PixelFormat | str, img: np.ndarray) -> np.ndarray:
    """What the framebuffer must hold after painting wire image ``img``."""
    wire = Wire(pf)
    return PixelConverter(wire.pf).pixels(wire.pixels(img)).reshape(img.shape).astype(np.uint32)


# ------------------------------------------------------------ messages


def rect(x: int, y: int, w: int, h: int, enc: int, body: bytes) -> bytes:
    return struct.pack(">HHHHi", x, y, w, h, enc) + body


def fbu(rects: Iterable[bytes]) -> bytes:
    """A FramebufferUpdate message from already built rectangles."""
    rects = list(rects)
    return struct.pack(">BxH", 0, len(rects)) + b"".join(rects)


def client(pf: PixelFormat | str, w: int, h: int) -> RFBClient:
    pf_ = PRESETS[pf] if isinstance(pf, str) else pf
    c = RFBClient(pixel_format=pf_, auto_update=False)
    c.start_replay(w, h, pf_)
    return c


def decode(stream: bytes, pf: PixelFormat | str, w: int, h: int,
           chunks: Iterable[int] | str | None = None, seed: int = 0) -> np.ndarray:
    """Feed ``stream`` to a fresh client (whole, ``"bytes"``, ``"random"`` chunks
    or explicit sizes) and return a copy of its framebuffer."""
    c = client(pf, w, h)
    for part in split(stream, chunks, seed):
        c.receive_data(part)
    assert c.buffered == 0, f"{c.buffered} bytes left unparsed"
    return c.fb.pixels.copy()


def split(stream: bytes, chunks: Iterable[int] | str | None, seed: int = 0) -> list[bytes]:
    if chunks is None:
        return [stream]
    if chunks == "bytes":
        return [stream[i : i + 1] for i in range(len(stream))]
    if chunks == "random":
        rnd = random.Random(seed)
        sizes: list[int] = []
        total = 0
        while total < len(stream):
            n = rnd.choice((1, 2, 3, 7, 16, 100, 1000, 5000))
            sizes.append(n)
            total += n
        chunks = sizes
    out = []
    pos = 0
    for n in chunks:  # type: ignore[union-attr]
        out.append(stream[pos : pos + n])
        pos += n
    if pos < len(stream):
        out.append(stream[pos:])
    return out


# ------------------------------------------------------------- helpers


def runs_1d(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Run starts and lengths of a 1-D array."""
    n = len(values)
    if n == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    change = np.flatnonzero(values[1:] != values[:-1]) + 1
    starts = np.concatenate(([0], change))
    lens = np.diff(np.concatenate((starts, [n])))
    return starts, lens


def solid_rects(img: np.ndarray, bg: int) -> list[tuple[int, int, int, int, int]]:
    """Cover every non-``bg`` pixel with solid (colour, x, y, w, h) rectangles.

    Horizontal runs per row, merged downwards while the run below matches.
    """
    open_: dict[tuple[int, int, int], list[int]] = {}
    done: list[tuple[int, int, int, int, int]] = []
    for yy in range(img.shape[0]):
        row = img[yy]
        starts, lens = runs_1d(row)
        cur: dict[tuple[int, int, int], list[int]] = {}
        for s, n in zip(starts.tolist(), lens.tolist(), strict=True):
            v = int(row[s])
            if v == bg:
                continue
            key = (s, n, v)
            r = open_.pop(key, None)
            if r is None:
                r = [v, s, yy, n, 1]
            else:
                r[4] += 1
            cur[key] = r
        done.extend(tuple(r) for r in open_.values())  # type: ignore[misc]
        open_ = cur
    done.extend(tuple(r) for r in open_.values())  # type: ignore[misc]
    done.sort(key=lambda r: (r[2], r[1]))
    return done  # type: ignore[return-value]


def most_common(img: np.ndarray) -> int:
    vals, counts = np.unique(img, return_counts=True)
    return int(vals[np.argmax(counts)])


# ----------------------------------------------------------------- RRE


def rre_body(wire: Wire, bg: int, subrects: Sequence[tuple[int, int, int, int, int]]) -> bytes:
    """RRE body from an explicit background and (colour, x, y, w, h) list."""
    parts = [struct.pack(">I", len(subrects)), wire.pixel(bg)]
    for v, x, y, w, h in subrects:
        parts.append(wire.pixel(v) + struct.pack(">HHHH", x, y, w, h))
    return b"".join(parts)


def encode_rre(img: np.ndarray, wire: Wire) -> bytes:
    bg = most_common(img)
    return rre_body(wire, bg, solid_rects(img, bg))


# ------------------------------------------------------------- Hextile


def hextile_subrect(x: int, y: int, w: int, h: int) -> bytes:
    return bytes(((x << 4) | y, ((w - 1) << 4) | (h - 1)))


class HextileEncoder:
    """Hextile with every subencoding: raw, background only (specified or
    reused), monochrome subrects (foreground specified or reused) and coloured
    subrects. ``mode``: ``auto``, ``raw`` (every tile raw) or ``coloured``
    (two-colour tiles as coloured subrects too). ``reuse=False`` specifies the
    background and foreground in every tile."""

    def __init__(self, wire: Wire, mode: str = "auto", reuse: bool = True) -> None:
        self.wire = wire
        self.mode = mode
        self.reuse = reuse

    def encode(self, img: np.ndarray) -> bytes:
        h, w = img.shape
        out = bytearray()
        bg: int | None = None
        fg: int | None = None
        for ty in range(0, h, 16):
            for tx in range(0, w, 16):
                tile = img[ty : ty + 16, tx : tx + 16]
                tile_bytes, bg, fg = self._tile(tile, bg, fg)
                out += tile_bytes
        return bytes(out)

    def _tile(self, tile: np.ndarray, bg: int | None, fg: int | None) -> tuple[bytes, int | None, int | None]:
        wire = self.wire
        th, tw = tile.shape
        raw = bytes([HX_RAW]) + wire.pixels(tile.ravel())
        if self.mode == "raw":
            return raw, bg, fg
        colours = np.unique(tile)
        tbg = most_common(tile)
        flags = 0
        head = b""
        if tbg != bg or not self.reuse:
            flags |= HX_BG
            head += wire.pixel(tbg)
        if len(colours) == 1:
            return bytes([flags]) + head, tbg, fg
        rects = solid_rects(tile, tbg)
        if len(colours) == 2 and self.mode != "coloured":
            tfg = int(colours[0] if colours[0] != tbg else colours[1])
            if tfg != fg or not self.reuse:
                flags |= HX_FG
                head += wire.pixel(tfg)
            body = b"".join(hextile_subrect(x, y, w_, h_) for _, x, y, w_, h_ in rects)
            enc = bytes([flags | HX_ANY]) + head + bytes([len(rects)]) + body
            return enc, tbg, tfg
        body = b"".join(wire.pixel(v) + hextile_subrect(x, y, w_, h_) for v, x, y, w_, h_ in rects)
        enc = bytes([flags | HX_ANY | HX_COLOURED]) + head + bytes([len(rects)]) + body
        if len(rects) > 255 or (len(enc) >= len(raw) and self.mode != "coloured"):
            return raw, bg, fg
        return enc, tbg, fg


def encode_hextile(img: np.ndarray, wire: Wire, mode: str = "auto", reuse: bool = True) -> bytes:
    return HextileEncoder(wire, mode, reuse).encode(img)


# ---------------------------------------------------------------- Zlib


class ZlibEncoder:
    """One deflate stream per connection, sync-flushed after each rectangle."""

    def __init__(self, level: int = 6) -> None:
        self.z = zlib.compressobj(level)

    def deflate(self, raw: bytes) -> bytes:
        data = self.z.compress(raw) + self.z.flush(zlib.Z_SYNC_FLUSH)
        return struct.pack(">I", len(data)) + data

    def encode(self, img: np.ndarray, wire: Wire) -> bytes:
        return self.deflate(wire.pixels(img.ravel()))


# ---------------------------------------------------------------- ZRLE


def rle_length(n: int) -> bytes:
    """ZRLE run length ``n`` (>= 1): 255s then the remainder of ``n - 1``."""
    k, r = divmod(n - 1, 255)
    return b"\xff" * k + bytes([r])


def pack_indices(idx: np.ndarray, bits: int) -> bytes:
    """Packed-palette rows: ``bits`` per pixel, MSB first, rows padded to a byte."""
    th, tw = idx.shape
    per = 8 // bits
    rowbytes = (tw * bits + 7) // 8
    padded = np.zeros((th, rowbytes * per), dtype=np.uint8)
    padded[:, :tw] = idx
    groups = padded.reshape(th, rowbytes, per).astype(np.uint16)
    shifts = np.arange(8 - bits, -1, -bits, dtype=np.uint16)
    return (groups << shifts).sum(axis=2).astype(np.uint8).tobytes()


class ZRLEEncoder:
    """ZRLE with one persistent deflate stream.

    ``force``: None picks the smallest subencoding per tile (solid always wins
    for one colour); ``raw``, ``plain_rle``, ``packed`` (<= 16 colours) or
    ``palette_rle`` (<= 127 colours) use that subencoding wherever it is legal.
    ``long_single=True`` writes palette-RLE runs of one pixel in the long form.
    """

    def __init__(self, wire: Wire, level: int = 6) -> None:
        self.wire = wire
        self.z = ZlibEncoder(level)

    def encode(self, img: np.ndarray, force: str | None = None, long_single: bool = False) -> bytes:
        return self.z.deflate(self.tiles(img, force, long_single))

    def tiles(self, img: np.ndarray, force: str | None = None, long_single: bool = False) -> bytes:
        h, w = img.shape
        out = bytearray()
        for ty in range(0, h, 64):
            for tx in range(0, w, 64):
                out += self.tile(img[ty : ty + 64, tx : tx + 64], force, long_single)
        return bytes(out)

    def tile(self, tile: np.ndarray, force: str | None = None, long_single: bool = False) -> bytes:
        wire = self.wire
        flat = tile.ravel()
        cp = wire.cpixel_size
        raw_size = flat.size * cp
        if force == "raw":
            return b"\x00" + wire.cpixels(flat)
        starts, lens = runs_1d(flat)
        if force == "plain_rle":
            return self._plain(flat, starts, lens)
        palette, inverse = np.unique(flat, return_inverse=True)
        inverse = inverse.reshape(tile.shape)
        if len(palette) == 1 and force is None:
            return b"\x01" + wire.cpixels(palette)
        if force == "packed" and 2 <= len(palette) <= 16:
            return self._packed(palette, inverse)
        if force == "palette_rle" and 2 <= len(palette) <= 127:
            return self._palette_rle(palette, inverse.ravel(), starts, lens, long_single)
        best = b"\x00" + wire.cpixels(flat)
        if 2 <= len(palette) <= 16:
            cand = self._packed(palette, inverse)
            if len(cand) < len(best):
                best = cand
        if 2 <= len(palette) <= 127 and len(starts) * 2 < raw_size:
            cand = self._palette_rle(palette, inverse.ravel(), starts, lens, long_single)
            if len(cand) < len(best):
                best = cand
        if len(starts) * (cp + 1) < len(best):
            cand = self._plain(flat, starts, lens)
            if len(cand) < len(best):
                best = cand
        return best

    def _plain(self, flat: np.ndarray, starts: np.ndarray, lens: np.ndarray) -> bytes:
        cpix = self.wire.cpixels(flat[starts])
        cp = self.wire.cpixel_size
        parts = [b"\x80"]
        for i, n in enumerate(lens.tolist()):
            parts.append(cpix[i * cp : (i + 1) * cp] + rle_length(n))
        return b"".join(parts)

    def _packed(self, palette: np.ndarray, inverse: np.ndarray) -> bytes:
        n = len(palette)
        assert 2 <= n <= 16
        bits = 1 if n == 2 else 2 if n <= 4 else 4
        return bytes([n]) + self.wire.cpixels(palette) + pack_indices(inverse.astype(np.uint8), bits)

    def _palette_rle(self, palette: np.ndarray, inverse: np.ndarray, starts: np.ndarray,
                     lens: np.ndarray, long_single: bool) -> bytes:
        n = len(palette)
        assert 2 <= n <= 127
        parts = [bytes([128 + n]), self.wire.cpixels(palette)]
        for idx, ln in zip(inverse[starts].tolist(), lens.tolist(), strict=True):
            if ln == 1 and not long_single:
                parts.append(bytes([idx]))
            else:
                parts.append(bytes([idx | 128]) + rle_length(ln))
        return b"".join(parts)


# ------------------------------------------------------- synthetic content


def photo_image(wire: Wire, w: int, h: int, seed: int = 1) -> np.ndarray:
    """High-entropy, photo-like content: smooth colour fields plus noise."""
    rng = np.random.default_rng(seed)
    pf = wire.pf
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    chans = []
    for k, mx in enumerate((pf.red_max, pf.green_max, pf.blue_max)):
        base = 0.5 + 0.25 * np.sin(xx / (90 + 17 * k) + k) * np.cos(yy / (70 + 11 * k) - k)
        noise = rng.normal(0, 0.04, size=(h, w)).astype(np.float32)
        chans.append(np.clip((base + noise) * mx, 0, mx).astype(np.uint32))
    return ((chans[0] << pf.red_shift) | (chans[1] << pf.green_shift)
            | (chans[2] << pf.blue_shift)).astype(np.uint32)


def desktop_image(wire: Wire, w: int, h: int, seed: int = 2) -> np.ndarray:
    """Desktop-like content: flat windows, title bars, text-like strokes, icons."""
    rng = np.random.default_rng(seed)
    pal = wire.distinct(rng, 24)
    img = np.full((h, w), pal[0], dtype=np.uint32)
    for _ in range(max(1, w * h // 120000)):
        x0, y0 = int(rng.integers(0, max(1, w - 40))), int(rng.integers(0, max(1, h - 40)))
        ww, hh = int(rng.integers(40, max(41, w // 2))), int(rng.integers(40, max(41, h // 2)))
        img[y0 : y0 + hh, x0 : x0 + ww] = pal[1 + int(rng.integers(0, 4))]
        img[y0 : y0 + 18, x0 : x0 + ww] = pal[5 + int(rng.integers(0, 3))]  # title bar
        # "Text": 1-2 px strokes in 2-3 colours on lines 16 px apart.
        for ly in range(y0 + 26, min(y0 + hh, h) - 12, 16):
            line = img[ly : ly + 10, x0 + 4 : x0 + ww - 4]
            strokes = rng.random(line.shape) < 0.18
            line[strokes] = pal[8]
            line[(rng.random(line.shape) < 0.03) & strokes] = pal[9]
    for _ in range(max(1, w * h // 40000)):  # icons: small many-colour blocks
        x0, y0 = int(rng.integers(0, max(1, w - 24))), int(rng.integers(0, max(1, h - 24)))
        icon = img[y0 : y0 + 24, x0 : x0 + 24]
        icon[...] = pal[10 + rng.integers(0, 12, size=icon.shape)]
    return img
