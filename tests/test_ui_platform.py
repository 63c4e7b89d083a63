"""Which Qt platform the app asks for: XWayland on Wayland sessions, unless told otherwise."""

from __future__ import annotations

from qvmrc.ui.app import preferred_platform


def test_a_wayland_session_with_xwayland_asks_for_x11_with_wayland_as_fallback():
    assert preferred_platform({"WAYLAND_DISPLAY": "wayland-0", "DISPLAY": ":0"}, "linux") == "xcb;wayland"


def test_an_explicit_choice_or_no_xwayland_leaves_qt_to_decide():
    assert preferred_platform({"WAYLAND_DISPLAY": "wayland-0"}, "linux") is None
    assert preferred_platform({"WAYLAND_DISPLAY": "w", "DISPLAY": ":0", "QT_QPA_PLATFORM": "wayland"}, "linux") is None
    assert preferred_platform({"WAYLAND_DISPLAY": "w", "DISPLAY": ":0", "QVMRC_NATIVE_WAYLAND": "1"}, "linux") is None
    assert preferred_platform({"DISPLAY": ":0"}, "linux") is None  # plain X11: Qt picks xcb itself


def test_other_systems_are_left_alone():
    assert preferred_platform({"WAYLAND_DISPLAY": "w", "DISPLAY": ":0"}, "win32") is None
    assert preferred_platform({"WAYLAND_DISPLAY": "w", "DISPLAY": ":0"}, "darwin") is None
