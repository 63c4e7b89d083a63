"""Faults end a console promptly and say why (issue 12, finding 11).

A WebSocket protocol error ends the session at once with the real reason; a
silent half-open path is found by keepalive pings (answered by the far end's
WebSocket library, so through websockify and the dev proxy too); --insecure
warns once and keeps a token off unverified TLS unless --insecure-token;
``record`` stops cleanly at its size cap.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from qvmrc.controlplane.devserver import DevServer
from qvmrc.demo.server import DemoServer
from qvmrc.errors import ConnectionClosed
from qvmrc.transport.websocket import WebSocketTransport
from tests.support import servers
from tests.support.ports import free_port
from tests.support.threaded import serve_in_thread  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
GUARD = 30.0  # only stops a hang; no test asserts a duration


@contextlib.contextmanager
def raw_websocket_server(after_handshake: bytes) -> Iterator[int]:
    """Accepts one WebSocket, sends ``after_handshake`` raw, then neither reads nor closes."""
    srv = socket.create_server(("127.0.0.1", 0))
    port = srv.getsockname()[1]
    done = threading.Event()

    def serve() -> None:
        conn, _ = srv.accept()
        with conn:
            data = b""
            while b"\r\n\r\n" not in data:
                data += conn.recv(4096)
            key = next(line.split(b":", 1)[1].strip() for line in data.split(b"\r\n")
                       if line.lower().startswith(b"sec-websocket-key"))
            accept = base64.b64encode(hashlib.sha1(key + GUID).digest())
            conn.sendall(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                         b"Sec-WebSocket-Accept: " + accept + b"\r\nSec-WebSocket-Protocol: binary\r\n\r\n")
            conn.sendall(after_handshake)
            done.wait(GUARD + 5)  # a silent peer: holds the connection open

    t = threading.Thread(target=serve, daemon=True)
    t.start()
    try:
        yield port
    finally:
        done.set()
        srv.close()
        t.join(5)


def _frame(payload: bytes, first: int = 0x82) -> bytes:
    return bytes([first, len(payload)]) + payload


async def test_a_websocket_protocol_error_ends_the_read_at_once_with_the_reason():
    # RSV1 set without a negotiated extension: a protocol error.
    with raw_websocket_server(_frame(b"RFB 003.008\n", first=0x82 | 0x40)) as port:
        t = await WebSocketTransport.open(f"ws://127.0.0.1:{port}/", timeout=10)
        with pytest.raises(ConnectionClosed, match="broke the WebSocket protocol .*reserved bits"):
            await asyncio.wait_for(t.recv(), GUARD)
        await t.close()


def test_the_cli_reports_the_protocol_error_not_a_timeout(tmp_path):
    with raw_websocket_server(_frame(b"RFB 003.008\n", first=0x82 | 0x40)) as port:
        proc = subprocess.run([sys.executable, "-m", "qvmrc", "snapshot", f"ws://127.0.0.1:{port}/",
                               "-o", str(tmp_path / "x.png"), "--timeout", "60"],
                              capture_output=True, text=True, timeout=GUARD + 60, cwd=ROOT)
    assert proc.returncode == 1
    assert "broke the WebSocket protocol" in proc.stderr and "timed out" not in proc.stderr


async def test_keepalive_pings_find_a_peer_that_went_silent():
    with raw_websocket_server(_frame(b"RFB 003.008\n")) as port:
        t = await WebSocketTransport.open(f"ws://127.0.0.1:{port}/", timeout=10,
                                          ping_interval=0.2, ping_timeout=0.5)
        assert await asyncio.wait_for(t.recv(), GUARD) == b"RFB 003.008\n"
        with pytest.raises(ConnectionClosed, match="went silent: no answer to keepalive pings"):
            await asyncio.wait_for(t.recv(), GUARD)
        await t.close()


async def _pongs_arrive(url: str) -> None:
    t = await WebSocketTransport.open(url, timeout=10, ping_interval=0.05, ping_timeout=5)
    try:
        assert (await asyncio.wait_for(t.recv(), GUARD)).startswith(b"RFB ")
        ws = t._ws
        deadline = asyncio.get_running_loop().time() + GUARD
        while ws.latency == 0:  # set when a pong comes back
            assert asyncio.get_running_loop().time() < deadline, "no pong"
            await asyncio.sleep(0.02)
        assert ws.state.name == "OPEN"
    finally:
        await t.close()


async def test_websockify_answers_keepalive_pings():
    async with DemoServer() as demo:
        with servers.websockify(demo.port) as url:
            await _pongs_arrive(url)


async def test_the_dev_control_planes_proxy_answers_keepalive_pings():
    async with DevServer(demo=True) as dev:
        await _pongs_arrive(f"ws://127.0.0.1:{dev.port}/api/console/demo/ws")


# ------------------------------------------------------------------ --insecure


def _cli(args: list[str], tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    full = {**os.environ, "QVMRC_CONFIG_DIR": str(tmp_path / "config"), "PYTHONPATH": str(ROOT),
            "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring", **env}
    return subprocess.run([sys.executable, "-m", "qvmrc", *args], capture_output=True, text=True,
                          timeout=120, cwd=ROOT, env=full)


def test_insecure_prints_one_warning_line(tmp_path):
    proc = _cli(["snapshot", f"vnc://127.0.0.1:{free_port()}", "-o", str(tmp_path / "x.png"),
                 "--insecure", "--timeout", "5"], tmp_path)
    lines = proc.stderr.strip().splitlines()
    assert [ln for ln in lines if ln.startswith("qvmrc: warning:")] == [
        "qvmrc: warning: TLS certificates are not verified (--insecure): anyone on the path can read "
        "and change this console"]
    assert lines[-1].startswith("qvmrc: error:")


def test_insecure_is_refused_when_a_token_would_go_to_an_unverified_server(tmp_path):
    port = free_port()
    link = f"qvmrc://connect?url=https%3A%2F%2F127.0.0.1%3A{port}&vmId=vm-1"
    out = str(tmp_path / "x.png")
    given = _cli(["snapshot", link, "-o", out, "--insecure", "--token-env", "TOK"], tmp_path, TOK="t0k-123456")
    assert given.returncode == 1 and "--insecure-token" in given.stderr and "t0k-123456" not in given.stderr

    # A token saved for that control plane counts the same.
    saved = _cli(["add-control-plane", f"https://127.0.0.1:{port}", "--token-env", "TOK",
                  "--token-file"], tmp_path,
                 TOK="t0k-123456")
    assert saved.returncode == 0, saved.stderr
    again = _cli(["snapshot", link, "-o", out, "--insecure", "--timeout", "5"], tmp_path)
    assert again.returncode == 1 and "--insecure-token" in again.stderr

    meant = _cli(["snapshot", link, "-o", out, "--insecure-token", "--timeout", "5"], tmp_path)
    assert meant.returncode == 1 and "--insecure-token" not in meant.stderr.splitlines()[-1]
    assert "cannot reach the control plane" in meant.stderr


# ------------------------------------------------------------------ record cap


@contextlib.contextmanager
def demo_in_thread() -> Iterator[int]:
    with serve_in_thread(DemoServer) as demo:
        yield demo.port


def test_record_stops_cleanly_at_its_size_cap(tmp_path):
    rec = tmp_path / "capped.fbs"
    with demo_in_thread() as port:
        proc = _cli(["record", f"vnc://127.0.0.1:{port}", "-o", str(rec), "--duration", "60",
                     "--encodings", "raw", "--max-bytes", "200K"], tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.strip() == (f"qvmrc: warning: the recording stopped at its size cap (204800 bytes); "
                                   f"{rec} is complete up to there")
    assert 0 < rec.stat().st_size <= 200 * 1024
    assert (tmp_path / "capped.fbs.json").exists()
    replay = _cli(["replay", str(rec)], tmp_path)
    assert "error" not in replay.stderr and replay.returncode == 0


def test_a_recording_in_the_app_stops_cleanly_at_its_size_cap(qtbot, loop, tmp_path):
    pytest.importorskip("PySide6")
    from qvmrc.session import SessionState
    from qvmrc.settings import Settings
    from qvmrc.ui.console_tab import ConsoleTab, ConsoleTarget
    from tests.support.console_fakes import FakeView
    from tests.support.uiloop import run

    rec = tmp_path / "gui.fbs"
    notes: list[tuple[str, str]] = []

    async def scenario() -> None:
        async with DemoServer() as demo:
            settings = Settings(preferred_encoding="raw")
            tab = ConsoleTab(ConsoleTarget(key="d", title="demo", target=f"vnc://127.0.0.1:{demo.port}"),
                             settings, view=FakeView())
            qtbot.addWidget(tab)
            tab.notification.connect(lambda title, text, _err: notes.append((title, text)))
            tab.record_max_bytes = 100 * 1024
            tab.start()
            try:
                while tab.state is not SessionState.CONNECTED:
                    await asyncio.sleep(0.02)
                await tab.start_recording(str(rec))
                while not any(t == "Recording stopped" for t, _ in notes):
                    await asyncio.sleep(0.02)
                assert not tab.recording and tab.state is SessionState.CONNECTED
            finally:
                await tab.close_console()

    run(loop, scenario(), timeout=GUARD)
    assert 0 < rec.stat().st_size <= 100 * 1024 and (tmp_path / "gui.fbs.json").exists()
