"""One app per user and config folder: later launches hand over and exit 0; one window.

Real processes: the first ``qvmrc demo`` runs in a real X window under Xvfb,
later launches (a console address, ``demo``, a bare ``qvmrc``) hand their
request to it and exit, and xdotool counts the app's windows. Then the
crashed-instance case (SIGKILL leaves the socket behind), ``--new-instance``
and the socket protocol's guard against junk.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import xvfb
from tests.support.ports import free_port
from tests.support.servers import stop

pytest.importorskip("PySide6")

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.gui


def _env(config: Path, **extra: str) -> dict[str, str]:
    env = {**os.environ, "QVMRC_CONFIG_DIR": str(config), "PYTHONPATH": str(ROOT), **extra}
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    return env


def _start(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with open(log, "ab") as fh:
        return subprocess.Popen([sys.executable, "-m", "qvmrc", *args], env=env, stdout=fh,
                                stderr=subprocess.STDOUT)


def _launch(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "qvmrc", *args], env=env, capture_output=True, text=True,
                          timeout=60)


def _count(log: Path, needle: str) -> int:
    return log.read_text(errors="replace").count(needle)


def _wait_log(proc: subprocess.Popen[bytes], log: Path, needle: str, n: int = 1) -> None:
    def seen() -> bool:
        if proc.poll() is not None:
            raise AssertionError(f"the app exited with {proc.returncode}:\n{log.read_text(errors='replace')}")
        return _count(log, needle) >= n

    xvfb.wait_for(seen, f"{needle!r} x{n} in the app's log")


@pytest.mark.skipif(not xvfb.available(), reason="Xvfb / xdotool not installed")
def test_later_launches_hand_over_to_the_one_window_and_exit_0(tmp_path: Path) -> None:
    demo_port = free_port()
    with xvfb.xvfb() as display:
        env = _env(tmp_path / "config", DISPLAY=display, QT_QPA_PLATFORM="xcb", QVMRC_DEMO_PORT=str(demo_port))
        log = tmp_path / "first.log"
        first = _start(["demo", "-v"], env, log)
        try:
            _wait_log(first, log, "console Demo VM connected")
            assert len(xvfb.wait_for(lambda: xvfb.windows_named(display, "QVMRC"), "the window")) == 1

            # A second console (the same demo server, as a plain vnc:// address) ...
            second = _launch(["-v", f"vnc://127.0.0.1:{demo_port}"], env)
            assert second.returncode == 0, second.stderr
            assert "handed over to the running QVMRC" in second.stderr
            _wait_log(first, log, f"console 127.0.0.1:{demo_port} connected")
            # ... `qvmrc demo` again focuses the open demo tab, and a bare `qvmrc` raises the window.
            assert _launch(["demo"], env).returncode == 0
            assert _launch([], env).returncode == 0
            _wait_log(first, log, "asked for by another launch", 1)

            assert len(xvfb.windows_named(display, "QVMRC")) == 1
            assert _count(log, "demo VM listening") == 1  # the demo was not started twice
            assert first.poll() is None
        finally:
            stop(first, timeout=15)


def test_a_crashed_instance_never_blocks_the_next_launch(tmp_path: Path) -> None:
    env = _env(tmp_path / "config")
    log = tmp_path / "crashed.log"
    crashed = _start(["demo", "-v"], env, log)
    try:
        _wait_log(crashed, log, "console Demo VM connected")
    finally:
        crashed.send_signal(signal.SIGKILL)  # no cleanup: the socket file stays behind
        crashed.wait(15)

    log2 = tmp_path / "next.log"
    nxt = _start(["demo", "-v"], env, log2)
    try:
        _wait_log(nxt, log2, "console Demo VM connected")  # it became the instance ...
        handed = _launch(["demo", "-v"], env)  # ... and takes requests from later launches
        assert handed.returncode == 0 and "handed over" in handed.stderr
    finally:
        stop(nxt, timeout=15)


def test_new_instance_starts_its_own_app(tmp_path: Path) -> None:
    env = _env(tmp_path / "config")
    log1, log2 = tmp_path / "one.log", tmp_path / "two.log"
    one = _start(["demo", "-v"], env, log1)
    two = None
    try:
        _wait_log(one, log1, "console Demo VM connected")
        two = _start(["--new-instance", "demo", "-v"], env, log2)
        _wait_log(two, log2, "console Demo VM connected")
        assert "handed over" not in log2.read_text(errors="replace")
    finally:
        stop(one, timeout=15)
        if two is not None:
            stop(two, timeout=15)


def test_another_config_folder_is_an_independent_instance(tmp_path: Path) -> None:
    from qvmrc.ui.single_instance import instance_name

    a = instance_name(tmp_path / "a", user="alice")
    assert a == instance_name(tmp_path / "a", user="alice")
    assert a != instance_name(tmp_path / "b", user="alice")
    assert a != instance_name(tmp_path / "a", user="bob")
    assert len(a) < 60  # Unix socket paths are short


def test_the_server_answers_a_request_and_ignores_junk(qtbot, tmp_path: Path) -> None:
    from PySide6.QtNetwork import QLocalSocket

    from qvmrc.ui.single_instance import InstanceServer, OpenRequest, instance_name

    server = InstanceServer(instance_name(tmp_path, user="test"))
    assert server.listen()
    got: list[OpenRequest] = []
    server.requestReceived.connect(got.append)
    try:
        junk = QLocalSocket()
        junk.connectToServer(server.name)
        assert junk.waitForConnected(2000)
        junk.write(b"{not json\n")
        junk.flush()
        qtbot.waitUntil(lambda: junk.state() == QLocalSocket.LocalSocketState.UnconnectedState, timeout=10_000)
        assert got == []

        sock = QLocalSocket()
        sock.connectToServer(server.name)
        assert sock.waitForConnected(2000)
        sock.write(json.dumps({"target": "vnc://127.0.0.1:5901", "demo": False}).encode() + b"\n")
        sock.flush()
        qtbot.waitUntil(lambda: bool(got), timeout=10_000)
        assert got == [OpenRequest(target="vnc://127.0.0.1:5901")]
        qtbot.waitUntil(lambda: sock.bytesAvailable() > 0, timeout=10_000)
        assert bytes(sock.readAll().data()) == b"ok\n"
    finally:
        server.close()


@pytest.mark.parametrize("line", [b"[1]", b'{"target": 5}', b'{"token": {"a": 1}}', b"\xff\xfe"])
def test_malformed_requests_are_value_errors(line: bytes) -> None:
    from qvmrc.ui.single_instance import OpenRequest

    with pytest.raises((ValueError, UnicodeDecodeError)):
        OpenRequest.from_bytes(line)


def test_two_processes_saving_settings_never_leave_a_broken_file(tmp_path: Path) -> None:
    """Each writer saves 150 times while this process reads: every read is a whole file."""
    code = (
        "import sys; from qvmrc.settings import Settings, SettingsStore, ControlPlane, SavedVM\n"
        "store = SettingsStore(sys.argv[1]); n = int(sys.argv[2])\n"
        "for i in range(150):\n"
        "    s = Settings(); s.control_planes = [ControlPlane(url=f'https://cp{n}.example', "
        "vms=[SavedVM(f'vm{j}') for j in range(200)])]\n"
        "    store.save(s)\n"
    )
    from qvmrc.settings import SettingsStore

    writers = [subprocess.Popen([sys.executable, "-c", code, str(tmp_path), str(n)],
                                env={**os.environ, "PYTHONPATH": str(ROOT)}) for n in (1, 2)]
    reads = 0
    try:
        while any(w.poll() is None for w in writers):
            path = tmp_path / "settings.json"
            if path.exists():
                data = json.loads(path.read_text(encoding="utf-8"))  # never a half-written file
                assert len(data["control_planes"][0]["vms"]) == 200
                reads += 1
    finally:
        for w in writers:
            w.wait(120)
    assert [w.returncode for w in writers] == [0, 0]
    store = SettingsStore(tmp_path)
    assert len(store.load().control_planes) == 1 and store.warning is None
    assert not list(tmp_path.glob("*.tmp")) and not list(tmp_path.glob(".settings.json.*"))


def test_a_handed_over_request_opens_a_tab_or_focuses_the_open_one(qtbot, loop, tmp_path: Path) -> None:
    from qvmrc.settings import Settings
    from qvmrc.ui.console_tab import ConsoleTab
    from qvmrc.ui.main_window import MainWindow
    from qvmrc.ui.single_instance import OpenRequest
    from qvmrc.ui.startup import Startup
    from tests.support.console_fakes import FakeView
    from tests.test_handlers import _never

    settings = Settings()
    window = MainWindow(settings, None, None, auto_refresh=False,
                        tab_factory=lambda t: ConsoleTab(t, settings, resolver=_never, view=FakeView()))
    qtbot.addWidget(window)
    window.showMinimized()
    boot = Startup(window, settings, None, None)
    boot.deliver(OpenRequest(target="vnc://127.0.0.1:5901"))
    assert not window.isMinimized() and window.tabs.count() == 1
    boot.deliver(OpenRequest(target="vnc://127.0.0.1:5902"))
    assert window.tabs.count() == 2 and window.tabs.currentIndex() == 1
    boot.deliver(OpenRequest(target="vnc://127.0.0.1:5901"))  # already open: focused, not doubled
    assert window.tabs.count() == 2 and window.tabs.currentIndex() == 0
