"""resolve_target: from a TARGET or deep link to the URL a session dials."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from aiohttp import web

from qvmrc.controlplane.console import check_routable, console_ws_url, resolve_target
from qvmrc.controlplane.devserver import DevServer, DevVM
from qvmrc.errors import ConsoleUnavailable, ControlPlaneError, InvalidTarget, MaintenanceError
from tests.support.aiohttp_app import serve

SERVICE = "/limiquantix.compute.v1.VMService"


def link(base: str, vm_id: str, **extra: str) -> str:
    tail = "".join(f"&{k}={quote(v, safe='')}" for k, v in extra.items())
    return f"qvmrc://connect?url={quote(base, safe='')}&vmId={vm_id}{tail}"


@pytest.fixture
async def vnc():
    import asyncio

    async def hello(_r: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
        w.close()
    server = await asyncio.start_server(hello, "127.0.0.1", 0)
    yield server.sockets[0].getsockname()[1]
    server.close()


@pytest.fixture
async def dev(vnc):
    vms = [DevVM("web", "127.0.0.1", vnc, password="gc-pw"),
           DevVM("off", "127.0.0.1", vnc, state="STOPPED")]
    async with DevServer(vms, token="T") as srv:
        yield srv


# -------------------------------------------------------------- direct


@pytest.mark.parametrize("target", ["ws://h:1/x", "wss://h/api/console/1/ws", "vnc://10.0.0.1:5901"])
async def test_console_urls_come_back_as_given(target):
    ep = await resolve_target(target, password="pw")
    assert ep.url == target and ep.password == "pw"
    assert "pw" not in repr(ep).replace("password", "")


@pytest.mark.parametrize("target", ["http://h/", "h:5900", "", "ftp://x"])
async def test_other_targets_are_invalid(target):
    with pytest.raises(InvalidTarget, match="unsupported console target"):
        await resolve_target(target)


def test_console_url_derivation_keeps_the_prefix():
    assert console_ws_url("http://h:8080", "v1") == "ws://h:8080/api/console/v1/ws"
    assert console_ws_url("https://h/cp/", "v1") == "wss://h/cp/api/console/v1/ws"


# ----------------------------------------------------------- deep links


async def test_deep_link_resolves_to_the_proxy_with_getconsoles_password(dev):
    ep = await resolve_target(link(dev.base_url, "web", vmName="Web 1"), token="T")
    assert ep.url == f"ws://127.0.0.1:{dev.port}/api/console/web/ws"
    assert (ep.password, ep.vm_id, ep.vm_name) == ("gc-pw", "web", "Web 1")
    assert str(dev.getconsole_port) not in ep.url


async def test_the_users_own_password_wins(dev):
    ep = await resolve_target(link(dev.base_url, "web"), token="T", password="mine")
    assert ep.password == "mine"


async def test_a_stopped_vm_says_it_is_not_running(dev):
    with pytest.raises(ConsoleUnavailable) as info:
        await resolve_target(link(dev.base_url, "off"), token="T")
    assert info.value.code == "VM_NOT_RUNNING"
    assert "not running" in str(info.value) and "\n" not in str(info.value)


async def test_an_unknown_vm_says_it_was_not_found(dev):
    with pytest.raises((ConsoleUnavailable, ControlPlaneError)) as info:
        await resolve_target(link(dev.base_url, "ghost"), token="T")
    assert "not found" in str(info.value).lower()


@pytest.mark.parametrize("token", [None, "wrong"])
async def test_a_missing_or_wrong_token_is_unauthenticated(dev, token):
    with pytest.raises(ControlPlaneError) as info:
        await resolve_target(link(dev.base_url, "web"), token=token)
    assert info.value.code == "unauthenticated"


async def test_maintenance_is_reported_as_such(dev):
    dev.maintenance = True
    with pytest.raises(MaintenanceError):
        await resolve_target(link(dev.base_url, "web"), token="T")


async def test_node_unreachable_shows_message_and_details():
    async with DevServer([DevVM("a", "127.0.0.1", 1)]) as srv:
        with pytest.raises(ConsoleUnavailable) as info:
            await resolve_target(link(srv.base_url, "a"))
    assert info.value.code == "NODE_UNREACHABLE"
    assert "127.0.0.1:1" in str(info.value)


async def test_websocket_url_from_getconsole_is_used_and_preflighted():
    seen: list[dict[str, str]] = []

    async def get_console(_r: web.Request) -> web.Response:
        return web.json_response({"consoleType": "CONSOLE_TYPE_VNC", "host": "127.0.0.1",
                                  "port": 5900, "websocketUrl": f"{base}/custom/path/ws"})

    async def ws_preflight(r: web.Request) -> web.Response:
        seen.append(dict(r.headers))
        return web.json_response({"status": "ok"})
    app = web.Application()
    app.router.add_post(f"{SERVICE}/GetConsole", get_console)
    app.router.add_get("/custom/path/ws", ws_preflight)
    async with serve(app) as base_http:
        base = base_http.replace("http://", "ws://")
        ep = await resolve_target(link(base_http, "v"), token="tok")
    assert ep.url == f"{base}/custom/path/ws"
    assert ep.password is None
    assert seen and seen[0]["X-Console-Preflight"] == "true"


async def test_preflight_refusal_json_becomes_console_unavailable():
    async def get_console(_r: web.Request) -> web.Response:
        return web.json_response({"consoleType": "CONSOLE_TYPE_VNC", "host": "127.0.0.1", "port": 5900})

    async def refuse(r: web.Request) -> web.Response:
        assert r.headers["X-Console-Preflight"] == "true"
        return web.json_response({"code": "VM_NOT_ON_NODE", "message": "VM is not on its node",
                                  "details": "node n2 does not know the VM", "vm_id": "v",
                                  "node_id": "n2"}, status=409)
    app = web.Application()
    app.router.add_post(f"/prefix{SERVICE}/GetConsole", get_console)
    app.router.add_get("/prefix/api/console/v/ws", refuse)
    async with serve(app) as base:
        app_base = base + "/prefix"
        with pytest.raises(ConsoleUnavailable) as info:
            await resolve_target(link(app_base, "v"))
    assert str(info.value) == "VM is not on its node: node n2 does not know the VM"


# ------------------------------------------------------ standalone host UI


def host_ui(answer: dict, status: int = 200) -> web.Application:
    """A Quantix host: no VMService, only /api/v1/vms/{id}/console."""
    async def console(_r: web.Request) -> web.Response:
        return web.json_response(answer, status=status)
    app = web.Application()
    app.router.add_get("/api/v1/vms/{vm_id}/console", console)
    return app


async def test_host_ui_with_a_routable_address_connects_directly():
    app = host_ui({"consoleType": "vnc", "host": "192.0.2.10", "port": 5901, "password": "hp",
                   "websocketPath": ""})
    async with serve(app) as base:
        ep = await resolve_target(f"qvmc://connect?url={base}&vm=v1&name=My+VM&fullscreen=true")
    assert ep.url == "vnc://192.0.2.10:5901"
    assert (ep.password, ep.vm_name, ep.fullscreen) == ("hp", "My VM", True)


@pytest.mark.parametrize("host, why", [
    ("127.0.0.1", "loopback"), ("::1", "loopback"), ("0.0.0.0", "unspecified"),
    ("169.254.3.4", "link-local"), ("localhost", "localhost"), ("::ffff:127.0.0.1", "loopback"),
])
async def test_host_ui_never_dials_an_unroutable_address(host, why):
    async with serve(host_ui({"consoleType": "vnc", "host": host, "port": 5900})) as base:
        with pytest.raises(ConsoleUnavailable) as info:
            await resolve_target(f"qvmc://connect?url={base}&vm=v1")
    assert info.value.code == "CONSOLE_NOT_ROUTABLE"
    assert why in str(info.value) and "\n" not in str(info.value)


async def test_host_ui_error_is_passed_on():
    async with serve(host_ui({"error": "VM v1 not found"}, 404)) as base:
        with pytest.raises(ControlPlaneError, match="VM v1 not found"):
            await resolve_target(f"qvmc://connect?url={base}&vm=v1")


async def test_a_server_that_is_neither_says_so():
    async with serve(web.Application()) as base:
        with pytest.raises(ControlPlaneError, match="neither a LimiQuantix control plane nor a Quantix host"):
            await resolve_target(link(base, "v1"))


async def test_routable_check_accepts_a_public_address_and_refuses_localhost_names():
    await check_routable("192.0.2.7")
    await check_routable("2001:db8::7")
    with pytest.raises(ConsoleUnavailable, match="localhost"):
        await check_routable("LOCALHOST.")
    with pytest.raises(ConsoleUnavailable, match="localhost"):
        await check_routable("vm.localhost")


async def test_a_relative_websocket_url_is_taken_relative_to_the_control_plane():
    async def get_console(_r: web.Request) -> web.Response:
        return web.json_response({"consoleType": "CONSOLE_TYPE_VNC", "websocketUrl": "/other/ws"})

    async def ok(_r: web.Request) -> web.Response:
        return web.json_response({})
    app = web.Application()
    app.router.add_post(f"{SERVICE}/GetConsole", get_console)
    app.router.add_get("/other/ws", ok)
    async with serve(app) as base:
        ep = await resolve_target(link(base, "v"))
    assert ep.url == base.replace("http://", "ws://") + "/other/ws"
