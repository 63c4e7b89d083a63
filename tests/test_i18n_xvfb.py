"""The real app in German under Xvfb: `QVMRC_LANG=de qvmrc demo`, Preferences opened by its key.

Runs the app as a user would (a subprocess on the xcb platform) and finds the
Preferences window by its German title on the X server, so the translation is
installed at start and reaches real windows. The screenshot goes to
$QVMRC_SHOT_DIR (default: the test's temporary folder) as i18n-de.png.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

pytest.importorskip("PySide6")
pytest.importorskip("qasync")

from tests.support.xvfb import SCREEN, demo_app, needs_xvfb, shot, wait_for, xdotool, xvfb  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
pytestmark = [pytest.mark.gui, needs_xvfb]


def test_the_app_started_with_qvmrc_lang_de_shows_german_windows(tmp_path):
    shots = Path(os.environ.get("QVMRC_SHOT_DIR", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    with xvfb() as display:
        env = {**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb", "QVMRC_LANG": "de",
               "QVMRC_CONFIG_DIR": str(tmp_path / "config"), "PYTHONPATH": str(ROOT)}
        with demo_app(env, tmp_path) as (_app, log_path):
            assert "language: de" in log_path.read_text(errors="replace")
            win = wait_for(lambda: xdotool(display, "search", "--onlyvisible", "--name", "QVMRC$").split(),
                           "the window")[0]
            xdotool(display, "windowmove", win, "0", "0")
            xdotool(display, "windowsize", win, str(SCREEN[0] - 300), str(SCREEN[1] - 120))
            # A click in the sidebar (not the console: nothing is grabbed) gives the window the
            # keyboard; there is no window manager to activate it.
            xdotool(display, "mousemove", "60", "300", "click", "1")
            xdotool(display, "key", "ctrl+comma")

            def preferences() -> list[str]:
                try:
                    return xdotool(display, "search", "--onlyvisible", "--name", "QVMRC-Einstellungen").split()
                except subprocess.CalledProcessError:  # not there yet
                    return []

            dlg = wait_for(preferences, "the German Preferences window")[0]
            xdotool(display, "windowmove", dlg, str(SCREEN[0] - 620), "60")
            # The first-start banner the app shows is German too (its question and buttons).

            def settled() -> bool:
                a = shot(display, shots / "i18n-de.png")
                b = shot(display, tmp_path / "again.png")
                return bool((a == b).all())

            wait_for(settled, "the screen to settle", step=0.5)
            assert (shots / "i18n-de.png").stat().st_size > 10_000
            assert "Traceback" not in log_path.read_text(errors="replace")
