"""Hextile decoding through RFBClient: every subencoding, resumable progress, bad input."""

from __future__ import annotations

import re

import numpy as np
import pytest

from qvmrc.errors import ProtocolError
from tests.support.encode_basic import (
    HEXTILE,
    HX_ANY,
    HX_BG,
    HX_COLOURED,
    HX_FG,
    HX_RAW,
    HextileEncoder,
    Wire,
    client,
    decode,
    desktop_image,
    encode_hextile,
    expected_fb,
    fbu,
    hextile_subrect,
    photo_image,
    rect,
)

FORMATS = ["rgb888", "bgr888", "rgb565", "bgr233"]


def hand_built() -> tuple[bytes, np.ndarray]:
    """A 40x20 rectangle (3x2 tiles, the right and bottom ones partial) using
    every subencoding once, with background/foreground carried over."""
    wire = Wire("rgb888")
    A, B, C, D, E = 0x102030, 0xA0B0C0, 0x00FF00, 0xFF0000, 0x0000FF
    want = np.zeros((20, 40), np.uint32)
    body = bytearray()
    # Tile (0,0) 16x16: background A only.
    body += bytes([HX_BG]) + wire.pixel(A)
    want[0:16, 0:16] = A
    # Tile (1,0): background reused (A), foreground B, two mono subrects.
    body += bytes([HX_FG | HX_ANY]) + wire.pixel(B) + bytes([2])
    body += hextile_subrect(0, 0, 16, 1) + hextile_subrect(3, 4, 2, 5)
    want[0:16, 16:32] = A
    want[0:1, 16:32] = B
    want[4:9, 19:21] = B
    # Tile (2,0) 8x16 (partial): raw.
    raw = (np.arange(16 * 8, dtype=np.uint32) * 0x010203).reshape(16, 8)
    body += bytes([HX_RAW]) + wire.pixels(raw.ravel())
    want[0:16, 32:40] = raw
    # Tile (0,1) 16x4: new background C, foreground reused (B) after a raw tile.
    body += bytes([HX_BG | HX_ANY]) + wire.pixel(C) + bytes([1]) + hextile_subrect(15, 3, 1, 1)
    want[16:20, 0:16] = C
    want[19, 15] = B
    # Tile (1,1) 16x4: nothing specified: solid background C.
    body += bytes([0])
    want[16:20, 16:32] = C
    # Tile (2,1) 8x4: coloured overlapping subrects; the later one wins.
    body += bytes([HX_BG | HX_ANY | HX_COLOURED]) + wire.pixel(D) + bytes([2])
    body += wire.pixel(E) + hextile_subrect(0, 0, 8, 4) + wire.pixel(A) + hextile_subrect(2, 1, 3, 2)
    want[16:20, 32:40] = E
    want[17:19, 34:37] = A
    return fbu([rect(0, 0, 40, 20, HEXTILE, bytes(body))]), want


@pytest.mark.parametrize("chunks", [None, "bytes", "random"])
def test_every_subencoding_in_one_hand_built_rectangle(chunks: str | None) -> None:
    stream, want = hand_built()
    assert np.array_equal(decode(stream, "rgb888", 40, 20, chunks), want)


@pytest.mark.parametrize("pf", FORMATS)
@pytest.mark.parametrize("mode,reuse", [("auto", True), ("auto", False), ("raw", True), ("coloured", True)])
def test_encoded_images_decode_exactly(pf: str, mode: str, reuse: bool) -> None:
    wire = Wire(pf)
    img = desktop_image(wire, 83, 70, seed=4)
    img[40:70, 0:40] = photo_image(wire, 40, 30, seed=8)
    body = HextileEncoder(wire, mode, reuse).encode(img[:, :80])
    stream = fbu([rect(0, 0, 80, 70, HEXTILE, body), rect(80, 0, 3, 70, HEXTILE,
                                                          encode_hextile(img[:, 80:], wire))])
    want = expected_fb(pf, img)
    for chunks in (None, "random", "bytes"):
        assert np.array_equal(decode(stream, pf, 83, 70, chunks, seed=7), want)


def test_encoder_exercises_every_subencoding() -> None:
    """Guards the test data above: all tile kinds really occur."""
    wire = Wire("rgb888")
    img = desktop_image(wire, 83, 70, seed=4)
    img[40:70, 0:40] = photo_image(wire, 40, 30, seed=8)
    enc = HextileEncoder(wire)
    seen = set()
    bg = fg = None
    for ty in range(0, 70, 16):
        for tx in range(0, 80, 16):
            tile_bytes, bg, fg = enc._tile(img[ty : ty + 16, tx : tx + 16], bg, fg)
            seen.add(tile_bytes[0])
    assert HX_RAW in seen and 0 in seen and HX_BG in seen
    assert any(s & HX_COLOURED for s in seen)
    assert any(s & HX_ANY and not s & HX_COLOURED for s in seen)
    assert any(s & HX_FG for s in seen)


def test_two_identical_rectangles_in_a_row_both_decode() -> None:
    """Progress kept on the decoder must not leak into the next rectangle."""
    wire = Wire("rgb565")
    a = desktop_image(wire, 32, 32, seed=1)
    b = desktop_image(wire, 32, 32, seed=2)
    stream = fbu([rect(0, 0, 32, 32, HEXTILE, encode_hextile(a, wire)),
                  rect(0, 0, 32, 32, HEXTILE, encode_hextile(b, wire))])
    for chunks in (None, "bytes"):
        assert np.array_equal(decode(stream, "rgb565", 32, 32, chunks), expected_fb("rgb565", b))


def test_large_rectangle_byte_at_a_time_matches_whole() -> None:
    wire = Wire("rgb888")
    img = desktop_image(wire, 300, 120, seed=3)
    stream = fbu([rect(0, 0, 300, 120, HEXTILE, encode_hextile(img, wire))])
    whole = decode(stream, "rgb888", 300, 120)
    assert np.array_equal(whole, expected_fb("rgb888", img))
    assert np.array_equal(decode(stream, "rgb888", 300, 120, "bytes"), whole)


def test_partial_tile_waits_and_keeps_earlier_tiles_painted() -> None:
    wire = Wire("rgb888")
    body = bytes([HX_BG]) + wire.pixel(5) + bytes([HX_RAW]) + wire.pixels([9] * 256)
    stream = fbu([rect(0, 0, 32, 16, HEXTILE, body)])
    c = client("rgb888", 32, 16)
    c.receive_data(stream[:-10])
    assert c.fb.pixels[0, 0] == 5  # first tile done, second still waiting
    assert c.buffered < 256 * 4 + 1
    c.receive_data(stream[-10:])
    assert c.fb.pixels[15, 31] == 9 and c.buffered == 0


@pytest.mark.parametrize(("size", "sub", "message"), [
    # The rectangle is 10 wide: a subrect 4 wide at x 8 leaves the tile.
    ((10, 10), (8, 0, 4, 1), "4x1+8+0 lies outside its 10x10 tile"),
    # A full tile: 9 rows from row 8 reach row 17.
    ((16, 16), (0, 8, 2, 9), "2x9+0+8 lies outside its 16x16 tile"),
])
def test_subrect_outside_its_tile_is_a_protocol_error(
        size: tuple[int, int], sub: tuple[int, int, int, int], message: str) -> None:
    wire = Wire("rgb888")
    body = bytes([HX_BG | HX_FG | HX_ANY]) + wire.pixel(1) + wire.pixel(2) + bytes([2])
    body += hextile_subrect(0, 0, 1, 1) + hextile_subrect(*sub)
    for chunks in (None, "bytes"):
        with pytest.raises(ProtocolError, match=re.escape(message)):
            decode(fbu([rect(0, 0, *size, HEXTILE, body)]), "rgb888", 16, 16, chunks)


def test_unknown_subencoding_bits_are_a_protocol_error() -> None:
    with pytest.raises(ProtocolError):
        decode(fbu([rect(0, 0, 16, 16, HEXTILE, bytes([0x20]))]), "rgb888", 16, 16)


def test_colour_map_format_uses_the_current_map() -> None:
    """8 bpp colour map: pixel values go through SetColourMapEntries."""
    from qvmrc.rfb.pixelformat import PixelFormat

    pf = PixelFormat(8, 8, False, False, 0, 0, 0, 0, 0, 0)
    c = client(pf, 16, 16)
    cmap = b"\x01\x00\x00\x00\x00\x03" + b"\xff\xff\x00\x00\x00\x00" + b"\x00\x00\xff\xff\x00\x00" + b"\x00\x00\x00\x00\xff\xff"
    c.receive_data(cmap)
    body = bytes([HX_BG | HX_FG | HX_ANY, 0, 1, 1]) + hextile_subrect(0, 0, 16, 8)
    c.receive_data(fbu([rect(0, 0, 16, 16, HEXTILE, body)]))
    assert c.fb.pixels[0, 0] == 0x00FF00 and c.fb.pixels[15, 0] == 0xFF0000
    c.receive_data(cmap[:6] + b"\x00\x00\x00\x00\xff\xff" + cmap[12:])
    c.receive_data(fbu([rect(0, 0, 16, 16, HEXTILE, body)]))
    assert c.fb.pixels[15, 0] == 0x0000FF


def test_deferred_subrects_respect_overlap_and_other_encodings():
    """A later rectangle painting over an earlier Hextile one wins, whatever the batching."""
    import struct

    from qvmrc.rfb.connection import RFBClient
    from qvmrc.rfb.pixelformat import PRESETS

    c = RFBClient()
    c.start_replay(32, 16, PRESETS["rgb888"])
    red, blue, green = 0xFF0000, 0x0000FF, 0x00FF00
    px = lambda v: struct.pack("<I", v)  # noqa: E731
    # Hextile 16x16 tile: bg red, fg blue, one subrect covering the whole tile.
    tile = bytes([2 | 4 | 8]) + px(red) + px(blue) + bytes([1, 0x00, 0xFF])
    hextile = struct.pack(">HHHHi", 0, 0, 16, 16, 5) + tile
    # A second Hextile rectangle over the same area: plain green background.
    over = struct.pack(">HHHHi", 0, 0, 16, 16, 5) + bytes([2]) + px(green)
    # Raw over the right half after a Hextile there.
    hex2 = struct.pack(">HHHHi", 16, 0, 16, 16, 5) + tile
    raw = struct.pack(">HHHHi", 16, 0, 16, 16, 0) + px(green) * 256
    c.receive_data(struct.pack(">BxH", 0, 4) + hextile + over + hex2 + raw)
    assert (c.fb.pixels == green).all()


@pytest.mark.parametrize("pf", ["rgb888", "bgr888", "rgb565", "bgr233"])
def test_runs_of_raw_tiles_paint_as_blocks_exactly(pf: str) -> None:
    """Photo content: every tile raw, partial edge tiles included, in formats
    copied as they are (rgb888) and converted (the others)."""
    import struct

    import numpy as np

    from qvmrc.rfb.connection import RFBClient
    from qvmrc.rfb.pixelformat import PRESETS, PixelConverter

    conv = PixelConverter(PRESETS[pf])
    rng = np.random.default_rng(5)
    w, h = 50, 37
    img = rng.integers(0, 1 << 24, size=(h, w), dtype=np.uint32)
    img = conv.pixels(conv.encode(img)).reshape(h, w)  # what the format can carry
    body = b""
    for ty in range(0, h, 16):
        for tx in range(0, w, 16):
            body += bytes([1]) + conv.encode(img[ty : ty + 16, tx : tx + 16])
    stream = struct.pack(">BxH", 0, 1) + struct.pack(">HHHHi", 3, 2, w, h, 5) + body
    for step in (len(stream), 7, 1):
        c = RFBClient()
        c.start_replay(60, 40, PRESETS[pf])
        for i in range(0, len(stream), step):
            c.receive_data(stream[i : i + step])
        assert np.array_equal(c.fb.pixels[2 : 2 + h, 3 : 3 + w], img), step


def test_raw_runs_broken_by_other_tiles_and_split_input():
    import struct

    import numpy as np

    from qvmrc.rfb.connection import RFBClient
    from qvmrc.rfb.pixelformat import PRESETS

    rng = np.random.default_rng(9)
    w, h = 96, 32  # 6 x 2 tiles
    img = rng.integers(0, 1 << 24, size=(h, w), dtype=np.uint32)
    kinds = ["raw", "raw", "bg", "raw", "raw", "raw", "raw", "bg", "bg", "raw", "raw", "raw"]
    body = b""
    for i, kind in enumerate(kinds):
        ty, tx = divmod(i, 6)
        tile = img[ty * 16 : ty * 16 + 16, tx * 16 : tx * 16 + 16]
        if kind == "raw":
            body += bytes([1]) + tile.astype("<u4").tobytes()
        else:
            img[ty * 16 : ty * 16 + 16, tx * 16 : tx * 16 + 16] = 0x123456
            body += bytes([2]) + struct.pack("<I", 0x123456)
    stream = struct.pack(">BxH", 0, 1) + struct.pack(">HHHHi", 0, 0, w, h, 5) + body
    for step in (len(stream), 1000, 3):
        c = RFBClient()
        c.start_replay(w, h, PRESETS["rgb888"])
        for i in range(0, len(stream), step):
            c.receive_data(stream[i : i + step])
        assert np.array_equal(c.fb.pixels, img), step


def test_the_raw_bit_wins_over_the_other_subencoding_bits():
    """RFB: with Raw set the other bits are irrelevant, even in a run of raw tiles."""
    import struct

    import numpy as np

    from qvmrc.rfb.connection import RFBClient
    from qvmrc.rfb.pixelformat import PRESETS

    rng = np.random.default_rng(11)
    w, h = 64, 16  # 4 full tiles
    img = rng.integers(0, 1 << 24, size=(h, w), dtype=np.uint32)
    body = b""
    for i, head in enumerate([0x03, 0x01, 0x1F, 0x01]):
        body += bytes([head]) + img[:, i * 16 : i * 16 + 16].astype("<u4").tobytes()
    stream = struct.pack(">BxH", 0, 1) + struct.pack(">HHHHi", 0, 0, w, h, 5) + body
    for step in (len(stream), 5):
        c = RFBClient()
        c.start_replay(w, h, PRESETS["rgb888"])
        for i in range(0, len(stream), step):
            c.receive_data(stream[i : i + step])
        assert np.array_equal(c.fb.pixels, img), step


def test_flushing_in_the_middle_of_a_rectangle_keeps_every_tile_in_place(monkeypatch) -> None:
    """Deferred subrectangles are painted early when much is queued: even mid-rectangle,
    the rest of that rectangle and the next ones must still land in the right place."""
    from qvmrc.rfb.encodings import hextile

    monkeypatch.setattr(hextile, "_PENDING_MAX", 64)
    wire = Wire("rgb888")
    img = desktop_image(wire, 120, 90, seed=21)
    rects = [(0, 0, 120, 40), (0, 40, 70, 50), (70, 40, 50, 50)]
    stream = fbu([rect(x, y, w, h, HEXTILE, encode_hextile(img[y : y + h, x : x + w], wire))
                  for x, y, w, h in rects])
    want = expected_fb("rgb888", img)
    for chunks in (None, "random", "bytes"):
        assert np.array_equal(decode(stream, "rgb888", 120, 90, chunks, seed=3), want), chunks


def test_many_one_colour_subrects_paint_exactly_whatever_their_shapes() -> None:
    """Text: thousands of small subrectangles in one foreground, common shapes and rare ones."""
    wire = Wire("rgb888")
    rng = np.random.default_rng(17)
    w, h = 320, 48  # 20 x 3 tiles
    bg, fg = 0xFFFFFF, 0x102030
    want = np.full((h, w), bg, np.uint32)
    body = bytearray()
    for ty in range(0, h, 16):
        for tx in range(0, w, 16):
            n = int(rng.integers(0, 40))
            subs = b""
            for _ in range(n):
                if rng.random() < 0.8:  # the common text shapes
                    sw, sh = [(1, 1), (2, 1), (1, 2), (3, 1)][int(rng.integers(0, 4))]
                else:
                    sw, sh = int(rng.integers(1, 17)), int(rng.integers(1, 17))
                sx, sy = int(rng.integers(0, 17 - sw)), int(rng.integers(0, 17 - sh))
                subs += hextile_subrect(sx, sy, sw, sh)
                want[ty + sy : ty + sy + sh, tx + sx : tx + sx + sw] = fg
            first = tx == 0 and ty == 0
            head = (HX_BG | HX_FG if first else 0) | HX_ANY
            body += bytes([head]) + (wire.pixel(bg) + wire.pixel(fg) if first else b"") + bytes([n]) + subs
    stream = fbu([rect(0, 0, w, h, HEXTILE, bytes(body))])
    for chunks in (None, "random"):
        assert np.array_equal(decode(stream, "rgb888", w, h, chunks, seed=5), want), chunks


def _strips(img: np.ndarray, wire: Wire, mode: str = "auto") -> tuple[list[bytes], list[tuple[int, int, int, int]]]:
    """Cut an image into Xvnc-like strips: rows of side-by-side rectangles of odd sizes."""
    h, w = img.shape
    rects, boxes = [], []
    y = 0
    for rh in (7, 16, 23, 9, 30, 15):
        if y >= h:
            break
        rh = min(rh, h - y)
        x = 0
        for rw in (50, 33, 96, w):
            rw = min(rw, w - x)
            if rw <= 0:
                break
            rects.append(rect(x, y, rw, rh, HEXTILE, encode_hextile(img[y : y + rh, x : x + rw], wire, mode)))
            boxes.append((x, y, rw, rh))
            x += rw
        y += rh
    return rects, boxes


@pytest.mark.parametrize("pf", ["rgb888", "rgb565", "bgr233"])
@pytest.mark.parametrize("mode", ["auto", "coloured"])
def test_an_update_of_many_strips_decodes_exactly_in_bulk(pf: str, mode: str, monkeypatch) -> None:
    from qvmrc.rfb.encodings import hextile

    runs: list[int] = []
    bulk = hextile.HextileDecoder.decode_run

    def counting(self, *a, **k):  # type: ignore[no-untyped-def]
        done = bulk(self, *a, **k)
        runs.append(len(done[0]) if done else 0)  # (rectangles decoded, the header that ended the run)
        return done

    monkeypatch.setattr(hextile.HextileDecoder, "decode_run", counting)
    wire = Wire(pf)
    img = desktop_image(wire, 200, 100, seed=31)
    rects, _ = _strips(img, wire, mode)
    # A last rectangle over earlier ones: painted after them, whatever was batched.
    patch = desktop_image(wire, 40, 30, seed=32)
    rects.append(rect(30, 20, 40, 30, HEXTILE, encode_hextile(patch, wire, mode)))
    img = img.copy()
    img[20:50, 30:70] = patch
    want = expected_fb(pf, img)
    stream = fbu(rects)
    for chunks in (None, "random", "bytes"):
        runs.clear()
        assert np.array_equal(decode(stream, pf, 200, 100, chunks, seed=2), want), chunks
    runs.clear()
    decode(stream, pf, 200, 100)
    assert max(runs) > 10  # fed whole, the strips went through the bulk path


def test_bulk_runs_stop_at_the_end_of_an_update_and_at_raw_tiles() -> None:
    from qvmrc.rfb import events as ev
    from qvmrc.rfb.connection import RFBClient
    from qvmrc.rfb.pixelformat import PRESETS

    wire = Wire("rgb888")
    img = desktop_image(wire, 200, 100, seed=41)
    first, boxes1 = _strips(img[:50], wire)
    second, boxes2 = _strips(img[50:], wire)
    second = [rect(x, y + 50, w, h, HEXTILE, r[12:]) for r, (x, y, w, h) in zip(second, boxes2, strict=True)]
    # A photo strip with raw tiles in the middle of the second update.
    photo = photo_image(wire, 200, 16, seed=42)
    raw_strip = rect(0, 84, 200, 16, HEXTILE, encode_hextile(photo, wire, "raw"))
    second = second[:-2] + [raw_strip]
    img = img.copy()
    img[84:100] = photo
    c = RFBClient()
    c.start_replay(200, 100, PRESETS["rgb888"])
    c.receive_data(fbu(first) + fbu(second))
    updates = [e for e in c.next_events() if isinstance(e, ev.FramebufferUpdated)]
    assert [len(u.damage) for u in updates] == [len(first), len(second)]
    assert [u.rects for u in updates] == [len(first), len(second)]
    assert updates[0].damage == tuple(boxes1)
    assert np.array_equal(c.fb.pixels, expected_fb("rgb888", img))


def test_unknown_subencoding_bits_in_a_later_strip_are_a_protocol_error() -> None:
    wire = Wire("rgb888")
    img = desktop_image(wire, 64, 32, seed=5)
    good = rect(0, 0, 64, 16, HEXTILE, encode_hextile(img[:16], wire))
    bad = rect(0, 16, 16, 16, HEXTILE, bytes([0x40]))
    with pytest.raises(ProtocolError, match="unknown subencoding bits 0x40"):
        decode(fbu([good, bad]), "rgb888", 64, 32)


def test_a_run_ends_at_the_first_rectangle_overlapping_an_earlier_one() -> None:
    from qvmrc.rfb.encodings.hextile_run import first_overlap

    side_by_side = [(0, 0, 10, 10), (10, 0, 5, 5), (0, 10, 3, 3)]  # edges touch only
    assert first_overlap(side_by_side) == 3
    assert first_overlap([(0, 0, 10, 10), (10, 0, 5, 5), (9, 9, 3, 3)]) == 2
    assert first_overlap([(0, 0, 10, 10), (5, 5, 1, 1), (50, 50, 1, 1)]) == 1


def test_corrupted_streams_decode_the_same_whole_or_in_pieces_and_fail_only_as_protocol_errors() -> None:
    """Bulk runs (whole) and the tile-by-tile path (bytes trickling in) agree on any input."""
    from tests.support.encode_basic import client, split

    def outcome(data: bytes, chunks: str | None, seed: int) -> object:
        c = client("rgb888", 160, 64)
        try:
            for part in split(data, chunks, seed):
                c.receive_data(part)
        except ProtocolError:
            return ProtocolError
        return c.fb.pixels.tobytes(), c.buffered

    wire = Wire("rgb888")
    img = desktop_image(wire, 160, 64, seed=51)
    rects, _ = _strips(img, wire, "coloured")
    clean = fbu(rects)
    rng = np.random.default_rng(52)
    kinds = set()
    for i in range(_FUZZ_ROUNDS):
        data = bytearray(clean)
        for _ in range(int(rng.integers(1, 4))):
            data[int(rng.integers(4, len(data)))] = int(rng.integers(0, 256))
        whole = outcome(bytes(data), None, 0)
        assert outcome(bytes(data), "bytes" if i < 15 else "random", i) == whole, i
        kinds.add(whole is ProtocolError)
    assert kinds == {True, False}  # both kinds of corruption occurred


_FUZZ_ROUNDS = 80


@pytest.mark.parametrize("pf", ["rgb888", "rgb565", "bgr233"])
@pytest.mark.parametrize("few", [0, 10**9])  # always the vectorised pass / always slices
def test_both_subrectangle_painters_give_the_same_picture(pf: str, few: int, monkeypatch) -> None:
    """A cursor blink goes through slices, a screen of text through the
    vectorised pass; either must paint every update the same."""
    from qvmrc.rfb.encodings import hextile

    monkeypatch.setattr(hextile, "_FEW_SUBRECTS", few)
    wire = Wire(pf)
    for mode in ("auto", "coloured"):
        img = desktop_image(wire, 120, 50, seed=41)
        rects, _ = _strips(img, wire, mode)
        stream = fbu(rects)
        for chunks in (None, "random"):
            assert np.array_equal(decode(stream, pf, 120, 50, chunks, seed=4), expected_fb(pf, img)), (mode, chunks)
    stream, want = hand_built()  # overlapping coloured subrectangles: the later one wins
    if pf == "rgb888":
        assert np.array_equal(decode(stream, pf, 40, 20), want)


@pytest.mark.parametrize("few", [0, 10**9])
def test_both_subrectangle_painters_refuse_a_subrectangle_outside_its_tile(few: int, monkeypatch) -> None:
    from qvmrc.rfb.encodings import hextile

    monkeypatch.setattr(hextile, "_FEW_SUBRECTS", few)
    wire = Wire("rgb888")
    body = bytes([HX_BG | HX_FG | HX_ANY]) + wire.pixel(1) + wire.pixel(2) + bytes([1])
    body += hextile_subrect(8, 0, 4, 1)
    with pytest.raises(ProtocolError, match=re.escape("4x1+8+0 lies outside its 10x10 tile")):
        decode(fbu([rect(0, 0, 10, 10, HEXTILE, body)]), "rgb888", 16, 16)


@pytest.mark.parametrize("chunk", [53, 4096, 1 << 18])
def test_overlapping_subrects_paint_in_order_across_pixel_chunks(chunk: int, monkeypatch) -> None:
    """Subrectangles paint a bounded chunk of pixels at a time (memory); coloured,
    overlapping ones must still end with the last one on top, chunk boundaries or not."""
    from qvmrc.rfb.encodings import tilecodes

    monkeypatch.setattr(tilecodes, "CHUNK_PIXELS", chunk)
    wire = Wire("rgb888")
    rng = np.random.default_rng(chunk)
    w, h = 64, 32
    want = np.zeros((h, w), np.uint32)
    body = bytearray()
    for ty in range(0, h, 16):
        for tx in range(0, w, 16):
            n = 200
            subs = b""
            for _ in range(n):
                sw, sh = int(rng.integers(1, 17)), int(rng.integers(1, 17))
                sx, sy = int(rng.integers(0, 17 - sw)), int(rng.integers(0, 17 - sh))
                c = int(rng.integers(0, 1 << 24))
                subs += wire.pixel(c) + hextile_subrect(sx, sy, sw, sh)
                want[ty + sy : ty + sy + sh, tx + sx : tx + sx + sw] = c
            body += bytes([HX_BG | HX_ANY | HX_COLOURED]) + wire.pixel(0) + bytes([n]) + subs
    stream = fbu([rect(0, 0, w, h, HEXTILE, bytes(body))])
    for chunks in (None, "random"):
        assert np.array_equal(decode(stream, "rgb888", w, h, chunks, seed=5), want), chunks


def test_a_later_strip_outside_the_screen_is_refused_like_any_rectangle() -> None:
    """A run reads the headers it walks into through the connection's one check."""
    wire = Wire("rgb888")
    img = desktop_image(wire, 64, 32, seed=6)
    good = [rect(0, 0, 64, 16, HEXTILE, encode_hextile(img[:16], wire))] * 40
    outside = rect(60, 16, 16, 16, HEXTILE, encode_hextile(img[16:, :16], wire))
    with pytest.raises(ProtocolError, match=re.escape("hextile rectangle 16x16+60+16 outside the 64x32 screen")):
        decode(fbu([*good, outside]), "rgb888", 64, 32)


def test_the_rectangle_that_ends_a_run_is_decoded_and_counted_once() -> None:
    from qvmrc.rfb import events as ev
    from qvmrc.rfb.encodings import numbers

    wire = Wire("rgb888")
    img = desktop_image(wire, 200, 100, seed=43)
    strips, boxes = _strips(img, wire)
    raw = photo_image(wire, 8, 4, seed=44)  # painted over the first strip, after its subrectangles
    img = img.copy()
    img[:4, :8] = raw
    name = b"after the run"
    rects = [*strips, rect(0, 0, 8, 4, numbers.RAW, wire.pixels(raw)),
             rect(0, 0, 0, 0, numbers.DESKTOP_NAME, len(name).to_bytes(4, "big") + name)]
    c = client("rgb888", 200, 100)
    c.receive_data(fbu(rects))
    events = c.next_events()
    (update,) = [e for e in events if isinstance(e, ev.FramebufferUpdated)]
    assert update.rects == len(rects)
    assert update.encodings == {"hextile": len(strips), "raw": 1, "DesktopName": 1}
    assert update.damage == (*boxes, (0, 0, 8, 4))
    assert c.name == "after the run"
    assert np.array_equal(c.fb.pixels, expected_fb("rgb888", img))
