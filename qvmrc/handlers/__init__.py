"""Make ``qvmrc://`` and ``qvmc://`` links from the web UI open QVMRC, per user, no admin rights.

One seam per OS (``linux``, ``windows``, ``macos``); this module picks one and
works out what the handler must run. No Qt here: ``qvmrc register-handler``
is a headless command.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

SCHEMES = ("qvmrc", "qvmc")


class HandlerError(Exception):
    """Registration failed; the message is one plain sentence for the user."""


def launcher_argv() -> list[str]:
    """The absolute command that starts this QVMRC (a link is appended to it).

    A frozen bundle is its own executable; a pip/pipx install has a ``qvmrc``
    script; anything else (a source checkout) runs ``python -m qvmrc``. On
    Windows the windowed twin (``qvmrcw.exe``) is preferred so a clicked link
    opens no console window.
    """
    script = _script()
    if script is None:
        return [os.path.abspath(sys.executable), "-m", "qvmrc"]
    windowed = script.with_name("qvmrcw.exe")
    if sys.platform == "win32" and windowed.is_file():
        script = windowed
    return [str(script)]


def _script() -> Path | None:
    exe = "qvmrc.exe" if sys.platform == "win32" else "qvmrc"
    if getattr(sys, "frozen", False):
        return Path(sys.executable).absolute()
    argv0 = sys.argv[0] if sys.argv else ""
    if argv0 and Path(argv0).name.lower() in ("qvmrc", "qvmrc.exe") and Path(argv0).is_file():
        return Path(argv0).absolute()
    beside = Path(sys.executable).with_name(exe)
    if beside.is_file():  # the venv's / pipx's script next to its interpreter
        return beside.absolute()
    found = shutil.which("qvmrc")
    return Path(found).absolute() if found else None


def register(argv: list[str] | None = None) -> list[str]:
    """Register both schemes for this user; returns lines to show. Raises HandlerError."""
    argv = argv or launcher_argv()
    if sys.platform == "win32":
        from qvmrc.handlers import windows

        return windows.register(argv)
    if sys.platform == "darwin":
        from qvmrc.handlers import macos

        return macos.register_message()
    from qvmrc.handlers import linux

    return linux.register(argv)


def unregister() -> list[str]:
    if sys.platform == "win32":
        from qvmrc.handlers import windows

        return windows.unregister()
    if sys.platform == "darwin":
        from qvmrc.handlers import macos

        return macos.unregister_message()
    from qvmrc.handlers import linux

    return linux.unregister()


def is_registered() -> bool | None:
    """True/False where the app can tell and change it; None where the OS decides (macOS)."""
    if sys.platform == "win32":
        from qvmrc.handlers import windows

        return windows.is_registered()
    if sys.platform == "darwin":
        return None
    from qvmrc.handlers import linux

    return linux.is_registered()
