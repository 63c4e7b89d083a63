"""TightPNG decoder: PNG, fill and JPEG rectangles as QEMU sends them, plus
the basic-mode fallback QEMU uses for 8 bpp clients."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from qvmrc.errors import ProtocolError
from qvmrc.rfb.connection import RFBClient
from qvmrc.rfb.encodings import numbers
from qvmrc.rfb.pixelformat import PRESETS
from tests.support.encode_tight import (
    COPY,
    PALETTE,
    PNG,
    TightEncoder,
    compact_len,
    rect,
    to_rgb,
    update,
)
from tests.support.images import psnr
from tests.test_enc_tight import feed, few_colours, noise, smooth

W, H = 80, 60


def client(pf: str = "rgb888") -> RFBClient:
    c = RFBClient(pixel_format=pf, encodings=("tightpng",))
    c.start_replay(W, H, PRESETS[pf])
    return c


def decode(data: bytes, pf: str = "rgb888", mode: str = "whole") -> np.ndarray:
    c = client(pf)
    feed(c, data, mode)
    assert c.buffered == 0
    assert any(type(e).__name__ == "FramebufferUpdated" for e in c.next_events())
    return c.fb.pixels.copy()


def enc_for(pf: str) -> TightEncoder:
    return TightEncoder(PRESETS[pf], encoding=numbers.TIGHTPNG)


@pytest.mark.parametrize("pf", ["rgb888", "bgr888", "rgb565"])
def test_rgb_png_is_exact_in_full_8bit_colour(pf: str) -> None:
    # QEMU renders PNG rows from its own surface: full 8-bit RGB even when
    # the session's pixel format is 16 bpp.
    enc = enc_for(pf)
    img = noise(30, 20, 1)
    body = enc.png(img)
    assert body[0] == PNG
    got = decode(update([enc.rect(5, 6, body, 30, 20)]), pf)
    assert np.array_equal(got[6:26, 5:35], img)


@pytest.mark.parametrize("n", [2, 5, 200])
def test_palette_png_is_exact(n: int) -> None:
    enc = enc_for("rgb888")
    img = few_colours(40, 30, n, n)
    got = decode(update([enc.rect(0, 0, enc.png(img, palette=True), 40, 30)]))
    assert np.array_equal(got[:30, :40], img)


@pytest.mark.parametrize("pf", ["rgb888", "rgb565"])
def test_fill_and_jpeg_work_as_in_tight(pf: str) -> None:
    enc = enc_for(pf)
    img = smooth(48, 32, 2)
    rects = [enc.rect(0, 0, enc.fill(0x445566), W, H), enc.rect(10, 10, enc.jpeg(img, 90), 48, 32)]
    got = decode(update(rects), pf)
    assert got[0, 0] == enc.expected(np.array([0x445566]))[0]
    assert psnr(to_rgb(got[10:42, 10:58]), to_rgb(img)) > 35


def test_basic_mode_fallback_for_8bpp_clients() -> None:
    # QEMU can't send PNG to an 8 bpp client and uses Tight's mono palette
    # and copy filter instead, on the TightPNG encoding number.
    enc = enc_for("bgr233")
    mono = np.where(noise(21, 9) & 1, np.uint32(0xFFFFFF), np.uint32(0))
    full = noise(16, 16, 3)
    rects = [
        enc.rect(0, 0, enc.basic(mono, PALETTE, palette=[0, int(enc.expected(np.array([0xFFFFFF]))[0])]), 21, 9),
        enc.rect(30, 20, enc.basic(full, COPY), 16, 16),
    ]
    for mode in ("whole", "bytes"):
        got = decode(update(rects), "bgr233", mode)
        assert np.array_equal(got[:9, :21], enc.expected(mono))
        assert np.array_equal(got[20:36, 30:46], enc.expected(full))


def test_byte_at_a_time_gives_identical_pixels() -> None:
    enc = enc_for("rgb888")
    rects = [
        enc.rect(0, 0, enc.fill(0x010203), W, H),
        enc.rect(0, 0, enc.png(noise(30, 30, 1)), 30, 30),
        enc.rect(30, 0, enc.png(few_colours(20, 30, 7, 2), palette=True), 20, 30),
        enc.rect(0, 30, enc.jpeg(smooth(40, 30, 3), 70), 40, 30),
        enc.rect(50, 30, enc.fill(0xFFEEDD, reset=0b1111), 30, 30),
    ]
    data = update(rects[:2]) + update(rects[2:])
    whole = decode(data)
    assert np.array_equal(decode(data, mode="bytes"), whole)
    assert np.array_equal(decode(data, mode="random"), whole)


def png_bytes(img: np.ndarray) -> bytes:
    b = io.BytesIO()
    Image.fromarray(to_rgb(img), "RGB").save(b, "PNG")
    return b.getvalue()


def bad(body: bytes, w: int = 16, h: int = 16) -> None:
    data = update([rect(0, 0, w, h, numbers.TIGHTPNG, body)])
    for mode in ("whole", "bytes"):
        with pytest.raises(ProtocolError):
            feed(client(), data, mode)


def test_png_of_another_size_is_an_error() -> None:
    p = png_bytes(noise(16, 16))
    bad(bytes([PNG]) + compact_len(len(p)) + p, w=16, h=15)
    bad(bytes([PNG]) + compact_len(len(p)) + p, w=15, h=16)


def test_bad_png_data_is_an_error() -> None:
    p = png_bytes(noise(16, 16))
    bad(bytes([PNG]) + compact_len(40) + b"\x89PNG\r\n\x1a\n" + bytes(32))
    bad(bytes([PNG]) + compact_len(len(p) // 2) + p[: len(p) // 2])
    bad(bytes([PNG]) + compact_len(0))
    jpeg = TightEncoder(PRESETS["rgb888"]).jpeg(noise(16, 16), 80)
    bad(bytes([PNG]) + jpeg[1:])  # a JPEG where a PNG belongs


def test_unknown_compression_type_is_an_error() -> None:
    bad(bytes([0xB0, 0, 0, 0]))
