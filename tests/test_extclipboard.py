"""Extended Clipboard as rfbproto specifies it and QEMU speaks it: UTF-8 both ways,
caps answered, notify -> request -> provide, Latin-1 when the server has no caps,
and hostile sizes refused before anything large is allocated."""

from __future__ import annotations

import logging
import struct
import tracemalloc
import zlib

import pytest

from qvmrc.errors import ProtocolError
from qvmrc.rfb import events as ev
from qvmrc.rfb import extclipboard as ec
from qvmrc.rfb.connection import RFBClient
from tests.support.rfbstream import fbu, handshake, rect

UTF8 = "✓ 日本 ü\nzwei"
UTF8_WIRE = "✓ 日本 ü\r\nzwei".encode() + b"\0"  # CRLF and the NUL the spec asks for

# What QEMU 7.2 sends after SetEncodings: text + caps/request/notify/provide, size 0.
QEMU_CAPS = bytes([3, 0, 0, 0]) + struct.pack(">iII", -8, 0x1B000001, 0)
# Our answer: text + caps/request/peek/notify/provide, unsolicited size 0.
OUR_CAPS = bytes([6, 0, 0, 0]) + struct.pack(">iII", -8, 0x1F000001, 0)
NOTIFY_TEXT = struct.pack(">BxxxiI", 6, -4, 0x08000001)
REQUEST_TEXT = struct.pack(">BxxxiI", 6, -4, 0x02000001)
RAW_RECT = rect(0, 0, 1, 1, 0, b"\x00\x00\xff\x00")


def server_msg(flags: int, body: bytes = b"") -> bytes:
    return struct.pack(">BxxxiI", 3, -(4 + len(body)), flags) + body


def server_provide(text_bytes: bytes, flags: int = ec.PROVIDE | ec.TEXT) -> bytes:
    return server_msg(flags, zlib.compress(struct.pack(">I", len(text_bytes)) + text_bytes))


def connected(**kw) -> RFBClient:
    c = RFBClient(**kw)
    c.receive_data(handshake(width=4, height=3))
    c.next_events()
    c.data_to_send()
    return c


def feed_split(stream: bytes, **kw) -> list[tuple[list, bytes]]:
    """Each way of cutting ``stream`` in two, fed to a fresh client: (events, bytes sent)."""
    results = []
    for cut in range(len(stream) + 1):
        c = connected(**kw)
        c.receive_data(stream[:cut])
        c.receive_data(stream[cut:])
        results.append((c.next_events(), c.data_to_send()))
    return results


def test_set_encodings_announces_the_pseudo_encoding_only_when_wanted():
    assert ec.PSEUDO_ENCODING == struct.unpack(">i", bytes.fromhex("C0A1E5CE"))[0]
    assert ec.PSEUDO_ENCODING in RFBClient().encoding_list()
    assert ec.PSEUDO_ENCODING not in RFBClient(extended_clipboard=False).encoding_list()


def test_qemus_caps_are_answered_with_ours_and_switch_to_utf8_at_every_split():
    for events, out in feed_split(QEMU_CAPS):
        assert events == [ev.ClipboardNegotiated(True)]
        assert out == OUR_CAPS


def test_text_copied_before_the_caps_is_announced_right_after_them():
    c = connected()
    assert c.client_cut_text(UTF8) == b""  # not known yet what the server takes
    c.receive_data(QEMU_CAPS)
    assert c.data_to_send() == OUR_CAPS + NOTIFY_TEXT
    assert c.client_cut_text("again") == NOTIFY_TEXT


def test_a_request_is_answered_with_the_announced_text_as_utf8_crlf_nul_in_zlib():
    c = connected()
    c.receive_data(QEMU_CAPS)
    c.data_to_send()
    c.client_cut_text(UTF8)
    for cut in range(9):
        req = server_msg(ec.REQUEST | ec.TEXT)
        c.receive_data(req[:cut])
        c.receive_data(req[cut:])
        out = c.data_to_send()
        kind, length, flags = struct.unpack(">BxxxiI", out[:12])
        assert (kind, flags) == (6, ec.PROVIDE | ec.TEXT)
        assert -length == len(out) - 8
        assert zlib.decompress(out[12:]) == struct.pack(">I", len(UTF8_WIRE)) + UTF8_WIRE


def test_repeated_requests_get_the_same_provide_and_new_text_a_new_one():
    c = connected()
    c.receive_data(QEMU_CAPS)
    c.client_cut_text("eins")
    req = server_msg(ec.REQUEST | ec.TEXT)
    c.data_to_send()
    c.receive_data(req + req)
    out = c.data_to_send()
    assert out[: len(out) // 2] == out[len(out) // 2 :]
    c.client_cut_text("zwei")
    c.receive_data(req)
    assert zlib.decompress(c.data_to_send()[12:]).endswith(b"zwei\0")


def test_a_request_with_nothing_announced_gets_an_empty_provide():
    c = connected()
    c.receive_data(QEMU_CAPS + server_msg(ec.REQUEST | ec.TEXT))
    out = c.data_to_send()[len(OUR_CAPS):]
    assert struct.unpack(">BxxxiI", out[:12])[2] == ec.PROVIDE
    assert zlib.decompress(out[12:]) == b""


def test_a_notify_with_text_is_answered_with_a_request_and_the_provide_becomes_text():
    stream = QEMU_CAPS + server_msg(ec.NOTIFY | ec.TEXT) + server_provide(UTF8_WIRE)
    for events, out in feed_split(stream):
        assert events == [ev.ClipboardNegotiated(True), ev.ServerCutText(UTF8)]
        assert out == OUR_CAPS + REQUEST_TEXT


def test_a_notify_without_text_requests_nothing():
    c = connected()
    c.receive_data(QEMU_CAPS + server_msg(ec.NOTIFY))
    assert c.data_to_send() == OUR_CAPS


def test_a_peek_is_answered_with_what_is_available():
    c = connected()
    c.receive_data(QEMU_CAPS + server_msg(ec.PEEK))
    assert c.data_to_send() == OUR_CAPS + struct.pack(">BxxxiI", 6, -4, ec.NOTIFY)
    c.client_cut_text("x")
    c.receive_data(server_msg(ec.PEEK))
    assert c.data_to_send() == NOTIFY_TEXT


def test_a_provide_ending_in_a_sync_flush_as_tigervnc_sends_it_is_accepted():
    z = zlib.compressobj()
    body = z.compress(struct.pack(">I", len(UTF8_WIRE)) + UTF8_WIRE) + z.flush(zlib.Z_SYNC_FLUSH)
    c = connected()
    c.receive_data(QEMU_CAPS + server_msg(ec.PROVIDE | ec.TEXT, body))
    assert c.next_events()[-1] == ev.ServerCutText(UTF8)


def test_provided_text_that_is_not_utf8_is_read_as_the_latin1_qemu_relayed():
    c = connected()
    c.receive_data(QEMU_CAPS + server_provide(b"caf\xe9"))
    assert c.next_events()[-1] == ev.ServerCutText("café")


def test_latin1_cut_text_still_works_on_an_extended_connection():
    c = connected()
    c.receive_data(QEMU_CAPS + bytes([3, 0, 0, 0]) + struct.pack(">I", 4) + b"caf\xe9")
    assert c.next_events()[-1] == ev.ServerCutText("café")


def test_without_caps_the_first_painted_update_falls_back_to_latin1():
    ack_only = fbu(rect(0, 0, 4, 3, -258))  # QEMU's extended key ack paints nothing
    for events, _out in feed_split(ack_only + fbu(RAW_RECT)):
        assert ev.ClipboardNegotiated(False) in events
    c = connected()
    c.client_cut_text("✓ café\r\nx")
    c.receive_data(ack_only)
    assert c.extended_clipboard is None
    assert b"caf" not in c.data_to_send()
    c.receive_data(fbu(RAW_RECT))
    assert c.extended_clipboard is False
    assert c.data_to_send().startswith(bytes([6, 0, 0, 0, 0, 0, 0, 8]) + b"? caf\xe9\nx")
    assert c.client_cut_text("ü") == bytes([6, 0, 0, 0, 0, 0, 0, 1]) + b"\xfc"


def test_caps_after_a_painted_update_still_switch_to_utf8():
    c = connected()
    c.receive_data(fbu(RAW_RECT))
    assert c.extended_clipboard is False
    c.receive_data(QEMU_CAPS)
    assert c.extended_clipboard is True
    assert c.client_cut_text("ü") == NOTIFY_TEXT


def test_a_server_whose_caps_lack_text_gets_latin1():
    c = connected()
    c.receive_data(server_msg(ec.CAPS | ec.RTF | ec.NOTIFY, struct.pack(">I", 0)))
    assert c.next_events() == [ev.ClipboardNegotiated(False)]
    assert c.client_cut_text("a")[:8] == bytes([6, 0, 0, 0, 0, 0, 0, 1])


def test_without_the_option_cut_text_is_latin1_at_once_and_caps_are_not_answered():
    c = connected(extended_clipboard=False)
    assert c.client_cut_text("a") == bytes([6, 0, 0, 0, 0, 0, 0, 1]) + b"a"
    c.receive_data(QEMU_CAPS)
    assert c.data_to_send() == b"" and c.extended_clipboard is False


def test_local_text_longer_than_a_server_takes_is_not_announced():
    c = connected()
    c.receive_data(QEMU_CAPS)
    assert c.client_cut_text("x" * ec.MAX_SEND) == b""
    assert c.client_cut_text("x" * (ec.MAX_SEND - 1)) == NOTIFY_TEXT


def test_a_provide_that_would_not_compress_below_qemus_limit_carries_no_text(monkeypatch):
    monkeypatch.setattr(ec, "MAX_SEND_MESSAGE", 40)
    assert struct.unpack(">BxxxiI", ec.provide_text(b"short\0")[:12])[2] == ec.PROVIDE | ec.TEXT
    big = ec.provide_text(bytes(range(32, 127)) + b"\0")
    assert struct.unpack(">BxxxiI", big[:12])[2] == ec.PROVIDE
    assert zlib.decompress(big[12:]) == b""


def test_while_sharing_is_off_nothing_is_requested_and_offered_text_is_withdrawn():
    c = connected()
    c.receive_data(QEMU_CAPS)
    c.client_cut_text("geteilt")
    c.data_to_send()
    assert c.set_clipboard_shared(False) == struct.pack(">BxxxiI", 6, -4, ec.NOTIFY)
    assert c.set_clipboard_shared(False) == b""  # nothing left to withdraw
    c.receive_data(server_msg(ec.NOTIFY | ec.TEXT) + server_msg(ec.REQUEST | ec.TEXT))
    out = c.data_to_send()
    assert REQUEST_TEXT not in out
    assert zlib.decompress(out[12:]) == b""  # the request gets no text
    assert c.set_clipboard_shared(True) == b""
    c.receive_data(server_msg(ec.NOTIFY | ec.TEXT))
    assert c.data_to_send() == REQUEST_TEXT


def test_after_someone_elses_copy_our_text_is_neither_provided_nor_withdrawn():
    c = connected()
    c.receive_data(QEMU_CAPS)
    c.client_cut_text("meins")
    c.receive_data(server_msg(ec.NOTIFY | ec.TEXT))
    assert c.server_clipboard_formats == ec.TEXT
    c.data_to_send()
    assert c.set_clipboard_shared(False) == b""
    c.receive_data(server_msg(ec.PEEK))
    assert c.data_to_send() == struct.pack(">BxxxiI", 6, -4, ec.NOTIFY)


# ------------------------------------------------------------- hostile servers

def test_a_huge_length_is_refused_before_its_bytes_arrive():
    c = connected()
    with pytest.raises(ProtocolError, match="clipboard message of"):
        c.receive_data(struct.pack(">Bxxxi", 3, -(ec.MAX_MESSAGE + 1)))


def test_a_zlib_bomb_is_dropped_without_inflating_it_and_the_stream_goes_on(caplog):
    bomb = zlib.compress(struct.pack(">I", 200 << 20) + bytes(200 << 20), 9)
    c = connected()
    c.receive_data(QEMU_CAPS)
    c.next_events()
    tracemalloc.start()
    try:
        with caplog.at_level(logging.WARNING):
            c.receive_data(server_msg(ec.PROVIDE | ec.TEXT, bomb) + bytes([2]))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert c.next_events() == [ev.Bell()]
    assert peak < 3 * ec.MAX_DATA
    assert "inflates to more than" in caplog.text


@pytest.mark.parametrize("payload,why", [
    (b"\x10\x00", "shorter than its 4-byte flags"),
    (struct.pack(">I", ec.CAPS | ec.TEXT | ec.HTML) + struct.pack(">I", 0), "caps for 2 formats"),
    (struct.pack(">I", ec.PROVIDE | ec.TEXT) + b"not zlib", "not a valid zlib"),
    (struct.pack(">I", ec.PROVIDE | ec.TEXT) + zlib.compress(b"\0\0\0\x09abcdefghi")[:-6], "claims 9"),
    (struct.pack(">I", ec.PROVIDE | ec.TEXT) + zlib.compress(struct.pack(">I", 99) + b"abc"), "claims 99"),
    (struct.pack(">I", ec.PROVIDE | ec.TEXT) + zlib.compress(b"\0\0"), "no size"),
])
def test_malformed_messages_are_dropped_with_a_reason_and_the_stream_stays_in_step(payload, why, caplog):
    c = connected()
    with caplog.at_level(logging.WARNING):
        c.receive_data(struct.pack(">Bxxxi", 3, -len(payload)) + payload + bytes([2]))
    assert c.next_events() == [ev.Bell()]
    assert why in caplog.text


def test_decode_and_encode_follow_the_spec_line_ends():
    assert ec.encode_text("a\nb\r\nc\rd") == b"a\r\nb\r\nc\r\nd\0"
    assert ec.decode_text(b"a\r\nb\rc\0trailing junk") == "a\nb\nc"


def test_random_payloads_only_ever_give_a_message_or_bad_message():
    import random

    rng = random.Random(14)
    actions = [ec.CAPS, ec.REQUEST, ec.PEEK, ec.NOTIFY, ec.PROVIDE, 0]
    for _ in range(3000):
        flags = rng.choice(actions) | rng.getrandbits(16)
        body = rng.randbytes(rng.randrange(0, 80))
        if flags & ec.PROVIDE and rng.random() < 0.5:
            body = zlib.compress(body)[: rng.randrange(0, len(body) + 12)]
        try:
            msg = ec.parse(struct.pack(">I", flags) + body)
        except ec.BadMessage:
            continue
        assert msg.flags == flags
        assert msg.text is None or isinstance(msg.text, str)
