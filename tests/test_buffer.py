"""ReadBuffer: chunks kept as they came, joined only as far as a read needs."""

from __future__ import annotations

import struct

import numpy as np
import pytest

from qvmrc.rfb.buffer import ReadBuffer

DATA = bytes(range(256)) * 4


def chunked(sizes: list[int]) -> ReadBuffer:
    buf = ReadBuffer()
    i = 0
    for n in sizes:
        buf.feed(DATA[i : i + n])
        i += n
    return buf


@pytest.mark.parametrize("sizes", [[1024], [1] * 40 + [984], [3, 500, 7, 514], [100, 100, 824]])
def test_every_read_sees_the_stream_whatever_the_chunks(sizes: list[int]) -> None:
    buf = chunked(sizes)
    assert buf.available() == 1024
    assert buf.peek_u8(5) == DATA[5]
    assert buf.peek(10, 2) == DATA[2:12]
    assert buf.unpack(struct.Struct(">HI"), 1) == struct.unpack(">HI", DATA[1:7])
    assert buf.read(150) == DATA[:150]
    assert buf.read_u32() == struct.unpack(">I", DATA[150:154])[0]
    assert buf.peek_u32(1) == struct.unpack(">I", DATA[155:159])[0]
    buf.skip(300)  # across chunk ends
    with buf.view(200) as mv:
        assert mv.tobytes() == DATA[454:654]
    assert buf.available() == 1024 - 654
    assert buf.read(370) == DATA[654:]
    assert buf.available() == 0


def test_a_read_that_spans_chunks_leaves_the_rest_of_the_next_one_in_place() -> None:
    buf = chunked([10, 1000, 14])
    assert buf.read(6) == DATA[:6]
    assert buf.read(8) == DATA[6:14]  # joins 4 + 4 bytes, not the 1000-byte chunk
    assert buf.contiguous() == 996  # the rest of that chunk, readable without a copy
    assert np.frombuffer(buf.view(996), np.uint8).tobytes() == DATA[14:1010]
    assert buf.read(14) == DATA[1010:]


def test_reading_past_the_end_is_an_index_error_and_feeding_empty_data_is_harmless() -> None:
    buf = chunked([4, 4])
    buf.feed(b"")
    with pytest.raises(IndexError):
        buf.read(9)
    with pytest.raises(IndexError):
        buf.skip(9)
    assert buf.read(8) == DATA[:8]


def test_fed_bytearrays_are_copied_so_the_caller_may_reuse_them() -> None:
    buf = ReadBuffer()
    scratch = bytearray(b"abcd")
    buf.feed(scratch)
    scratch[:] = b"zzzz"
    assert buf.read(4) == b"abcd"


def test_take_reads_and_consumes_a_struct_across_chunks() -> None:
    buf = ReadBuffer()
    buf.feed(b"\x00\x01\x00")
    buf.feed(b"\x02\xff")
    assert buf.take(struct.Struct(">HH")) == (1, 2)
    assert buf.available() == 1
    assert buf.read(1) == b"\xff"
