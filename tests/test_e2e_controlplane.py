"""`qvmrc snapshot` through a deep link: dev control plane -> console proxy -> demo VM."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path
from urllib.parse import quote

import numpy as np
import pytest
from PIL import Image

from qvmrc.controlplane.devserver import DevServer, DevVM
from tests.conftest import needs_qemu, needs_xvnc
from tests.support import servers
from tests.support.images import describe_mismatch, load_rgb

ROOT = Path(__file__).resolve().parent.parent
GUARD = 60.0  # against hangs only


async def qvmrc(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    full_env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "qvmrc", *args, cwd=ROOT, env=full_env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(proc.communicate(), GUARD)
    return proc.returncode or 0, out.decode(), err.decode()


class Trap:
    """Listens on the port GetConsole reports and counts connections (there must be none)."""

    def __init__(self) -> None:
        self.connections = 0

    async def start(self) -> int:
        async def on(_r: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
            self.connections += 1
            w.close()
        self.server = await asyncio.start_server(on, "127.0.0.1", 0)
        return self.server.sockets[0].getsockname()[1]


@pytest.fixture
async def plane():
    trap = Trap()
    port = await trap.start()
    srv = DevServer([DevVM("db01", "127.0.0.1", 1, state="STOPPED")], token="sekrit",
                    getconsole_port=port, demo=True, demo_password="vncpw", chunking="random",
                    chunk_max=1500, seed=11)
    async with srv:
        yield srv, trap
    trap.server.close()


def link(srv: DevServer, vm_id: str, name: str = "") -> str:
    return (f"qvmrc://connect?url={quote(srv.base_url, safe='')}&vmId={vm_id}"
            f"&vmName={quote(name or vm_id, safe='')}")


async def test_snapshot_through_a_deep_link_shows_the_vm_and_never_dials_getconsole(plane, tmp_path):
    srv, trap = plane
    out = tmp_path / "out.png"
    code, _, err = await qvmrc("snapshot", link(srv, "demo", "Demo VM"), "-o", str(out),
                               "--token-env", "CP_TOKEN", "--timeout", "30",
                               env={"CP_TOKEN": "sekrit"})
    assert code == 0, err
    shot = np.asarray(Image.open(out).convert("RGB")).astype(np.uint32)
    pixels = (shot[..., 0] << 16) | (shot[..., 1] << 8) | shot[..., 2]
    screen = srv.demo.screen.render()
    assert pixels.shape == screen.shape == (768, 1024)
    below_clock = slice(44, None)  # the title bar's clock may tick during the run
    # The viewer count may differ by the time we look; compare the console panel, which is still.
    assert np.array_equal(pixels[below_clock, :620], screen[below_clock, :620])
    assert trap.connections == 0
    assert srv.console_sessions == 1


async def test_a_stopped_vm_gives_one_line_saying_it_is_not_running(plane, tmp_path):
    srv, _ = plane
    code, _, err = await qvmrc("snapshot", link(srv, "db01"), "-o", str(tmp_path / "x.png"),
                               "--token-env", "CP_TOKEN", env={"CP_TOKEN": "sekrit"})
    assert code != 0
    assert err.count("\n") == 1 and err.startswith("qvmrc: error:")
    assert "not running" in err


async def test_an_unknown_vm_gives_one_line_saying_it_was_not_found(plane, tmp_path):
    srv, trap = plane
    code, _, err = await qvmrc("snapshot", link(srv, "nosuchvm"), "-o", str(tmp_path / "x.png"),
                               "--token-env", "CP_TOKEN", env={"CP_TOKEN": "sekrit"})
    assert code != 0
    assert err.count("\n") == 1 and "not found" in err.lower()
    assert trap.connections == 0


async def test_a_wrong_token_gives_one_line_about_the_token(plane, tmp_path):
    srv, _ = plane
    code, _, err = await qvmrc("snapshot", link(srv, "demo"), "-o", str(tmp_path / "x.png"),
                               "--token-env", "CP_TOKEN", env={"CP_TOKEN": "wrong"})
    assert code != 0
    assert err.count("\n") == 1 and "unauthenticated" in err
    assert not (tmp_path / "x.png").exists()


async def test_qvmrc_devserver_command_serves_the_demo(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "qvmrc", "devserver", "--port", "0", "--demo", "--chunking", "random",
        cwd=ROOT, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    try:
        assert proc.stdout is not None
        first = (await asyncio.wait_for(proc.stdout.readline(), GUARD)).decode()
        assert first.startswith("qvmrc devserver: control plane at http://127.0.0.1:"), first
        base = first.split(" at ")[1].split()[0]
        out = tmp_path / "demo.png"
        code, _, err = await qvmrc("snapshot", f"qvmc://connect/?url={base}&vmId=demo", "-o", str(out))
        assert code == 0, err
        assert Image.open(out).size == (1024, 768)
    finally:
        proc.terminate()
        await asyncio.wait_for(proc.wait(), GUARD)


# ------------------------------------------------ real servers behind the proxy


@needs_qemu
@pytest.mark.real
@pytest.mark.parametrize("encoding", ["zrle", "tight", "hextile"])
async def test_qemu_behind_the_dev_proxy_equals_its_screendump(tmp_path, encoding):
    """Token, password from GetConsole, random chunking: the snapshot is QEMU's screen."""
    trap = Trap()
    port = await trap.start()
    with servers.qemu(width=1024, height=768, password="qpw") as qemu:
        dump = await asyncio.to_thread(qemu.wait_still, 1024, 768)
        vm = DevVM("qemu01", "127.0.0.1", qemu.port, password="qpw")
        async with DevServer([vm], token="tk", getconsole_port=port, chunking="random",
                             chunk_max=2000, seed=5) as srv:
            out = tmp_path / "q.png"
            code, _, err = await qvmrc("snapshot", link(srv, "qemu01", "Q"), "-o", str(out),
                                       "--token-env", "TK", "--encodings", encoding,
                                       "--timeout", "30", env={"TK": "tk"})
            assert code == 0, err
            got = load_rgb(str(out))
            assert np.array_equal(got, dump), describe_mismatch(got, dump)
    assert trap.connections == 0
    trap.server.close()


@needs_xvnc
@pytest.mark.real
async def test_xvnc_behind_the_dev_proxy_equals_xwd(tmp_path):
    with servers.xvnc(640, 480) as xs:
        await asyncio.to_thread(xs.show, servers.reference_picture(640, 480))
        dump = await asyncio.to_thread(xs.xwd)
        async with DevServer([DevVM("x", "127.0.0.1", xs.port)], chunking="random",
                             chunk_max=700, seed=9) as srv:
            out = tmp_path / "x.png"
            code, _, err = await qvmrc("snapshot", link(srv, "x"), "-o", str(out),
                                       "--encodings", "zrle", "--timeout", "30")
            assert code == 0, err
            got = load_rgb(str(out))
            assert np.array_equal(got, dump), describe_mismatch(got, dump)


async def test_https_appliance_with_a_self_signed_certificate(tmp_path):
    """Production appliances: HTTPS + wss:// with a self-signed certificate.

    Untrusted by default (one line naming the certificate); trusted with --ca-file,
    for the API and the console WebSocket alike.
    """
    cert, key = servers.self_signed_cert(tmp_path)
    srv = DevServer(demo=True, tls_cert=str(cert), tls_key=str(key))
    async with srv:
        assert srv.base_url.startswith("https://")
        target = link(srv, "demo")
        code, _, err = await qvmrc("snapshot", target, "-o", str(tmp_path / "a.png"))
        assert code != 0 and err.count("\n") == 1 and "certificate" in err
        code, _, err = await qvmrc("snapshot", target, "-o", str(tmp_path / "b.png"),
                                   "--ca-file", str(cert), "--timeout", "30")
        assert code == 0, err
        assert srv.console_sessions == 1
