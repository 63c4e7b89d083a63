"""The fullscreen monitor choice on a real two-output desktop: Weston (X11 backend,
two outputs) nested in Xvfb, the app as a native Wayland client and through XWayland.

As a native Wayland client the window goes fullscreen on the chosen output. Through
XWayland, Weston's own X window manager places X windows itself and fullscreens them
on the output it picks, whatever their position: there the test checks what the app
controls — the window is moved to the chosen output before fullscreen.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("PySide6")

from tests.support.weston import weston  # noqa: E402
from tests.support.xvfb import needs_xvfb  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
pytestmark = [pytest.mark.gui, needs_xvfb,
              pytest.mark.skipif(shutil.which("weston") is None or shutil.which("Xwayland") is None,
                                 reason="weston / Xwayland not installed")]


def two_outputs(tmp: Path) -> contextlib.AbstractContextManager[tuple[dict[str, str], str, str]]:
    """Yields (env with the Wayland socket, XWayland's display, the host display)."""
    return weston(tmp, socket="qvmrc-two", host_screen="2200x900x24",
                  outputs=["--output-count=2", "--width=1024", "--height=700"])


def probe(env: dict[str, str], screen: str) -> dict:
    res = subprocess.run([sys.executable, str(ROOT / "tests/support/fullscreen_probe.py"), screen],
                         env=env, capture_output=True, text=True, timeout=60)
    line = next((x for x in res.stdout.splitlines() if x.startswith("{")), None)
    assert line is not None, res.stdout + res.stderr
    return json.loads(line)


def test_two_wayland_outputs_enable_the_monitor_choice(tmp_path):
    with two_outputs(tmp_path) as (env, _xwayland, _host):
        got = probe({**env, "QT_QPA_PLATFORM": "wayland"}, "screen1")
    assert got["screens"] == ["screen0", "screen1"] and got["menu_enabled"]
    assert got["placed"][2] == "screen1"
    assert got["full_screen"] == "screen1"  # the compositor fullscreened it there
    assert got["is_full"] and got["full_size"] == [1024, 700] and got["after"] is False


def test_two_xwayland_outputs_place_the_window_on_the_chosen_one(tmp_path):
    with two_outputs(tmp_path) as (env, xwayland, _host):
        got = probe({**env, "QT_QPA_PLATFORM": "xcb", "DISPLAY": xwayland}, "XWAYLAND1")
    assert got["screens"] == ["XWAYLAND0", "XWAYLAND1"] and got["menu_enabled"]
    assert got["placed"] == [1024, 0, "XWAYLAND1"]  # the window moved to the chosen output
    assert got["is_full"] and got["full_size"] == [1024, 700] and got["after"] is False
