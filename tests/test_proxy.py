"""HTTPS_PROXY / HTTP_PROXY / NO_PROXY: the API client and the console WebSocket go through a real proxy."""

from __future__ import annotations

from typing import Any

import pytest

from qvmrc.controlplane.client import ControlPlaneClient
from qvmrc.controlplane.console import console_ws_url
from qvmrc.controlplane.devserver import DevServer, DevVM
from qvmrc.errors import ControlPlaneError, TransportError
from qvmrc.transport.websocket import WebSocketTransport
from tests.support.proxy import TestProxy

pytest.importorskip("PySide6")
pytest.importorskip("qasync")

from qvmrc.settings import ControlPlane, SavedVM, Settings, SettingsStore  # noqa: E402
from qvmrc.ui.main_window import MainWindow  # noqa: E402
from tests.support.uiloop import run  # noqa: E402

_VARS = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY", "WS_PROXY", "WSS_PROXY", "SOCKS_PROXY")


@pytest.fixture
def proxy_env(monkeypatch: pytest.MonkeyPatch) -> Any:
    for name in _VARS:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)

    def use(url: str, no_proxy: str | None = None) -> None:
        monkeypatch.setenv("HTTP_PROXY", url)
        monkeypatch.setenv("HTTPS_PROXY", url)
        if no_proxy is not None:
            monkeypatch.setenv("NO_PROXY", no_proxy)

    return use


def test_the_api_and_the_console_go_through_the_proxy_unless_no_proxy_says_not(qtbot, loop, proxy_env, tmp_path):
    async def scenario() -> None:
        async with DevServer([DevVM("web", "127.0.0.1", 1)], demo=True) as srv, TestProxy() as proxy:
            proxy_env(proxy.url)
            # The sidebar's ListVMs, as the window does it.
            cp = ControlPlane(url=srv.base_url, name="dev", id="cp1", vms=[SavedVM("web", "web")], hidden_vms=[])
            w = MainWindow(Settings(control_planes=[cp]), SettingsStore(tmp_path), None,
                           client_factory=lambda c: ControlPlaneClient(c.url), auto_refresh=False)
            qtbot.addWidget(w)
            await w.refresh_states()
            assert w.vm_states[("cp1", "web")] == "RUNNING"
            assert proxy.forwards and all(f"127.0.0.1:{srv.port}/" in f for f in proxy.forwards)

            # The console WebSocket: a CONNECT tunnel to the console proxy, RFB bytes through it.
            ws = await WebSocketTransport.open(console_ws_url(srv.base_url, "demo"))
            try:
                assert (await ws.recv()).startswith(b"RFB 003.00")
            finally:
                await ws.close()
            assert proxy.connects == [f"127.0.0.1:{srv.port}"]

            # NO_PROXY: straight to the server; the proxy sees nothing more.
            proxy_env(proxy.url, no_proxy="127.0.0.1")
            used = proxy.used
            async with ControlPlaneClient(srv.base_url) as c:
                assert [vm.id for vm in await c.list_vms()] == ["web", "demo"]
            ws = await WebSocketTransport.open(console_ws_url(srv.base_url, "demo"))
            await ws.close()
            assert proxy.used == used

    run(loop, scenario())


def test_a_proxy_that_is_down_is_named_in_the_error(loop, proxy_env):
    from qvmrc.controlplane.devserver import unused_port

    async def scenario() -> None:
        async with DevServer([], demo=True) as srv:
            dead = f"http://127.0.0.1:{unused_port()}"
            proxy_env(dead)
            with pytest.raises(ControlPlaneError) as e:
                async with ControlPlaneClient(srv.base_url) as c:
                    await c.list_vms()
            assert "cannot reach the proxy" in str(e.value) and "HTTPS_PROXY" in str(e.value)
            with pytest.raises(TransportError) as t:
                await WebSocketTransport.open(console_ws_url(srv.base_url, "demo"))
            assert f"through the proxy {dead}" in str(t.value)

    run(loop, scenario())


def test_the_api_picks_its_proxy_itself_from_the_environment(monkeypatch):
    """Not aiohttp's trust_env: its lookup goes through asyncio.to_thread, which
    failed under qasync with "no running event loop" and broke the console."""
    from qvmrc.controlplane.client import proxy_for

    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    monkeypatch.setenv("NO_PROXY", "cp.internal,127.0.0.1")
    monkeypatch.delenv("HTTP_PROXY", raising=False)
    monkeypatch.delenv("https_proxy", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    assert proxy_for("https://cp.example/limiquantix.compute.v1.VMService/ListVMs") == "http://proxy.example:3128"
    assert proxy_for("https://cp.internal/x") is None
    assert proxy_for("https://127.0.0.1:8443/x") is None
    assert proxy_for("http://cp.example/x") is None  # no HTTP_PROXY set
