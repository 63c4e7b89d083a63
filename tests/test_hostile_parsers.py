"""Every parser of outside data ends in one clean error (issue 12, findings 7, 9, 10).

A control plane, a console proxy, a VNC server, a web page's link and a
recording's sidecar are all outside data: hostile shapes of each must give one
``qvmrc: error:`` line (or a ControlPlaneError/InvalidTarget), never a traceback.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import threading
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from aiohttp import web

from qvmrc.cli import main
from qvmrc.controlplane.client import ControlPlaneClient
from qvmrc.controlplane.deeplink import parse_deep_link
from qvmrc.errors import ControlPlaneError, InvalidTarget, TransportError
from qvmrc.rfb.fbs import MAGIC
from qvmrc.transport.websocket import _refusal
from tests.support.aiohttp_app import serve

ROOT = Path(__file__).resolve().parent.parent
SERVICE = "/limiquantix.compute.v1.VMService"
DEEP = b"[" * 100_000 + b"]" * 100_000


@contextlib.asynccontextmanager
async def answering(body: bytes, status: int = 200) -> AsyncIterator[str]:
    """A control plane that answers every RPC with ``body``."""
    async def handler(_request: web.Request) -> web.Response:
        return web.Response(body=body, status=status, content_type="application/json")

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handler)
    async with serve(app) as url:
        yield url


# ------------------------------------------------------------ control plane


async def test_deeply_nested_json_from_the_control_plane_is_a_clean_error():
    async with answering(DEEP) as base, ControlPlaneClient(base) as cp:
        with pytest.raises(ControlPlaneError, match="did not answer ListVMs with JSON"):
            await cp.list_vms()


async def test_deeply_nested_json_in_a_control_plane_error_is_a_clean_error():
    async with answering(DEEP, status=500) as base, ControlPlaneClient(base) as cp:
        with pytest.raises(ControlPlaneError, match="HTTP 500"):
            await cp.get_vm("x")


async def test_an_infinite_or_huge_port_from_getconsole_is_no_port():
    for body in (b'{"consoleType": "CONSOLE_TYPE_VNC", "port": Infinity, "host": "h"}',
                 b'{"port": 1e400}', b'{"port": 99999999999999999999}'):
        async with answering(body) as base, ControlPlaneClient(base) as cp:
            try:
                info = await cp.get_console("x")
            except ControlPlaneError:
                continue  # refusing the answer is as good as ignoring the port
            assert info.port == 0


async def test_a_nested_vm_name_is_not_rendered_as_text():
    nested = b'{"vms": [{"id": "a", "name": ' + b"[" * 900 + b"]" * 900 + b"}]}"
    async with answering(nested) as base, ControlPlaneClient(base) as cp:
        vms = await cp.list_vms()
    assert vms[0].id == "a" and vms[0].name == ""


def test_a_deeply_nested_websocket_refusal_body_is_a_clean_error():
    err = _refusal(404, DEEP)
    assert isinstance(err, TransportError)
    assert "HTTP 404" in str(err)


def test_a_refusal_with_infinite_numbers_is_a_clean_error():
    err = _refusal(412, b'{"code": Infinity, "message": NaN}')
    assert "412" in str(err)


# ------------------------------------------------- a body in two TCP segments


@contextlib.contextmanager
def split_http_server(body: bytes) -> Iterator[int]:
    """Answers one HTTP request with ``body``, sent in two segments 0.3 s apart."""
    srv = socket.create_server(("127.0.0.1", 0))
    port = srv.getsockname()[1]

    def serve() -> None:
        conn, _ = srv.accept()
        with conn:
            data = b""
            while b"\r\n\r\n" not in data:
                data += conn.recv(65536)
            head, _, rest = data.partition(b"\r\n\r\n")
            length = next((int(line.split(b":")[1]) for line in head.split(b"\r\n")
                           if line.lower().startswith(b"content-length:")), 0)
            while len(rest) < length:
                rest += conn.recv(65536)
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                         b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(body) + body[:1000])
            threading.Event().wait(0.3)
            conn.sendall(body[1000:])

    t = threading.Thread(target=serve, daemon=True)
    t.start()
    try:
        yield port
    finally:
        srv.close()
        t.join(5)


async def test_a_100kb_list_answer_in_two_tcp_segments_is_read_whole():
    vms = [{"id": f"vm-{i:04d}", "name": f"machine number {i} " + "x" * 60,
            "status": {"state": "RUNNING"}} for i in range(1000)]
    body = json.dumps({"vms": vms}).encode()
    assert len(body) > 100_000
    with split_http_server(body) as port:
        async with ControlPlaneClient(f"http://127.0.0.1:{port}") as cp:
            got = await cp.list_vms()
    assert len(got) == 1000 and got[-1].id == "vm-0999"


# -------------------------------------------------------------- deep links


def test_a_link_with_an_unclosed_bracket_is_an_invalid_target():
    with pytest.raises(InvalidTarget, match="malformed link"):
        parse_deep_link("qvmrc://conn[ect?url=http://h&vmId=1")


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "qvmrc", *args], capture_output=True, text=True,
                          timeout=60, cwd=ROOT, env={**os.environ, **(env or {})})


def _one_error_line(proc: subprocess.CompletedProcess[str]) -> str:
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("qvmrc: error:"), proc.stderr
    return lines[0]


def test_the_cli_reports_a_malformed_link_in_one_line(tmp_path):
    proc = _cli("snapshot", "qvmrc://conn[ect?url=http://h&vmId=1", "-o", str(tmp_path / "x.png"))
    assert "malformed link" in _one_error_line(proc)


def test_the_cli_reports_a_malformed_direct_url_in_one_line(tmp_path):
    proc = _cli("snapshot", "vnc://[::1", "-o", str(tmp_path / "x.png"))
    _one_error_line(proc)


def test_the_desktop_app_survives_a_malformed_link_at_start(qtbot, loop, tmp_path):
    from qvmrc.settings import Settings
    from qvmrc.ui.main_window import MainWindow

    win = MainWindow(Settings(), auto_refresh=False)
    qtbot.addWidget(win)
    shown: list[str] = []
    win.notify = lambda title, text, error=False: shown.append(text)  # type: ignore[method-assign]
    assert win.open_string("qvmrc://conn[ect?url=http://h&vmId=1") is None
    assert shown and "malformed link" in shown[0]


# ---------------------------------------------------------------- sidecars


def _recording(tmp_path: Path, pixel_format: object) -> Path:
    rec = tmp_path / "r.fbs"
    rec.write_bytes(MAGIC)
    (tmp_path / "r.fbs.json").write_text(json.dumps({"pixel_format": pixel_format}))
    return rec


@pytest.mark.parametrize("change", [{"red_shift": -1}, {"red_max": float("inf")}, {"blue_shift": 1e300},
                                    {"green_max": 1 << 70}, {"depth": "24"}])
def test_a_hostile_sidecar_pixel_format_is_one_error_line(tmp_path, capsys, change):
    pf = {"bits_per_pixel": 32, "depth": 24, "big_endian": False, "true_colour": True, "red_max": 255,
          "green_max": 255, "blue_max": 255, "red_shift": 16, "green_shift": 8, "blue_shift": 0, **change}
    rec = _recording(tmp_path, pf)
    assert main(["replay", str(rec)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("qvmrc: error:")


def test_a_deeply_nested_sidecar_is_one_error_line(tmp_path, capsys):
    rec = tmp_path / "r.fbs"
    rec.write_bytes(MAGIC)
    (tmp_path / "r.fbs.json").write_bytes(b'{"a": ' + DEEP + b"}")
    assert main(["replay", str(rec)]) == 1
    assert capsys.readouterr().err.startswith("qvmrc: error: cannot read the recording's sidecar")


# ------------------------------------------------- terminal escape sequences


@contextlib.contextmanager
def refusing_vnc_server(reason: bytes) -> Iterator[int]:
    """An RFB 3.8 server that refuses every client with ``reason``."""
    srv = socket.create_server(("127.0.0.1", 0))
    port = srv.getsockname()[1]
    stop = threading.Event()

    def serve() -> None:
        srv.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = srv.accept()
            except OSError:
                continue
            with conn:
                conn.sendall(b"RFB 003.008\n")
                conn.recv(12)
                conn.sendall(b"\x00" + len(reason).to_bytes(4, "big") + reason)
                conn.recv(1)

    t = threading.Thread(target=serve, daemon=True)
    t.start()
    try:
        yield port
    finally:
        stop.set()
        t.join(5)
        srv.close()


def test_a_servers_failure_reason_cannot_drive_the_terminal(tmp_path):
    evil = b"\x1b]0;owned\x07\x1b[2J\x1b[31mgo away\x9b1m\r\x00"
    with refusing_vnc_server(evil) as port:
        proc = _cli("snapshot", f"vnc://127.0.0.1:{port}", "-o", str(tmp_path / "x.png"), "--timeout", "10")
    line = _one_error_line(proc)
    assert "go away" in line
    assert not any(ord(c) < 32 or 0x7F <= ord(c) <= 0x9F for c in line)


def test_a_servers_text_is_plain_text_in_the_window(qtbot):
    from PySide6.QtCore import Qt

    from qvmrc.settings import Settings
    from qvmrc.ui import dialogs
    from qvmrc.ui.console_tab import ConsoleTab, ConsoleTarget
    from tests.support.console_fakes import FakeView

    evil = '<img src="file:///etc/passwd"><a href="https://evil.example">update here</a>'
    tab = ConsoleTab(ConsoleTarget(key="k", title="t", target="vnc://127.0.0.1:1"), Settings(), view=FakeView())
    qtbot.addWidget(tab)
    tab._show("Authentication failed", evil)
    assert tab.overlay.detail.textFormat() == Qt.TextFormat.PlainText
    assert tab.overlay.title.textFormat() == Qt.TextFormat.PlainText
    box = dialogs.notify(tab, "Cannot open console", evil)
    assert box.textFormat() == Qt.TextFormat.PlainText
    box.close()
    tab.clipboard.close()
