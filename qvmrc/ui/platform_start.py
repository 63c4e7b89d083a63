"""The edges of the desktop app's life on a real desktop: which platform it got,
a display that goes away, a signal asking it to end, a first window that fits.

Kept apart from ``qvmrc.ui.app`` so starting the app stays a short script of
calls into small, testable pieces.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

log = logging.getLogger("qvmrc.ui")

# Qt's xcb plugin says this (once per event-loop pass) when the X server is gone,
# then stops the event loop.
_X11_BROKE = "The X11 connection broke"
#: Room for a title bar and a desktop panel the window manager may not report.
DECORATION_ALLOWANCE = 48
#: The first window's preferred size, and the share of the screen it takes at most.
FIRST_WINDOW = (1280, 860)
SCREEN_SHARE = 0.9


@dataclass
class AppEnd:
    """Why the app is ending when it is not its window closing."""

    display_lost: bool = False
    signal: int | None = None

    @property
    def exit_code(self) -> int:
        # SIGTERM is a polite request to quit: done is success. Ctrl+C keeps the
        # shell's convention (128 + SIGINT).
        if self.signal == signal.SIGINT:
            return 130
        return 0

    def message(self) -> str:
        """The one line for stderr when the display went away."""
        return "qvmrc: error: the display went away (the connection to the X server was lost)"


def signal_name(signum: int) -> str:
    try:
        return signal.Signals(signum).name
    except ValueError:
        return f"signal {signum}"


def platform_env(env: Mapping[str, str], platform: str = sys.platform) -> str | None:
    """QT_QPA_PLATFORM to set, or None for Qt's own choice.

    On a Wayland session with XWayland, QVMRC runs as an X11 client (like
    VMware Workstation and VirtualBox): plain Wayland lets no client grab the
    keyboard's system shortcuts or warp the pointer, which the console's grab
    and relative (pointer-lock) mode need; XWayland emulates both. It asks for
    ``xcb;wayland`` so a stale DISPLAY falls back to Wayland instead of
    aborting the start. QT_QPA_PLATFORM, or QVMRC_NATIVE_WAYLAND=1, keeps Qt's
    choice.
    """
    if not platform.startswith("linux") or env.get("QT_QPA_PLATFORM") or env.get("QVMRC_NATIVE_WAYLAND") == "1":
        return None
    if env.get("WAYLAND_DISPLAY") and env.get("DISPLAY"):
        return "xcb;wayland"
    return None


def describe_platform(name: str, env: Mapping[str, str]) -> str:
    """The log line naming the Qt platform the app really runs on."""
    if name == "xcb" and env.get("WAYLAND_DISPLAY"):
        return ("Qt platform: xcb (through XWayland on a Wayland session, for keyboard grab and "
                "pointer lock; QVMRC_NATIVE_WAYLAND=1 runs natively)")
    if name.startswith("wayland") and env.get("DISPLAY") and not env.get("QT_QPA_PLATFORM", "").startswith("wayland"):
        return f"Qt platform: {name} (the X display {env.get('DISPLAY')} did not answer; native Wayland)"
    return f"Qt platform: {name}"


#: Qt's platform-plugin messages while it picks a platform, held until it has one.
_held: list[str] | None = None


def log_platform(env: Mapping[str, str] | None = None) -> str:
    """Log the platform Qt really uses. What Qt said while trying another one
    first (a stale DISPLAY: "could not connect", "xcb-cursor0 is needed") goes
    to the log at debug level: the fallback worked, the line says which."""
    global _held
    from PySide6.QtGui import QGuiApplication

    line = describe_platform(QGuiApplication.platformName(), os.environ if env is None else env)
    held, _held = _held or [], None
    for text in held:
        log.debug("Qt while choosing its platform: %s", text)
    log.info("%s", line)
    return line


#: xcb plugin complaints that come with a failing X connection (nothing a user can act on)
_XCB_INTERNAL = ("qt_xcb_", "QXcbConnection")


def install_qt_messages(end: AppEnd, write: Callable[[str], Any] | None = None) -> None:
    """Route Qt's own messages: the X server's loss is noted (the app says it
    once, in its own words); platform-plugin messages are held until
    ``log_platform`` (printed at once if Qt gives up); the rest goes to stderr
    as Qt would print it."""
    global _held
    from PySide6.QtCore import QtMsgType, qInstallMessageHandler

    out = write or sys.stderr.write
    _held = []

    def say(text: str) -> None:
        try:
            out(text + "\n")
        except (OSError, ValueError):  # stderr closed: nowhere to say it
            pass

    def handler(mode: QtMsgType, context: Any, message: str) -> None:
        global _held
        if message.startswith(_X11_BROKE):
            end.display_lost = True
            return
        category = getattr(context, "category", None) or "default"
        text = (f"{category}: " if category != "default" else "") + message
        if end.display_lost or message.startswith(_XCB_INTERNAL):
            # The X connection failing: the app says it once, in its own words.
            log.debug("Qt: %s", text)
            return
        if mode == QtMsgType.QtFatalMsg and _held:
            for held in _held:
                say(held)
            _held = None
        elif _held is not None and category.startswith("qt.qpa"):
            _held.append(text)
            return
        say(text)

    qInstallMessageHandler(handler)


def watch_signals(on_signal: Callable[[int], None],
                  signals: tuple[int, ...] = (signal.SIGTERM, signal.SIGINT)) -> Callable[[], None]:
    """Call ``on_signal(signum)`` on the Qt event loop when one of ``signals`` arrives.

    Python runs signal handlers only between bytecodes, and the Qt loop may
    sit in C++ for long: the signal's number is written to a socket
    (``signal.set_wakeup_fd``) that a QSocketNotifier watches. Returns a
    function that puts the previous handlers back.
    """
    from PySide6.QtCore import QSocketNotifier

    if sys.platform == "win32":  # pragma: no cover - never executed here
        # No SIGTERM to speak of; Ctrl+C in a console runs between bytecodes.
        before = signal.signal(signal.SIGINT, lambda n, _f: on_signal(n))
        return lambda: signal.signal(signal.SIGINT, before) and None
    rsock, wsock = socket.socketpair()
    rsock.setblocking(False)
    wsock.setblocking(False)
    old_fd = signal.set_wakeup_fd(wsock.fileno())
    previous = {s: signal.signal(s, lambda _n, _f: None) for s in signals}
    notifier = QSocketNotifier(rsock.fileno(), QSocketNotifier.Type.Read)

    def ready() -> None:
        try:
            data = rsock.recv(64)
        except OSError:
            return
        for signum in data:
            if signum in signals:
                on_signal(signum)

    notifier.activated.connect(ready)

    def restore() -> None:
        with contextlib.suppress(RuntimeError):  # Qt may have deleted it at shutdown
            notifier.setEnabled(False)
        with contextlib.suppress(ValueError):  # only the main thread may (at exit: any)
            signal.set_wakeup_fd(old_fd)
            for s, h in previous.items():
                signal.signal(s, h)
        rsock.close()
        wsock.close()

    restore.notifier = notifier  # type: ignore[attr-defined]  # alive as long as the watch
    return restore


def first_window_rect(available: tuple[int, int, int, int],
                      want: tuple[int, int] = FIRST_WINDOW) -> tuple[int, int, int, int]:
    """(x, y, w, h) of the first window's client area inside the screen's free area.

    Room is kept for a title bar and a panel the window manager may not report
    (XWayland under Weston reports the whole screen as free): a 1280x800 screen
    holds the window with its title bar. Centred, the title bar above ``y``.
    """
    ax, ay, aw, ah = available
    w = max(320, min(want[0], int(aw * SCREEN_SHARE)))
    h = max(240, min(want[1], int(ah * SCREEN_SHARE) - DECORATION_ALLOWANCE))
    x = ax + max(0, (aw - w) // 2)
    y = ay + DECORATION_ALLOWANCE + max(0, (ah - DECORATION_ALLOWANCE - h) // 2)
    return x, y, w, h


def place_first_window(window: Any) -> None:
    """Size and centre the main window on its screen's free area before it shows."""
    screen = window.screen()
    if screen is None:
        return
    free = screen.availableGeometry()
    x, y, w, h = first_window_rect((free.x(), free.y(), free.width(), free.height()))
    window.setGeometry(x, y, w, h)
