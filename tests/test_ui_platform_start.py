"""Platform edges of the app's start and end: platform choice and its log line,
the X server's loss noted once, signals delivered on the Qt loop, a first
window that fits the screen."""

from __future__ import annotations

import os
import signal

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import qWarning  # noqa: E402
from PySide6.QtWidgets import QMainWindow  # noqa: E402

from qvmrc.ui import platform_start as ps  # noqa: E402


def test_a_stale_display_beside_wayland_falls_back_instead_of_aborting():
    assert ps.platform_env({"WAYLAND_DISPLAY": "wayland-0", "DISPLAY": ":9"}, "linux") == "xcb;wayland"


@pytest.mark.parametrize("free", [(0, 0, 1280, 800), (0, 32, 1280, 768), (1920, 0, 1280, 800)])
def test_the_first_window_and_its_title_bar_fit_a_1280x800_screen(free):
    x, y, w, h = ps.first_window_rect(free)
    fx, fy, fw, fh = free
    assert fx <= x and x + w <= fx + fw
    assert y - ps.DECORATION_ALLOWANCE >= fy  # the title bar is on the screen
    assert y + h <= fy + fh


def test_the_first_window_keeps_its_size_on_a_large_screen_centred():
    x, y, w, h = ps.first_window_rect((0, 0, 2560, 1440))
    assert (w, h) == ps.FIRST_WINDOW
    assert abs((x + w / 2) - 1280) <= 1


def test_placing_the_first_window_uses_its_screens_free_area(qtbot):
    win = QMainWindow()
    qtbot.addWidget(win)
    ps.place_first_window(win)
    free = win.screen().availableGeometry()
    g = win.geometry()
    assert free.contains(g)


@pytest.mark.parametrize(("name", "env", "says"), [
    ("xcb", {"DISPLAY": ":0"}, "Qt platform: xcb"),
    ("xcb", {"DISPLAY": ":0", "WAYLAND_DISPLAY": "wayland-0"}, "XWayland"),
    ("wayland", {"DISPLAY": ":9", "WAYLAND_DISPLAY": "wayland-0", "QT_QPA_PLATFORM": "xcb;wayland"},
     "did not answer"),
    ("wayland", {"WAYLAND_DISPLAY": "wayland-0"}, "Qt platform: wayland"),
])
def test_the_log_names_the_platform_in_use(name, env, says):
    line = ps.describe_platform(name, env)
    assert line.startswith(f"Qt platform: {name}") and says in line


def test_the_logged_platform_is_the_one_qt_reports(qapp, caplog):
    caplog.set_level("INFO", logger="qvmrc.ui")
    line = ps.log_platform({})
    assert line == "Qt platform: offscreen"  # these tests run offscreen, whatever DISPLAY says
    assert "Qt platform: offscreen" in caplog.text


def test_the_x_servers_loss_is_noted_and_not_printed_other_qt_messages_are(qapp):
    end = ps.AppEnd()
    out: list[str] = []
    ps.install_qt_messages(end, out.append)
    try:
        qWarning("something else")
        assert not end.display_lost
        qWarning("The X11 connection broke (error 1). Did the X11 server die?")
        qWarning("The X11 connection broke (error 1). Did the X11 server die?")
    finally:
        from PySide6.QtCore import qInstallMessageHandler

        qInstallMessageHandler(None)
    assert end.display_lost
    assert out == ["something else\n"]
    assert end.message().count("\n") == 0


def test_what_qt_says_while_trying_a_stale_display_goes_to_the_debug_log(qapp, caplog):
    from PySide6.QtCore import QLoggingCategory, qCWarning, qInstallMessageHandler

    caplog.set_level("DEBUG", logger="qvmrc.ui")
    out: list[str] = []
    ps.install_qt_messages(ps.AppEnd(), out.append)
    try:
        qCWarning(QLoggingCategory("qt.qpa.xcb"), "could not connect to display :9")
        assert out == []  # held while Qt picks its platform
        ps.log_platform({})
        qCWarning(QLoggingCategory("qt.qpa.xcb"), "a later warning")
    finally:
        qInstallMessageHandler(None)
    assert "Qt while choosing its platform: qt.qpa.xcb: could not connect to display :9" in caplog.text
    assert out == ["qt.qpa.xcb: a later warning\n"]


def test_a_signal_is_delivered_on_the_qt_loop(qtbot):
    got: list[int] = []
    restore = ps.watch_signals(got.append, (signal.SIGUSR1,))
    try:
        os.kill(os.getpid(), signal.SIGUSR1)
        qtbot.waitUntil(lambda: got == [signal.SIGUSR1], timeout=5000)
    finally:
        restore()
    assert signal.getsignal(signal.SIGUSR1) == signal.SIG_DFL


def test_exit_codes_after_a_signal():
    assert ps.AppEnd().exit_code == 0
    assert ps.AppEnd(signal=signal.SIGTERM).exit_code == 0
    assert ps.AppEnd(signal=signal.SIGINT).exit_code == 130
    assert ps.signal_name(signal.SIGTERM) == "SIGTERM"
