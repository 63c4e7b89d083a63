"""The X CLIPBOARD of a test X server (Xvnc), held and read through Qt's xcb platform.

No xclip/xsel needed: ``python -m tests.support.xclipboard set TEXT`` owns the
selection until its stdin closes (an X selection lives as long as its owner);
``python -m tests.support.xclipboard get`` prints the selection as UTF-8.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _env(display_env: dict[str, str]) -> dict[str, str]:
    return {**display_env, "QT_QPA_PLATFORM": "xcb", "PYTHONPATH": str(ROOT)}


@contextmanager
def owned(display_env: dict[str, str], text: str) -> Iterator[None]:
    """An X client owns CLIPBOARD with ``text`` while the block runs."""
    proc = subprocess.Popen([sys.executable, "-m", "tests.support.xclipboard", "set", text],
                            env=_env(display_env), stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        assert proc.stdout is not None and proc.stdout.readline() == b"owned\n"
        yield
    finally:
        assert proc.stdin is not None
        proc.stdin.close()
        proc.wait(timeout=30)


def read(display_env: dict[str, str]) -> str:
    """What an X application pasting now would get (blocks while the owner answers)."""
    out = subprocess.run([sys.executable, "-m", "tests.support.xclipboard", "get"], env=_env(display_env),
                         capture_output=True, check=True, timeout=60).stdout
    return out.decode("utf-8")


def _main(argv: list[str]) -> None:
    from PySide6.QtCore import QSocketNotifier
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication(sys.argv[:1])
    clip = app.clipboard()
    if argv[0] == "set":
        clip.setText(argv[1])
        print("owned", flush=True)
        stdin_closed = QSocketNotifier(sys.stdin.fileno(), QSocketNotifier.Type.Read)
        stdin_closed.activated.connect(app.quit)
        app.exec()
    else:
        sys.stdout.buffer.write(clip.text().encode("utf-8"))
        sys.stdout.flush()


if __name__ == "__main__":
    _main(sys.argv[1:])
