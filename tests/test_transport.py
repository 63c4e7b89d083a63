"""Byte pipes: the WebSocket transport against the proxy's behaviours."""

from __future__ import annotations

import asyncio

import pytest

from qvmrc.controlplane.devserver import DevServer, DevVM
from qvmrc.errors import ConnectionClosed, ConsoleUnavailable, InvalidTarget, TransportError
from qvmrc.transport import open_transport
from qvmrc.transport.websocket import _refusal, _safe


async def echo_server() -> tuple[asyncio.AbstractServer, int]:
    async def handle(r: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
        w.write(b"RFB 003.008\n")
        await w.drain()
        data = await r.read(100)
        w.write(data.upper())
        await w.drain()
        w.close()

    srv = await asyncio.start_server(handle, "127.0.0.1", 0)
    return srv, srv.sockets[0].getsockname()[1]


async def test_proxy_without_subprotocol_carries_bytes_both_ways():
    srv, port = await echo_server()
    async with srv, DevServer([DevVM("vm", "127.0.0.1", port)]) as dev:
        url = dev.base_url.replace("http://", "ws://") + "/api/console/vm/ws"
        t = await open_transport(url)
        assert "subprotocol none" in t.description
        got = b""
        while len(got) < 12:
            got += await t.recv()
        assert got == b"RFB 003.008\n"
        await t.send(b"hello")
        assert (await t.recv()) == b"HELLO"
        with pytest.raises(ConnectionClosed):
            await t.recv()
        await t.close()


async def test_refused_upgrade_becomes_console_unavailable_with_the_servers_words():
    async with DevServer([DevVM("off", "127.0.0.1", 1, state="STOPPED")]) as dev:
        url = dev.base_url.replace("http://", "ws://") + "/api/console/off/ws"
        with pytest.raises(ConsoleUnavailable) as err:
            await open_transport(url)
        assert err.value.code == "VM_NOT_RUNNING"
        assert "not running" in str(err.value).lower()


def test_refusal_without_json_names_the_http_status():
    e = _refusal(502, b"<html>Bad Gateway</html>")
    assert isinstance(e, TransportError) and "HTTP 502" in str(e)


def test_urls_in_messages_lose_query_and_credentials():
    assert _safe("wss://user:pw@host:8443/api/console/1/ws?token=abc") == "wss://host:8443/api/console/1/ws"


async def test_unsupported_scheme_is_an_invalid_target():
    with pytest.raises(InvalidTarget):
        await open_transport("http://127.0.0.1/")
