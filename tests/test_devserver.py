"""The dev control plane: its API, the console proxy's checks, and what it forwards."""

from __future__ import annotations

import argparse
import asyncio
import os

import aiohttp
import numpy as np
import pytest

from qvmrc.controlplane import devserver
from qvmrc.controlplane.console import resolve_target
from qvmrc.controlplane.devserver import DevServer, DevVM, parse_vm_spec, unused_port
from qvmrc.errors import InvalidTarget
from qvmrc.rfb import events as ev
from qvmrc.rfb.connection import RFBClient

GUARD = 20.0  # against hangs only
SERVICE = "/limiquantix.compute.v1.VMService"


class Listener:
    """A TCP server that records every connection (and optionally what it is sent)."""

    def __init__(self, greeting: bytes = b"") -> None:
        self.connections = 0
        self.greeting = greeting
        self.received = bytearray()
        self.port = 0
        self._server: asyncio.Server | None = None

    async def __aenter__(self) -> Listener:
        self._server = await asyncio.start_server(self._on, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.close()

    async def _on(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        if self.greeting:
            writer.write(self.greeting)
            await writer.drain()
        while data := await reader.read(65536):
            self.received += data
        writer.close()


async def post(session: aiohttp.ClientSession, base: str, method: str, body: object,
               token: str | None = None) -> tuple[int, dict]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with session.post(f"{base}{SERVICE}/{method}", json=body, headers=headers) as r:
        return r.status, await r.json(content_type=None)


async def preflight(session: aiohttp.ClientSession, base: str, vm_id: str) -> tuple[int, dict]:
    async with session.get(f"{base}/api/console/{vm_id}/ws",
                           headers={"X-Console-Preflight": "true"}) as r:
        return r.status, await r.json(content_type=None)


# ------------------------------------------------------------ preflight


async def test_every_preflight_code_with_its_status():
    async with Listener() as vnc:
        vms = [
            DevVM("ok", "127.0.0.1", vnc.port),
            DevVM("off", "127.0.0.1", vnc.port, state="STOPPED"),
            DevVM("orphan", "127.0.0.1", vnc.port, node_id=""),
            DevVM("down", "127.0.0.1", unused_port()),
            DevVM("gone", "127.0.0.1", vnc.port, fault="NODE_NOT_FOUND"),
            DevVM("moved", "127.0.0.1", vnc.port, fault="VM_NOT_ON_NODE"),
            DevVM("broken", "127.0.0.1", vnc.port, fault="INTERNAL_ERROR"),
        ]
        async with DevServer(vms) as srv, aiohttp.ClientSession() as s:
            expected = {"nope": ("VM_NOT_FOUND", 404), "off": ("VM_NOT_RUNNING", 412),
                        "orphan": ("NODE_NOT_ASSIGNED", 412), "down": ("NODE_UNREACHABLE", 503),
                        "gone": ("NODE_NOT_FOUND", 404), "moved": ("VM_NOT_ON_NODE", 409),
                        "broken": ("INTERNAL_ERROR", 500)}
            for vm_id, (code, status) in expected.items():
                got_status, body = await preflight(s, srv.base_url, vm_id)
                assert (body["code"], got_status) == (code, status), vm_id
                assert set(body) == {"code", "message", "details", "vm_id", "node_id"}
                assert body["message"] and body["vm_id"] == vm_id
            assert await preflight(s, srv.base_url, "ok") == (200, {"status": "ok", "vm_id": "ok",
                                                                    "node_id": "node-dev-1"})


async def test_the_upgrade_itself_is_refused_with_the_same_json():
    async with DevServer([DevVM("off", "127.0.0.1", 1, state="STOPPED")]) as srv:
        async with aiohttp.ClientSession() as s:
            with pytest.raises(aiohttp.WSServerHandshakeError) as info:
                await s.ws_connect(f"{srv.base_url}/api/console/off/ws")
    assert info.value.status == 412


async def test_a_plain_get_without_upgrade_or_preflight_is_a_bad_request():
    async with Listener() as vnc, DevServer([DevVM("a", "127.0.0.1", vnc.port)]) as srv:
        async with aiohttp.ClientSession() as s, s.get(f"{srv.base_url}/api/console/a/ws") as r:
            assert r.status == 400


# ------------------------------------------------------------- VMService


async def test_token_is_required_on_the_api_but_not_on_the_console_route():
    async with Listener() as vnc, DevServer([DevVM("a", "127.0.0.1", vnc.port)], token="T") as srv:
        async with aiohttp.ClientSession() as s:
            assert await post(s, srv.base_url, "ListVMs", {}) == (
                401, {"code": "unauthenticated", "message": "missing or invalid bearer token"})
            status, body = await post(s, srv.base_url, "ListVMs", {}, token="bad")
            assert (status, body["code"]) == (401, "unauthenticated")
            status, body = await post(s, srv.base_url, "ListVMs", {}, token="T")
            assert status == 200 and body["vms"][0]["id"] == "a"
            assert (await preflight(s, srv.base_url, "a"))[0] == 200


async def test_list_vms_pages_and_omits_zero_values():
    vms = [DevVM(f"v{i}", "127.0.0.1", 1) for i in range(5)] + [DevVM("u", "127.0.0.1", 1, state="UNKNOWN")]
    async with DevServer(vms) as srv, aiohttp.ClientSession() as s:
        _, page1 = await post(s, srv.base_url, "ListVMs", {"pageSize": 4})
        assert [v["id"] for v in page1["vms"]] == ["v0", "v1", "v2", "v3"]
        assert page1["nextPageToken"] and page1["totalCount"] == 6
        _, page2 = await post(s, srv.base_url, "ListVMs", {"pageSize": 4, "pageToken": page1["nextPageToken"]})
        assert [v["id"] for v in page2["vms"]] == ["v4", "u"]
        assert "nextPageToken" not in page2
        assert "state" not in page2["vms"][1]["status"]  # UNKNOWN is the zero value
        status, body = await post(s, srv.base_url, "ListVMs", {"pageToken": "zzz"})
        assert (status, body["code"]) == (400, "invalid_argument")


async def test_unknown_method_and_bad_body_are_connect_errors():
    async with DevServer() as srv, aiohttp.ClientSession() as s:
        status, body = await post(s, srv.base_url, "FlyVM", {})
        assert (status, body["code"]) == (404, "unimplemented")
        async with s.post(f"{srv.base_url}{SERVICE}/GetVM", data=b"{",
                          headers={"Content-Type": "application/json"}) as r:
            assert (r.status, (await r.json())["code"]) == (400, "invalid_argument")


async def test_power_actions_change_state_and_refuse_impossible_ones():
    async with DevServer([DevVM("a", "127.0.0.1", 1, state="STOPPED")]) as srv:
        async with aiohttp.ClientSession() as s:
            _, vm = await post(s, srv.base_url, "StartVM", {"id": "a"})
            assert vm["status"]["state"] == "RUNNING"
            _, vm = await post(s, srv.base_url, "PauseVM", {"id": "a"})
            assert vm["status"]["state"] == "PAUSED"
            status, err = await post(s, srv.base_url, "PauseVM", {"id": "a"})
            assert (status, err["code"]) == (400, "failed_precondition")
            _, vm = await post(s, srv.base_url, "ResumeVM", {"id": "a"})
            _, vm = await post(s, srv.base_url, "StopVM", {"id": "a", "force": True})
            assert vm["status"]["state"] == "STOPPED" and srv.vms["a"].last_stop_force is True
            status, err = await post(s, srv.base_url, "GetVM", {"id": "zz"})
            assert (status, err["code"]) == (404, "not_found")


async def test_maintenance_answers_every_route_503():
    async with DevServer([DevVM("a", "127.0.0.1", 1)], maintenance=True) as srv:
        async with aiohttp.ClientSession() as s:
            for method, url in (("POST", f"{srv.base_url}{SERVICE}/ListVMs"),
                                ("GET", f"{srv.base_url}/api/console/a/ws"),
                                ("GET", f"{srv.base_url}/anything")):
                async with s.request(method, url, json={}) as r:
                    assert r.status == 503
                    assert r.headers["Retry-After"] == "30"
                    assert await r.json() == {"error": "System is restarting for updates",
                                              "maintenance": True}


# ----------------------------------------------------------- the proxy


async def test_no_subprotocol_is_selected_and_bytes_flow_both_ways():
    async with Listener(greeting=b"RFB 003.008\n") as vnc, DevServer([DevVM("a", "127.0.0.1", vnc.port)]) as srv:
        async with aiohttp.ClientSession() as s:
            async with s.ws_connect(f"{srv.base_url}/api/console/a/ws", protocols=("binary",)) as ws:
                assert ws.protocol is None
                msg = await asyncio.wait_for(ws.receive(), GUARD)
                assert (msg.type, msg.data) == (aiohttp.WSMsgType.BINARY, b"RFB 003.008\n")
                await ws.send_str("text frames are dropped")
                await ws.send_bytes(b"RFB 003.008\n")
                while len(vnc.received) < 12:
                    await asyncio.sleep(0.01)
        assert bytes(vnc.received) == b"RFB 003.008\n"
        assert srv.console_sessions == 1


async def test_random_chunking_preserves_the_byte_stream():
    payload = os.urandom(200_000)
    async with Listener(greeting=payload) as vnc, DevServer(
            [DevVM("a", "127.0.0.1", vnc.port)], chunking="random", chunk_max=300, seed=7) as srv:
        async with aiohttp.ClientSession() as s:
            async with s.ws_connect(f"{srv.base_url}/api/console/a/ws") as ws:
                got, sizes = bytearray(), []
                while len(got) < len(payload):
                    msg = await asyncio.wait_for(ws.receive(), GUARD)
                    assert msg.type == aiohttp.WSMsgType.BINARY
                    got += msg.data
                    sizes.append(len(msg.data))
                upstream = os.urandom(50_000)
                await ws.send_bytes(upstream)
                while len(vnc.received) < len(upstream):
                    await asyncio.sleep(0.01)
    assert bytes(got) == payload
    assert max(sizes) <= 300 and min(sizes) < 17 and len(set(sizes)) > 50
    assert bytes(vnc.received) == upstream


async def test_a_console_session_never_dials_getconsoles_host_and_port():
    """Deep link -> GetConsole password -> proxy -> demo VM; the GetConsole port stays untouched."""
    async with Listener() as trap, DevServer(getconsole_port=trap.port, demo=True, demo_password="pw",
                                             chunking="random", chunk_max=1000, seed=3) as srv:
        link = f"qvmrc://connect?url={srv.base_url}&vmId=demo&vmName=Demo"
        endpoint = await resolve_target(link)
        assert endpoint.password == "pw"
        assert endpoint.url == f"ws://127.0.0.1:{srv.port}/api/console/demo/ws"
        client = RFBClient(password=endpoint.password, encodings=["zrle", "raw"])
        async with aiohttp.ClientSession() as s, s.ws_connect(endpoint.url, protocols=("binary",)) as ws:
            done = False
            while not done:
                msg = await asyncio.wait_for(ws.receive(), GUARD)
                assert msg.type == aiohttp.WSMsgType.BINARY
                client.receive_data(msg.data)
                out = client.data_to_send()
                if out:
                    await ws.send_bytes(out)
                done = any(isinstance(e, ev.FramebufferUpdated) and e.bounds for e in client.next_events())
        below_clock = slice(44, None)  # the clock in the title bar may have ticked meanwhile
        assert np.array_equal(client.fb.pixels[below_clock], srv.demo.screen.render()[below_clock])
        assert trap.connections == 0


# --------------------------------------------------------------- command


def test_vm_specs_parse_with_options():
    vm = parse_vm_spec("db01=vnc://127.0.0.1:5902,password=secret,state=stopped,id=42,node=n7")
    assert (vm.name, vm.host, vm.port, vm.password, vm.state, vm.id, vm.node_id) == (
        "db01", "127.0.0.1", 5902, "secret", "STOPPED", "42", "n7")
    assert parse_vm_spec("web=vnc://10.0.0.1:5901").id == "web"


@pytest.mark.parametrize("spec, words", [
    ("web", "NAME=vnc://"), ("web=http://h:1", "vnc://HOST:PORT"), ("web=vnc://h", "vnc://HOST:PORT"),
    ("web=vnc://h:1,state=ASLEEP", "state must be"), ("web=vnc://h:1,color=red", "unknown option"),
    ("web=vnc://h:1,fault=OOPS", "fault must be"),
])
def test_bad_vm_specs_are_refused(spec, words):
    with pytest.raises(InvalidTarget, match=words):
        parse_vm_spec(spec)


def test_run_with_a_bad_vm_prints_one_error_line(capsys):
    parser = argparse.ArgumentParser()
    devserver.add_arguments(parser)
    assert devserver.run(parser.parse_args(["--vm", "broken"])) == 2
    err = capsys.readouterr().err
    assert err.startswith("qvmrc: error:") and err.count("\n") == 1


def test_the_package_runs_as_a_module_with_the_same_options():
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-m", "qvmrc.controlplane.devserver", "--vm", "web=vnc://h:1,color=red"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert proc.stderr.startswith("qvmrc: error: --vm") and "unknown option" in proc.stderr
    assert proc.stderr.count("\n") == 1
