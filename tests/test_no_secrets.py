"""No secret in any file or log (issue 12, finding 6).

Sessions run for real with all three kinds of secret: a control plane bearer
token, a VNC password, and a password in a console URL's userinfo (which
websockets sends as HTTP Basic). Then every place text goes is searched for
each of them (and for the Basic header's base64 form): settings, -v logs on
stderr, the app's log and diagnostics, recordings and their sidecars.
The token's one home is the secret store (keyring, else a 0600 file).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import logging
import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from qvmrc.controlplane.devserver import DevServer
from qvmrc.demo.server import DemoServer
from qvmrc.redact import redact_text, redact_url
from tests.support import servers
from tests.support.threaded import serve_in_thread  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "tok-SECRET-a1b2c3d4"
VNC_PASSWORD = "vnc-SECRET-e5f6"  # VNC auth uses 8 characters; the rest must not leak either
URL_USER, URL_PASSWORD = "alice", "url-SECRET-@g7h8"  # with an '@' in it
USERINFO = f"{URL_USER}:{URL_PASSWORD.replace('@', '%40')}"
SECRETS = (TOKEN, VNC_PASSWORD, URL_PASSWORD, URL_PASSWORD.replace("@", "%40"),
           base64.b64encode(f"{URL_USER}:{URL_PASSWORD}".encode()).decode())


def assert_clean(where: str, text: str | bytes) -> None:
    if isinstance(text, bytes):
        text = text.decode("latin-1")
    for secret in SECRETS:
        assert secret not in text, f"{secret!r} found in {where}"


def test_the_redactor_takes_userinfo_out_of_every_url_shape():
    assert redact_url("ws://:pw@host:1/x") == "ws://host:1/x"
    assert redact_url("wss://u:p@ss@word@host/a@b/ws?token=x#f") == "wss://host/a@b/ws"
    assert redact_url("qvmrc://connect?url=https%3A%2F%2Fcp&vmId=1&password=pw") == \
        "qvmrc://connect?url=https%3A%2F%2Fcp&vmId=1"
    text = redact_text("open ws://:pw@h/ and wss://u:p@ss@word@h2:9/x; Authorization: Basic dTpw")
    assert "pw" not in text and "p@ss" not in text and "dTpw" not in text


@contextlib.contextmanager
def vnc_demo_in_thread(password: str) -> Iterator[int]:
    with serve_in_thread(lambda: DemoServer(password=password)) as demo:
        yield demo.port


def devserver_in_thread() -> contextlib.AbstractContextManager[DevServer]:
    return serve_in_thread(lambda: DevServer(token=TOKEN, demo=True, demo_password=VNC_PASSWORD))


def _cli(args: list[str], config: Path, **env: str) -> subprocess.CompletedProcess[str]:
    full = {**os.environ, "QVMRC_CONFIG_DIR": str(config), "PYTHONPATH": str(ROOT),
            "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring", **env}
    return subprocess.run([sys.executable, "-m", "qvmrc", *args], capture_output=True, text=True,
                          timeout=120, cwd=ROOT, env=full)


def _files(root: Path) -> Iterator[Path]:
    yield from (p for p in root.rglob("*") if p.is_file())


def test_cli_sessions_with_every_kind_of_secret_leave_none_behind(tmp_path):
    config = tmp_path / "config"
    out = tmp_path / "out"
    out.mkdir()
    logs: list[str] = []
    with devserver_in_thread() as dev, vnc_demo_in_thread(VNC_PASSWORD) as vnc_port, \
            servers.websockify(vnc_port) as ws_url:
        link = dev.deep_link(dev.vms["demo"])
        added = _cli(["add-control-plane", dev.base_url, "--name", "Lab", "--token-env", "TOK", "--token-file"], config,
                     TOK=TOKEN)
        assert added.returncode == 0, added.stderr
        logs.append(added.stdout + added.stderr)
        # A link to the saved control plane: its saved token, GetConsole's VNC password.
        by_link = _cli(["record", "-v", link, "-o", str(out / "link.fbs"), "--duration", "0.5"], config)
        assert by_link.returncode == 0, by_link.stderr
        # A console URL with userinfo, the VNC password from the environment.
        userinfo_url = ws_url.replace("ws://", f"ws://{USERINFO}@") + "/"
        direct = _cli(["record", "-v", userinfo_url, "-o", str(out / "direct.fbs"), "--duration", "0.5",
                       "--password-env", "PW"], config, PW=VNC_PASSWORD)
        assert direct.returncode == 0, direct.stderr
        snap = _cli(["snapshot", "-v", userinfo_url, "-o", str(out / "s.png"), "--password-env", "PW"],
                    config, PW=VNC_PASSWORD)
        assert snap.returncode == 0, snap.stderr
        # Failures name the URL too.
        dead = userinfo_url.replace(f":{ws_url.rsplit(':', 1)[1]}", ":1")
        failed = _cli(["snapshot", "-v", dead, "-o", str(out / "f.png"), "--timeout", "3"], config)
        assert failed.returncode == 1
        logs += [p.stderr for p in (by_link, direct, snap, failed)]

    assert "session connected" in by_link.stderr  # -v really logged the sessions
    assert any("127.0.0.1" in line for line in direct.stderr.splitlines())
    for i, text in enumerate(logs):
        assert_clean(f"CLI output #{i}", text)
    sidecars = sorted(out.glob("*.fbs.json"))
    assert [p.name for p in sidecars] == ["direct.fbs.json", "link.fbs.json"]
    assert "127.0.0.1" in (out / "direct.fbs.json").read_text()
    for path in [*_files(out), *_files(config)]:
        if path.name == "secrets.json":
            continue  # the token's one home when there is no keyring
        assert_clean(str(path), path.read_bytes())
    secrets_file = config / "secrets.json"
    assert TOKEN in secrets_file.read_text()
    assert stat.S_IMODE(secrets_file.stat().st_mode) == 0o600


def test_app_sessions_with_every_kind_of_secret_leave_none_behind(qtbot, loop, tmp_path):
    pytest.importorskip("PySide6")
    from qvmrc.redact import install, scrubber
    from qvmrc.session import SessionState
    from qvmrc.settings import ControlPlane, SecretStore, Settings, SettingsStore, token_key
    from qvmrc.ui.debug_panel import QtLogHandler
    from qvmrc.ui.main_window import MainWindow
    from tests.support.uiloop import run

    config = tmp_path / "config"
    out = tmp_path / "out"
    out.mkdir()
    handler = QtLogHandler()
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    install(root)

    async def until(cond, guard: float = 30.0) -> None:
        deadline = asyncio.get_running_loop().time() + guard
        while not cond():
            assert asyncio.get_running_loop().time() < deadline, "never happened"
            await asyncio.sleep(0.02)

    async def scenario() -> str:
        async with DevServer(token=TOKEN, demo=True, demo_password=VNC_PASSWORD) as dev, \
                DemoServer(password=VNC_PASSWORD) as demo:
            with servers.websockify(demo.port) as ws_url:
                store, secrets = SettingsStore(config), SecretStore(config, use_keyring=False)
                settings = Settings(control_planes=[ControlPlane(url=dev.base_url, name="Lab")])
                secrets.set(token_key(settings.control_planes[0]), TOKEN)
                w = MainWindow(settings, store, secrets, handler, auto_refresh=False)
                qtbot.addWidget(w)
                by_link = w.open_string(dev.deep_link(dev.vms["demo"]))
                direct = w.open_string(ws_url.replace("ws://", f"ws://{USERINFO}@") + "/", password=VNC_PASSWORD)
                assert by_link is not None and direct is not None
                await until(lambda: by_link.state is SessionState.CONNECTED
                            and direct.state is SessionState.CONNECTED)
                for tab, name in ((by_link, "link"), (direct, "direct")):
                    await tab.start_recording(str(out / f"{name}.fbs"))
                await until(lambda: by_link.recording and direct.recording)
                await until(lambda: by_link.state is SessionState.CONNECTED
                            and direct.state is SessionState.CONNECTED)
                for tab in (by_link, direct):
                    tab.stop_recording()
                w.save_settings()
                diagnostics = w.debug_panel.diagnostics()
                await w.close_all()
                return diagnostics

    try:
        diagnostics = run(loop, scenario(), timeout=90)
    finally:
        root.removeHandler(handler)
        root.removeFilter(scrubber())
        root.setLevel(old_level)
    log_text = "\n".join(t for _, t in handler.lines)
    assert "127.0.0.1" in diagnostics and "session connected" in log_text
    assert_clean("diagnostics", diagnostics)
    assert_clean("the app's log", log_text)
    assert sorted(p.name for p in out.glob("*.json")) == ["direct.fbs.json", "link.fbs.json"]
    for path in [*_files(out), *_files(config)]:
        if path.name != "secrets.json":
            assert_clean(str(path), path.read_bytes())


def test_reprs_that_may_reach_a_log_hold_no_userinfo():
    from qvmrc.controlplane.console import ConsoleEndpoint

    url = f"ws://{USERINFO}@127.0.0.1:1/x"
    assert_clean("ConsoleEndpoint repr", repr(ConsoleEndpoint(url=url, password=VNC_PASSWORD)))
    pytest.importorskip("PySide6")
    from qvmrc.ui.console_tab import ConsoleTarget, target_from_string

    assert_clean("ConsoleTarget repr", repr(ConsoleTarget(key="k", title="t", target=url, token=TOKEN)))
    target = target_from_string(url)
    assert_clean("a direct target's key and title", target.key + target.title)
