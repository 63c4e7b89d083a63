"""FBS recordings and a structural walk of the RFB server stream they hold.

The benchmark needs to know, independently of every client it measures, what
a recording contains: how many rectangles and pixels, which zlib payloads go to
which zlib stream, which JPEG payloads, where each rectangle lies. This module
parses the server's side of an RFB session (handshake included) without
decoding any pixel, so it is cheap to trust and cheap to run; the physical
limits (``limits.py``) and the cross-checks in ``run.py`` are built on it.

FBS 001.000 (rfbproxy, vncrec, TigerVNC): the 12-byte header ``FBS 001.000\\n``,
then blocks of u32 BE length, the data padded to a multiple of 4, u32 BE
timestamp in milliseconds. The sidecar ``F.fbs.json`` written by
``qvmrc record`` carries what the server stream cannot tell: the pixel format
the client asked for and the security type it chose.
"""

from __future__ import annotations

import json
import struct
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

FBS_MAGIC = b"FBS 001.000\n"

RAW, COPYRECT, RRE, HEXTILE, ZLIB, TIGHT, ZRLE, TIGHTPNG = 0, 1, 2, 5, 6, 7, 16, -260
PIXEL_ENCODINGS = {RAW: "raw", COPYRECT: "copyrect", RRE: "rre", HEXTILE: "hextile",
                   ZLIB: "zlib", TIGHT: "tight", ZRLE: "zrle", TIGHTPNG: "tightpng"}
DESKTOP_SIZE, LAST_RECT, CURSOR, XCURSOR = -223, -224, -239, -240
POINTER_MOTION_CHANGE, EXT_KEY_EVENT = -257, -258
DESKTOP_NAME, EXT_DESKTOP_SIZE = -307, -308

PF_KEYS = ("bits_per_pixel", "depth", "big_endian", "true_colour", "red_max", "green_max",
           "blue_max", "red_shift", "green_shift", "blue_shift")
RGB888 = {"bits_per_pixel": 32, "depth": 24, "big_endian": False, "true_colour": True,
          "red_max": 255, "green_max": 255, "blue_max": 255,
          "red_shift": 16, "green_shift": 8, "blue_shift": 0}

_PF = struct.Struct(">BBBBHHHBBBxxx")


class StreamError(ValueError):
    """The recording is not a well-formed server stream."""


class Truncated(Exception):
    """Raised inside the walker when the stream ends mid-message."""


def read_fbs(path: str | Path) -> list[tuple[int, bytes]]:
    """Return the (timestamp_ms, data) blocks of an FBS 001.000 file."""
    raw = Path(path).read_bytes()
    if not raw.startswith(FBS_MAGIC):
        raise StreamError(f"{path}: not an FBS 001.000 file")
    blocks: list[tuple[int, bytes]] = []
    pos = len(FBS_MAGIC)
    end = len(raw)
    while pos + 4 <= end:
        (n,) = struct.unpack_from(">I", raw, pos)
        padded = (n + 3) & ~3
        if pos + 4 + padded + 4 > end:
            break  # a block cut short by the end of the recording
        data = raw[pos + 4 : pos + 4 + n]
        (ts,) = struct.unpack_from(">I", raw, pos + 4 + padded)
        blocks.append((ts, data))
        pos += 8 + padded
    return blocks


def write_fbs(path: str | Path, blocks: list[tuple[int, bytes]]) -> None:
    """Write blocks as FBS 001.000 (used for hand-made fixtures)."""
    out = bytearray(FBS_MAGIC)
    for ts, data in blocks:
        out += struct.pack(">I", len(data)) + data + b"\0" * (-len(data) % 4)
        out += struct.pack(">I", ts)
    Path(path).write_bytes(bytes(out))


def read_sidecar(path: str | Path) -> dict:
    """The ``F.fbs.json`` next to a recording, or {} when there is none."""
    p = Path(str(path) + ".json")
    if not p.exists():
        return {}
    data = json.loads(p.read_text())
    return data if isinstance(data, dict) else {}


def pf_from_bytes(raw: bytes) -> dict:
    vals = _PF.unpack(raw)
    pf = dict(zip(PF_KEYS, vals, strict=True))
    pf["big_endian"] = bool(pf["big_endian"])
    pf["true_colour"] = bool(pf["true_colour"])
    return pf


def tpixel_size(pf: dict) -> int:
    """Tight's TPIXEL: 3 bytes (R, G, B) for 32 bpp depth 24 with 8-bit channels."""
    if (pf["bits_per_pixel"] == 32 and pf["depth"] == 24 and pf["true_colour"]
            and pf["red_max"] == pf["green_max"] == pf["blue_max"] == 255):
        return 3
    return pf["bits_per_pixel"] // 8


def cpixel_size(pf: dict) -> int:
    """ZRLE's CPIXEL: 3 bytes when 32 bpp colours fit the low or the high 3 bytes."""
    if pf["bits_per_pixel"] == 32 and pf["depth"] <= 24 and pf["true_colour"]:
        mask = ((pf["red_max"] << pf["red_shift"]) | (pf["green_max"] << pf["green_shift"])
                | (pf["blue_max"] << pf["blue_shift"]))
        if mask & 0xFF000000 == 0 or mask & 0x000000FF == 0:
            return 3
    return pf["bits_per_pixel"] // 8


@dataclass
class Rect:
    x: int
    y: int
    w: int
    h: int
    enc: int


@dataclass
class Walk:
    """What a recording holds, found without decoding pixels."""

    version: str = ""
    width: int = 0
    height: int = 0
    name: str = ""
    pixel_format: dict = field(default_factory=dict)
    server_pixel_format: dict = field(default_factory=dict)
    security_type: int = 0
    handshake_len: int = 0
    stream_len: int = 0
    #: Bytes after the last complete rectangle (a recording stopped mid-update).
    tail_bytes: int = 0
    #: Stream length up to the end of the last complete message.
    complete_len: int = 0
    updates: int = 0
    #: Pixel rectangles fully present in the stream, in order.
    rects: list[Rect] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)
    pseudo: Counter = field(default_factory=Counter)
    #: (stream key, reset before this payload, compressed bytes, inflated size)
    zlib: list[tuple[str, bool, bytes, int]] = field(default_factory=list)
    #: (w, h, JPEG bytes) for Tight JPEG rectangles.
    jpegs: list[tuple[int, int, bytes]] = field(default_factory=list)
    pngs: list[tuple[int, int, bytes]] = field(default_factory=list)
    #: Painting rectangles per Tight sub-type (fill, jpeg, png, copy, palette, gradient).
    tight_kinds: Counter = field(default_factory=Counter)

    @property
    def pixels(self) -> int:
        return sum(r.w * r.h for r in self.rects)

    def summary(self) -> dict:
        return {
            "version": self.version, "width": self.width, "height": self.height,
            "updates": self.updates, "rects": len(self.rects), "pixels": self.pixels,
            "encodings": dict(self.counts), "pseudo": dict(self.pseudo),
            "tight_kinds": dict(self.tight_kinds), "zlib_payloads": len(self.zlib),
            "zlib_bytes": sum(len(z[2]) for z in self.zlib), "jpegs": len(self.jpegs),
            "pngs": len(self.pngs), "stream_bytes": self.stream_len,
            "tail_bytes": self.tail_bytes,
        }


class _Cursor:
    __slots__ = ("data", "pos")

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def need(self, n: int) -> None:
        if self.pos + n > len(self.data):
            raise Truncated

    def take(self, n: int) -> bytes:
        self.need(n)
        p = self.pos
        self.pos = p + n
        return self.data[p : p + n]

    def u8(self) -> int:
        self.need(1)
        v = self.data[self.pos]
        self.pos += 1
        return v

    def u16(self) -> int:
        self.need(2)
        (v,) = struct.unpack_from(">H", self.data, self.pos)
        self.pos += 2
        return int(v)

    def u32(self) -> int:
        self.need(4)
        (v,) = struct.unpack_from(">I", self.data, self.pos)
        self.pos += 4
        return int(v)

    def compact_len(self) -> int:
        n = 0
        for i in range(3):
            b = self.u8()
            n |= (b & (0x7F if i < 2 else 0xFF)) << (7 * i)
            if i < 2 and not b & 0x80:
                break
        return n


def parse_handshake(cur: _Cursor, walk: Walk, security_type: int | None) -> None:
    """Server side of version, security and ServerInit (RFB 3.3 / 3.7 / 3.8)."""
    ver = cur.take(12)
    if ver[:4] != b"RFB " or ver[11:12] != b"\n":
        raise StreamError(f"stream does not start with an RFB version: {ver!r}")
    major, minor = int(ver[4:7]), int(ver[8:11])
    minor = 8 if major > 3 or minor >= 8 else (7 if minor == 7 else 3)
    walk.version = f"3.{minor}"
    if minor == 3:
        sec = cur.u32()
        if sec == 0:
            raise StreamError("server refused the connection in the recording")
    else:
        n = cur.u8()
        if n == 0:
            raise StreamError("server refused the connection in the recording")
        offered = list(cur.take(n))
        if security_type is not None:
            sec = security_type
        else:
            sec = 1 if 1 in offered else 2
    if sec not in (1, 2):
        raise StreamError(f"recording uses security type {sec}; only None (1) and VNC (2) are known")
    walk.security_type = sec
    if sec == 2:
        cur.take(16)  # challenge
    if sec == 2 or minor == 8:
        if cur.u32() != 0:
            raise StreamError("authentication failed in the recording")
    w, h = cur.u16(), cur.u16()
    walk.server_pixel_format = pf_from_bytes(cur.take(16))
    name_len = cur.u32()
    walk.name = cur.take(name_len).decode("utf-8", "replace")
    walk.width, walk.height = w, h


def _walk_hextile(cur: _Cursor, r: Rect, bpp: int) -> None:
    for ty in range(r.y, r.y + r.h, 16):
        th = min(16, r.y + r.h - ty)
        for tx in range(r.x, r.x + r.w, 16):
            tw = min(16, r.x + r.w - tx)
            sub = cur.u8()
            if sub & 1:
                cur.take(tw * th * bpp)
                continue
            if sub & 2:
                cur.take(bpp)
            if sub & 4:
                cur.take(bpp)
            if sub & 8:
                n = cur.u8()
                cur.take(n * (bpp + 2 if sub & 16 else 2))


def _walk_tight(cur: _Cursor, r: Rect, pf: dict, walk: Walk, png: bool) -> None:
    ctl = cur.u8()
    resets = ctl & 0x0F
    for i in range(4):
        if resets & (1 << i):
            walk.zlib.append((f"tight{i}", True, b"", 0))
    kind = ctl >> 4
    tps = tpixel_size(pf)
    if kind == 8:
        cur.take(tps)
        walk.tight_kinds["fill"] += 1
        return
    if kind == 9:
        n = cur.compact_len()
        walk.jpegs.append((r.w, r.h, cur.take(n)))
        walk.tight_kinds["jpeg"] += 1
        return
    if kind == 10:
        if not png:
            raise StreamError("PNG sub-rectangle in a plain Tight rectangle")
        n = cur.compact_len()
        walk.pngs.append((r.w, r.h, cur.take(n)))
        walk.tight_kinds["png"] += 1
        return
    if kind & 8:
        raise StreamError(f"bad Tight compression control {ctl:#x}")
    if png:
        raise StreamError("basic compression in a TightPNG rectangle")
    stream = kind & 3
    filt = cur.u8() if kind & 4 else 0
    if filt == 0:
        size = r.w * r.h * tps
        walk.tight_kinds["copy"] += 1
    elif filt == 1:
        colours = cur.u8() + 1
        cur.take(colours * tps)
        size = ((r.w + 7) // 8) * r.h if colours <= 2 else r.w * r.h
        walk.tight_kinds["palette"] += 1
    elif filt == 2:
        size = r.w * r.h * tps
        walk.tight_kinds["gradient"] += 1
    else:
        raise StreamError(f"bad Tight filter {filt}")
    if size < 12:
        cur.take(size)
        return
    n = cur.compact_len()
    walk.zlib.append((f"tight{stream}", False, cur.take(n), size))


def _walk_rect(cur: _Cursor, r: Rect, pf: dict, walk: Walk) -> None:
    bpp = pf["bits_per_pixel"] // 8
    enc = r.enc
    if enc == RAW:
        cur.take(r.w * r.h * bpp)
    elif enc == COPYRECT:
        cur.take(4)
    elif enc == RRE:
        n = cur.u32()
        cur.take(bpp + n * (bpp + 8))
    elif enc == HEXTILE:
        _walk_hextile(cur, r, bpp)
    elif enc == ZLIB:
        n = cur.u32()
        walk.zlib.append(("zlib", False, cur.take(n), r.w * r.h * bpp))
    elif enc == ZRLE:
        n = cur.u32()
        walk.zlib.append(("zrle", False, cur.take(n), -1))
    elif enc == TIGHT:
        _walk_tight(cur, r, pf, walk, png=False)
    elif enc == TIGHTPNG:
        _walk_tight(cur, r, pf, walk, png=True)
    else:  # pragma: no cover - callers dispatch pseudo-encodings first
        raise StreamError(f"unknown encoding {enc}")


def _walk_pseudo(cur: _Cursor, x: int, y: int, w: int, h: int, enc: int, pf: dict,
                 walk: Walk) -> None:
    bpp = pf["bits_per_pixel"] // 8
    if enc == CURSOR:
        cur.take(w * h * bpp + ((w + 7) // 8) * h)
    elif enc == XCURSOR:
        if w and h:
            cur.take(6 + 2 * ((w + 7) // 8) * h)
    elif enc == EXT_DESKTOP_SIZE:
        n = cur.u8()
        cur.take(3 + 16 * n)
        if y == 0:
            walk.width, walk.height = w, h
    elif enc == DESKTOP_SIZE:
        walk.width, walk.height = w, h
    elif enc == DESKTOP_NAME:
        cur.take(cur.u32())
    elif enc in (POINTER_MOTION_CHANGE, EXT_KEY_EVENT):
        pass
    elif -32 <= enc <= -23 or -256 <= enc <= -247:
        pass
    else:
        raise StreamError(f"rectangle in unknown encoding {enc}")


def walk_stream(stream: bytes, pixel_format: dict | None = None,
                security_type: int | None = None) -> Walk:
    """Walk a whole server stream: handshake, then every message."""
    walk = Walk(stream_len=len(stream))
    cur = _Cursor(stream)
    try:
        parse_handshake(cur, walk, security_type)
    except Truncated:
        raise StreamError("recording ends inside the handshake") from None
    walk.handshake_len = walk.complete_len = cur.pos
    pf = dict(pixel_format) if pixel_format else dict(walk.server_pixel_format)
    walk.pixel_format = pf
    if pf["bits_per_pixel"] not in (8, 16, 32):
        raise StreamError(f"unsupported pixel format {pf}")
    last_good = cur.pos
    try:
        while cur.pos < len(stream):
            t = cur.u8()
            if t == 0:
                cur.take(1)
                n = cur.u16()
                walk.updates += 1
                for _ in range(n):
                    x, y, w, h = cur.u16(), cur.u16(), cur.u16(), cur.u16()
                    (enc,) = struct.unpack(">i", cur.take(4))
                    if enc == LAST_RECT:
                        walk.pseudo["LastRect"] += 1
                        break
                    if enc in PIXEL_ENCODINGS:
                        if x + w > walk.width or y + h > walk.height:
                            raise StreamError(f"rectangle {w}x{h}+{x}+{y} outside the screen")
                        r = Rect(x, y, w, h, enc)
                        _walk_rect(cur, r, pf, walk)
                        walk.rects.append(r)
                        walk.counts[PIXEL_ENCODINGS[enc]] += 1
                    else:
                        _walk_pseudo(cur, x, y, w, h, enc, pf, walk)
                        walk.pseudo[str(enc)] += 1
                    last_good = cur.pos
            elif t == 1:
                cur.take(1)
                cur.u16()
                cur.take(6 * cur.u16())
            elif t == 2:
                pass
            elif t == 3:
                cur.take(3)
                n = cur.u32()
                cur.take(n if n < 1 << 31 else (1 << 32) - n)  # negative: Extended Clipboard
            elif t == 150:
                pass
            elif t == 248:
                cur.take(3 + 4)
                cur.take(cur.u8())
            else:
                raise StreamError(f"unknown server message type {t} at byte {cur.pos - 1}")
            last_good = cur.pos
            walk.complete_len = cur.pos
    except Truncated:
        walk.tail_bytes = len(stream) - last_good
    return walk


def load(path: str | Path) -> tuple[bytes, dict, Walk]:
    """Read a recording and its sidecar and walk it: (stream, sidecar, walk)."""
    blocks = read_fbs(path)
    stream = b"".join(d for _, d in blocks)
    side = read_sidecar(path)
    pf = side.get("pixel_format")
    if pf is not None:
        missing = [k for k in PF_KEYS if k not in pf]
        if missing:
            raise StreamError(f"{path}.json: pixel_format lacks {', '.join(missing)}")
    walk = walk_stream(stream, pf, side.get("security_type"))
    return stream, side, walk


def trim(path: str | Path, out: str | Path) -> Walk:
    """Copy a recording up to the end of its last complete message (and its sidecar).

    A recording stops wherever its duration ends, often inside an update. Clients
    differ in what they paint of an unfinished rectangle (noVNC paints Raw line by
    line), so comparisons run on the trimmed copy. Returns the copy's walk.
    """
    blocks = read_fbs(path)
    stream, side, walk = load(path)
    keep = walk.complete_len
    cut: list[tuple[int, bytes]] = []
    pos = 0
    for ts, data in blocks:
        if pos >= keep:
            break
        cut.append((ts, data[: keep - pos]))
        pos += len(data)
    write_fbs(out, cut)
    if side:
        Path(str(out) + ".json").write_text(json.dumps(side, indent=1, sort_keys=True) + "\n")
    return load(out)[2]


def iter_blocks(path: str | Path) -> Iterator[bytes]:
    for _, data in read_fbs(path):
        yield data
