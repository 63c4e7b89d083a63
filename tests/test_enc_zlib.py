"""Zlib decoding through RFBClient: one persistent stream, any chunking, bad input."""

from __future__ import annotations

import struct
import zlib

import numpy as np
import pytest

from qvmrc.errors import ProtocolError
from qvmrc.rfb.encodings.base import MAX_RECT_PAYLOAD
from tests.support.encode_basic import (
    ZLIB,
    Wire,
    ZlibEncoder,
    client,
    decode,
    desktop_image,
    expected_fb,
    fbu,
    photo_image,
    rect,
    split,
)

FORMATS = ["rgb888", "bgr888", "rgb565", "bgr233"]


@pytest.mark.parametrize("pf", FORMATS)
@pytest.mark.parametrize("chunks", [None, "bytes", "random"])
def test_rectangles_over_several_updates_share_one_stream(pf: str, chunks: str | None) -> None:
    wire = Wire(pf)
    img = desktop_image(wire, 70, 50, seed=1)
    img[25:, 35:] = photo_image(wire, 35, 25)
    enc = ZlibEncoder()
    first = fbu([rect(0, 0, 35, 25, ZLIB, enc.encode(img[:25, :35], wire)),
                 rect(35, 0, 35, 25, ZLIB, enc.encode(img[:25, 35:], wire))])
    second = fbu([rect(0, 25, 70, 25, ZLIB, enc.encode(img[25:], wire))])
    third = fbu([rect(0, 0, 35, 25, ZLIB, enc.encode(img[:25, :35], wire))])
    got = decode(first + second + third, pf, 70, 50, chunks, seed=11)
    assert np.array_equal(got, expected_fb(pf, img))


def test_repeated_content_relies_on_the_stream_history() -> None:
    """The second copy compresses to back-references: only a persistent
    inflater can decode it."""
    wire = Wire("rgb888")
    img = photo_image(wire, 40, 30)
    enc = ZlibEncoder()
    a = enc.encode(img, wire)
    b = enc.encode(img, wire)
    assert len(b) < len(a) // 4
    c = client("rgb888", 40, 30)
    c.receive_data(fbu([rect(0, 0, 40, 30, ZLIB, a)]))
    c.fb.pixels[:] = 0
    c.receive_data(fbu([rect(0, 0, 40, 30, ZLIB, b)]))
    assert np.array_equal(c.fb.pixels, expected_fb("rgb888", img))


def test_empty_rectangle_with_a_flush_only_payload() -> None:
    enc = ZlibEncoder()
    wire = Wire("rgb888")
    img = desktop_image(wire, 32, 32)
    stream = fbu([rect(0, 0, 0, 0, ZLIB, enc.deflate(b"")),
                  rect(0, 0, 32, 32, ZLIB, enc.encode(img, wire))])
    assert np.array_equal(decode(stream, "rgb888", 32, 32, "bytes"), expected_fb("rgb888", img))


def test_incomplete_payload_waits() -> None:
    wire = Wire("rgb565")
    img = desktop_image(wire, 40, 40)
    stream = fbu([rect(0, 0, 40, 40, ZLIB, ZlibEncoder().encode(img, wire))])
    c = client("rgb565", 40, 40)
    c.receive_data(stream[:-1])
    assert not c.next_events()
    c.receive_data(stream[-1:])
    assert np.array_equal(c.fb.pixels, expected_fb("rgb565", img))


def bad(body: bytes, w: int = 8, h: int = 8) -> None:
    stream = fbu([rect(0, 0, w, h, ZLIB, body)])
    for chunks in (None, "bytes"):
        c = client("rgb888", 16, 16)
        with pytest.raises(ProtocolError):
            for part in split(stream, chunks):
                c.receive_data(part)


def test_oversized_length_is_a_protocol_error() -> None:
    bad(struct.pack(">I", MAX_RECT_PAYLOAD + 1))


def test_garbage_zlib_data_is_a_protocol_error() -> None:
    bad(struct.pack(">I", 8) + b"notzlib!")


def test_truncated_zlib_data_is_a_protocol_error() -> None:
    data = zlib.compress(np.random.default_rng(0).bytes(8 * 8 * 4))
    bad(struct.pack(">I", 100) + data[:100])


def test_too_little_pixel_data_is_a_protocol_error() -> None:
    bad(ZlibEncoder().deflate(bytes(8 * 8 * 4 - 4)))


def test_too_much_pixel_data_is_a_protocol_error() -> None:
    bad(ZlibEncoder().deflate(bytes(8 * 8 * 4 + 4)))


def test_empty_rectangle_that_inflates_to_data_is_a_protocol_error() -> None:
    bad(ZlibEncoder().deflate(b"xyz"), 0, 0)


def _zlib_rect(stream, img, x=0, y=0):
    import struct

    comp = stream.compress(img.astype("<u4").tobytes()) + stream.flush(2)  # Z_SYNC_FLUSH
    h, w = img.shape
    return struct.pack(">HHHHi", x, y, w, h, 6) + struct.pack(">I", len(comp)) + comp


def test_large_rectangles_inflate_in_bands_exactly():
    import struct
    import zlib as zl

    import numpy as np

    from qvmrc.rfb.connection import RFBClient
    from qvmrc.rfb.pixelformat import PRESETS

    rng = np.random.default_rng(3)
    a = rng.integers(0, 1 << 24, size=(300, 400), dtype=np.uint32)
    b = rng.integers(0, 1 << 24, size=(250, 500), dtype=np.uint32)
    enc = zl.compressobj()
    stream = struct.pack(">BxH", 0, 2) + _zlib_rect(enc, a, 0, 0) + _zlib_rect(enc, b, 100, 300)
    for step in (len(stream), 4096):
        c = RFBClient()
        c.start_replay(640, 560, PRESETS["rgb888"])
        for i in range(0, len(stream), step):
            c.receive_data(stream[i : i + step])
        assert np.array_equal(c.fb.pixels[:300, :400], a)
        assert np.array_equal(c.fb.pixels[300:550, 100:600], b)


def test_large_rectangle_with_extra_inflated_data_is_refused():
    import struct
    import zlib as zl

    import numpy as np
    import pytest

    from qvmrc.errors import ProtocolError
    from qvmrc.rfb.connection import RFBClient
    from qvmrc.rfb.pixelformat import PRESETS

    img = np.zeros((300, 400), dtype=np.uint32)
    enc = zl.compressobj()
    comp = enc.compress(img.tobytes() + b"\x01" * 64) + enc.flush(2)
    body = struct.pack(">HHHHi", 0, 0, 400, 300, 6) + struct.pack(">I", len(comp)) + comp
    c = RFBClient()
    c.start_replay(400, 300, PRESETS["rgb888"])
    with pytest.raises(ProtocolError, match="more than"):
        c.receive_data(struct.pack(">BxH", 0, 1) + body)
