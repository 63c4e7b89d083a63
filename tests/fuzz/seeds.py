"""The starting corpus: valid streams, each with the picture it must decode to.

The recordings in tests/data (QEMU, every encoding it sends, two pixel
formats) and small hand-built streams for what QEMU never sends (RRE,
CopyRect, coloured Hextile subrectangles, the Tight filters one by one,
cursor and desktop-size pseudo-rectangles, Bells, clipboard text).
``check_picture`` says whether a run of a seed ended on its picture, so the
fuzz tests prove valid input still decodes, not only that nothing crashes.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from qvmrc.rfb.encodings import numbers
from qvmrc.rfb.fbs import encodings_from_sidecar, read_fbs, read_sidecar
from qvmrc.rfb.pixelformat import PRESETS
from tests.fuzz.target import Run, header
from tests.support import encode_basic as eb
from tests.support.encode_tight import GRADIENT, PALETTE, TightEncoder
from tests.support.images import load_rgb, quantize

DATA = Path(__file__).resolve().parent.parent / "data"
W, H = 48, 40


@dataclass
class Seed:
    name: str
    data: bytes
    #: The run's client -> True when it shows what the stream paints.
    check: Callable[[Run], bool]


def _recordings() -> list[Seed]:
    out = []
    dump = load_rgb(str(DATA / "qemu-160x120.png"))
    for path in sorted(DATA.glob("qemu-*.fbs")):
        side = read_sidecar(str(path)) or {}
        fmt = "rgb565" if "rgb565" in path.stem else "rgb888"
        with open(path, "rb") as fh:
            stream = b"".join(d for d, _ in read_fbs(fh))
        encs = tuple(e for e in encodings_from_sidecar(side) if e != "copyrect")
        data = header(fmt, handshake=True, encodings=encs, chunking=3) + stream
        want = quantize(dump, fmt)
        lossy_png = "tightpng" in path.stem and fmt != "rgb888"

        def check(r: Run, want: np.ndarray = want, dump: np.ndarray = dump, lossy_png: bool = lossy_png) -> bool:
            got = r.client.fb.rgb_array()
            if got.shape != want.shape or r.refused:
                return False
            if lossy_png:
                return bool(np.all((got == want) | (got == dump), axis=-1).all())
            return bool(np.array_equal(got, want))

        out.append(Seed(path.stem, data, check))
    return out


def _expect(want: np.ndarray, x: int = 0, y: int = 0) -> Callable[[Run], bool]:
    h, w = want.shape

    def check(r: Run) -> bool:
        px = r.client.fb.pixels
        return not r.refused and bool(np.array_equal(px[y : y + h, x : x + w] & 0xFFFFFF, want & 0xFFFFFF))

    return check


def _hand_built() -> list[Seed]:
    out: list[Seed] = []
    for fmt in ("rgb888", "rgb565", "bgr233"):
        wire = eb.Wire(fmt)
        img = eb.desktop_image(wire, W, H)
        photo = eb.photo_image(wire, W, H)
        want = eb.expected_fb(fmt, img)
        head = header(fmt, width=W, height=H, chunking=1)
        out.append(Seed(f"raw-{fmt}", head + eb.fbu([eb.rect(0, 0, W, H, numbers.RAW, wire.pixels(photo))]),
                        _expect(eb.expected_fb(fmt, photo))))
        out.append(Seed(f"rre-{fmt}", head + eb.fbu([eb.rect(0, 0, W, H, numbers.RRE, eb.encode_rre(img, wire))]),
                        _expect(want)))
        for mode in ("auto", "coloured", "raw"):
            body = eb.encode_hextile(img, wire, mode=mode, reuse=mode != "raw")
            out.append(Seed(f"hextile-{mode}-{fmt}", head + eb.fbu([eb.rect(0, 0, W, H, numbers.HEXTILE, body)]),
                            _expect(want)))
        strips = [eb.rect(0, y, W, 8, numbers.HEXTILE, eb.encode_hextile(img[y : y + 8], wire))
                  for y in range(0, H, 8)]
        out.append(Seed(f"hextile-strips-{fmt}", head + eb.fbu(strips), _expect(want)))
        out.append(Seed(f"zlib-{fmt}", head + eb.fbu([eb.rect(0, 0, W, H, numbers.ZLIB,
                                                              eb.ZlibEncoder().encode(img, wire))]), _expect(want)))
        out.append(Seed(f"zrle-{fmt}", head + eb.fbu([eb.rect(0, 0, W, H, numbers.ZRLE,
                                                              eb.ZRLEEncoder(wire).encode(img))]), _expect(want)))
        # CopyRect of the top half onto the bottom half, after a Raw paint.
        half = H // 2
        moved = want.copy()
        moved[half:] = want[:half]
        out.append(Seed(f"copyrect-{fmt}", head + eb.fbu([
            eb.rect(0, 0, W, H, numbers.RAW, wire.pixels(img)),
            eb.rect(0, half, W, half, numbers.COPYRECT, struct.pack(">HH", 0, 0))]), _expect(moved)))
        # Tight, filter by filter.
        pf = PRESETS[fmt]
        enc = TightEncoder(pf)
        rgb = (np.arange(W * H, dtype=np.uint32).reshape(H, W) * 2654435761 >> 8) & 0xFFFFFF
        smooth = (np.add.outer(np.arange(H), np.arange(W)).astype(np.uint32) * 0x030201) & 0xFFFFFF
        few = np.array([0x102030, 0xF0E0D0, 0x00FF00], dtype=np.uint32)[(np.arange(W * H) % 3).reshape(H, W)]
        two = np.array([0x000000, 0xFFFFFF], dtype=np.uint32)[(np.arange(W * H) % 5 == 0).reshape(H, W).astype(int)]
        tight = [enc.rect(0, 0, enc.basic(rgb), W, H)]
        tight_want = enc.expected(rgb).copy()
        for body, vals, (x, y, w, h) in (
            (enc.basic(smooth[:20, :30], GRADIENT), smooth[:20, :30], (0, 0, 30, 20)),
            (enc.basic(few[:10, :40], PALETTE), few[:10, :40], (4, 22, 40, 10)),
            (enc.basic(two[:8, :16], PALETTE), two[:8, :16], (30, 2, 16, 8)),
        ):
            tight.append(enc.rect(x, y, body, w, h))
            tight_want[y : y + h, x : x + w] = enc.expected(vals)
        tight.append(enc.rect(40, 30, enc.fill(0x123456), 8, 10))
        tight_want[30:40, 40:48] = enc.expected(np.full((10, 8), 0x123456, dtype=np.uint32))
        out.append(Seed(f"tight-{fmt}", header(fmt, width=W, height=H, chunking=3, encodings=("tight",))
                        + eb.fbu(tight), _expect(tight_want)))
    # Pseudo-encodings and small messages around a Raw paint.
    wire = eb.Wire("rgb888")
    img = eb.desktop_image(wire, W, H)
    cursor = wire.pixels(np.full((8, 8), 0xFF0000, dtype=np.uint32)) + b"\xff" * 8
    stream = (eb.fbu([eb.rect(0, 0, 64, 50, numbers.DESKTOP_SIZE, b""),
                      eb.rect(2, 3, 8, 8, numbers.CURSOR, cursor),
                      eb.rect(0, 0, W, H, numbers.RAW, wire.pixels(img)),
                      eb.rect(0, 0, 0, 0, numbers.LAST_RECT, b"")])
              + b"\x02\x02" + struct.pack(">BxxxI", 3, 5) + b"hello"
              + eb.fbu([eb.rect(1, 0, 0, 0, numbers.QEMU_POINTER_MOTION_CHANGE, b""),
                        eb.rect(0, 0, 0, 0, numbers.QEMU_EXTENDED_KEY_EVENT, b""),
                        eb.rect(0, 0, 0, 0, numbers.DESKTOP_NAME, struct.pack(">I", 4) + b"name")]))

    painted = _expect(eb.expected_fb("rgb888", img))

    def pseudo_check(r: Run) -> bool:
        return r.client.fb.pixels.shape == (50, 64) and painted(r)

    out.append(Seed("pseudo-rgb888", header("rgb888", width=W, height=H, chunking=1) + stream, pseudo_check))
    return out


def seeds() -> list[Seed]:
    return _recordings() + _hand_built()

