"""Compare the JPEG decoders QVMRC could use on the shapes Tight servers send.

Run: ``python bench/micro_jpeg.py`` (not a test; prints a table).

Shapes: a 1920x1080 photo-like frame (full-screen Tight+JPEG), a 1x1080
column (Xvnc trickles those after a change) and a 64x64 tile. Each decoder
produces framebuffer values (uint32 ``0x00RRGGBB``), the form QVMRC needs,
so channel shuffling counts against the decoder that needs it.

PyTurboJPEG is reported only when its module imports *and* finds a system
libturbojpeg: its wheel is pure Python and bundles no library.
"""

from __future__ import annotations

import io
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from qvmrc.rfb import jpeg as qjpeg  # noqa: E402
from qvmrc.rfb.pixelformat import rgb_bytes_to_fb  # noqa: E402


def photo(w: int, h: int, seed: int = 1) -> np.ndarray:
    """Smooth gradients plus noise: compresses like a photo, not like flat UI."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    base = np.stack([
        128 + 100 * np.sin(xx / 37.0 + yy / 53.0),
        128 + 100 * np.cos(xx / 71.0 - yy / 29.0),
        128 + 100 * np.sin((xx + yy) / 91.0),
    ], axis=-1)
    noise = rng.normal(0, 18, size=base.shape)
    return np.clip(base + noise, 0, 255).astype(np.uint8)


def encode(img: np.ndarray, quality: int = 60) -> bytes:
    from PIL import Image

    b = io.BytesIO()
    Image.fromarray(img, "RGB").save(b, "JPEG", quality=quality)
    return b.getvalue()


def dec_pillow_rgb(data: bytes, w: int, h: int) -> np.ndarray:
    from PIL import Image

    with Image.open(io.BytesIO(data)) as im:
        rgb = np.asarray(im.convert("RGB"))
    return rgb_bytes_to_fb(rgb.reshape(-1, 3)).reshape(h, w)


def dec_pillow_bgrx(data: bytes, w: int, h: int) -> np.ndarray:
    from PIL import Image

    with Image.open(io.BytesIO(data)) as im:
        raw = im.tobytes("raw", "BGRX")
    return np.frombuffer(raw, dtype=np.uint32).reshape(h, w)


def make_simplejpeg() -> dict[str, Callable[[bytes, int, int], np.ndarray]]:
    try:
        import simplejpeg
    except ImportError:
        return {}

    def rgb(data: bytes, w: int, h: int) -> np.ndarray:
        a = simplejpeg.decode_jpeg(data, colorspace="RGB")
        return rgb_bytes_to_fb(a.reshape(-1, 3)).reshape(h, w)

    def bgrx(data: bytes, w: int, h: int) -> np.ndarray:
        a = simplejpeg.decode_jpeg(data, colorspace="BGRX")
        return a.view(np.uint32).reshape(h, w) & np.uint32(0xFFFFFF)

    return {"simplejpeg RGB + rgb_bytes_to_fb": rgb, "simplejpeg BGRX + mask": bgrx}


def make_turbojpeg() -> dict[str, Callable[[bytes, int, int], np.ndarray]]:
    try:
        from turbojpeg import TJPF_BGRX, TurboJPEG  # type: ignore[import-not-found]

        tj = TurboJPEG()
    except Exception as exc:  # ImportError, or RuntimeError/OSError: no libturbojpeg
        print(f"PyTurboJPEG: skipped ({type(exc).__name__}: {exc})".splitlines()[0])
        return {}

    def bgrx(data: bytes, w: int, h: int) -> np.ndarray:
        a = tj.decode(data, pixel_format=TJPF_BGRX)
        return a.view(np.uint32).reshape(h, w) & np.uint32(0xFFFFFF)

    return {"PyTurboJPEG BGRX + mask": bgrx}


def time_it(fn: Callable[[], object], min_time: float = 0.4) -> float:
    """Median seconds per call over batches adding up to ``min_time``."""
    fn()
    n = 1
    while True:
        t0 = time.perf_counter()
        for _ in range(n):
            fn()
        dt = time.perf_counter() - t0
        if dt > 0.05:
            break
        n *= 4
    samples = []
    deadline = time.perf_counter() + min_time
    while time.perf_counter() < deadline or len(samples) < 3:
        t0 = time.perf_counter()
        for _ in range(n):
            fn()
        samples.append((time.perf_counter() - t0) / n)
    return statistics.median(samples)


def main() -> None:
    decoders: dict[str, Callable[[bytes, int, int], np.ndarray]] = {
        "Pillow RGB + rgb_bytes_to_fb": dec_pillow_rgb,
        "Pillow BGRX": dec_pillow_bgrx,
    }
    decoders.update(make_simplejpeg())
    decoders.update(make_turbojpeg())
    scratch = qjpeg.Scratch()

    shapes = [(1920, 1080), (1, 1080), (64, 64)]
    print(f"qvmrc.rfb.jpeg backend: {qjpeg.BACKEND}")
    print(f"{'decoder':38} " + " ".join(f"{w}x{h:<14}" for w, h in shapes))
    results: dict[str, list[float]] = {}
    images = {}
    for w, h in shapes:
        img = photo(w, h)
        images[(w, h)] = (encode(img), img)
    ref = {k: dec_pillow_rgb(v[0], *k) for k, v in images.items()}

    def qvmrc_path(data: bytes, w: int, h: int) -> np.ndarray:
        out = np.empty((h, w), dtype=np.uint32)
        qjpeg.decode_jpeg_into(data, out, scratch)
        return out

    decoders["qvmrc.rfb.jpeg.decode_jpeg_into"] = qvmrc_path
    for name, fn in decoders.items():
        row = []
        for (w, h), (data, _img) in images.items():
            got = fn(data, w, h)
            diff = np.abs(got.astype(np.int64) - ref[(w, h)].astype(np.int64)).max()
            if diff > 0x030303:
                print(f"  warning: {name} differs from Pillow on {w}x{h}")
            sec = time_it(lambda fn=fn, data=data, w=w, h=h: fn(data, w, h))
            row.append(w * h / sec / 1e6)
        results[name] = row
        print(f"{name:38} " + " ".join(f"{v:9.1f} MPix/s " for v in row))
    print("(1x1080 and 64x64 are dominated by per-call overhead; "
          "calls/s for 1x1080: " + ", ".join(
              f"{k.split()[0]} {v[1] * 1e6 / 1080:,.0f}" for k, v in results.items()) + ")")


if __name__ == "__main__":
    main()
