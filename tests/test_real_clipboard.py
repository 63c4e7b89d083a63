"""UTF-8 clipboard against real servers (Extended Clipboard), Latin-1 where it is off.

QEMU makes every VNC client that announces Extended Clipboard a peer of its own
clipboard and relays text between its peers, so two sessions on one QEMU prove
both directions without a guest agent. TigerVNC's Xvnc 1.12 offers Extended
Clipboard too; an X client holding or reading CLIPBOARD proves both directions
there, and a session without the extension shows Xvnc's Latin-1 fallback.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import pytest

from qvmrc.session import Session, SessionListener, SessionOptions
from tests.conftest import needs_qemu, needs_xvnc
from tests.support import servers, xclipboard

pytestmark = pytest.mark.real

TEXT = "✓ 日本 ü\nzwei"


class Clipboard(SessionListener):
    def __init__(self) -> None:
        self.texts: list[str] = []

    def clipboard(self, text: str) -> None:
        self.texts.append(text)


async def until(cond: Callable[[], bool], guard: float = 20.0) -> None:
    """Wait for real round trips; the guard only stops a hang."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + guard
    while not cond():
        if loop.time() > deadline:
            raise AssertionError("condition never became true")
        await asyncio.sleep(0.01)


@asynccontextmanager
async def session(url: str, **options: object) -> AsyncIterator[tuple[Session, Clipboard]]:
    listener = Clipboard()
    s = Session(url, SessionOptions(**options), listener)  # type: ignore[arg-type]
    task = asyncio.create_task(s.run())
    try:
        await asyncio.wait_for(s.wait_connected(), 30)
        # The clipboard is settled once the caps (or a painted update without them) arrived.
        await until(lambda: s.conn is not None and s.conn.extended_clipboard is not None)
        yield s, listener
    finally:
        await s.close()
        await asyncio.gather(task, return_exceptions=True)


@pytest.fixture(scope="module")
def qemu_server():
    with servers.qemu(width=640, height=480, still=False) as srv, servers.websockify(srv.port) as ws_url:
        yield srv, ws_url


@needs_qemu
def test_two_sessions_on_one_qemu_exchange_utf8_both_ways(qemu_server):
    srv, ws_url = qemu_server

    async def scenario() -> None:
        # One through websockify (the control plane's proxy stand-in), one direct.
        async with session(ws_url) as (a, got_a), session(srv.url) as (b, got_b):
            assert a.conn is not None and a.conn.extended_clipboard is True
            assert b.conn is not None and b.conn.extended_clipboard is True
            a.client_cut_text(TEXT)
            await until(lambda: got_b.texts == [TEXT])
            b.client_cut_text("zurück: ✓ 日本")
            await until(lambda: got_a.texts == ["zurück: ✓ 日本"])

    asyncio.run(scenario())


@needs_qemu
def test_text_a_latin1_client_gives_qemu_reaches_an_extended_client(qemu_server):
    srv, _ = qemu_server

    async def scenario() -> None:
        async with session(srv.url) as (_, got), session(srv.url, extended_clipboard=False) as (old, _):
            assert old.conn is not None and old.conn.extended_clipboard is False
            old.client_cut_text("café\nbar")  # QEMU relays the Latin-1 bytes as they came
            await until(lambda: got.texts == ["café\nbar"])

    asyncio.run(scenario())


@pytest.fixture(scope="module")
def xvnc_server():
    with servers.xvnc(320, 200) as srv:
        yield srv


@needs_xvnc
def test_xvnc_offers_extended_clipboard_and_utf8_goes_both_ways(xvnc_server):
    srv = xvnc_server

    async def scenario() -> None:
        async with session(srv.url) as (s, got):
            assert s.conn is not None and s.conn.extended_clipboard is True
            s.client_cut_text(TEXT)
            await s.flush()
            # The X client's paste makes Xvnc request the text from us while we run.
            pasted = await asyncio.to_thread(xclipboard.read, srv.env)
            assert pasted == TEXT
            with xclipboard.owned(srv.env, "aus X: ✓ 日本\nzwei"):
                await until(lambda: "aus X: ✓ 日本\nzwei" in got.texts)

    asyncio.run(scenario())


@needs_xvnc
def test_without_extended_clipboard_xvnc_gets_and_gives_latin1(xvnc_server):
    srv = xvnc_server

    async def scenario() -> None:
        async with session(srv.url, extended_clipboard=False) as (s, got):
            assert s.conn is not None and s.conn.extended_clipboard is False
            s.client_cut_text(TEXT)
            await s.flush()
            pasted = await asyncio.to_thread(xclipboard.read, srv.env)
            assert pasted == "? ?? ü\nzwei"
            with xclipboard.owned(srv.env, "aus X: ✓ ü\nzwei"):
                await until(lambda: "aus X: ? ü\nzwei" in got.texts)

    asyncio.run(scenario())
