"""ZRLE decoding through RFBClient: every subencoding, CPIXEL rules, one
persistent stream, any chunking, bad input."""

from __future__ import annotations

import struct
import zlib

import numpy as np
import pytest

from qvmrc.errors import ProtocolError
from qvmrc.rfb.encodings.base import MAX_RECT_PAYLOAD
from qvmrc.rfb.pixelformat import PixelConverter, PixelFormat
from tests.support.encode_basic import (
    ZRLE,
    Wire,
    ZlibEncoder,
    ZRLEEncoder,
    client,
    decode,
    desktop_image,
    expected_fb,
    fbu,
    pack_indices,
    photo_image,
    rect,
    rle_length,
    split,
)

FORMATS = ["rgb888", "bgr888", "rgb565", "bgr233"]
MS3 = PixelFormat(32, 24, False, True, 255, 255, 255, 24, 16, 8)  # colour in the top 3 bytes
BE888 = PixelFormat(32, 24, True, True, 255, 255, 255, 16, 8, 0)
ALL_FORMATS: list[str | PixelFormat] = [*FORMATS, MS3, BE888]


def one_tile(tile_bytes: bytes, w: int, h: int, pf: str | PixelFormat = "rgb888") -> np.ndarray:
    body = ZlibEncoder().deflate(tile_bytes)
    return decode(fbu([rect(0, 0, w, h, ZRLE, body)]), pf, w, h)


@pytest.mark.parametrize("pf,size", [("rgb888", 3), ("bgr888", 3), ("rgb565", 2), ("bgr233", 1),
                                     (MS3, 3), (BE888, 3)])
def test_cpixel_sizes_follow_the_rfc(pf: str | PixelFormat, size: int) -> None:
    wire = Wire(pf)
    assert wire.cpixel_size == size
    assert PixelConverter(wire.pf).cpixel_size == size


@pytest.mark.parametrize("pf", ALL_FORMATS)
def test_hand_built_raw_and_solid_tiles(pf: str | PixelFormat) -> None:
    wire = Wire(pf)
    rng = np.random.default_rng(1)
    img = wire.random(rng, (10, 70))
    img[:, 64:] = img[0, 64]
    data = b"\x00" + wire.cpixels(img[:, :64].ravel()) + b"\x01" + wire.cpixels([img[0, 64]])
    assert np.array_equal(one_tile(data, 70, 10, pf), expected_fb(pf, img))


@pytest.mark.parametrize("colours", [2, 3, 4, 5, 11, 16])
@pytest.mark.parametrize("pf", ["rgb888", "rgb565", "bgr233"])
def test_packed_palette_tiles(colours: int, pf: str) -> None:
    wire = Wire(pf)
    rng = np.random.default_rng(colours)
    pal = wire.distinct(rng, colours)
    idx = rng.integers(0, colours, size=(13, 27))  # odd width: rows are padded
    idx[0, :colours] = np.arange(colours)
    img = pal[idx]
    bits = 1 if colours == 2 else 2 if colours <= 4 else 4
    data = bytes([colours]) + wire.cpixels(pal) + pack_indices(idx.astype(np.uint8), bits)
    assert np.array_equal(one_tile(data, 27, 13, pf), expected_fb(pf, img))


def test_hand_built_plain_rle_with_runs_longer_than_255() -> None:
    wire = Wire("bgr888")
    runs = [(0x010203, 600), (0x0A0B0C, 1), (0x00FF00, 255), (0x0000FF, 256), (0x123456, 64 * 40 - 1112)]
    data = b"\x80" + b"".join(wire.cpixels([v]) + rle_length(n) for v, n in runs)
    assert rle_length(600) == b"\xff\xff\x59"
    img = np.concatenate([np.full(n, v, np.uint32) for v, n in runs]).reshape(40, 64)
    assert np.array_equal(one_tile(data, 64, 40, "bgr888"), expected_fb("bgr888", img))


def test_hand_built_palette_rle_short_and_long_runs() -> None:
    wire = Wire("rgb565")
    pal = [0x1234, 0xF800, 0x07E0]
    runs = [(0, 1), (1, 300), (2, 1), (0, 2), (1, 1), (2, 79)]
    data = bytes([128 + 3]) + wire.cpixels(pal)
    data += b"\x00" + b"\x81" + rle_length(300) + b"\x02" + b"\x80" + rle_length(2)
    data += b"\x81\x00"  # a run of one in the long form is legal too
    data += b"\x82" + rle_length(79)
    img = np.concatenate([np.full(n, pal[i], np.uint32) for i, n in runs]).reshape(6, 64)
    assert np.array_equal(one_tile(data, 64, 6, "rgb565"), expected_fb("rgb565", img))


@pytest.mark.parametrize("colours", [2, 4, 16, 60, 127])
@pytest.mark.parametrize("long_single", [False, True])
def test_palette_rle_up_to_127_colours(colours: int, long_single: bool) -> None:
    wire = Wire("rgb888")
    rng = np.random.default_rng(colours)
    pal = wire.distinct(rng, colours)
    lens = rng.integers(1, 40, size=400)
    lens[0] = 300  # a run longer than 255
    seq = np.repeat(np.resize(np.arange(colours), 400), lens)[: 64 * 64]
    img = pal[seq].reshape(64, 64)
    data = ZRLEEncoder(wire).tile(img, "palette_rle", long_single)
    assert data[0] == 128 + colours
    assert np.array_equal(one_tile(data, 64, 64), expected_fb("rgb888", img))


@pytest.mark.parametrize("pf", ALL_FORMATS)
@pytest.mark.parametrize("force", [None, "raw", "plain_rle"])
def test_encoded_images_with_partial_tiles(pf: str | PixelFormat, force: str | None) -> None:
    wire = Wire(pf)
    img = desktop_image(wire, 150, 90, seed=3)
    img[50:, 70:] = photo_image(wire, 80, 40, seed=4)
    stream = fbu([rect(0, 0, 150, 90, ZRLE, ZRLEEncoder(wire).encode(img, force))])
    assert np.array_equal(decode(stream, pf, 150, 90), expected_fb(pf, img))


def test_auto_encoder_uses_every_subencoding() -> None:
    """Guards the test data: solid, packed, palette RLE, plain RLE and raw all occur."""
    wire = Wire("rgb888")
    img = desktop_image(wire, 640, 320, seed=6)
    img[:64, :64] = photo_image(wire, 64, 64)
    img[64:128, :64] = np.repeat(wire.distinct(np.random.default_rng(0), 4096), 1).reshape(64, 64)
    img[64:128, :64][:, :32] = img[64, 0]
    enc = ZRLEEncoder(wire)
    kinds = {enc.tile(img[y : y + 64, x : x + 64])[0] for y in range(0, 320, 64) for x in range(0, 640, 64)}
    assert {0, 1, 128} <= kinds
    assert any(2 <= k <= 16 for k in kinds) and any(k >= 130 for k in kinds)


@pytest.mark.parametrize("pf", FORMATS)
@pytest.mark.parametrize("chunks", [None, "bytes", "random"])
def test_persistent_stream_over_several_updates_any_chunking(pf: str, chunks: str | None) -> None:
    wire = Wire(pf)
    img = desktop_image(wire, 200, 100, seed=8)
    img[:40, :60] = photo_image(wire, 60, 40)
    enc = ZRLEEncoder(wire)
    u1 = fbu([rect(0, 0, 100, 100, ZRLE, enc.encode(img[:, :100])),
              rect(100, 0, 100, 50, ZRLE, enc.encode(img[:50, 100:], "palette_rle"))])
    u2 = fbu([rect(100, 50, 100, 50, ZRLE, enc.encode(img[50:, 100:], "packed"))])
    u3 = fbu([rect(0, 0, 100, 100, ZRLE, enc.encode(img[:, :100]))])  # back-references
    got = decode(u1 + u2 + u3, pf, 200, 100, chunks, seed=5)
    assert np.array_equal(got, expected_fb(pf, img))


def test_identical_rectangle_twice_needs_the_stream_history() -> None:
    wire = Wire("rgb888")
    img = photo_image(wire, 64, 64)
    enc = ZRLEEncoder(wire)
    a, b = enc.encode(img), enc.encode(img)
    assert len(b) < len(a) // 4
    c = client("rgb888", 64, 64)
    c.receive_data(fbu([rect(0, 0, 64, 64, ZRLE, a)]))
    c.fb.pixels[:] = 0
    c.receive_data(fbu([rect(0, 0, 64, 64, ZRLE, b)]))
    assert np.array_equal(c.fb.pixels, expected_fb("rgb888", img))


def test_incomplete_payload_waits() -> None:
    wire = Wire("rgb888")
    img = desktop_image(wire, 80, 80)
    stream = fbu([rect(0, 0, 80, 80, ZRLE, ZRLEEncoder(wire).encode(img))])
    c = client("rgb888", 80, 80)
    c.receive_data(stream[:-1])
    assert not c.next_events()
    c.receive_data(stream[-1:])
    assert np.array_equal(c.fb.pixels, expected_fb("rgb888", img))


# ---------------------------------------------------------------- bad input


def bad_body(body: bytes, w: int = 16, h: int = 16, pf: str = "rgb888") -> None:
    stream = fbu([rect(0, 0, w, h, ZRLE, body)])
    for chunks in (None, "bytes"):
        c = client(pf, 64, 64)
        with pytest.raises(ProtocolError):
            for part in split(stream, chunks):
                c.receive_data(part)


def bad_tiles(data: bytes, w: int = 16, h: int = 16, pf: str = "rgb888") -> None:
    bad_body(ZlibEncoder().deflate(data), w, h, pf)


def test_oversized_length_is_a_protocol_error() -> None:
    bad_body(struct.pack(">I", MAX_RECT_PAYLOAD + 1))


def test_garbage_zlib_data_is_a_protocol_error() -> None:
    bad_body(struct.pack(">I", 12) + b"garbage data")


def test_truncated_zlib_data_is_a_protocol_error() -> None:
    wire = Wire("rgb888")
    data = zlib.compress(b"\x00" + wire.cpixels(wire.random(np.random.default_rng(0), (16, 16)).ravel()))
    bad_body(struct.pack(">I", 200) + data[:200])


def test_packed_palette_index_out_of_range_is_a_protocol_error() -> None:
    wire = Wire("rgb888")
    idx = np.zeros((16, 16), np.uint8)
    idx[5, 5] = 3  # palette of 3: index 3 does not exist
    bad_tiles(bytes([3]) + wire.cpixels([1, 2, 3]) + pack_indices(idx, 2))


def test_palette_rle_index_out_of_range_is_a_protocol_error() -> None:
    wire = Wire("rgb565")
    bad_tiles(bytes([128 + 2]) + wire.cpixels([1, 2]) + bytes([5 | 128]) + rle_length(256), pf="rgb565")
    bad_tiles(bytes([128 + 2]) + wire.cpixels([1, 2]) + bytes([2]) + bytes([128]) + rle_length(255),
              pf="rgb565")


def test_run_past_the_tile_is_a_protocol_error() -> None:
    wire = Wire("bgr233")
    bad_tiles(b"\x80" + wire.cpixels([1]) + rle_length(300), pf="bgr233")
    bad_tiles(bytes([130]) + wire.cpixels([1, 2]) + bytes([128]) + rle_length(257), pf="bgr233")


def test_unknown_subencodings_are_a_protocol_error() -> None:
    for sub in (17, 100, 127, 129):
        bad_tiles(bytes([sub]) + bytes(2000))


def test_tile_data_cut_short_is_a_protocol_error() -> None:
    wire = Wire("rgb888")
    img = wire.random(np.random.default_rng(0), (16, 16))
    bad_tiles(b"\x00" + wire.cpixels(img.ravel())[:-1])
    bad_tiles(b"\x01\x00")
    bad_tiles(bytes([5]) + wire.cpixels([1, 2, 3, 4, 5]) + bytes(10))
    bad_tiles(b"\x80" + wire.cpixels([1]) + b"\xff\xff")


def test_bytes_after_the_last_tile_are_a_protocol_error() -> None:
    wire = Wire("rgb888")
    bad_tiles(b"\x01" + wire.cpixels([7]) + b"\x00")
