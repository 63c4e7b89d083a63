"""Cost of the decode/paint hand-over per update (bench/handover.py), 1080p and 4K.

    python bench/micro_handover.py [--repeat 50]

Per update shape: main's in-place alpha pass (no hand-over), the copy into a
front buffer (qvmrc), and the double buffer's swap (alpha in place + the
back buffer's catch-up copy). Median milliseconds per update, one thread.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.handover import DoubleBuffer, opaque_in_place  # noqa: E402
from qvmrc.frontbuffer import FrontBuffer  # noqa: E402

SIZES = {"1080p": (1920, 1080), "4K": (3840, 2160)}


def shapes(w: int, h: int) -> dict[str, list[tuple[int, int, int, int]]]:
    """Full screen; Xvnc-like strips of 65,536 px over a quarter; a 256x256 window; 64 small tiles."""
    strip_h = max(1, 65536 // (w // 2))
    strips = [(0, y, w // 2, min(strip_h, h // 2 - y)) for y in range(0, h // 2, strip_h)]
    tiles = [(64 * (i % 16), 64 * (i // 16), 64, 64) for i in range(64)]
    return {"full": [(0, 0, w, h)], "quarter-strips": strips, "256x256": [(100, 100, 256, 256)],
            "64 tiles 64x64": tiles}


def median_ms(fn, repeat: int) -> float:
    fn()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return round(1000 * statistics.median(times), 3)


def measure(decoded: np.ndarray, front: FrontBuffer, double: DoubleBuffer,
            damage: list[tuple[int, int, int, int]], repeat: int) -> dict[str, float]:
    state = {"dec": decoded.copy()}

    def swap() -> None:
        state["dec"] = double.swap(state["dec"], damage)

    return {"none_alpha_in_place_ms": median_ms(lambda: opaque_in_place(decoded, damage), repeat),
            "copy_ms": median_ms(lambda: front.publish(decoded, damage), repeat),
            "double_ms": median_ms(swap, repeat)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=50)
    args = ap.parse_args()
    rng = np.random.default_rng(1)
    rows = []
    for name, (w, h) in SIZES.items():
        decoded = rng.integers(0, 1 << 24, size=(h, w), dtype=np.uint32)
        front = FrontBuffer(w, h)
        double = DoubleBuffer(w, h)
        double.reset(decoded)
        for shape, damage in shapes(w, h).items():
            row = {"size": name, "update": shape, "pixels": sum(rw * rh for _, _, rw, rh in damage),
                   **measure(decoded, front, double, damage, args.repeat)}
            rows.append(row)
            print(json.dumps(row), flush=True)
    print()
    print("| size | update | pixels | alpha in place (main) | copy (front buffer) | double buffer |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['size']} | {r['update']} | {r['pixels']:,} | {r['none_alpha_in_place_ms']} ms "
              f"| {r['copy_ms']} ms | {r['double_ms']} ms |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
