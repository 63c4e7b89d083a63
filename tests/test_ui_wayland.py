"""On a real Wayland compositor (Weston nested in Xvfb): XWayland when it is there,
native Wayland when DISPLAY is stale, and the log names what Qt really uses.
Skips when weston or Xwayland is not installed (Debian: weston, xwayland)."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("PySide6")
pytest.importorskip("qasync")

from tests.support.ports import free_display  # noqa: E402
from tests.support.weston import weston as nested_weston  # noqa: E402
from tests.support.xvfb import needs_xvfb, shot, wait_for  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
pytestmark = [pytest.mark.gui, needs_xvfb,
              pytest.mark.skipif(shutil.which("weston") is None or shutil.which("Xwayland") is None,
                                 reason="weston / Xwayland not installed")]
OUTPUT = (1280, 800)
WINDOW_GREY = np.array([239, 239, 239], dtype=np.int16)  # Fusion's window colour
SHOTS = os.environ.get("QVMRC_SHOTS_DIR")


def weston(tmp: Path) -> contextlib.AbstractContextManager[tuple[dict[str, str], str, str]]:
    return nested_weston(tmp, socket="qvmrc-wl", host_screen="1600x1000x24",
                         outputs=[f"--width={OUTPUT[0]}", f"--height={OUTPUT[1]}"])


def start_app(env: dict[str, str], tmp: Path) -> tuple[subprocess.Popen[bytes], Path]:
    log = tmp / "app.log"
    with open(log, "wb") as out:
        app = subprocess.Popen([sys.executable, "-m", "qvmrc", "demo", "-v"], cwd=tmp, env=env,
                               stdout=out, stderr=subprocess.STDOUT)

    def connected() -> bool:
        if app.poll() is not None:
            raise AssertionError(f"the app exited with {app.returncode}:\n{log.read_text()}")
        return "console Demo VM connected" in log.read_text(errors="replace")

    wait_for(connected, "the demo console")
    return app, log


def end(app: subprocess.Popen[bytes]) -> int:
    app.send_signal(signal.SIGTERM)
    return app.wait(30)


def test_a_stale_display_beside_wayland_falls_back_to_native_wayland(tmp_path):
    with weston(tmp_path) as (env, _, _host):
        env["DISPLAY"] = f":{free_display(90) + 50}"  # nobody listens there
        app, log = start_app(env, tmp_path)
        assert end(app) == 0
        text = log.read_text(errors="replace")
        assert f"Qt platform: wayland (the X display {env['DISPLAY']} did not answer" in text
        # What Qt said while trying xcb is in the debug log, not on the terminal as if it failed.
        assert not [line for line in text.splitlines() if line.startswith("qt.qpa")]


def test_with_xwayland_the_app_runs_as_an_x11_client_and_fits_a_1280x800_output(tmp_path):
    with weston(tmp_path) as (env, xwayland, host):
        env["DISPLAY"] = xwayland
        app, log = start_app(env, tmp_path)
        try:
            assert "Qt platform: xcb (through XWayland" in log.read_text(errors="replace")
            # Weston draws the window's frame itself: look at its output (the host
            # Xvfb's top-left corner). The app's window colour must end above the
            # output's bottom edge, its title bar below the output's top.
            def fits() -> bool:
                img = shot(host, tmp_path / "weston.png")[:OUTPUT[1], :OUTPUT[0]]
                rows = np.flatnonzero(np.all(img == WINDOW_GREY, axis=2).sum(axis=1) > 400)
                return bool(rows.size) and rows.max() < OUTPUT[1] - 4 and rows.min() > 32

            wait_for(fits, "the window inside Weston's 1280x800 output")
            if SHOTS:
                Path(SHOTS).mkdir(parents=True, exist_ok=True)
                shutil.copy(tmp_path / "weston.png", Path(SHOTS) / "weston-xwayland-first-window.png")
        finally:
            assert end(app) == 0
