"""The session driver: states, input on the wire, recording, password prompts."""

from __future__ import annotations

import asyncio

import pytest

from qvmrc.demo import DemoServer
from qvmrc.errors import AuthenticationError, TransportError
from qvmrc.rfb import events as ev
from qvmrc.rfb.fbs import read_fbs, read_sidecar
from qvmrc.session import Session, SessionListener, SessionOptions, SessionState, backoff_delays


class Recorder(SessionListener):
    def __init__(self) -> None:
        self.states: list[SessionState] = []
        self.updates: list[ev.FramebufferUpdated] = []
        self.first = asyncio.Event()
        self.password_asked = 0
        self.password: str | None = None

    def state_changed(self, state, detail):
        self.states.append(state)

    def framebuffer_updated(self, update):
        self.updates.append(update)
        if update.damage:
            self.first.set()

    async def password_needed(self):
        self.password_asked += 1
        return self.password


async def run_until(session: Session, cond, timeout: float = 10.0) -> asyncio.Task:
    task = asyncio.create_task(session.run())
    deadline = asyncio.get_running_loop().time() + timeout
    while not cond():
        if task.done():
            task.result()
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.02)
    return task


async def stop(session: Session, task: asyncio.Task) -> None:
    await session.close()
    await asyncio.gather(task, return_exceptions=True)


async def test_states_go_connecting_authenticating_connected_then_closed():
    async with DemoServer() as demo:
        rec = Recorder()
        s = Session(f"vnc://127.0.0.1:{demo.port}", SessionOptions(), rec)
        task = await run_until(s, rec.first.is_set)
        await stop(s, task)
        assert rec.states[:3] == [SessionState.CONNECTING, SessionState.AUTHENTICATING, SessionState.CONNECTED]
        assert rec.states[-1] == SessionState.DISCONNECTED
        assert s.stats.updates >= 1 and s.stats.bytes_received > 0
        assert s.stats.server_name == "QVMRC demo VM"


async def test_keys_and_pointer_reach_the_server():
    async with DemoServer() as demo:
        rec = Recorder()
        s = Session(f"vnc://127.0.0.1:{demo.port}", SessionOptions(), rec)
        task = await run_until(s, rec.first.is_set)
        for ch in "hi":
            s.key_event(ord(ch), True)
            s.key_event(ord(ch), False)
        s.pointer_event(100, 50, 1)
        await run_until_value(lambda: demo.typed_text.endswith("hi") and demo.pointer[:2] == (100, 50))
        await stop(s, task)


async def run_until_value(cond, timeout: float = 5.0) -> None:
    for _ in range(int(timeout / 0.02)):
        if cond():
            return
        await asyncio.sleep(0.02)
    raise AssertionError("condition never became true")


async def test_relative_button_change_without_motion_is_still_sent():
    sent: list[bytes] = []
    s = Session("vnc://127.0.0.1:1")
    s.state = SessionState.CONNECTED
    from qvmrc.rfb.connection import RFBClient

    s.conn = RFBClient()
    s._send = sent.append  # type: ignore[method-assign]
    s.relative_pointer_event(0, 0, 1)
    s.relative_pointer_event(70000, 0, 0)
    assert sent[0] == bytes([5, 1, 0x7F, 0xFF, 0x7F, 0xFF])
    assert len(sent) == 4  # 70000 = 32767 + 32767 + 4466


async def test_password_prompt_is_used_when_none_is_known():
    async with DemoServer(password="pw") as demo:
        rec = Recorder()
        rec.password = "pw"
        s = Session(f"vnc://127.0.0.1:{demo.port}", SessionOptions(), rec)
        task = await run_until(s, rec.first.is_set)
        await stop(s, task)
        assert rec.password_asked == 1


async def test_declined_password_prompt_is_an_authentication_error():
    async with DemoServer(password="pw") as demo:
        s = Session(f"vnc://127.0.0.1:{demo.port}", SessionOptions(), Recorder())
        with pytest.raises(AuthenticationError):
            await asyncio.wait_for(s.run(), 10)
        assert s.state is SessionState.FAILED


async def test_refused_connection_is_a_transport_error():
    from tests.support.servers import free_port

    s = Session(f"vnc://127.0.0.1:{free_port()}", SessionOptions(timeout=3))
    with pytest.raises(TransportError, match="cannot connect"):
        await s.run()


async def test_recording_keeps_every_server_byte_and_the_pixel_format(tmp_path):
    async with DemoServer() as demo:
        rec = Recorder()
        s = Session(f"vnc://127.0.0.1:{demo.port}", SessionOptions(pixel_format="rgb565"), rec)
        path = str(tmp_path / "r.fbs")
        s.start_recording(path)
        task = await run_until(s, rec.first.is_set)
        await stop(s, task)
    with open(path, "rb") as fh:
        data = b"".join(d for d, _ in read_fbs(fh))
    assert data.startswith(b"RFB 003.008\n")
    assert len(data) == s.stats.bytes_received
    side = read_sidecar(path)
    assert side and side["pixel_format"]["bits_per_pixel"] == 16


def test_backoff_grows_exponentially_with_jitter_and_a_cap():
    gen = backoff_delays(base=1, factor=2, cap=8, jitter=0.25, rng=lambda: 1.0)
    assert [round(next(gen), 3) for _ in range(6)] == [1.25, 2.5, 5.0, 10.0, 10.0, 10.0]
    gen = backoff_delays(base=1, factor=2, cap=8, jitter=0.25, rng=lambda: 0.0)
    assert [next(gen) for _ in range(2)] == [0.75, 1.5]


async def test_a_server_that_never_finishes_the_handshake_is_an_error_not_a_hang():
    async def silent(reader, writer):
        await asyncio.sleep(30)

    srv = await asyncio.start_server(silent, "127.0.0.1", 0)
    port = srv.sockets[0].getsockname()[1]
    async with srv:
        s = Session(f"vnc://127.0.0.1:{port}", SessionOptions(timeout=0.5))
        with pytest.raises(TransportError, match="handshake"):
            await asyncio.wait_for(s.run(), 5)
        assert s.state is SessionState.FAILED
