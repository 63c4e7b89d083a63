"""Micro-benchmark of the Tight decoder on synthetic streams (not a test).

Run: ``python bench/micro_tight.py [--repeat N]``

Streams are built with tests/support/encode_tight.py and shaped like the
recordings of issue 4:

- desktop: 1920x1080 frames cut into thousands of small fill and palette
  rectangles (flat areas, 2-colour text, a few many-colour icons), the way
  Xvnc's Tight encoder sends a desktop;
- photo:   full-screen noisy pictures as 1920x34 copy-filter strips (Xvnc's
  65,536-pixel limit), zlib level 1;
- jpeg:    the same pictures as 1920x34 JPEG strips, quality ~q6;
- columns: 1x1080 JPEG columns (what Xvnc trickles after a change);
- gradient: QEMU-style 1920x34 gradient strips (rare: QEMU only, lossy=on
  without a JPEG quality);
- tightpng: the picture as 1920x34 PNG strips (QEMU's TightPNG).

Each stream is fed to ``RFBClient.receive_data`` in 64 KiB chunks (like
WebSocket frames) and the whole decode is timed, connection overhead
included. "inflate only" is zlib on the same payloads: the ceiling for the
lossless streams.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import zlib
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qvmrc.rfb.connection import RFBClient  # noqa: E402
from qvmrc.rfb.encodings import numbers  # noqa: E402
from qvmrc.rfb.pixelformat import PRESETS  # noqa: E402
from tests.support.encode_tight import (  # noqa: E402
    COPY,
    GRADIENT,
    PALETTE,
    TightEncoder,
    update,
)

SW, SH = 1920, 1080
CHUNK = 65536


def photo(w: int, h: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    base = np.stack([
        128 + 100 * np.sin(xx / (31.0 + seed) + yy / 53.0),
        128 + 100 * np.cos(xx / 71.0 - yy / (29.0 + seed)),
        128 + 100 * np.sin((xx + yy) / 91.0),
    ], axis=-1)
    rgb = np.clip(base + rng.normal(0, 20, size=base.shape), 0, 255).astype(np.uint32)
    return (rgb[..., 0] << 16) | (rgb[..., 1] << 8) | rgb[..., 2]


class Stream:
    def __init__(self, name: str) -> None:
        self.name = name
        self.data = bytearray()
        self.pixels = 0
        self.rects = 0

    def add_update(self, rects: list[tuple[int, int, int, int, bytes]], enc: TightEncoder) -> None:
        self.data += update([enc.rect(x, y, body, w, h) for x, y, w, h, body in rects])
        for _x, _y, w, h, _body in rects:
            self.pixels += w * h
            self.rects += 1


def desktop_stream(frames: int) -> Stream:
    """Flat areas, text-like 2-colour rects and a few icons, in small rects."""
    s = Stream("desktop (fill + palette)")
    enc = TightEncoder(PRESETS["rgb888"], level=6)
    rng = np.random.default_rng(1)
    glyphs = (rng.random((16, 2000)) < 0.3)
    for f in range(frames):
        rects = []
        y = 0
        while y < SH:
            rh = int(min(rng.choice([8, 16, 16, 20, 34]), SH - y))
            x = 0
            while x < SW:
                rw = int(min(rng.choice([8, 16, 24, 48, 64, 128, 256, 512]), SW - x))
                kind = rng.random()
                if kind < 0.45:
                    body = enc.fill(int(rng.integers(0, 1 << 24)))
                elif kind < 0.9:
                    fg, bg = 0x202020 + f, 0xF0F0F0
                    off = int(rng.integers(0, 2000 - rw))
                    rows = np.resize(glyphs[:, off : off + rw], (rh, rw))
                    img = np.where(rows, np.uint32(fg), np.uint32(bg))
                    body = enc.basic(img, PALETTE, palette=[bg, fg])
                else:
                    n = int(rng.integers(3, 24))
                    cols = rng.integers(0, 1 << 24, n).astype(np.uint32)
                    img = cols[rng.integers(0, n, (rh, rw)) // 4 * 4 % n]
                    pal = [int(c) for c in np.unique(img)]
                    body = enc.basic(img, PALETTE, palette=pal)
                rects.append((x, y, rw, rh, body))
                x += rw
            y += rh
        s.add_update(rects, enc)
    return s


def strips(name: str, frames: int, make: str, quality: int = 60) -> Stream:
    s = Stream(name)
    enc = TightEncoder(PRESETS["rgb888"], level=1,
                       encoding=numbers.TIGHTPNG if make == "png" else numbers.TIGHT)
    for f in range(frames):
        img = photo(SW, SH, f)
        rects = []
        for y in range(0, SH, 34):
            h = min(34, SH - y)
            part = img[y : y + h]
            if make == "copy":
                body = enc.basic(part, COPY)
            elif make == "gradient":
                body = enc.basic(part, GRADIENT)
            elif make == "png":
                body = enc.png(part)
            else:
                body = enc.jpeg(part, quality)
            rects.append((0, y, SW, h, body))
        s.add_update(rects, enc)
    return s


def columns(frames: int) -> Stream:
    s = Stream("jpeg 1x1080 columns")
    enc = TightEncoder(PRESETS["rgb888"])
    img = photo(64, SH, 3)
    for _ in range(frames):
        s.add_update([(x, 0, 1, SH, enc.jpeg(img[:, x : x + 1], 60)) for x in range(64)], enc)
    return s


def decode_seconds(s: Stream, repeat: int) -> float:
    data = bytes(s.data)
    times = []
    for _ in range(repeat):
        c = RFBClient(pixel_format="rgb888", encodings=("tight",))
        c.start_replay(SW, SH, PRESETS["rgb888"])
        t0 = time.perf_counter()
        for i in range(0, len(data), CHUNK):
            c.receive_data(data[i : i + CHUNK])
        times.append(time.perf_counter() - t0)
        assert c.buffered == 0
    return statistics.median(times)


def inflate_seconds(s: Stream, repeat: int) -> float | None:
    """Inflate every zlib payload of the stream again (4 fresh streams)."""
    c = RFBClient(pixel_format="rgb888", encodings=("tight",))
    c.start_replay(SW, SH, PRESETS["rgb888"])
    dec = c._decoders[7]
    payloads: list[tuple[int, bytes, int]] = []
    orig = dec._inflate  # type: ignore[attr-defined]

    def spy(sid: int, data: memoryview, size: int) -> bytes:
        payloads.append((sid, bytes(data), size))
        return orig(sid, data, size)

    dec._inflate = spy  # type: ignore[attr-defined]
    c.receive_data(bytes(s.data))
    if not payloads:
        return None
    times = []
    for _ in range(repeat):
        zs = [zlib.decompressobj() for _ in range(4)]
        t0 = time.perf_counter()
        for sid, p, size in payloads:
            zs[sid].decompress(p, size + 1)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--frames", type=int, default=4)
    args = ap.parse_args()
    t0 = time.perf_counter()
    streams = [
        desktop_stream(args.frames * 3),
        strips("photo lossless (copy filter)", args.frames, "copy"),
        strips("photo jpeg q60 strips", args.frames, "jpeg"),
        columns(args.frames * 4),
        strips("photo gradient (QEMU-style)", 1, "gradient"),
        strips("photo tightpng (PNG strips)", 1, "png"),
    ]
    print(f"built streams in {time.perf_counter() - t0:.1f}s")
    print(f"{'stream':32} {'rects':>7} {'MPix':>7} {'MB':>6} {'MPix/s':>8} {'inflate-only MPix/s':>20}")
    for s in streams:
        sec = decode_seconds(s, args.repeat if s.pixels < 5e7 else max(1, args.repeat // 2))
        inf = inflate_seconds(s, args.repeat)
        inf_s = f"{s.pixels / inf / 1e6:20.0f}" if inf else f"{'-':>20}"
        print(f"{s.name:32} {s.rects:7d} {s.pixels / 1e6:7.1f} {len(s.data) / 1e6:6.1f} "
              f"{s.pixels / sec / 1e6:8.1f} {inf_s}")


if __name__ == "__main__":
    main()
