"""Windows system keys (Windows key, Alt+Tab, ...) while the console holds the keyboard.

The hook's decisions and the keyboard path run on every platform; the ctypes
binding itself (SetWindowsHookExW) runs on Windows only.
"""

from __future__ import annotations

import sys

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import QEvent, Qt  # noqa: E402
from PySide6.QtGui import QKeyEvent  # noqa: E402

from qvmrc.ui import keytables as kt  # noqa: E402
from qvmrc.ui.keyboard import KeyboardHandler, ScancodeSource  # noqa: E402
from qvmrc.ui.winkeys import (  # noqa: E402
    LLKHF_ALTDOWN,
    LLKHF_EXTENDED,
    LLKHF_INJECTED,
    LLKHF_UP,
    VK_ESCAPE,
    VK_F4,
    VK_LWIN,
    VK_SNAPSHOT,
    VK_TAB,
    SystemKeyHook,
    install_windows_hook,
    system_keysym,
)
from tests.support.fake_session import FakeSession  # noqa: E402

VK_A = 0x41


@pytest.fixture
def setup(qapp):
    handler = KeyboardHandler(scancode_source=ScancodeSource.WINDOWS)
    handler.session = FakeSession()
    front = [True]
    hook = SystemKeyHook(handler.system_key, lambda: front[0])
    return handler, hook, front


def test_only_keys_windows_would_act_on_are_caught():
    assert system_keysym(VK_LWIN, LLKHF_EXTENDED, False) == kt.XK_Super_L
    assert system_keysym(VK_TAB, LLKHF_ALTDOWN, False) == kt.XK_Tab
    assert system_keysym(VK_TAB, 0, False) is None  # plain Tab reaches Qt anyway
    assert system_keysym(VK_ESCAPE, 0, True) == kt.XK_Escape  # Ctrl+Esc: Start menu
    assert system_keysym(VK_ESCAPE, 0, False) is None
    assert system_keysym(VK_F4, LLKHF_ALTDOWN, False) == kt.F(4)  # would close the window
    assert system_keysym(VK_SNAPSHOT, LLKHF_EXTENDED, False) == kt.XK_Print
    assert system_keysym(VK_A, LLKHF_ALTDOWN, False) is None


def test_the_windows_key_goes_to_the_guest_and_not_to_windows(setup):
    handler, hook, _ = setup
    assert hook.process(VK_LWIN, 0x5B, LLKHF_EXTENDED, False) is True
    assert hook.process(VK_LWIN, 0x5B, LLKHF_EXTENDED | LLKHF_UP, False) is True
    assert handler.session.calls == [("key", kt.XK_Super_L, True), ("key", kt.XK_Super_L, False)]


def test_alt_tab_sends_tab_as_an_xt_scancode_when_qemu_takes_them(setup):
    handler, hook, _ = setup
    handler.session.extended_key_events = True
    assert hook.process(VK_TAB, 0x0F, LLKHF_ALTDOWN, False)
    # Alt is let go first: Tab's release is still caught and sent.
    assert hook.process(VK_TAB, 0x0F, LLKHF_UP, False)
    assert handler.session.calls == [("scan", kt.XK_Tab, 0x0F, True), ("scan", kt.XK_Tab, 0x0F, False)]
    handler.session.calls.clear()
    assert hook.process(VK_LWIN, 0x5B, LLKHF_EXTENDED, False)
    assert handler.session.calls == [("scan", kt.XK_Super_L, 0xE05B, True)]


def test_keys_pass_when_the_console_window_is_not_in_front_or_the_key_was_injected(setup):
    handler, hook, front = setup
    front[0] = False
    assert hook.process(VK_LWIN, 0x5B, LLKHF_EXTENDED, False) is False
    assert hook.process(VK_LWIN, 0x5B, LLKHF_EXTENDED | LLKHF_UP, False) is False
    front[0] = True
    assert hook.process(VK_LWIN, 0x5B, LLKHF_EXTENDED | LLKHF_INJECTED, False) is False
    assert hook.process(VK_A, 0x1E, 0, False) is False
    assert handler.session.calls == []


def test_auto_repeat_repeats_and_ungrabbing_releases_what_is_held(setup):
    handler, hook, _ = setup
    hook.process(VK_LWIN, 0x5B, LLKHF_EXTENDED, False)
    hook.process(VK_LWIN, 0x5B, LLKHF_EXTENDED, False)
    assert hook.held == [VK_LWIN]
    hook.uninstall()
    assert handler.session.calls == [("key", kt.XK_Super_L, True)] * 2 + [("key", kt.XK_Super_L, False)]
    assert hook.held == [] and handler.pressed_keysyms == []


def test_a_key_pressed_through_qt_is_released_by_the_hook(setup):
    """The grab began while the Windows key was down: Qt saw the press, the hook the release."""
    handler, hook, _ = setup
    press = QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_Meta.value, Qt.KeyboardModifier.NoModifier,
                      0x15B, VK_LWIN, 0, "", False, 1)
    handler.key_press(press)
    assert handler.pressed_keysyms == [kt.XK_Super_L]
    hook.process(VK_LWIN, 0x5B, LLKHF_EXTENDED, False)  # repeat while held: same physical key
    hook.process(VK_LWIN, 0x5B, LLKHF_EXTENDED | LLKHF_UP, False)
    assert handler.pressed_keysyms == []
    assert handler.session.calls[-1] == ("key", kt.XK_Super_L, False)


def test_caught_keys_spoil_the_release_hotkey(setup):
    """Ctrl+Alt+(Windows key) is a guest combo, not the release hotkey."""
    handler, hook, _ = setup
    fired: list[bool] = []
    handler.hotkeyPressed.connect(lambda: fired.append(True))
    mods = Qt.KeyboardModifier
    handler.key_press(QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_Control.value, mods.NoModifier, 0x1D, 0x11, 0))
    handler.key_press(QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_Alt.value, mods.ControlModifier, 0x38, 0x12, 0))
    hook.process(VK_LWIN, 0x5B, LLKHF_EXTENDED | LLKHF_ALTDOWN, True)
    hook.process(VK_LWIN, 0x5B, LLKHF_EXTENDED | LLKHF_UP, True)
    handler.key_release(QKeyEvent(QEvent.Type.KeyRelease, Qt.Key.Key_Alt.value, mods.ControlModifier, 0x38, 0x12, 0))
    handler.key_release(QKeyEvent(QEvent.Type.KeyRelease, Qt.Key.Key_Control.value, mods.NoModifier, 0x1D, 0x11, 0))
    assert fired == []


@pytest.mark.skipif(sys.platform == "win32", reason="elsewhere than Windows")
def test_no_hook_is_installed_elsewhere(setup):
    _, hook, _ = setup
    assert install_windows_hook(hook) is False and hook.handle is None


def _win(etype, key, scan, ts, text="", mods=Qt.KeyboardModifier.NoModifier, vk=0):
    e = QKeyEvent(etype, key.value if isinstance(key, Qt.Key) else key, mods, scan, vk, 0, text)
    e.setTimestamp(ts)
    return e


def test_windows_altgr_does_not_reach_the_guest_as_ctrl_alt(setup):
    """AltGr arrives as a fake left Ctrl and Right Alt with one timestamp (German '@' = AltGr+Q)."""
    handler, _, _ = setup
    fired: list[bool] = []
    handler.hotkeyPressed.connect(lambda: fired.append(True))
    P, R = QEvent.Type.KeyPress, QEvent.Type.KeyRelease
    ctrl_alt = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
    handler.key_press(_win(P, Qt.Key.Key_Control, 0x1D, 500))
    handler.key_press(_win(P, Qt.Key.Key_AltGr, 0x138, 500, mods=Qt.KeyboardModifier.ControlModifier))
    handler.key_press(_win(P, Qt.Key.Key_Q, 0x10, 520, "@", ctrl_alt))
    handler.key_release(_win(R, Qt.Key.Key_Q, 0x10, 560, "@", ctrl_alt))
    handler.key_release(_win(R, Qt.Key.Key_Control, 0x1D, 600, mods=Qt.KeyboardModifier.AltModifier))
    handler.key_release(_win(R, Qt.Key.Key_AltGr, 0x138, 600))
    assert handler.session.calls == [
        ("key", kt.XK_Control_L, True), ("key", kt.XK_Control_L, False),  # let go as soon as known
        ("key", kt.XK_ISO_Level3_Shift, True),
        ("key", ord("@"), True), ("key", ord("@"), False),
        ("key", kt.XK_ISO_Level3_Shift, False),
    ]
    assert handler.pressed_keysyms == [] and fired == []


def test_real_ctrl_then_alt_stay_ctrl_alt_and_release_the_grab(setup):
    handler, _, _ = setup
    fired: list[bool] = []
    handler.hotkeyPressed.connect(lambda: fired.append(True))
    P, R = QEvent.Type.KeyPress, QEvent.Type.KeyRelease
    handler.key_press(_win(P, Qt.Key.Key_Control, 0x1D, 500))
    handler.key_press(_win(P, Qt.Key.Key_Alt, 0x38, 640))
    assert handler.pressed_keysyms == [kt.XK_Control_L, kt.XK_Alt_L]
    handler.key_release(_win(R, Qt.Key.Key_Alt, 0x38, 700))
    handler.key_release(_win(R, Qt.Key.Key_Control, 0x1D, 710))
    assert fired == [True]
