"""A real X display for GUI tests: Xvfb on a free display number, screenshots, xdotool."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import numpy as np
import pytest
from PIL import Image

from tests.support.ports import free_display
from tests.support.servers import stop

TOOLS = ("Xvfb", "xdotool", "import")
SCREEN = (1280, 900)
T = TypeVar("T")

needs_xvfb = pytest.mark.skipif(any(shutil.which(t) is None for t in TOOLS),
                                reason="Xvfb, xdotool or ImageMagick (import) not installed")


def available() -> bool:
    return all(shutil.which(t) for t in ("Xvfb", "xdotool"))


@contextmanager
def xvfb(screen: tuple[int, int] = SCREEN) -> Iterator[str]:
    """Xvfb on a display nobody uses, ready once a client can talk to it; yields ':N'."""
    display = f":{free_display(90)}"
    proc = subprocess.Popen(
        ["Xvfb", display, "-screen", "0", f"{screen[0]}x{screen[1]}x24", "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    env = {**os.environ, "DISPLAY": display}
    try:
        for _ in range(100):
            if proc.poll() is not None:
                pytest.skip(f"Xvfb exited with {proc.returncode}")
            if subprocess.run(["xdotool", "getmouselocation"], env=env,
                              capture_output=True).returncode == 0:
                break
            time.sleep(0.1)
        else:
            pytest.skip("Xvfb did not start")
        yield display
    finally:
        stop(proc, timeout=10)


def shot(display: str, path: Path) -> np.ndarray:
    """The whole screen as an int16 RGB array (int16 so differences don't wrap)."""
    subprocess.run(["import", "-display", display, "-window", "root", str(path)], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=30)
    return np.asarray(Image.open(path).convert("RGB"), dtype=np.int16)


def xdotool(display: str, *args: str) -> str:
    out = subprocess.run(["xdotool", *args], env={**os.environ, "DISPLAY": display}, check=True,
                         capture_output=True, text=True, timeout=30)
    return out.stdout


def wait_for(cond: Callable[[], T], what: str, limit: float = 60.0, step: float = 0.2) -> T:
    """Poll ``cond`` until it returns a value (not None/False/0/[]; an array counts).

    The limit is a guard against hangs, not a timing assertion.
    """
    end = time.monotonic() + limit
    while time.monotonic() < end:
        value = cond()
        if value is not None and value is not False and not (isinstance(value, (int, list))
                                                              and not value):
            return value
        time.sleep(step)
    raise AssertionError(f"timed out waiting for {what}")


def windows_named(display: str, name: str) -> list[str]:
    """Visible top-level windows whose title matches ``name`` (a regex, as xdotool takes it)."""
    out = subprocess.run(["xdotool", "search", "--onlyvisible", "--name", name],
                         env={**os.environ, "DISPLAY": display}, capture_output=True, text=True,
                         timeout=30)
    return out.stdout.split()


@contextmanager
def demo_app(env: dict[str, str], cwd: Path, ready: str = "connected") -> Iterator[tuple[subprocess.Popen[bytes], Path]]:
    """`python -m qvmrc demo -v` as a user starts it, until its log says ``ready``;
    yields (process, log path) and stops it afterwards. An early exit fails with its log."""
    log_path = cwd / "app.log"
    with open(log_path, "wb") as log:
        app = subprocess.Popen([sys.executable, "-m", "qvmrc", "demo", "-v"], cwd=cwd, env=env,
                               stdout=log, stderr=subprocess.STDOUT)
    try:
        def started() -> bool:
            if app.poll() is not None:
                raise AssertionError(f"the app exited with {app.returncode}:\n{log_path.read_text()}")
            return ready in log_path.read_text(errors="replace")

        wait_for(started, "the demo console to connect")
        yield app, log_path
    finally:
        stop(app, timeout=15)
