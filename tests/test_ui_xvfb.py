"""The real app window under Xvfb: `qvmrc demo`, typed into with xdotool, checked on screen.

Runs the app as a user would (a subprocess, the xcb platform, real X key
events) and compares screenshots of the virtual screen before and after
typing: the demo VM echoes typed keys into its console panel, so the text
must change pixels there. Skips when Xvfb, xdotool or ImageMagick is missing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("PySide6")
pytest.importorskip("qasync")

from PIL import Image  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
TOOLS = ("Xvfb", "xdotool", "import")
pytestmark = [
    pytest.mark.gui,
    pytest.mark.skipif(any(shutil.which(t) is None for t in TOOLS),
                       reason="Xvfb, xdotool or ImageMagick (import) not installed"),
]

SCREEN = (1280, 900)


def _free_display() -> int:
    for n in range(90, 400):
        if not (Path(f"/tmp/.X{n}-lock").exists() or Path(f"/tmp/.X11-unix/X{n}").exists()):
            return n
    pytest.skip("no free X display number")


def _start_xvfb() -> tuple[subprocess.Popen[bytes], str]:
    """Xvfb on a display nobody uses; ready once a client can talk to it."""
    display = f":{_free_display()}"
    proc = subprocess.Popen(
        ["Xvfb", display, "-screen", "0", f"{SCREEN[0]}x{SCREEN[1]}x24", "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    env = {**os.environ, "DISPLAY": display}
    for _ in range(100):
        if proc.poll() is not None:
            pytest.skip(f"Xvfb exited with {proc.returncode}")
        if subprocess.run(["xdotool", "getmouselocation"], env=env, capture_output=True).returncode == 0:
            return proc, display
        time.sleep(0.1)
    proc.kill()
    pytest.skip("Xvfb did not start")


def _shot(display: str, path: Path) -> np.ndarray:
    subprocess.run(["import", "-display", display, "-window", "root", str(path)], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=30)
    return np.asarray(Image.open(path).convert("RGB"), dtype=np.int16)


def _xdotool(display: str, *args: str) -> str:
    out = subprocess.run(["xdotool", *args], env={**os.environ, "DISPLAY": display}, check=True,
                         capture_output=True, text=True, timeout=30)
    return out.stdout


def _wait_for(cond, what: str, limit: float = 30.0, step: float = 0.2):  # type: ignore[no-untyped-def]
    end = time.monotonic() + limit
    while time.monotonic() < end:
        value = cond()
        if value is not None and value is not False and (not isinstance(value, (int, list)) or value):
            return value
        time.sleep(step)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def xserver():
    proc, display = _start_xvfb()
    yield display
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


def test_real_window_types_into_the_demo_vm(xserver, tmp_path):
    display = xserver
    log_path = tmp_path / "app.log"
    env = {**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb",
           "QVMRC_CONFIG_DIR": str(tmp_path / "config"), "PYTHONPATH": str(ROOT)}
    with open(log_path, "wb") as log:
        app = subprocess.Popen([sys.executable, "-m", "qvmrc", "demo", "-v"], cwd=tmp_path, env=env,
                               stdout=log, stderr=subprocess.STDOUT)
    try:
        def connected() -> bool:
            if app.poll() is not None:
                raise AssertionError(f"the app exited with {app.returncode}:\n{log_path.read_text()}")
            return "connected" in log_path.read_text(errors="replace")

        _wait_for(connected, "the demo console to connect")
        win = _wait_for(lambda: _xdotool(display, "search", "--name", "QVMRC").split(), "the window")[0]
        _xdotool(display, "windowmove", win, "0", "0")
        _xdotool(display, "windowsize", win, str(SCREEN[0]), str(SCREEN[1]))
        geo = _xdotool(display, "getwindowgeometry", "--shell", win)
        g = dict(line.split("=", 1) for line in geo.split())
        wx, wy, ww, wh = (int(g[k]) for k in ("X", "Y", "WIDTH", "HEIGHT"))
        # Click into the console (right of the sidebar, below the toolbars) to give it focus.
        cx, cy = wx + int(ww * 0.45), wy + int(wh * 0.6)
        _xdotool(display, "mousemove", str(cx), str(cy), "click", "1")

        lower = slice(wy + int(wh * 0.2), wy + wh)  # below the demo's clock bar and our toolbars

        def stable() -> np.ndarray | None:
            a = _shot(display, tmp_path / "a.png")
            b = _shot(display, tmp_path / "b.png")
            return a if np.array_equal(a[lower], b[lower]) else None

        before = _wait_for(stable, "the screen to settle after the click", step=0.3)
        _xdotool(display, "type", "--delay", "40", "hello qvmrc")

        def changed() -> int:
            after = _shot(display, tmp_path / "after.png")
            diff = np.abs(after[lower] - before[lower]).sum(axis=2) > 30
            return int(diff.sum()) if diff.sum() > 400 else 0

        n = _wait_for(changed, "the typed text to show in the console")
        assert n > 400
        # The change is inside the console view, not in the app's chrome.
        after = _shot(display, tmp_path / "after.png")
        diff = np.abs(after - before).sum(axis=2) > 30
        diff[: lower.start] = False
        ys, xs = np.nonzero(diff)
        assert xs.min() > wx + 150, "pixels changed in the sidebar, not the console"
        log_text = log_path.read_text(errors="replace")
        assert "Traceback" not in log_text
    finally:
        app.terminate()
        try:
            app.wait(15)
        except subprocess.TimeoutExpired:
            app.kill()
