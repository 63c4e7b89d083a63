"""Real VNC servers on 127.0.0.1 for the benchmark's recordings.

Each helper starts one server in its own process group and stops exactly that
group on exit, so a benchmark run never leaves servers behind and never
touches anyone else's. Display and port numbers are picked free at start.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository, for tests.support
from tests.support.ports import free_display, wait_port  # noqa: E402  (shared with the tests)


class ServerError(RuntimeError):
    pass


def _display(start: int) -> int:
    """A display N whose VNC port 5900+N is free too (the servers listen there)."""
    try:
        return free_display(start, 99, vnc=True)
    except RuntimeError as e:
        raise ServerError(str(e)) from None


def _wait_listening(port: int, proc: subprocess.Popen) -> None:
    try:
        wait_port(port, proc=proc)
    except RuntimeError as e:
        raise ServerError(str(e)) from None


def spawn(args: list[str], **kw: object) -> subprocess.Popen:
    """Start a process in a new session (its own process group)."""
    return subprocess.Popen(args, start_new_session=True, stdin=subprocess.DEVNULL,  # type: ignore[call-overload]
                            **kw)


def stop(proc: subprocess.Popen | None, timeout: float = 5.0) -> None:
    """Stop a process we spawned and its group (by its id, nothing else)."""
    if proc is None or proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout)


@dataclass
class Server:
    url: str
    port: int
    display: str | None = None  # X display for Xvnc (":N")
    qmp: Path | None = None  # QEMU's QMP socket

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        if self.display:
            env["DISPLAY"] = self.display
        return env


def require(*tools: str) -> list[str]:
    """The tools from ``tools`` that are not on PATH."""
    return [t for t in tools if shutil.which(t) is None]


@contextlib.contextmanager
def xvnc(width: int = 1920, height: int = 1080, log_dir: Path | None = None) -> Iterator[Server]:
    """TigerVNC's Xvnc, security None, loopback only."""
    n = _display(40)
    port = 5900 + n
    log = open(log_dir / f"xvnc-{n}.log", "wb") if log_dir else subprocess.DEVNULL
    proc = spawn(["Xvnc", f":{n}", "-geometry", f"{width}x{height}", "-depth", "24",
                  "-SecurityTypes", "None", "-localhost", "-rfbport", str(port),
                  "-AlwaysShared", "-nolisten", "tcp"], stdout=log, stderr=log)
    try:
        _wait_listening(port, proc)
        for _ in range(100):  # the X socket shows up with the VNC port, give it a moment
            if Path(f"/tmp/.X11-unix/X{n}").exists():
                break
            time.sleep(0.05)
        yield Server(url=f"vnc://127.0.0.1:{port}", port=port, display=f":{n}")
    finally:
        stop(proc)
        if log is not subprocess.DEVNULL:
            log.close()  # type: ignore[union-attr]


@contextlib.contextmanager
def qemu(lossy: bool = False, log_dir: Path | None = None,
         disk: Path | None = None) -> Iterator[Server]:
    """QEMU paused until :func:`qmp_cont`: SeaBIOS's screens, then ``disk`` if given."""
    n = _display(60)
    port = 5900 + n
    tmp = Path(tempfile.mkdtemp(prefix="qvmrc-bench-qemu-"))
    qmp_path = tmp / "qmp.sock"
    vnc = f"127.0.0.1:{n}" + (",lossy=on" if lossy else "")
    log = open(log_dir / f"qemu-{n}.log", "wb") if log_dir else subprocess.DEVNULL
    args = ["qemu-system-x86_64", "-nodefaults", "-vga", "std", "-display", "none",
            "-vnc", vnc, "-m", "64", "-S", "-qmp", f"unix:{qmp_path},server,nowait"]
    if disk is not None:
        args += ["-drive", f"file={disk},format=raw,if=ide,index=0,snapshot=on"]
    proc = spawn(args, stdout=log, stderr=log)
    try:
        _wait_listening(port, proc)
        yield Server(url=f"vnc://127.0.0.1:{port}", port=port, qmp=qmp_path)
    finally:
        stop(proc)
        shutil.rmtree(tmp, ignore_errors=True)
        if log is not subprocess.DEVNULL:
            log.close()  # type: ignore[union-attr]


def qmp_cont(path: Path, timeout: float = 5.0) -> None:
    """Let a QEMU started with -S run (so a recording sees its boot from the start)."""
    with socket.socket(socket.AF_UNIX) as s:
        s.settimeout(timeout)
        s.connect(str(path))
        f = s.makefile("rwb")
        f.readline()  # greeting
        for cmd in ("qmp_capabilities", "cont"):
            f.write(json.dumps({"execute": cmd}).encode() + b"\n")
            f.flush()
            while True:
                reply = json.loads(f.readline())
                if "return" in reply or "error" in reply:
                    break
            if "error" in reply:
                raise ServerError(f"QMP {cmd}: {reply['error']}")
