"""A hostile VNC server can't make the client grow: memory stays within ~2x of normal use.

Each amplification input runs in a child process (tests/support/hostile.py)
through a real Session with threaded decoding; the child reports its peak
RSS after one normal full-screen update (the baseline) and after the hostile
input. Refusing the input with a ProtocolError is a fine outcome; growing is not.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from qvmrc.rfb import events as ev
from qvmrc.rfb.connection import RFBClient
from qvmrc.rfb.encodings import numbers
from tests.conftest import ROOT
from tests.support.rfbstream import fbu, handshake, rect


def _run(case: str, w: int, h: int) -> dict:
    proc = subprocess.run([sys.executable, "-m", "tests.support.hostile", case, str(w), str(h)],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("case", ["hextile_subrects", "hextile_strips", "rre_small", "bells",
                                  "empty_updates", "zlib_huge_payload", "tiny_rects"])
def test_hostile_input_keeps_a_1080p_console_within_twice_its_normal_rss(case: str) -> None:
    r = _run(case, 1920, 1080)
    assert r["ending"] == "closed" or r["ending"].startswith("ProtocolError"), r
    assert r["peak"] <= 2 * r["baseline"], r
    assert r["peak"] <= 250, r


def test_tight_gradient_keeps_a_4k_console_within_twice_its_normal_rss() -> None:
    r = _run("tight_gradient", 3840, 2160)
    assert r["ending"] == "closed", r
    assert r["peak"] <= 2 * r["baseline"], r


def test_a_flood_of_bells_reaches_the_listener_as_few_bells() -> None:
    r = _run("bells", 1920, 1080)
    assert 1 <= r["bells"] <= 1024, r


def test_the_session_limits_transport_frames_to_about_one_screenful() -> None:
    r = _run("bells", 1920, 1080)
    assert r["frame_limit"] == 4 * 1920 * 1080 + (1 << 20), r


# ------------------------------------------------------------ protocol level


def _client(*, encodings: tuple[str, ...] = numbers.DEFAULT_ENCODINGS, w: int = 32, h: int = 32) -> RFBClient:
    c = RFBClient(encodings=encodings)
    c.receive_data(handshake(width=w, height=h))
    c.next_events()
    c.data_to_send()
    return c


def _drain(c: RFBClient) -> list[ev.Event]:
    out = c.next_events()
    while getattr(c, "more_to_parse", False):
        c.receive_data(b"")
        out += c.next_events()
    return out


def test_an_empty_hextile_rectangle_ending_an_update_completes_it() -> None:
    c = _client()
    c.receive_data(fbu(rect(0, 0, 0, 0, numbers.HEXTILE)))
    assert [type(e) for e in _drain(c)] == [ev.FramebufferUpdated]


def test_a_rectangle_in_an_encoding_the_client_did_not_offer_is_refused() -> None:
    from qvmrc.errors import ProtocolError

    c = _client(encodings=("raw",))
    body = bytes([1]) + bytes(16 * 16 * 4)  # one raw Hextile tile
    with pytest.raises(ProtocolError, match="did not ask for"):
        c.receive_data(fbu(rect(0, 0, 16, 16, numbers.HEXTILE, body)))


def test_a_live_encoding_change_accepts_the_new_choice_and_updates_still_in_flight() -> None:
    from qvmrc.errors import ProtocolError

    c = _client(encodings=("hextile",))
    assert c.set_encoding_preferences(("zrle",), None, None)  # a SetEncodings goes out
    tile = bytes([1]) + bytes(16 * 16 * 4)  # one raw Hextile tile, encoded before the change
    c.receive_data(fbu(rect(0, 0, 16, 16, numbers.HEXTILE, tile)))
    assert any(isinstance(e, ev.FramebufferUpdated) for e in _drain(c))
    with pytest.raises(ProtocolError, match="did not ask for"):  # never offered
        c.receive_data(fbu(rect(0, 0, 16, 16, numbers.RRE, bytes(8))))


def test_raw_is_accepted_even_when_not_offered() -> None:
    c = _client(encodings=("hextile",))
    c.receive_data(fbu(rect(0, 0, 1, 1, numbers.RAW, b"\x01\x02\x03\x00")))
    # (a first painted update without clipboard caps also settles the clipboard mode)
    kinds = [type(e) for e in _drain(c) if not isinstance(e, ev.ClipboardNegotiated)]
    assert kinds == [ev.FramebufferUpdated]
    assert int(c.fb.pixels[0, 0]) == 0x030201


def test_pseudo_encodings_the_client_offered_are_accepted() -> None:
    c = _client(encodings=("raw",))
    c.receive_data(fbu(rect(0, 0, 40, 30, numbers.DESKTOP_SIZE), rect(0, 0, 0, 0, numbers.LAST_RECT), count=2))
    kinds = [type(e) for e in _drain(c)]
    assert ev.DesktopResized in kinds and ev.FramebufferUpdated in kinds


def test_parsing_stops_after_a_bounded_number_of_messages_and_resumes() -> None:
    c = _client()
    c.receive_data(fbu() * 100_000)
    first = c.next_events()
    assert len(first) < 100_000 and c.more_to_parse
    rest = _drain(c)
    assert len(first) + len(rest) == 100_000
    assert not c.more_to_parse and c.buffered == 0


def test_consecutive_bells_become_one_event_per_batch() -> None:
    c = _client()
    c.receive_data(b"\x02" * 100_000)
    events = _drain(c)
    assert 1 <= len(events) <= 100 and all(isinstance(e, ev.Bell) for e in events)
    assert c.buffered == 0


async def test_a_websocket_frame_larger_than_the_set_limit_ends_the_connection() -> None:
    """The session limits frames to about a screenful; a larger one is refused, not buffered."""
    from websockets.asyncio.server import serve

    from qvmrc.errors import ConnectionClosed
    from qvmrc.transport.websocket import WebSocketTransport

    async def handler(ws) -> None:  # type: ignore[no-untyped-def]
        await ws.send(b"x" * 1000)
        await ws.recv()  # the client's go-ahead: its limit is set
        await ws.send(b"y" * (3 << 20))
        await ws.wait_closed()

    async with serve(handler, "127.0.0.1", 0) as server:
        port = server.sockets[0].getsockname()[1]
        t = await WebSocketTransport.open(f"ws://127.0.0.1:{port}/")
        assert await t.recv() == b"x" * 1000
        t.limit_frames(1 << 20)
        await t.send(b"go")
        with pytest.raises(ConnectionClosed, match="exceeds limit"):
            await t.recv()
        await t.close()
