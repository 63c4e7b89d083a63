"""Weston (X11 backend, pixman, XWayland) nested in its own Xvfb: a real Wayland desktop for tests."""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from tests.support.ports import free_display
from tests.support.servers import stop
from tests.support.xvfb import wait_for

ROOT = Path(__file__).resolve().parents[2]


@contextmanager
def weston(tmp: Path, *, socket: str, host_screen: str,
           outputs: Sequence[str]) -> Iterator[tuple[dict[str, str], str, str]]:
    """Yields (env for a Wayland client of this Weston, XWayland's display, the host Xvfb's display).

    ``host_screen`` is the Xvfb screen (``"1600x1000x24"``), ``outputs`` Weston's output
    options (``"--width=1280"``, ``"--output-count=2"``...). The env has no DISPLAY and
    a config dir of its own, so the app under test starts clean.
    """
    host = f":{free_display(90)}"
    xvfb = subprocess.Popen(["Xvfb", host, "-screen", "0", host_screen, "-nolisten", "tcp"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    runtime = tmp / "runtime"
    runtime.mkdir(mode=0o700)
    log = tmp / "weston.log"
    comp = None
    try:
        wait_for(lambda: subprocess.run(["xdotool", "getmouselocation"], env={**os.environ, "DISPLAY": host},
                                        capture_output=True).returncode == 0, "Xvfb")
        with open(log, "wb") as out:
            comp = subprocess.Popen(
                ["weston", "--backend=x11-backend.so", "--use-pixman", "--xwayland", f"--socket={socket}",
                 *outputs],
                env={**os.environ, "DISPLAY": host, "XDG_RUNTIME_DIR": str(runtime)},
                stdout=out, stderr=subprocess.STDOUT)
        found = wait_for(lambda: re.search(r"xserver listening on display (:\d+)", log.read_text(errors="replace")),
                         "Weston's XWayland display")
        env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "DISPLAY")}
        env.update(XDG_RUNTIME_DIR=str(runtime), WAYLAND_DISPLAY=socket, PYTHONPATH=str(ROOT),
                   QVMRC_CONFIG_DIR=str(tmp / "config"))
        yield env, found.group(1), host
    finally:
        for p in (comp, xvfb):
            if p is not None:
                stop(p, timeout=10)
