"""The real app window under Xvfb: `qvmrc demo`, typed into with xdotool, checked on screen.

Runs the app as a user would (a subprocess, the xcb platform, real X key
events) and compares screenshots of the virtual screen before and after
typing: the demo VM echoes typed keys into its console panel, so the text
must change pixels there. Skips when Xvfb, xdotool or ImageMagick is missing.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("PySide6")
pytest.importorskip("qasync")

from tests.support.xvfb import SCREEN, demo_app, needs_xvfb, shot, wait_for, xdotool  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
pytestmark = [pytest.mark.gui, needs_xvfb]


def test_real_window_types_into_the_demo_vm(xserver, tmp_path):
    display = xserver
    env = {**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb",
           "QVMRC_CONFIG_DIR": str(tmp_path / "config"), "PYTHONPATH": str(ROOT)}
    with demo_app(env, tmp_path) as (app, log_path):
        win = wait_for(lambda: xdotool(display, "search", "--name", "QVMRC").split(), "the window")[0]
        xdotool(display, "windowmove", win, "0", "0")
        xdotool(display, "windowsize", win, str(SCREEN[0]), str(SCREEN[1]))
        geo = xdotool(display, "getwindowgeometry", "--shell", win)
        g = dict(line.split("=", 1) for line in geo.split())
        wx, wy, ww, wh = (int(g[k]) for k in ("X", "Y", "WIDTH", "HEIGHT"))
        # Click into the console (right of the sidebar, below the toolbars) to give it focus.
        cx, cy = wx + int(ww * 0.45), wy + int(wh * 0.6)
        xdotool(display, "mousemove", str(cx), str(cy), "click", "1")

        lower = slice(wy + int(wh * 0.2), wy + wh)  # below the demo's clock bar and our toolbars

        def stable() -> np.ndarray | None:
            a = shot(display, tmp_path / "a.png")
            b = shot(display, tmp_path / "b.png")
            return a if np.array_equal(a[lower], b[lower]) else None

        before = wait_for(stable, "the screen to settle after the click", step=0.3)
        xdotool(display, "type", "--delay", "40", "hello qvmrc")

        def changed() -> int:
            after = shot(display, tmp_path / "after.png")
            diff = np.abs(after[lower] - before[lower]).sum(axis=2) > 30
            return int(diff.sum()) if diff.sum() > 400 else 0

        n = wait_for(changed, "the typed text to show in the console")
        assert n > 400
        # The change is inside the console view, not in the app's chrome.
        after = shot(display, tmp_path / "after.png")
        diff = np.abs(after - before).sum(axis=2) > 30
        diff[: lower.start] = False
        ys, xs = np.nonzero(diff)
        assert xs.min() > wx + 150, "pixels changed in the sidebar, not the console"
        log_text = log_path.read_text(errors="replace")
        assert "Traceback" not in log_text
