"""Comparing what the client shows with what the server has."""

from __future__ import annotations

import numpy as np
from PIL import Image

from qvmrc.rfb.pixelformat import PRESETS


def load_rgb(path: str) -> np.ndarray:
    with Image.open(path) as im:
        return np.asarray(im.convert("RGB"))


def quantize(img: np.ndarray, pixel_format: str, server: str = "qemu") -> np.ndarray:
    """What a server's 8-bit RGB becomes after the trip through a smaller format.

    QEMU truncates each channel to the format's bits, TigerVNC rounds ((v*max+128)//255) to the
    nearest level; the client expands it back to 8 bits with rounding.
    """
    if pixel_format in ("rgb888", "bgr888", "native"):
        return img
    pf = PRESETS[pixel_format]
    out = np.empty_like(img)
    for i, mx in enumerate((pf.red_max, pf.green_max, pf.blue_max)):
        bits = mx.bit_length()
        c = img[..., i].astype(np.uint32)
        v = c >> (8 - bits) if server == "qemu" else (c * mx + 128) // 255
        out[..., i] = ((v * 255 + mx // 2) // mx).astype(np.uint8)
    return out


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    diff = a.astype(np.float64) - b.astype(np.float64)
    mse = float(np.mean(diff * diff))
    return float("inf") if mse == 0 else 10 * np.log10(255 * 255 / mse)


def describe_mismatch(got: np.ndarray, want: np.ndarray) -> str:
    if got.shape != want.shape:
        return f"size {got.shape} != {want.shape}"
    bad = np.argwhere(np.any(got != want, axis=-1))
    if not len(bad):
        return "equal"
    y, x = bad[0]
    return (f"{len(bad)} pixels differ; first at ({x},{y}): got {tuple(got[y, x])} "
            f"want {tuple(want[y, x])}")
