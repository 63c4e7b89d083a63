"""Tight decoder: every compression type, filter, stream and pixel format.

Streams come from tests/support/encode_tight.py and are fed whole, one byte
at a time and in random chunks; lossless rectangles must match exactly,
JPEG by PSNR; broken input must end in ProtocolError and nothing else.
"""

from __future__ import annotations

import random

import numpy as np
import pytest

from qvmrc.errors import ProtocolError
from qvmrc.rfb.connection import RFBClient
from qvmrc.rfb.encodings import numbers, tight
from qvmrc.rfb.encodings.tight_common import ungradient, ungradient_rgb8
from qvmrc.rfb.pixelformat import PRESETS
from tests.support.encode_tight import (
    COPY,
    EXPLICIT_FILTER,
    GRADIENT,
    JPEG,
    PALETTE,
    TightEncoder,
    compact_len,
    from_rgb,
    rect,
    to_rgb,
    update,
)
from tests.support.images import psnr

FORMATS = ("rgb888", "bgr888", "rgb565", "bgr233")
W, H = 96, 64


def client(pf: str = "rgb888", w: int = W, h: int = H) -> RFBClient:
    c = RFBClient(pixel_format=pf, encodings=("tight",))
    c.start_replay(w, h, PRESETS[pf])
    return c


def feed(c: RFBClient, data: bytes, mode: str = "whole", seed: int = 0) -> None:
    if mode == "whole":
        c.receive_data(data)
    elif mode == "bytes":
        for i in range(len(data)):
            c.receive_data(data[i : i + 1])
    else:
        rnd = random.Random(seed)
        i = 0
        while i < len(data):
            n = rnd.randint(1, 700)
            c.receive_data(data[i : i + n])
            i += n


def decode(data: bytes, pf: str = "rgb888", mode: str = "whole", w: int = W, h: int = H) -> np.ndarray:
    c = client(pf, w, h)
    feed(c, data, mode)
    assert c.buffered == 0
    done = [e for e in c.next_events() if type(e).__name__ == "FramebufferUpdated"]
    assert done, "the update did not complete"
    return c.fb.pixels.copy()


def noise(w: int, h: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return rng.integers(0, 1 << 24, size=(h, w), dtype=np.uint32)


def smooth(w: int, h: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:h, 0:w]
    rgb = np.stack([(xx * 255) // max(w - 1, 1), (yy * 255) // max(h - 1, 1),
                    (xx + yy) * 255 // max(w + h - 2, 1)], axis=-1)
    rgb = np.clip(rgb + rng.integers(-3, 4, size=rgb.shape), 0, 255)
    return from_rgb(rgb.astype(np.uint8))


def few_colours(w: int, h: int, n: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    colours = rng.choice(1 << 24, size=n, replace=False).astype(np.uint32)
    return colours[rng.integers(0, n, size=(h, w))]


# ------------------------------------------------------------------ lossless


@pytest.mark.parametrize("pf", FORMATS)
def test_fill_paints_one_tpixel_colour(pf: str) -> None:
    enc = TightEncoder(PRESETS[pf])
    body = enc.fill(0x3366CC)
    assert len(body) == 1 + (3 if pf in ("rgb888", "bgr888") else PRESETS[pf].bytes_per_pixel)
    got = decode(update([enc.rect(10, 5, body, 40, 30)]), pf)
    want = np.zeros((H, W), np.uint32)
    want[5:35, 10:50] = enc.expected(np.array([0x3366CC]))[0]
    assert np.array_equal(got, want)


@pytest.mark.parametrize("pf", FORMATS)
@pytest.mark.parametrize("stream", [0, 1, 2, 3])
def test_copy_filter_is_exact_on_each_stream(pf: str, stream: int) -> None:
    enc = TightEncoder(PRESETS[pf])
    img = noise(33, 17, seed=stream)
    body = enc.basic(img, COPY, stream=stream, explicit=stream % 2 == 1)
    assert (body[0] >> 4) & 3 == stream
    got = decode(update([enc.rect(3, 4, body, 33, 17)]), pf)
    assert np.array_equal(got[4:21, 3:36], enc.expected(img))


@pytest.mark.parametrize("pf", FORMATS)
@pytest.mark.parametrize("w", [1, 7, 8, 13, 64])
def test_two_colour_palette_rows_are_padded_to_whole_bytes(pf: str, w: int) -> None:
    enc = TightEncoder(PRESETS[pf])
    img = np.where(noise(w, 9) & 1, np.uint32(0xFF0000), np.uint32(0x00FF00))
    palette = [int(v) for v in enc.expected(np.array([0x00FF00, 0xFF0000]))]
    body = enc.basic(img, PALETTE, palette=palette)
    assert body[2] == 1 and len(body) < 3 + 2 * 3 + 1 + 9 * 8 + 20  # 2 colours, 1 bit per pixel
    got = decode(update([enc.rect(0, 0, body, w, 9)]), pf)
    assert np.array_equal(got[:9, :w], enc.expected(img))


@pytest.mark.parametrize("pf", ["rgb888", "bgr888", "rgb565"])
@pytest.mark.parametrize("n", [1, 3, 17, 256])
def test_palette_of_n_colours_uses_one_byte_per_pixel(pf: str, n: int) -> None:
    enc = TightEncoder(PRESETS[pf])
    img = few_colours(40, 30, n, seed=n)
    exp = enc.expected(img)
    palette = [int(c) for c in np.unique(exp)]
    body = enc.basic(img, PALETTE, palette=palette)
    got = decode(update([enc.rect(50, 30, body, 40, 30)]), pf)
    assert np.array_equal(got[30:60, 50:90], exp)


def test_palette_on_8bpp_format() -> None:
    enc = TightEncoder(PRESETS["bgr233"])
    img = few_colours(20, 20, 40, seed=3)
    exp = enc.expected(img)
    body = enc.basic(img, PALETTE, palette=[int(c) for c in np.unique(exp)])
    assert np.array_equal(decode(update([enc.rect(0, 0, body, 20, 20)]), "bgr233")[:20, :20], exp)


@pytest.mark.parametrize("pf", FORMATS)
@pytest.mark.parametrize("shape", [(1, 1), (1, 30), (30, 1), (5, 7), (60, 48), (20, 90)])
def test_gradient_filter_is_exact(pf: str, shape: tuple[int, int]) -> None:
    h, w = shape
    for img in (smooth(w, h, 1), noise(w, h, 2)):
        enc = TightEncoder(PRESETS[pf])
        body = enc.basic(img, GRADIENT)
        got = decode(update([enc.rect(1, 2, body, w, h)]), pf)
        assert np.array_equal(got[2 : 2 + h, 1 : 1 + w], enc.expected(img))


def test_ungradient_matches_a_plain_reference() -> None:
    rng = np.random.default_rng(5)
    for mx in ((255, 255, 255), (31, 63, 31), (7, 7, 3)):
        v = np.stack([rng.integers(0, m + 1, size=(6, 9)) for m in mx], axis=-1)
        d = np.zeros_like(v)
        for i in range(6):
            for j in range(9):
                for c in range(3):
                    left = v[i, j - 1, c] if j else 0
                    up = v[i - 1, j, c] if i else 0
                    ul = v[i - 1, j - 1, c] if i and j else 0
                    p = min(max(left + up - ul, 0), mx[c])
                    d[i, j, c] = (v[i, j, c] - p) & mx[c]
        assert np.array_equal(ungradient(d, mx), v)


@pytest.mark.parametrize("shape", [(1, 1), (1, 9), (9, 1), (2, 2), (7, 3), (3, 7), (64, 300), (300, 64)])
def test_fast_8bit_ungradient_equals_the_general_one(shape: tuple[int, int]) -> None:
    rng = np.random.default_rng(sum(shape))
    noisy = rng.integers(0, 256, size=shape + (3,), dtype=np.uint8)
    # Small differences around saturated values: the prediction clips often.
    edgy = (rng.integers(-2, 3, size=shape + (3,)) % 256).astype(np.uint8)
    edgy[..., 0] = 255  # first difference lifts red to 255, then it hugs the clip
    for d in (noisy, edgy):
        assert np.array_equal(ungradient_rgb8(d), ungradient(d, (255, 255, 255)).astype(np.uint8))


@pytest.mark.parametrize("pf", ["rgb888", "rgb565", "bgr233"])
def test_short_data_is_sent_uncompressed_without_length(pf: str) -> None:
    enc = TightEncoder(PRESETS[pf])
    bpp = 3 if pf == "rgb888" else PRESETS[pf].bytes_per_pixel
    cases = [
        (noise(3, 1, 1), COPY, {}),                         # 9 / 6 / 3 bytes
        (few_colours(4, 2, 2, 2), PALETTE, {}),              # 2 index bytes
        (few_colours(3, 3, 3, 3), PALETTE, {}),              # 9 index bytes
        (noise(2, 1, 4), GRADIENT, {}),
    ]
    rects = []
    x = 0
    want = np.zeros((H, W), np.uint32)
    for img, filt, kw in cases:
        h, w = img.shape
        exp = enc.expected(img)
        if filt == PALETTE:
            kw = {"palette": [int(c) for c in np.unique(exp)]}
        body = enc.basic(img, filt, **kw)
        size = w * h * bpp if filt != PALETTE else (h * ((w + 7) // 8) if len(np.unique(exp)) == 2 else w * h)
        assert size < 12
        assert body[-size:] and len(body) == 1 + (filt != COPY) + (
            1 + len(np.unique(exp)) * bpp if filt == PALETTE else 0) + size  # no length, no zlib
        rects.append(enc.rect(x, 0, body, w, h))
        want[0:h, x : x + w] = exp
        x += w
    # A compressed rectangle afterwards: the short ones must not have touched the streams.
    big = noise(20, 10, 9)
    for s in range(4):
        rects.append(enc.rect(40, 10 + s * 10, enc.basic(big, COPY, stream=s), 20, 10))
        want[10 + s * 10 : 20 + s * 10, 40:60] = enc.expected(big)
    for mode in ("whole", "bytes"):
        assert np.array_equal(decode(update(rects), pf, mode), want)


def test_compact_length_of_one_two_and_three_bytes() -> None:
    assert compact_len(0x7F) == b"\x7f"
    assert compact_len(0x80) == b"\x80\x01"
    assert compact_len(0x3FFF) == b"\xff\x7f"
    assert compact_len(0x4000) == b"\x80\x80\x01"
    enc = TightEncoder(PRESETS["rgb888"])
    rects, want = [], np.zeros((200, 200), np.uint32)
    # zeros compress to < 128 bytes, 30x30 noise to < 16384, 100x100 noise beyond.
    for (x, y, img), nbytes in zip([(0, 0, np.zeros((10, 10), np.uint32)),
                                    (10, 0, noise(30, 30, 1)),
                                    (0, 100, noise(100, 100, 2))], (1, 2, 3), strict=True):
        body = enc.basic(img, COPY)
        first = body[1]
        used = 1 if not first & 0x80 else (2 if not body[2] & 0x80 else 3)
        assert used == nbytes
        h, w = img.shape
        rects.append(enc.rect(x, y, body, w, h))
        want[y : y + h, x : x + w] = img
    for mode in ("whole", "bytes"):
        assert np.array_equal(decode(update(rects), "rgb888", mode, 200, 200), want)


def test_streams_persist_across_rectangles_and_updates() -> None:
    enc = TightEncoder(PRESETS["rgb888"])
    img = noise(40, 20, 7)
    # The second copy of the same pixels compresses to a back-reference into
    # the first: only a decoder that kept the stream's window can decode it.
    first = enc.basic(img, COPY, stream=2)
    second = enc.basic(img, COPY, stream=2)
    assert len(second) < len(first) // 4
    c = client()
    c.receive_data(update([enc.rect(0, 0, first, 40, 20)]))
    c.receive_data(update([enc.rect(50, 30, second, 40, 20)]))
    assert np.array_equal(c.fb.pixels[30:50, 50:90], img)


@pytest.mark.parametrize("stream", [0, 1, 2, 3])
def test_reset_bit_restarts_only_its_stream(stream: int) -> None:
    enc = TightEncoder(PRESETS["rgb888"])
    img = noise(24, 16, stream)
    rects = [enc.rect(0, 0, enc.basic(img, COPY, stream=s), 24, 16) for s in range(4)]
    enc.reset_stream(stream)
    # The reset may ride on any rectangle type: here a fill before the data.
    rects.append(enc.rect(0, 20, enc.fill(0x123456, reset=1 << stream), 8, 8))
    for s in range(4):
        rects.append(enc.rect(24 * s, 40, enc.basic(img, COPY, stream=s), 24, 16))
    got = decode(update(rects))
    for s in range(4):
        assert np.array_equal(got[40:56, 24 * s : 24 * s + 24], img)
    assert (got[20:28, 0:8] == 0x123456).all()


def test_reset_bits_on_the_compressed_rectangle_itself() -> None:
    enc = TightEncoder(PRESETS["rgb888"])
    img = noise(24, 16, 1)
    a = enc.basic(img, COPY, stream=1)
    enc.reset_stream(1)
    enc.reset_stream(3)
    b = enc.basic(img, COPY, stream=1, reset=0b1010)
    got = decode(update([enc.rect(0, 0, a, 24, 16), enc.rect(30, 0, b, 24, 16)]))
    assert np.array_equal(got[0:16, 30:54], img)


def test_missing_reset_bit_is_a_protocol_error() -> None:
    enc = TightEncoder(PRESETS["rgb888"])
    img = noise(24, 16, 1)
    a = enc.basic(img, COPY, stream=0)
    enc.reset_stream(0)
    b = enc.basic(img, COPY, stream=0)  # new zlib header, but no reset bit
    with pytest.raises(ProtocolError):
        decode(update([enc.rect(0, 0, a, 24, 16), enc.rect(30, 0, b, 24, 16)]))


def test_decoder_reset_forgets_streams() -> None:
    dec = tight.TightDecoder()
    dec._streams[2] = object()  # type: ignore[assignment]
    dec.reset()
    assert dec._streams == [None, None, None, None]


# ---------------------------------------------------------------------- JPEG


@pytest.mark.parametrize("pf", FORMATS)
def test_jpeg_rectangle_is_close_by_psnr(pf: str) -> None:
    enc = TightEncoder(PRESETS[pf])
    img = smooth(80, 48, 3)
    body = enc.jpeg(img, quality=90)
    assert body[0] == JPEG
    got = decode(update([enc.rect(8, 8, body, 80, 48)]), pf)
    # JPEG carries 8-bit RGB whatever the pixel format. The top byte is padding
    # (libjpeg-turbo's 0xff where a JPEG was decoded in place); only RGB counts.
    assert psnr(to_rgb(got[8:56, 8:88]), to_rgb(img)) > 35


@pytest.mark.parametrize("shape", [(1080, 1), (1, 200), (16, 16)])
def test_jpeg_odd_shapes(shape: tuple[int, int]) -> None:
    h, w = shape
    enc = TightEncoder(PRESETS["rgb888"])
    img = smooth(w, h, 4)
    got = decode(update([enc.rect(0, 0, enc.jpeg(img, 95), w, h)]), "rgb888", "whole", max(w, 8), max(h, 8))
    assert psnr(to_rgb(got[:h, :w]), to_rgb(img)) > 30


# ------------------------------------------------------------ chunked feeding


def mixed_stream(pf: str) -> tuple[bytes, TightEncoder]:
    enc = TightEncoder(PRESETS[pf])
    rects = [
        enc.rect(0, 0, enc.fill(0x102030), W, H),
        enc.rect(0, 0, enc.basic(noise(30, 20, 1), COPY), 30, 20),
        enc.rect(30, 0, enc.basic(few_colours(30, 20, 2, 2), PALETTE,
                                  palette=[int(c) for c in np.unique(enc.expected(few_colours(30, 20, 2, 2)))]), 30, 20),
        enc.rect(60, 0, enc.basic(smooth(36, 20, 3), GRADIENT), 36, 20),
        enc.rect(0, 20, enc.jpeg(smooth(40, 40, 4), 80), 40, 40),
        enc.rect(40, 20, enc.fill(0xABCDEF, reset=0b0101), 10, 10),
        enc.rect(50, 30, enc.basic(noise(2, 1, 5), COPY, stream=3), 2, 1),
    ]
    enc.reset_stream(0)
    enc.reset_stream(2)
    img = few_colours(40, 30, 9, 6)
    rects.append(enc.rect(50, 31, enc.basic(img, PALETTE, stream=2,
                                            palette=[int(c) for c in np.unique(enc.expected(img))]), 40, 30))
    rects.append(enc.rect(0, 60, enc.basic(noise(W, 4, 7), COPY, stream=0), W, 4))
    return update(rects[:5]) + update(rects[5:]), enc


@pytest.mark.parametrize("pf", FORMATS)
def test_byte_at_a_time_and_random_chunks_give_identical_pixels(pf: str) -> None:
    data, _ = mixed_stream(pf)
    whole = decode(data, pf, "whole")
    assert np.array_equal(decode(data, pf, "bytes"), whole)
    for seed in range(3):
        c = client(pf)
        feed(c, data, "random", seed)
        assert np.array_equal(c.fb.pixels, whole)


def test_incomplete_rectangle_consumes_nothing() -> None:
    enc = TightEncoder(PRESETS["rgb888"])
    body = enc.basic(noise(50, 50, 1), COPY)
    dec = tight.TightDecoder()
    c = client()
    ctx = c._ctx
    assert ctx is not None
    from qvmrc.rfb.buffer import ReadBuffer

    for cut in (0, 1, 2, 3, len(body) - 1):
        buf = ReadBuffer()
        buf.feed(body[:cut])
        assert dec.decode(buf, 0, 0, 50, 50, ctx) is False
        assert buf.available() == cut
    buf = ReadBuffer()
    buf.feed(body)
    assert dec.decode(buf, 0, 0, 50, 50, ctx) is True
    assert buf.available() == 0


# ------------------------------------------------------------------ malformed


def bad(body: bytes, w: int = 16, h: int = 16, pf: str = "rgb888", prefix: bytes = b"") -> None:
    data = prefix + update([rect(0, 0, w, h, numbers.TIGHT, body)])
    for mode in ("whole", "bytes"):
        c = client(pf)
        with pytest.raises(ProtocolError):
            feed(c, data, mode)


def test_zero_compact_length_is_an_error() -> None:
    bad(bytes([0x00]) + compact_len(0))


def test_compact_length_beyond_what_the_rectangle_can_need_is_an_error() -> None:
    # 16x16 RGB is 768 bytes; 3-byte length of ~4 MB can't be honest.
    bad(bytes([0x00]) + b"\xff\xff\xff")


def test_length_beyond_max_rect_payload_is_refused_before_waiting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tight, "MAX_RECT_PAYLOAD", 1000)
    c = client()
    with pytest.raises(ProtocolError):
        c.receive_data(update([rect(0, 0, 16, 16, numbers.TIGHT, bytes([JPEG]) + compact_len(5000))]))
    c = client()
    with pytest.raises(ProtocolError):
        c.receive_data(update([rect(0, 0, 64, 64, numbers.TIGHT, bytes([0]) + compact_len(1200))]))


def test_garbage_zlib_data_is_an_error() -> None:
    bad(bytes([0x00]) + compact_len(40) + bytes(range(7, 47)))


def test_zlib_data_inflating_to_the_wrong_size_is_an_error() -> None:
    import zlib

    for n in (16 * 16 * 3 - 1, 16 * 16 * 3 + 5):
        z = zlib.compressobj()
        payload = z.compress(bytes(n)) + z.flush(zlib.Z_SYNC_FLUSH)
        bad(bytes([0x00]) + compact_len(len(payload)) + payload)


def test_bad_jpeg_is_an_error() -> None:
    bad(bytes([JPEG]) + compact_len(30) + b"\xff\xd8" + bytes(28))
    bad(bytes([JPEG]) + compact_len(0))


def test_truncated_jpeg_is_an_error() -> None:
    body = TightEncoder(PRESETS["rgb888"]).jpeg(smooth(16, 16), 80)
    full = body[body.index(b"\xff\xd8"):]  # after the control byte and compact length
    for cut in (len(full) // 2, len(full) - 2):
        bad(bytes([JPEG]) + compact_len(cut) + full[:cut])


def test_jpeg_of_another_size_is_an_error() -> None:
    enc = TightEncoder(PRESETS["rgb888"])
    bad(enc.jpeg(smooth(16, 16), 80), w=16, h=15)
    bad(enc.jpeg(smooth(16, 16), 80), w=17, h=16)
    bad(enc.jpeg(smooth(8, 8), 80), w=16, h=16)
    bad(enc.jpeg(smooth(64, 64), 80), w=16, h=16)


def test_palette_index_out_of_range_is_an_error() -> None:
    # 3 colours, index 3 in the data.
    body = bytes([EXPLICIT_FILTER | 0x20, PALETTE, 2]) + bytes(9)
    import zlib

    z = zlib.compressobj()
    payload = z.compress(bytes([0, 1, 2, 3] * 64)) + z.flush(zlib.Z_SYNC_FLUSH)
    bad(body + compact_len(len(payload)) + payload)


def test_unknown_filter_and_compression_types_are_errors() -> None:
    bad(bytes([EXPLICIT_FILTER, 3]))
    bad(bytes([0xA0]) + compact_len(4) + b"\x89PNG")  # PNG is TightPNG-only
    for kind in (0xB0, 0xC0, 0xF0):
        bad(bytes([kind, 0, 0, 0, 0]))


def test_mutated_streams_raise_only_protocol_errors() -> None:
    data, _ = mixed_stream("rgb888")
    rnd = random.Random(1234)
    for _ in range(150):
        b = bytearray(data)
        for _ in range(rnd.randint(1, 4)):
            b[rnd.randrange(4, len(b))] = rnd.randrange(256)
        c = client()
        try:
            c.receive_data(bytes(b))
        except ProtocolError:
            pass


@pytest.mark.parametrize("mode", ["whole", "random", "bytes"])
def test_gradient_rectangles_of_an_update_are_undone_together_and_keep_paint_order(mode: str) -> None:
    """QEMU's lossless refresh: many same-size gradient rectangles in one update, batched;
    a later rectangle over one of them must still paint over it."""
    enc = TightEncoder(PRESETS["rgb888"])
    want = np.zeros((H, W), np.uint32)
    rects = []
    for i, (x, y, w, h) in enumerate([(0, 0, 48, 8), (48, 0, 48, 8), (0, 8, 48, 8), (0, 16, 20, 30),
                                      (48, 8, 48, 8), (30, 40, 7, 3)]):
        img = (smooth if i % 2 else noise)(w, h, i)
        rects.append(enc.rect(x, y, enc.basic(img, GRADIENT), w, h))
        want[y : y + h, x : x + w] = enc.expected(img)
    # A fill over part of two queued gradients, then one more gradient of a queued size.
    rects.append(enc.rect(40, 4, enc.fill(0x123456), 16, 8))
    want[4:12, 40:56] = 0x123456
    img = noise(48, 8, 9)
    rects.append(enc.rect(48, 56, enc.basic(img, GRADIENT), 48, 8))
    want[56:64, 48:96] = enc.expected(img)
    assert np.array_equal(decode(update(rects), "rgb888", mode), want)


@pytest.mark.parametrize("pf", FORMATS)
def test_a_gradient_rectangle_larger_than_a_band_is_undone_in_bands_exactly(pf: str) -> None:
    """Large gradient rectangles are undone a band of rows at a time (bounded memory);
    each band must continue exactly from the row above it."""
    from qvmrc.rfb.encodings import tight

    w, h = 300, 2 * (tight._GRADIENT_BAND // 300) + 7  # two full bands and a short one
    for img in (smooth(w, h, 1), noise(w, h, 2)):
        enc = TightEncoder(PRESETS[pf])
        body = enc.basic(img, GRADIENT)
        got = decode(update([enc.rect(0, 0, body, w, h)]), pf, w=w, h=h)
        assert np.array_equal(got[:h, :w], enc.expected(img))
