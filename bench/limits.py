"""Physical limits of decoding a recording: what no client can beat.

    python bench/limits.py F.fbs [--runs N]

For the payloads and rectangles found in a recording by ``fbsstream`` (no pixel
decoding involved), time in this process:

- inflate: every zlib payload through ``zlib.decompressobj`` streams kept
  exactly as the encoding keeps them (Zlib one, ZRLE one, Tight four with their
  reset bits), one ``decompress`` call per payload;
- jpeg: every Tight JPEG payload through simplejpeg (libjpeg-turbo, the
  decoder QVMRC depends on) to BGRX, one call per payload;
- png: every TightPNG payload through Pillow;
- copy: a numpy slice assignment per rectangle (``fb[y:y+h, x:x+w] = src[...]``)
  into a 32-bit framebuffer: the floor for a Python client that touches each
  rectangle once.

Each is reported as MPix/s of the recording's pixels per CPU second of that
step alone (median of ``--runs``), comparable with the clients' MPix/s.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
import zlib
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import fbsstream  # noqa: E402


def time_inflate(walk: fbsstream.Walk) -> float | None:
    if not walk.zlib:
        return None
    streams: dict[str, zlib._Decompress] = {}
    t0 = time.process_time()
    for key, reset, data, _size in walk.zlib:
        d = streams.get(key)
        if reset or d is None:
            d = streams[key] = zlib.decompressobj()
            if reset:
                continue
        d.decompress(data)
    return time.process_time() - t0


def check_inflate(walk: fbsstream.Walk) -> None:
    """Raise StreamError when a payload does not inflate to the size its header implies."""
    streams: dict[str, zlib._Decompress] = {}
    for i, (key, reset, data, size) in enumerate(walk.zlib):
        d = streams.get(key)
        if reset or d is None:
            d = streams[key] = zlib.decompressobj()
            if reset:
                continue
        out = d.decompress(data)
        if size >= 0 and len(out) != size:
            raise fbsstream.StreamError(
                f"zlib payload {i} ({key}) inflates to {len(out)} bytes, expected {size}")


def time_jpeg(walk: fbsstream.Walk) -> float | None:
    if not walk.jpegs:
        return None
    import simplejpeg
    t0 = time.process_time()
    for _w, _h, data in walk.jpegs:
        simplejpeg.decode_jpeg(data, colorspace="BGRX")
    return time.process_time() - t0


def time_png(walk: fbsstream.Walk) -> float | None:
    if not walk.pngs:
        return None
    import io

    from PIL import Image
    t0 = time.process_time()
    for _w, _h, data in walk.pngs:
        with Image.open(io.BytesIO(data)) as im:
            im.load()
    return time.process_time() - t0


def time_copy(walk: fbsstream.Walk) -> float | None:
    if not walk.rects:
        return None
    h, w = max(walk.height, 1), max(walk.width, 1)
    # The largest size the screen had covers every rectangle of the recording.
    h = max(h, max(r.y + r.h for r in walk.rects))
    w = max(w, max(r.x + r.w for r in walk.rects))
    fb = np.zeros((h, w), np.uint32)
    src = np.ones((h, w), np.uint32)
    rects = [(r.x, r.y, r.w, r.h) for r in walk.rects]
    t0 = time.process_time()
    for x, y, rw, rh in rects:
        fb[y:y + rh, x:x + rw] = src[y:y + rh, x:x + rw]
    return time.process_time() - t0


LIMITS: dict[str, Callable[[fbsstream.Walk], float | None]] = {
    "inflate": time_inflate, "jpeg": time_jpeg, "png": time_png, "copy": time_copy,
}


def measure(walk: fbsstream.Walk, runs: int = 3) -> dict[str, dict]:
    """{limit: {"seconds": median, "mpix_per_s": ...}} for the limits that apply."""
    out: dict[str, dict] = {}
    pixels = walk.pixels
    for name, fn in LIMITS.items():
        times = []
        for _ in range(max(1, runs)):
            t = fn(walk)
            if t is None:
                break
            times.append(t)
        if not times:
            continue
        sec = statistics.median(times)
        out[name] = {"seconds": round(sec, 6),
                     "mpix_per_s": round(pixels / sec / 1e6, 3) if sec > 0 else None}
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Physical limits of decoding a recording.")
    ap.add_argument("recording")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args(argv)
    # The limits get the allocator settings qvmrc runs with, so they stay limits.
    from qvmrc.allocator import keep_freed_memory

    keep_freed_memory()
    try:
        _, _, walk = fbsstream.load(args.recording)
    except (OSError, fbsstream.StreamError) as e:
        print(json.dumps({"error": str(e)}))
        return 1
    print(json.dumps({"pixels": walk.pixels, "rects": len(walk.rects),
                      "limits": measure(walk, args.runs)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
