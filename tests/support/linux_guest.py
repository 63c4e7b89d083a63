"""A real Linux guest for keyboard tests: Debian's kernel + a busybox initramfs.

Its init reads lines typed on the VGA console (/dev/tty1, PS/2 keyboard, the
kernel's US keymap) and writes each one to the first serial port as
``GOT:<line>``, so a test sees exactly which characters the guest received.
The kernel and busybox come from Debian packages (``apt-get download``, then
``dpkg-deb -x``) and are cached; the initramfs is a newc cpio written here.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.support.ports import free_port, wait_port
from tests.support.servers import QemuServer, stop

CACHE = Path(os.environ.get("QVMRC_LINUX_GUEST_DIR", Path.home() / ".cache" / "qvmrc-test-guest"))

INIT = """#!/bin/busybox sh
/bin/busybox mkdir -p /proc /sys /dev
/bin/busybox mount -t devtmpfs dev /dev
/bin/busybox mount -t proc proc /proc
exec </dev/tty1 >/dev/ttyS0 2>&1
/bin/busybox stty -F /dev/tty1 sane -echo
echo READY
while IFS= read -r line; do
  echo "GOT:$line"
done
"""


def _newc_entry(name: str, data: bytes, mode: int, ino: int) -> bytes:
    fields = [ino, mode, 0, 0, 1, 0, len(data), 0, 0, 0, 0, len(name) + 1, 0]
    head = b"070701" + b"".join(b"%08X" % f for f in fields) + name.encode() + b"\0"
    head += b"\0" * (-len(head) % 4)
    return head + data + b"\0" * (-len(data) % 4)


def build_initramfs(busybox: Path, out: Path) -> Path:
    entries = [("bin", b"", 0o040755), ("bin/busybox", busybox.read_bytes(), 0o100755),
               ("init", INIT.encode(), 0o100755)]
    blob = b"".join(_newc_entry(n, d, m, i + 1) for i, (n, d, m) in enumerate(entries))
    blob += _newc_entry("TRAILER!!!", b"", 0, 0)
    out.write_bytes(blob)
    return out


def _extract(pattern: str, package: str, member: str, name: str) -> Path | None:
    """``member`` (a glob) from a cached Debian package, fetched with apt-get download once."""
    target = CACHE / name
    if target.exists():
        return target
    CACHE.mkdir(parents=True, exist_ok=True)
    debs = sorted(CACHE.glob(pattern))
    if not debs and shutil.which("apt-get"):
        subprocess.run(["apt-get", "download", package], cwd=CACHE, capture_output=True, timeout=300)
        debs = sorted(CACHE.glob(pattern))
    if not debs:
        return None
    tree = CACHE / "tree"
    subprocess.run(["dpkg-deb", "-x", str(debs[-1]), str(tree)], check=True)
    found = sorted(tree.glob(member))
    if not found:
        return None
    shutil.copy(found[-1], target)
    return target


def kernel_and_busybox() -> tuple[Path, Path] | None:
    """The cached kernel and busybox, fetching them when apt-get can; None if not possible."""
    if not shutil.which("dpkg-deb"):
        return None
    kernel_pkg = "linux-image-amd64"
    if shutil.which("apt-cache"):
        deps = subprocess.run(["apt-cache", "depends", kernel_pkg], capture_output=True, text=True).stdout
        for line in deps.splitlines():
            if "Depends: linux-image-" in line:
                kernel_pkg = line.split()[-1]
                break
    try:
        kernel = _extract("linux-image-*.deb", kernel_pkg, "boot/vmlinuz-*", "vmlinuz")
        busybox = _extract("busybox-static_*.deb", "busybox-static", "bin/busybox", "busybox")
    except (OSError, subprocess.SubprocessError):
        return None
    if kernel is None or busybox is None:
        return None
    return kernel, busybox


@dataclass
class LinuxGuest:
    server: QemuServer
    serial: Path

    def wait_line(self, prefix: str, timeout: float = 60.0, after: int = 0) -> str:
        """The first serial line (from line number ``after``) that starts with ``prefix``."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            lines = self.lines()
            for line in lines[after:]:
                if line.startswith(prefix):
                    return line
            if self.server.proc.poll() is not None:
                raise RuntimeError(f"QEMU exited with {self.server.proc.returncode}")
            time.sleep(0.1)
        raise TimeoutError(f"no serial line starting with {prefix!r}; got {self.lines()!r}")

    def lines(self) -> list[str]:
        try:
            return self.serial.read_bytes().decode("latin-1").replace("\r", "").split("\n")
        except FileNotFoundError:
            return []


@contextmanager
def linux_guest(kernel: Path, busybox: Path) -> Iterator[LinuxGuest]:
    workdir = Path(tempfile.mkdtemp(prefix="qvmrc-linux-"))
    port = free_port()
    display = port - 5900
    initrd = build_initramfs(busybox, workdir / "initrd.cpio")
    serial = workdir / "serial.txt"
    qmp_path = str(workdir / "qmp.sock")
    cmd = ["qemu-system-x86_64", "-nodefaults", "-vga", "std", "-display", "none", "-m", "256",
           "-kernel", str(kernel), "-initrd", str(initrd),
           "-append", "console=ttyS1 quiet loglevel=0 panic=-1",
           "-serial", f"file:{serial}", "-vnc", f"127.0.0.1:{display}",
           "-qmp", f"unix:{qmp_path},server,nowait", "-no-reboot"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    server = QemuServer(proc, port, qmp_path, workdir)
    try:
        wait_port(port, proc=proc)
        yield LinuxGuest(server, serial)
    finally:
        stop(proc)
        shutil.rmtree(workdir, ignore_errors=True)
