"""Ports on 127.0.0.1 for servers the tests and the benchmark start: one copy for both.

bench/ imports this too (it puts the repository root on ``sys.path``), so a
fix here (e.g. to the wait loop) reaches every harness.
"""

from __future__ import annotations

import os
import socket
import subprocess
import time


def free_port() -> int:
    """A port nothing listens on right now (the OS picks it; a race is possible but rare)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def port_free(port: int) -> bool:
    """Whether ``port`` can be bound now (for servers that choose their own, e.g. Xvnc's 5900+N)."""
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_display(start: int = 40, end: int = 400, *, vnc: bool = False) -> int:
    """An X display number N with no lock file, no socket and a free X TCP port (6000+N);
    with ``vnc``, also a free 5900+N (servers that derive their VNC port from N)."""
    for n in range(start, end):
        if os.path.exists(f"/tmp/.X{n}-lock") or os.path.exists(f"/tmp/.X11-unix/X{n}"):
            continue
        if port_free(6000 + n) and (not vnc or port_free(5900 + n)):
            return n
    raise RuntimeError(f"no free X display number between :{start} and :{end - 1}")


def wait_port(port: int, timeout: float = 15.0, proc: subprocess.Popen | None = None) -> None:  # type: ignore[type-arg]
    """Return once something accepts on ``port``; RuntimeError when ``proc`` exits first or time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"server exited with status {proc.returncode} before listening on {port}")
        with socket.socket() as s:
            s.settimeout(0.2)
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port} after {timeout} s")
