"""RRE decoding through RFBClient: exact pixels, any chunking, bad input."""

from __future__ import annotations

import struct

import numpy as np
import pytest

from qvmrc.errors import ProtocolError
from qvmrc.rfb.encodings.base import MAX_RECT_PAYLOAD
from tests.support.encode_basic import (
    RRE,
    Wire,
    decode,
    desktop_image,
    encode_rre,
    expected_fb,
    fbu,
    rect,
    rre_body,
)

FORMATS = ["rgb888", "bgr888", "rgb565", "bgr233"]


def paint_reference(w: int, h: int, bg: int, subrects: list[tuple[int, int, int, int, int]]) -> np.ndarray:
    img = np.full((h, w), bg, dtype=np.uint32)
    for v, x, y, sw, sh in subrects:
        img[y : y + sh, x : x + sw] = v
    return img


def test_hand_built_rectangle_paints_background_then_subrects_in_order() -> None:
    wire = Wire("rgb888")
    subs = [(0x112233, 1, 1, 4, 3), (0xABCDEF, 3, 2, 3, 3), (0x00FF00, 0, 5, 8, 1)]
    body = rre_body(wire, 0x445566, subs)
    got = decode(fbu([rect(2, 1, 8, 6, RRE, body)]), "rgb888", 12, 8)
    want = np.zeros((8, 12), np.uint32)
    want[1:7, 2:10] = paint_reference(8, 6, 0x445566, subs)
    assert np.array_equal(got, want)


def test_zero_subrects_fills_the_background() -> None:
    wire = Wire("rgb565")
    img = np.full((5, 7), 0x1234, np.uint32)
    got = decode(fbu([rect(0, 0, 7, 5, RRE, rre_body(wire, 0x1234, []))]), "rgb565", 7, 5)
    assert np.array_equal(got, expected_fb("rgb565", img))


@pytest.mark.parametrize("count", [5, 60, 400])
def test_overlapping_subrects_later_ones_win(count: int) -> None:
    """Small counts take the slice loop, large ones the vectorised painter."""
    rng = np.random.default_rng(count)
    wire = Wire("rgb888")
    w, h = 40, 30
    subs = []
    for _ in range(count):
        sw, sh = int(rng.integers(1, 6)), int(rng.integers(1, 4))
        x, y = int(rng.integers(0, w - sw + 1)), int(rng.integers(0, h - sh + 1))
        subs.append((int(rng.integers(0, 1 << 24)), x, y, sw, sh))
    got = decode(fbu([rect(0, 0, w, h, RRE, rre_body(wire, 7, subs))]), "rgb888", w, h)
    assert np.array_equal(got, paint_reference(w, h, 7, subs))


@pytest.mark.parametrize("pf", FORMATS)
@pytest.mark.parametrize("chunks", [None, "bytes", "random"])
def test_encoded_desktop_decodes_exactly_whatever_the_chunking(pf: str, chunks: str | None) -> None:
    wire = Wire(pf)
    img = desktop_image(wire, 97, 61, seed=5)
    parts = [rect(3, 2, 60, 40, RRE, encode_rre(img[:40, :60], wire)),
             rect(63, 0, 34, 61, RRE, encode_rre(img[:, 63:], wire)),
             rect(0, 42, 63, 19, RRE, encode_rre(img[42:, :63], wire))]
    got = decode(fbu(parts), pf, 97, 61, chunks, seed=3)
    want = np.zeros((61, 97), np.uint32)
    exp = expected_fb(pf, img)
    want[2:42, 3:63] = exp[:40, :60]
    want[:, 63:] = exp[:, 63:]
    want[42:, :63] = exp[42:, :63]
    assert np.array_equal(got, want)


def test_many_small_rectangles_in_one_update() -> None:
    wire = Wire("bgr888")
    img = desktop_image(wire, 64, 64, seed=9)
    parts = [rect(x, y, 16, 8, RRE, encode_rre(img[y : y + 8, x : x + 16], wire))
             for y in range(0, 64, 8) for x in range(0, 64, 16)]
    stream = fbu(parts) + b"\x02"  # a Bell after the update is parsed too
    assert np.array_equal(decode(stream, "bgr888", 64, 64, "random"), expected_fb("bgr888", img))


def test_subrect_outside_the_rectangle_is_a_protocol_error() -> None:
    wire = Wire("rgb888")
    body = rre_body(wire, 0, [(1, 5, 0, 4, 1)])  # x 5 + w 4 > 8
    with pytest.raises(ProtocolError, match="outside"):
        decode(fbu([rect(0, 0, 8, 8, RRE, body)]), "rgb888", 16, 16)


def test_subrect_outside_in_a_large_list_is_a_protocol_error() -> None:
    wire = Wire("rgb565")
    subs = [(1, i % 8, i % 8, 1, 1) for i in range(100)] + [(2, 0, 7, 1, 2)]
    with pytest.raises(ProtocolError):
        decode(fbu([rect(0, 0, 8, 8, RRE, rre_body(wire, 0, subs))]), "rgb565", 8, 8, "bytes")


def test_oversized_subrect_count_is_refused_before_waiting_for_it() -> None:
    n = MAX_RECT_PAYLOAD // 12 + 1
    stream = fbu([rect(0, 0, 8, 8, RRE, struct.pack(">I", n) + b"\0\0\0\0")])
    with pytest.raises(ProtocolError, match="subrectangles"):
        decode(stream, "rgb888", 8, 8)


def test_incomplete_body_waits_without_error() -> None:
    from tests.support.encode_basic import client

    wire = Wire("rgb888")
    stream = fbu([rect(0, 0, 8, 8, RRE, rre_body(wire, 3, [(1, 0, 0, 2, 2)]))])
    c = client("rgb888", 8, 8)
    c.receive_data(stream[:-3])
    assert c.next_events() == []
    c.receive_data(stream[-3:])
    assert c.fb.pixels[0, 0] == 1 and c.fb.pixels[7, 7] == 3


def test_deferred_subrects_never_paint_over_later_rectangles():
    """RRE paints subrectangles once per update; later overlapping paints still win."""
    import struct

    import numpy as np

    from qvmrc.rfb.connection import RFBClient
    from qvmrc.rfb.pixelformat import PRESETS

    def px(v: int) -> bytes:
        return struct.pack("<I", v)

    def rre(x: int, y: int, w: int, h: int, bg: int, subs: list[tuple[int, int, int, int, int]]) -> bytes:
        body = struct.pack(">I", len(subs)) + px(bg)
        for c, sx, sy, sw, sh in subs:
            body += px(c) + struct.pack(">HHHH", sx, sy, sw, sh)
        return struct.pack(">HHHHi", x, y, w, h, 2) + body

    c = RFBClient()
    c.start_replay(8, 4, PRESETS["rgb888"])
    first = rre(0, 0, 8, 4, 0x111111, [(0xFF0000, 0, 0, 8, 4)])
    over = rre(0, 0, 4, 4, 0x00FF00, [])  # plain background over the left half
    raw = struct.pack(">HHHHi", 6, 0, 2, 4, 0) + px(0x0000FF) * 8
    c.receive_data(struct.pack(">BxH", 0, 3) + first + over + raw)
    want = np.full((4, 8), 0xFF0000, dtype=np.uint32)
    want[:, :4] = 0x00FF00
    want[:, 6:] = 0x0000FF
    assert np.array_equal(c.fb.pixels, want)


@pytest.mark.parametrize("chunk", [37, 1000, 1 << 18])
def test_overlapping_subrects_paint_in_order_across_pixel_chunks(chunk: int, monkeypatch) -> None:
    """The vectorised painter and the flush work a bounded chunk at a time (memory);
    later subrectangles must still win across chunk boundaries."""
    from qvmrc.rfb.encodings import rre

    monkeypatch.setattr(rre, "CHUNK_PIXELS", chunk)
    monkeypatch.setattr(rre, "_PENDING_MAX", 300)
    rng = np.random.default_rng(chunk)
    wire = Wire("rgb888")
    w, h = 64, 48
    rects, subs_all = [], []
    for i in range(3):  # three rectangles over the same area: deferred together
        subs = []
        for _ in range(700):
            sw, sh = int(rng.integers(1, 8)), int(rng.integers(1, 8))
            x, y = int(rng.integers(0, w - sw + 1)), int(rng.integers(0, h - sh + 1))
            subs.append((int(rng.integers(0, 1 << 24)), x, y, sw, sh))
        rects.append(rect(0, 0, w, h, RRE, rre_body(wire, i, subs)))
        subs_all = subs
    got = decode(fbu(rects), "rgb888", w, h)
    assert np.array_equal(got, paint_reference(w, h, 2, subs_all))
