"""The decode/paint hand-over: what a view paints is only ever complete updates.

The decoder (a worker thread) writes the session's framebuffer; the view
paints the session's front buffer, into which each complete update is copied
under the buffer's lock. No test here waits on a clock.
"""

from __future__ import annotations

import asyncio
import threading

import numpy as np
import pytest

from qvmrc import session as session_module
from qvmrc.errors import ConnectionClosed
from qvmrc.frontbuffer import OPAQUE, FrontBuffer
from qvmrc.rfb import events as ev
from qvmrc.rfb.connection import RFBClient
from qvmrc.session import Session, SessionListener, SessionOptions
from tests.support.rfbstream import fbu, handshake, rect

RED, BLUE = 0x00FF0000, 0x000000FF
W, H = 8, 6


def raw(w: int, h: int, colour: int) -> bytes:
    return np.full(w * h, colour, dtype="<u4").tobytes()


# ------------------------------------------------------------ the front buffer


def test_publish_copies_only_the_damage_and_makes_it_opaque():
    src = np.full((H, W), 0x00ABCDEF, dtype=np.uint32)
    front = FrontBuffer(W, H)
    front.publish(src, [(1, 2, 3, 2)])
    assert (front.pixels[2:4, 1:4] == 0xFFABCDEF).all()
    outside = np.ones((H, W), bool)
    outside[2:4, 1:4] = False
    assert (front.pixels[outside] == OPAQUE).all()  # still opaque black


def test_reset_takes_a_whole_new_screen_in_a_new_array():
    front = FrontBuffer(W, H)
    old = front.pixels
    front.reset(np.full((3, 5), RED, dtype=np.uint32))
    assert front.pixels is not old and front.size == (5, 3)
    assert (front.pixels == (RED | 0xFF000000)).all()
    assert (old == OPAQUE).all()  # a view still wrapping the old array sees it unchanged


def test_seed_keeps_an_earlier_picture_only_when_the_size_matches():
    front = FrontBuffer(W, H)
    front.seed(np.full((H, W), BLUE, dtype=np.uint32))
    assert (front.pixels == (BLUE | 0xFF000000)).all()
    front.seed(np.full((2, 2), RED, dtype=np.uint32))
    assert (front.pixels == (BLUE | 0xFF000000)).all()


def test_a_copy_waits_while_the_picture_is_being_painted():
    """A worker's publish never writes while paint holds the picture (deterministic: no sleeps)."""
    front = FrontBuffer(W, H)
    real = front.lock
    trying = threading.Event()

    class SpyLock:
        def __enter__(self):
            trying.set()
            real.acquire()

        def __exit__(self, *exc):
            real.release()

    front.lock = SpyLock()  # type: ignore[assignment]
    src = np.full((H, W), RED, dtype=np.uint32)
    with real:  # what FramePainter.paint holds around drawImage
        seen = front.pixels.copy()
        worker = threading.Thread(target=front.publish, args=(src, [(0, 0, W, H)]))
        worker.start()
        assert trying.wait(30), "publish never asked for the lock"
        # The worker is at (or past) the lock now and cannot get it: the picture is as it was.
        np.testing.assert_array_equal(front.pixels, seen)
    worker.join()
    assert (front.pixels == (RED | 0xFF000000)).all()


# ------------------------------------------------------------ the protocol stops at update ends


def test_the_decoder_stops_at_the_end_of_an_update_when_asked():
    c = RFBClient()
    c.stop_after_update = True
    c.receive_data(handshake(width=W, height=H))
    c.next_events()
    c.data_to_send()
    second = fbu(rect(0, 0, W, H, 0, raw(W, H, BLUE)))
    c.receive_data(fbu(rect(0, 0, W, H, 0, raw(W, H, RED))) + second)
    events = c.next_events()
    assert [type(e) for e in events if isinstance(e, ev.FramebufferUpdated)] == [ev.FramebufferUpdated]
    assert c.more_to_parse
    assert (c.fb.pixels & 0xFFFFFF == RED).all()  # the second update is not begun
    c.receive_data(b"")
    assert (c.fb.pixels & 0xFFFFFF == BLUE).all()


# ------------------------------------------------------------ the session hands over complete updates


class ScriptedTransport:
    """Hands the session the chunks a test puts in ``chunks``; None ends the connection."""

    description = "scripted"

    def __init__(self) -> None:
        self.chunks: asyncio.Queue[bytes | None] = asyncio.Queue()

    async def recv(self) -> bytes:
        data = await self.chunks.get()
        if data is None:
            raise ConnectionClosed("the test ended the stream")
        return data

    async def send(self, data: bytes) -> None: ...

    async def close(self) -> None:
        self.chunks.put_nowait(None)


class Watcher(SessionListener):
    def __init__(self, session_ref) -> None:
        self.session_ref = session_ref
        self.fronts: list[FrontBuffer] = []
        self.painted: list[np.ndarray] = []  # what a view would paint at each update
        self.decoder: list[np.ndarray] = []  # what the decoder's array held meanwhile
        self.updates = asyncio.Queue()

    def frame_changed(self, front: FrontBuffer) -> None:
        self.fronts.append(front)

    def framebuffer_updated(self, update: ev.FramebufferUpdated) -> None:
        s = self.session_ref()
        with self.fronts[-1].reading() as pixels:
            self.painted.append(pixels.copy())
        self.decoder.append(s.conn.fb.pixels.copy())
        self.updates.put_nowait(update)


@pytest.mark.parametrize("threaded", [False, True], ids=["inline", "worker-thread"])
async def test_the_view_is_handed_only_complete_updates(monkeypatch, threaded):
    transport = ScriptedTransport()

    async def open_scripted(*_a, **_k):
        return transport

    monkeypatch.setattr(session_module, "open_transport", open_scripted)
    monkeypatch.setattr(session_module, "THREAD_THRESHOLD", 0 if threaded else 1 << 30)
    s = Session("vnc://scripted", SessionOptions(front_buffer=True, threaded_decode=threaded))
    w = Watcher(lambda: s)
    s.listener = w
    task = asyncio.create_task(s.run())
    # Update 1 complete, and in the same chunk half of update 2 (its rectangle cut in the middle).
    second = fbu(rect(0, 0, W, H, 0, raw(W, H, BLUE)))
    half = len(second) - 4 * W * H // 2
    transport.chunks.put_nowait(handshake(width=W, height=H) + fbu(rect(0, 0, W, H, 0, raw(W, H, RED)))
                                + second[:half])
    await asyncio.wait_for(w.updates.get(), 30)
    assert len(w.fronts) == 1 and w.fronts[0] is s.front
    assert (w.painted[0] == (RED | 0xFF000000)).all()
    assert not np.shares_memory(s.front.pixels, s.conn.fb.pixels)
    # Now the decoder holds half of update 2; the picture must not.
    while not (s.conn.fb.pixels[0, 0] & 0xFFFFFF == BLUE):
        await asyncio.sleep(0)  # the session parses the rest of the chunk
    with s.front.reading() as pixels:
        assert (pixels == (RED | 0xFF000000)).all()
    transport.chunks.put_nowait(second[half:])
    await asyncio.wait_for(w.updates.get(), 30)
    assert (w.painted[1] == (BLUE | 0xFF000000)).all()
    await s.close()
    await asyncio.gather(task, return_exceptions=True)


async def test_a_resize_hands_the_view_a_new_picture_once(monkeypatch):
    transport = ScriptedTransport()

    async def open_scripted(*_a, **_k):
        return transport

    monkeypatch.setattr(session_module, "open_transport", open_scripted)
    s = Session("vnc://scripted", SessionOptions(front_buffer=True, threaded_decode=False))
    w = Watcher(lambda: s)
    s.listener = w
    task = asyncio.create_task(s.run())
    transport.chunks.put_nowait(handshake(width=W, height=H) + fbu(rect(0, 0, W, H, 0, raw(W, H, RED))))
    await asyncio.wait_for(w.updates.get(), 30)
    transport.chunks.put_nowait(fbu(rect(0, 0, 5, 4, -223), rect(0, 0, 5, 4, 0, raw(5, 4, BLUE))))
    await asyncio.wait_for(w.updates.get(), 30)
    assert len(w.fronts) == 2 and w.fronts[1] is s.front  # connect, then the resize: once
    assert s.front.size == (5, 4)
    assert (w.painted[-1] == (BLUE | 0xFF000000)).all()
    await s.close()
    await asyncio.gather(task, return_exceptions=True)


async def test_a_session_without_a_view_keeps_no_front_buffer():
    s = Session("vnc://127.0.0.1:1", SessionOptions())
    assert s.front is None
