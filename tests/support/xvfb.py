"""A private Xvfb display for tests that need a real X server (window counting, screenshots)."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

TOOLS = ("Xvfb", "xdotool")


def available() -> bool:
    return all(shutil.which(t) for t in TOOLS)


def _free_display() -> int:
    for n in range(400, 700):
        if not (Path(f"/tmp/.X{n}-lock").exists() or Path(f"/tmp/.X11-unix/X{n}").exists()):
            return n
    raise RuntimeError("no free X display number")


@contextlib.contextmanager
def xvfb(size: tuple[int, int] = (1280, 900)) -> Iterator[str]:
    """Start Xvfb on an unused display; yields ":N" once a client can talk to it."""
    display = f":{_free_display()}"
    proc = subprocess.Popen(["Xvfb", display, "-screen", "0", f"{size[0]}x{size[1]}x24", "-nolisten", "tcp"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        env = {**os.environ, "DISPLAY": display}
        for _ in range(100):
            if proc.poll() is not None:
                raise RuntimeError(f"Xvfb exited with {proc.returncode}")
            if subprocess.run(["xdotool", "getmouselocation"], env=env, capture_output=True).returncode == 0:
                break
            time.sleep(0.1)
        else:
            raise RuntimeError("Xvfb did not start")
        yield display
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


def xdotool(display: str, *args: str) -> str:
    out = subprocess.run(["xdotool", *args], env={**os.environ, "DISPLAY": display}, capture_output=True,
                         text=True, timeout=30)
    return out.stdout


def windows_named(display: str, name: str) -> list[str]:
    """Visible top-level windows whose title matches ``name`` (a regex, as xdotool takes it)."""
    return xdotool(display, "search", "--onlyvisible", "--name", name).split()


def wait_for(cond: Callable[[], Any], what: str, limit: float = 60.0, step: float = 0.2) -> Any:
    """Poll until ``cond()`` is truthy; the limit only bounds a hang, it asserts no timing."""
    end = time.monotonic() + limit
    while time.monotonic() < end:
        value = cond()
        if value:
            return value
        time.sleep(step)
    raise AssertionError(f"timed out waiting for {what}")
