"""Tokens go to the OS keyring; without one the user chooses; secrets never reach files or logs.

The end-to-end test runs a real console session (dev control plane with a
bearer token, demo VM with a VNC password that GetConsole hands out), records
it, copies the diagnostics, and then searches everything QVMRC wrote — the
settings, the rotating log file (at DEBUG), the debug panel, the diagnostics
and the recording's sidecar — for both secrets.
"""

from __future__ import annotations

import logging
import os
import stat
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("PySide6")

import keyring  # noqa: E402
from keyring.backend import KeyringBackend  # noqa: E402

from qvmrc.settings import ControlPlane, SavedVM, SecretStore, Settings, SettingsStore, token_key  # noqa: E402
from qvmrc.settings import secrets as settings_mod  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "tok-LEAKCHECK-5d1e9a"
VNC_PASSWORD = "vncLEAK42"  # VNC passwords are 8 characters on the wire; this is what the user has


class MemoryKeyring(KeyringBackend):
    """A working keyring, in memory (the tests must not touch the machine's real one)."""

    priority = 10  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.data.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.data[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.data.pop((service, username), None)


@pytest.fixture
def memory_keyring():
    before = keyring.get_keyring()
    ring = MemoryKeyring()
    keyring.set_keyring(ring)
    yield ring
    keyring.set_keyring(before)


# ------------------------------------------------------------- the store


def test_tokens_go_to_the_keyring_when_one_works(tmp_path: Path, memory_keyring: MemoryKeyring) -> None:
    secrets = SecretStore(tmp_path)
    assert secrets.backend == "keyring"
    secrets.set("token:cp1", TOKEN)
    assert memory_keyring.data[("qvmrc", "token:cp1")] == TOKEN
    assert not (tmp_path / "secrets.json").exists()
    assert SecretStore(tmp_path).get("token:cp1") == TOKEN


def test_without_a_keyring_nothing_is_written_until_the_user_chooses(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(settings_mod, "_probe_keyring", lambda: None)
    asked: list[bool] = []
    secrets = SecretStore(tmp_path)
    secrets.on_needs_choice = lambda: asked.append(True)
    secrets.set("token:cp1", TOKEN)
    assert asked == [True] and secrets.needs_choice and secrets.backend == "memory"
    assert secrets.get("token:cp1") == TOKEN  # usable in this session
    assert not (tmp_path / "secrets.json").exists()  # never a silent plaintext file

    secrets.choose("file")
    mode = stat.S_IMODE(os.stat(tmp_path / "secrets.json").st_mode)
    assert mode == 0o600
    assert SecretStore(tmp_path, fallback="file").get("token:cp1") == TOKEN


def test_session_only_keeps_tokens_in_memory(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(settings_mod, "_probe_keyring", lambda: None)
    secrets = SecretStore(tmp_path)
    secrets.set("token:cp1", TOKEN)
    secrets.choose("session")
    secrets.set("token:cp2", TOKEN + "2")
    assert secrets.get("token:cp2") == TOKEN + "2"
    assert not (tmp_path / "secrets.json").exists()
    assert SecretStore(tmp_path).get("token:cp1") is None  # gone after a restart, as chosen


def test_a_keyring_that_never_answers_does_not_hang_the_start(monkeypatch) -> None:
    gate = threading.Event()

    def hangs() -> Any:
        gate.wait()  # a D-Bus call nobody answers
        return keyring

    monkeypatch.setattr(settings_mod, "_probe_keyring", hangs)
    try:
        assert settings_mod._usable_keyring(timeout=0.2) is None
    finally:
        gate.set()


def test_the_headless_keyring_here_is_recognised_as_unusable_in_a_fresh_process(tmp_path: Path) -> None:
    """No Secret Service (no D-Bus session): keyring picks its fail backend; we see None, quickly."""
    env = {k: v for k, v in os.environ.items() if k not in ("DBUS_SESSION_BUS_ADDRESS",)}
    env.update(PYTHONPATH=str(ROOT), XDG_CONFIG_HOME=str(tmp_path), XDG_DATA_HOME=str(tmp_path))
    code = "from qvmrc.settings.secrets import _usable_keyring; print(_usable_keyring())"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "None"


def test_the_app_asks_where_tokens_go_and_remembers_a_file(qtbot, loop, tmp_path: Path, monkeypatch) -> None:
    from PySide6.QtWidgets import QMessageBox

    from qvmrc.ui.main_window import MainWindow
    from qvmrc.ui.startup import Startup
    from tests.support.uiloop import run, until

    monkeypatch.setattr(settings_mod, "_probe_keyring", lambda: None)
    store = SettingsStore(tmp_path)
    settings = Settings()
    secrets = SecretStore(tmp_path, fallback=settings.secret_storage)
    window = MainWindow(settings, store, secrets, auto_refresh=False)
    qtbot.addWidget(window)
    Startup(window, settings, store, secrets)
    window.save_control_plane(ControlPlane(url="https://cp.example", id="cp1"), TOKEN)

    def box() -> QMessageBox | None:
        return window.findChild(QMessageBox, "secretStorageQuestion")

    run(loop, until(lambda: box() is not None and box().isVisible()))
    assert "NOT encrypted" in box().informativeText()
    file_button = next(b for b in box().buttons() if "file" in b.text())
    file_button.click()
    run(loop, until(lambda: settings.secret_storage == "file"))
    assert SettingsStore(tmp_path).load().secret_storage == "file"
    assert SecretStore(tmp_path, fallback="file").get(token_key(window.settings.control_planes[0])) == TOKEN
    assert TOKEN not in (tmp_path / "settings.json").read_text()


# ------------------------------------------------------ no secret leaks


# ListVMs through aiohttp under qasync leaves this warning behind (seen with the
# real client only; not about secrets): kept out of this test's output.
@pytest.mark.filterwarnings("ignore:coroutine 'ClientRequest.write_bytes' was never awaited")
def test_a_session_leaves_neither_token_nor_vnc_password_in_any_file_or_log(
        qtbot, loop, tmp_path: Path, memory_keyring: MemoryKeyring, monkeypatch) -> None:
    from qvmrc import logfile
    from qvmrc.controlplane.devserver import DevServer
    from qvmrc.session import SessionState
    from qvmrc.ui.app import _setup_logging
    from qvmrc.ui.debug_panel import QtLogHandler
    from qvmrc.ui.help import about_text
    from qvmrc.ui.main_window import MainWindow
    from tests.support.uiloop import run, settle, until

    monkeypatch.setenv("QVMRC_CONFIG_DIR", str(tmp_path / "config"))
    srv = DevServer([], token=TOKEN, demo=True, demo_password=VNC_PASSWORD)
    run(loop, srv.start())
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    handler = QtLogHandler()
    window = None
    try:
        _setup_logging(handler)
        root.setLevel(logging.DEBUG)
        log_path = logfile.install(logging.DEBUG)
        assert log_path is not None

        store = SettingsStore()
        settings = Settings()
        secrets = SecretStore()
        window = MainWindow(settings, store, secrets, handler, auto_refresh=False)
        qtbot.addWidget(window)
        cp = ControlPlane(url=srv.base_url, name="Dev", vms=[SavedVM("demo", "Demo")])
        window.save_control_plane(cp, TOKEN)
        run(loop, window.refresh_states())  # ListVMs with the bearer token
        tab = window.open_saved_vm(cp.id, "demo")
        assert tab is not None
        run(loop, until(lambda: tab.state is SessionState.CONNECTED, rounds=20000), timeout=60)

        recording = tmp_path / "session.fbs"
        run(loop, tab.start_recording(str(recording)))
        run(loop, until(lambda: tab.recording and tab.state is SessionState.CONNECTED, rounds=20000), timeout=60)
        tab.stop_recording()
        diagnostics = window.debug_panel.diagnostics()
        run(loop, window.close_all())
        run(loop, settle(50))  # let the closed console's requests finish before the server goes
        window.save_settings()
        logging.getLogger("qvmrc.test").debug("end of session")
    finally:
        logfile.uninstall()
        for h in list(root.handlers):
            if h not in handlers:
                root.removeHandler(h)
        root.setLevel(level)
        run(loop, srv.close())

    assert memory_keyring.data[("qvmrc", token_key(cp))] == TOKEN  # it was stored, in the keyring
    sidecar = Path(str(recording) + ".json")
    assert recording.stat().st_size > 0 and sidecar.is_file()
    written = {
        "settings.json": (tmp_path / "config" / "settings.json").read_text(),
        "log file": log_path.read_text(),
        "debug panel": "\n".join(handler.tail(100000)),
        "diagnostics": diagnostics,
        "recording sidecar": sidecar.read_text(),
        "about": about_text(),
    }
    assert "session connected" in written["log file"]  # the log did record the session
    assert str(log_path) in diagnostics  # diagnostics point to the log file
    for where, text in written.items():
        assert TOKEN not in text, f"the token leaked into the {where}"
        assert VNC_PASSWORD not in text, f"the VNC password leaked into the {where}"
    assert not (tmp_path / "config" / "secrets.json").exists()
