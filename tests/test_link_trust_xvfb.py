"""The link question in a real window under Xvfb: the app started the way a desktop
link handler starts it (``qvmrc LINK``), answered with real X key events.

Escape opens nothing; Alt+A (always allow) then Alt+C (connect) opens the
console and saves the control plane. Screenshots go to $QVMRC_SHOTS when set.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest

pytest.importorskip("PySide6")

from qvmrc.controlplane.devserver import DevServer  # noqa: E402
from tests.support.servers import stop  # noqa: E402
from tests.support.threaded import serve_in_thread  # noqa: E402
from tests.support.xvfb import needs_xvfb  # noqa: E402
from tests.support.xvfb import shot as _shot  # noqa: E402
from tests.support.xvfb import wait_for as _wait_for  # noqa: E402
from tests.support.xvfb import xdotool as _xdotool  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
pytestmark = [pytest.mark.gui, needs_xvfb]


TITLE = "Open this console?"


def devserver_in_thread() -> contextlib.AbstractContextManager[DevServer]:
    return serve_in_thread(lambda: DevServer(demo=True))


def _app(display: str, link: str, tmp_path: Path, name: str) -> tuple[subprocess.Popen[bytes], Path]:
    log_path = tmp_path / f"{name}.log"
    env = {**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb",
           "QVMRC_CONFIG_DIR": str(tmp_path / "config"), "PYTHONPATH": str(ROOT),
           "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    with open(log_path, "wb") as log:
        proc = subprocess.Popen([sys.executable, "-m", "qvmrc", "-v", link], cwd=tmp_path, env=env,
                                stdout=log, stderr=subprocess.STDOUT)
    return proc, log_path


def _question(display: str, app: subprocess.Popen[bytes], log_path: Path) -> str:
    def found() -> list[str]:
        if app.poll() is not None:
            raise AssertionError(f"the app exited with {app.returncode}:\n{log_path.read_text()}")
        try:
            return _xdotool(display, "search", "--name", TITLE).split()
        except subprocess.CalledProcessError:
            return []

    return str(_wait_for(found, "the link question")[0])


def test_the_link_question_in_a_real_window(xserver, tmp_path):
    display = xserver
    shots = Path(os.environ.get("QVMRC_SHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    with devserver_in_thread() as dev:
        link = (f"qvmrc://connect?url={quote(dev.base_url, safe='')}&vmId=demo"
                f"&vmName={quote('<b>Payroll</b> <img src=x> DB')}&fullscreen=true")

        app, log_path = _app(display, link, tmp_path, "declined")
        try:
            win = _question(display, app, log_path)
            img = _shot(display, shots / "link-confirm.png")
            assert img.std() > 5  # a painted dialog, not an empty screen
            _xdotool(display, "windowfocus", win)  # no window manager: focus it ourselves
            _xdotool(display, "key", "Escape")
            _wait_for(lambda: "not opened (the user declined)" in log_path.read_text(errors="replace"),
                      "the app to note the refusal")
            assert app.poll() is None and dev.console_sessions == 0
        finally:
            stop(app, timeout=10)
        assert not (tmp_path / "config" / "settings.json").exists() or dev.base_url not in \
            (tmp_path / "config" / "settings.json").read_text()

        app, log_path = _app(display, link, tmp_path, "allowed")
        try:
            win = _question(display, app, log_path)
            _xdotool(display, "windowfocus", win)
            _xdotool(display, "key", "alt+a")
            _xdotool(display, "key", "alt+c")
            _wait_for(lambda: "session connected" in log_path.read_text(errors="replace"),
                      "the console to connect")
            assert dev.console_sessions >= 1
            settings = json.loads((tmp_path / "config" / "settings.json").read_text())
            assert [cp["url"] for cp in settings["control_planes"]] == [dev.base_url]
            _wait_for(lambda: bool(_shot(display, shots / "link-allowed-fullscreen.png").std() > 5),
                      "the console to be painted")
        finally:
            stop(app, timeout=10)
