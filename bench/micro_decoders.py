"""Micro-benchmark of the RRE, Hextile, Zlib and ZRLE decoders (not a test).

Encodes synthetic 1920x1080 content with the test encoders
(tests/support/encode_basic.py): "photo" (smooth colour fields plus noise:
mostly raw ZRLE tiles) and "desktop" (flat windows, text-like strokes, icons:
solid / palette / RLE tiles). Rectangles are cut the way Xvnc cuts changes:
full-width strips of at most 65,536 pixels ("strips"), and for desktop also
128x32 pieces ("small") to show per-rectangle overhead. Each stream is decoded
by a fresh RFBClient (fresh zlib streams) several times; the best and median
MPix/s are printed, with zlib inflate alone for the zlib-based encodings.

    /tmp/venv/bin/python bench/micro_decoders.py [--repeat N] [--only zrle,hextile]
"""

from __future__ import annotations

import argparse
import statistics
import struct
import sys
import time
import zlib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402

from tests.support.encode_basic import (  # noqa: E402
    HEXTILE,
    RAW,
    RRE,
    ZLIB,
    ZRLE,
    Wire,
    ZlibEncoder,
    ZRLEEncoder,
    client,
    desktop_image,
    encode_hextile,
    encode_rre,
    fbu,
    photo_image,
    rect,
)

W, H = 1920, 1080


def layout(kind: str) -> list[tuple[int, int, int, int]]:
    if kind == "strips":
        rows = 65536 // W
        return [(0, y, W, min(rows, H - y)) for y in range(0, H, rows)]
    return [(x, y, min(128, W - x), min(32, H - y)) for y in range(0, H, 32) for x in range(0, W, 128)]


def build(enc: str, img: np.ndarray, wire: Wire, kind: str) -> tuple[bytes, list[bytes]]:
    """The FramebufferUpdate stream and, for zlib-based encodings, the deflate payloads."""
    rects = []
    payloads: list[bytes] = []
    zenc = ZlibEncoder()
    zrle = ZRLEEncoder(wire)
    for x, y, w, h in layout(kind):
        sub = img[y : y + h, x : x + w]
        if enc == "raw":
            rects.append(rect(x, y, w, h, RAW, wire.pixels(sub.ravel())))
        elif enc == "rre":
            rects.append(rect(x, y, w, h, RRE, encode_rre(sub, wire)))
        elif enc == "hextile":
            rects.append(rect(x, y, w, h, HEXTILE, encode_hextile(sub, wire)))
        elif enc == "zlib":
            body = zenc.encode(sub, wire)
            payloads.append(body[4:])
            rects.append(rect(x, y, w, h, ZLIB, body))
        elif enc == "zrle":
            body = zrle.encode(sub)
            payloads.append(body[4:])
            rects.append(rect(x, y, w, h, ZRLE, body))
    return fbu(rects), payloads


def time_decode(stream: bytes, pf: str, repeat: int, expect: np.ndarray) -> list[float]:
    times = []
    for _ in range(repeat):
        c = client(pf, W, H)
        t0 = time.perf_counter()
        c.receive_data(stream)
        times.append(time.perf_counter() - t0)
        assert c.buffered == 0
    if not np.array_equal(c.fb.pixels, expect):
        raise SystemExit("decoded frame differs from the source image")
    return times


def time_inflate(payloads: list[bytes], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        d = zlib.decompressobj()
        t0 = time.perf_counter()
        for p in payloads:
            d.decompress(p)
        best = min(best, time.perf_counter() - t0)
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--only", default="raw,rre,hextile,zlib,zrle")
    ap.add_argument("--pixel-format", default="rgb888")
    args = ap.parse_args()
    pf = args.pixel_format
    wire = Wire(pf)
    from tests.support.encode_basic import expected_fb

    images = {"photo": photo_image(wire, W, H), "desktop": desktop_image(wire, W, H)}
    cases = []
    for enc in args.only.split(","):
        for content in ("photo", "desktop"):
            if enc in ("rre", "hextile") and content == "photo":
                continue  # servers send such content as raw / ZRLE, not RRE
            kinds = ["strips", "small"] if content == "desktop" else ["strips"]
            for kind in kinds:
                cases.append((enc, content, kind))
    mpix = W * H / 1e6
    print(f"{'encoding':8} {'content':8} {'rects':7} {'MB':>6} {'best':>8} {'median':>8} {'inflate':>8}  (MPix/s, {pf})")
    for enc, content, kind in cases:
        img = images[content]
        stream, payloads = build(enc, img, wire, kind)
        times = time_decode(stream, pf, args.repeat, expected_fb(pf, img))
        infl = f"{mpix / time_inflate(payloads, args.repeat):8.0f}" if payloads else " " * 8
        print(f"{enc:8} {content:8} {kind:7} {len(stream) / 1e6:6.2f} "
              f"{mpix / min(times):8.1f} {mpix / statistics.median(times):8.1f} {infl}")
    _ = struct  # keep the import list honest for readers adding cases


if __name__ == "__main__":
    main()
