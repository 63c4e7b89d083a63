"""macOS system shortcuts (Cmd+Tab, Cmd+Space, Ctrl+arrows, Cmd+Q) while the console holds the keyboard.

The tap's decisions and the keyboard path run on every platform; the Quartz
event tap itself (CGEventTapCreate) runs on macOS only.
"""

from __future__ import annotations

import sys

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import QEvent, Qt  # noqa: E402
from PySide6.QtGui import QKeyEvent  # noqa: E402

from qvmrc.ui import keytables as kt  # noqa: E402
from qvmrc.ui.keyboard import KeyboardHandler, ScancodeSource  # noqa: E402
from qvmrc.ui.mackeys import (  # noqa: E402
    FLAG_COMMAND,
    FLAG_CONTROL,
    FLAG_SHIFT,
    KEY_DOWN,
    KEY_UP,
    VK_LEFT,
    VK_Q,
    VK_SPACE,
    VK_TAB,
    MacSystemKeyHook,
    install_mac_tap,
    system_keysym,
)
from tests.support.fake_session import FakeSession  # noqa: E402

VK_A = 0x00


@pytest.fixture
def setup(qapp):
    handler = KeyboardHandler(scancode_source=ScancodeSource.MAC)
    handler.session = FakeSession()
    front = [True]
    return handler, MacSystemKeyHook(handler.system_key, lambda: front[0]), front


def test_only_shortcuts_macos_or_the_app_would_take_are_caught():
    assert system_keysym(VK_TAB, FLAG_COMMAND) == kt.XK_Tab
    assert system_keysym(VK_TAB, FLAG_COMMAND | FLAG_SHIFT) == kt.XK_Tab
    assert system_keysym(VK_SPACE, FLAG_COMMAND) == 0x20  # Spotlight
    assert system_keysym(VK_LEFT, FLAG_CONTROL) == kt.XK_Left  # Spaces
    assert system_keysym(VK_Q, FLAG_COMMAND) == ord("q")  # would quit QVMRC
    assert system_keysym(VK_TAB, 0) is None
    assert system_keysym(VK_A, FLAG_COMMAND) is None  # Cmd+A stays a normal key event


def test_cmd_tab_reaches_the_guest_as_tab_with_its_scancode(setup):
    handler, hook, _ = setup
    handler.session.extended_key_events = True
    assert hook.process(KEY_DOWN, VK_TAB, FLAG_COMMAND) is True
    assert hook.process(KEY_UP, VK_TAB, 0) is True  # Cmd already let go
    assert handler.session.calls == [("scan", kt.XK_Tab, 0x0F, True), ("scan", kt.XK_Tab, 0x0F, False)]


def test_shortcuts_pass_when_the_app_is_not_in_front(setup):
    handler, hook, front = setup
    front[0] = False
    assert hook.process(KEY_DOWN, VK_TAB, FLAG_COMMAND) is False
    assert hook.process(KEY_UP, VK_TAB, FLAG_COMMAND) is False
    assert hook.process(12, VK_TAB, FLAG_COMMAND) is False  # flags-changed events always pass
    assert handler.session.calls == []


def test_ungrabbing_releases_held_shortcut_keys(setup):
    handler, hook, _ = setup
    hook.process(KEY_DOWN, VK_SPACE, FLAG_CONTROL)
    hook.process(KEY_DOWN, VK_SPACE, FLAG_CONTROL)  # auto-repeat
    hook.uninstall()
    assert handler.session.calls == [("key", 0x20, True)] * 2 + [("key", 0x20, False)]
    assert handler.pressed_keysyms == []


def test_a_key_qt_saw_pressed_is_released_through_the_tap(setup):
    handler, hook, _ = setup
    mods = Qt.KeyboardModifier
    handler.key_press(QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_Tab.value, mods.NoModifier, 0, VK_TAB, 0, "\t"))
    hook.process(KEY_DOWN, VK_TAB, FLAG_COMMAND)  # held: the same physical key repeats
    hook.process(KEY_UP, VK_TAB, FLAG_COMMAND)
    assert handler.pressed_keysyms == []
    assert handler.session.calls[-1] == ("key", kt.XK_Tab, False)


@pytest.mark.skipif(sys.platform == "darwin", reason="elsewhere than macOS")
def test_no_tap_is_installed_elsewhere(setup):
    _, hook, _ = setup
    assert install_mac_tap(hook) is False and hook.handle is None
