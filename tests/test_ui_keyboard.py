"""Keyboard: key tables, scancodes, stuck-key hygiene, hotkey, Send key, Type text."""

from __future__ import annotations

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import QEvent, Qt  # noqa: E402
from PySide6.QtGui import QInputMethodEvent, QKeyEvent, QKeySequence, QShortcut  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication, QVBoxLayout, QWidget  # noqa: E402

from qvmrc.rfb.keysyms import text_to_key_events  # noqa: E402
from qvmrc.ui import keyboard as kb  # noqa: E402
from qvmrc.ui import keytables as kt  # noqa: E402
from qvmrc.ui.console_view import ConsoleView  # noqa: E402
from qvmrc.ui.keyboard import (  # noqa: E402
    KeyboardHandler,
    ScancodeSource,
    keysym_for_key,
    xt_scancode,
)
from tests.support.fake_session import FakeSession  # noqa: E402

K = Qt.Key
M = Qt.KeyboardModifier
NO = M.NoModifier
EVDEV = ScancodeSource.EVDEV


def ev(key: int | Qt.Key, text: str = "", mods: M = NO, scan: int = 0, vk: int = 0,
       release: bool = False, autorep: bool = False) -> QKeyEvent:
    k = key.value if isinstance(key, Qt.Key) else key
    etype = QEvent.Type.KeyRelease if release else QEvent.Type.KeyPress
    return QKeyEvent(etype, k, mods, scan, vk, 0, text, autorep, 1)


def x11(evdev: int) -> int:
    """X11/Wayland native scan code of an evdev key."""
    return evdev + 8


@pytest.fixture
def handler(qapp):
    h = KeyboardHandler(scancode_source=EVDEV)
    h.session = FakeSession()
    return h


def sent(h: KeyboardHandler) -> list[tuple]:
    return h.session.calls  # type: ignore[union-attr]


# ------------------------------------------------------------------ tables


@pytest.mark.parametrize("key, keysym", [
    (K.Key_Return, 0xFF0D), (K.Key_Enter, 0xFF8D), (K.Key_Escape, 0xFF1B),
    (K.Key_Tab, 0xFF09), (K.Key_Backtab, 0xFF09), (K.Key_Backspace, 0xFF08),
    (K.Key_Insert, 0xFF63), (K.Key_Delete, 0xFFFF), (K.Key_Home, 0xFF50),
    (K.Key_End, 0xFF57), (K.Key_PageUp, 0xFF55), (K.Key_PageDown, 0xFF56),
    (K.Key_Left, 0xFF51), (K.Key_Up, 0xFF52), (K.Key_Right, 0xFF53), (K.Key_Down, 0xFF54),
    (K.Key_F1, 0xFFBE), (K.Key_F12, 0xFFC9), (K.Key_F35, 0xFFE0),
    (K.Key_Print, 0xFF61), (K.Key_Pause, 0xFF13), (K.Key_Menu, 0xFF67),
    (K.Key_Super_L, 0xFFEB), (K.Key_Super_R, 0xFFEC), (K.Key_Meta, 0xFFEB),
    (K.Key_CapsLock, 0xFFE5), (K.Key_NumLock, 0xFF7F), (K.Key_ScrollLock, 0xFF14),
])
def test_non_printable_keys_map_to_their_keysyms(key, keysym):
    text = {K.Key_Return: "\r", K.Key_Tab: "\t", K.Key_Escape: "\x1b", K.Key_Backspace: "\b",
            K.Key_Delete: "\x7f"}.get(key, "")
    assert keysym_for_key(key.value, text, NO) == keysym


@pytest.mark.parametrize("key, text, keysym", [
    (0xC9, "é", 0xE9),             # French é key
    (0xDF, "ß", 0xDF),             # German sharp s
    (0xBF, "¿", 0xBF),             # Spanish inverted question mark
    (0x416, "ж", 0x1000436),       # Cyrillic: Unicode keysym
    (0x5D0, "א", 0x10005D0),       # Hebrew alef
    (K.Key_A.value, "a", 0x61),
    (K.Key_A.value, "A", 0x41),
    (K.Key_Space.value, " ", 0x20),
])
def test_printable_characters_of_any_layout_use_the_typed_text(key, text, keysym):
    assert keysym_for_key(key, text, NO) == keysym


def test_altgr_characters_use_the_typed_text():
    # German AltGr+E gives €, AltGr+Q gives @ (Qt reports the level-3 result as text).
    assert keysym_for_key(K.Key_E.value, "€", M.GroupSwitchModifier) == 0x10020AC
    assert keysym_for_key(K.Key_At.value, "@", M.GroupSwitchModifier) == 0x40
    # Windows reports AltGr as Ctrl+Alt; the text still decides.
    assert keysym_for_key(K.Key_E.value, "€", M.ControlModifier | M.AltModifier) == 0x10020AC


def test_control_combinations_send_the_letter_not_the_control_character():
    assert keysym_for_key(K.Key_C.value, "\x03", M.ControlModifier) == ord("c")
    assert keysym_for_key(K.Key_C.value, "\x03", M.ControlModifier | M.ShiftModifier) == ord("C")
    assert keysym_for_key(K.Key_BracketLeft.value, "\x1b", M.ControlModifier) == ord("[")


def test_left_and_right_modifiers_are_told_apart_by_the_physical_key():
    def sym(key, evdev):
        return keysym_for_key(key.value, "", NO, xt_scancode(EVDEV, x11(evdev), 0))
    assert sym(K.Key_Shift, 42) == kt.XK_Shift_L
    assert sym(K.Key_Shift, 54) == kt.XK_Shift_R
    assert sym(K.Key_Control, 29) == kt.XK_Control_L
    assert sym(K.Key_Control, 97) == kt.XK_Control_R
    assert sym(K.Key_Alt, 56) == kt.XK_Alt_L
    assert sym(K.Key_AltGr, 100) == kt.XK_ISO_Level3_Shift
    assert sym(K.Key_Super_L, 125) == kt.XK_Super_L
    assert sym(K.Key_Meta, 126) == kt.XK_Super_R
    # Without a native scan code: the left one.
    assert keysym_for_key(K.Key_Shift.value, "", NO) == kt.XK_Shift_L


def test_keypad_keys_get_keypad_keysyms():
    kp = M.KeypadModifier
    assert keysym_for_key(K.Key_1.value, "1", kp, 0x4F) == 0xFFB1
    assert keysym_for_key(K.Key_End.value, "", kp, 0x4F) == 0xFF9C  # NumLock off
    assert keysym_for_key(K.Key_Asterisk.value, "*", kp, 0x37) == 0xFFAA
    assert keysym_for_key(K.Key_Slash.value, "/", kp, 0xE035) == 0xFFAF
    assert keysym_for_key(K.Key_Enter.value, "\r", kp, 0xE01C) == 0xFF8D
    # macOS marks arrow keys with KeypadModifier too: the physical key says they are arrows.
    left = xt_scancode(ScancodeSource.MAC, 0, 0x7B)
    assert keysym_for_key(K.Key_Left.value, "", kp, left) == 0xFF51


def test_dead_keys_map_to_x11_dead_keysyms():
    assert keysym_for_key(K.Key_Dead_Grave.value, "", NO) == 0xFE50
    assert keysym_for_key(K.Key_Dead_Acute.value, "", NO) == 0xFE51
    assert keysym_for_key(K.Key_Dead_Circumflex.value, "", NO) == 0xFE52
    assert keysym_for_key(K.Key_Dead_Diaeresis.value, "", NO) == 0xFE57


# ------------------------------------------------------------------ scancodes


@pytest.mark.parametrize("evdev, xt", [
    (1, 0x01), (30, 0x1E), (28, 0x1C), (57, 0x39), (86, 0x56), (87, 0x57), (88, 0x58),
    (96, 0xE01C), (97, 0xE01D), (98, 0xE035), (99, 0xE037), (100, 0xE038),
    (102, 0xE047), (103, 0xE048), (105, 0xE04B), (111, 0xE053), (119, 0xE046),
    (125, 0xE05B), (126, 0xE05C), (127, 0xE05D), (89, 0x73), (124, 0x7D),
])
def test_linux_evdev_scan_codes_map_to_xt(evdev, xt):
    assert xt_scancode(EVDEV, x11(evdev), 0) == xt


def test_windows_scan_codes_are_xt_with_the_extended_flag():
    w = ScancodeSource.WINDOWS
    assert xt_scancode(w, 0x1E, 0x41) == 0x1E
    assert xt_scancode(w, 0x11D, 0xA3) == 0xE01D       # right Control
    assert xt_scancode(w, 0x148, 0x26) == 0xE048       # Up
    assert xt_scancode(w, 0x137, 0x2C) == 0xE037       # Print Screen
    assert xt_scancode(w, 0x45, 0x13, K.Key_Pause.value) == 0xE046
    assert xt_scancode(w, 0x145, 0x90, K.Key_NumLock.value) == 0x45
    assert xt_scancode(w, 0, 0x41) == 0


def test_mac_virtual_keys_map_to_xt():
    m = ScancodeSource.MAC
    assert xt_scancode(m, 0, 0x00) == 0x1E   # A
    assert xt_scancode(m, 0, 0x24) == 0x1C   # Return
    assert xt_scancode(m, 0, 0x37) == 0xE05B  # Command -> Super
    assert xt_scancode(m, 0, 0x3B) == 0x1D   # Control
    assert xt_scancode(m, 0, 0x7E) == 0xE048  # Up


def test_unknown_native_codes_give_no_scancode():
    assert xt_scancode(EVDEV, 0, 0) == 0
    assert xt_scancode(EVDEV, x11(250), 0) == 0
    assert xt_scancode(ScancodeSource.NONE, 38, 0) == 0


def test_platform_names_choose_the_scan_code_source():
    assert kb.scancode_source_for_platform("xcb") is EVDEV
    assert kb.scancode_source_for_platform("wayland") is EVDEV
    assert kb.scancode_source_for_platform("windows") is ScancodeSource.WINDOWS
    assert kb.scancode_source_for_platform("cocoa") is ScancodeSource.MAC


# ------------------------------------------------------------------ handler


def test_keys_go_by_keysym_until_the_server_acknowledged_extended_key_events(handler):
    handler.key_press(ev(K.Key_A, "a", scan=x11(30)))
    handler.key_release(ev(K.Key_A, "a", scan=x11(30), release=True))
    assert sent(handler) == [("key", 0x61, True), ("key", 0x61, False)]


def test_keys_go_as_scancode_plus_keysym_with_extended_key_events(handler):
    handler.session.extended_key_events = True
    handler.key_press(ev(K.Key_Q, "a", scan=x11(16)))  # AZERTY: the Q position types 'a'
    handler.key_release(ev(K.Key_Q, "a", scan=x11(16), release=True))
    assert sent(handler) == [("scan", 0x61, 0x10, True), ("scan", 0x61, 0x10, False)]


def test_release_sends_the_keysym_that_was_pressed_even_after_shift_was_let_go(handler):
    # X reports the release of '~' as '`' when Shift went up first (DESIGN field note).
    grave = x11(41)
    handler.key_press(ev(K.Key_Shift, "", M.ShiftModifier, scan=x11(42)))
    handler.key_press(ev(K.Key_AsciiTilde, "~", M.ShiftModifier, scan=grave))
    handler.key_release(ev(K.Key_Shift, "", NO, scan=x11(42), release=True))
    handler.key_release(ev(K.Key_QuoteLeft, "`", NO, scan=grave, release=True))
    assert sent(handler) == [
        ("key", kt.XK_Shift_L, True), ("key", 0x7E, True),
        ("key", kt.XK_Shift_L, False), ("key", 0x7E, False),
    ]
    assert handler.pressed_keysyms == []


def test_auto_repeat_repeats_the_press_and_ignores_the_synthetic_release(handler):
    a = x11(30)
    handler.key_press(ev(K.Key_A, "a", scan=a))
    handler.key_release(ev(K.Key_A, "a", scan=a, release=True, autorep=True))
    handler.key_press(ev(K.Key_A, "a", scan=a, autorep=True))
    handler.key_release(ev(K.Key_A, "a", scan=a, release=True))
    assert sent(handler) == [("key", 0x61, True), ("key", 0x61, True), ("key", 0x61, False)]


def test_release_all_lets_go_of_every_held_key_in_reverse_order(handler):
    handler.key_press(ev(K.Key_Control, "", M.ControlModifier, scan=x11(29)))
    handler.key_press(ev(K.Key_Shift, "", M.ShiftModifier, scan=x11(42)))
    handler.key_press(ev(K.Key_X, "\x18", M.ControlModifier | M.ShiftModifier, scan=x11(45)))
    handler.session.clear()
    handler.release_all()
    assert sent(handler) == [("key", ord("X"), False), ("key", kt.XK_Shift_L, False),
                             ("key", kt.XK_Control_L, False)]
    handler.session.clear()
    handler.key_release(ev(K.Key_X, "x", scan=x11(45), release=True))
    assert sent(handler) == []  # a release for a key the guest no longer holds is dropped


def test_dead_key_then_letter_types_the_composed_character_in_keysym_mode(handler):
    handler.key_press(ev(K.Key_Dead_Acute, "", scan=x11(40)))
    handler.key_release(ev(K.Key_Dead_Acute, "", scan=x11(40), release=True))
    handler.key_press(ev(K.Key_E, "é", scan=x11(18)))
    handler.key_release(ev(K.Key_E, "e", scan=x11(18), release=True))
    assert sent(handler) == [("key", 0xE9, True), ("key", 0xE9, False)]


def test_dead_key_that_does_not_compose_types_both_characters(handler):
    handler.key_press(ev(K.Key_X, "^x", scan=x11(45)))
    handler.key_release(ev(K.Key_X, "x", scan=x11(45), release=True))
    assert sent(handler) == [("key", ord("^"), True), ("key", ord("^"), False),
                             ("key", ord("x"), True), ("key", ord("x"), False)]


def test_dead_keys_go_to_the_guest_as_scancodes_so_its_layout_composes(handler):
    handler.session.extended_key_events = True
    handler.key_press(ev(K.Key_Dead_Circumflex, "", scan=x11(26)))
    handler.key_press(ev(K.Key_E, "ê", scan=x11(18)))
    assert sent(handler) == [("scan", 0xFE52, 0x1A, True), ("scan", 0xEA, 0x12, True)]


def test_input_method_commits_are_typed_as_taps(handler):
    handler.commit_text("ñ€")
    assert sent(handler) == [("key", 0xF1, True), ("key", 0xF1, False),
                             ("key", 0x10020AC, True), ("key", 0x10020AC, False)]


def test_altgr_goes_as_iso_level3_shift_and_the_character_as_typed(handler):
    handler.key_press(ev(K.Key_AltGr, "", scan=x11(100)))
    handler.key_press(ev(K.Key_Q, "@", M.GroupSwitchModifier, scan=x11(16)))
    assert sent(handler) == [("key", kt.XK_ISO_Level3_Shift, True), ("key", 0x40, True)]


# ------------------------------------------------------------------ hotkey


def test_ctrl_alt_pressed_and_released_alone_is_the_release_hotkey(handler, qtbot):
    with qtbot.waitSignal(handler.hotkeyPressed, timeout=1000):
        handler.key_press(ev(K.Key_Control, "", M.ControlModifier, scan=x11(29)))
        handler.key_press(ev(K.Key_Alt, "", M.ControlModifier | M.AltModifier, scan=x11(56)))
        handler.key_release(ev(K.Key_Alt, "", M.ControlModifier, scan=x11(56), release=True))
    assert handler.hotkey_text == "Ctrl+Alt"


def test_ctrl_alt_del_typed_on_the_keyboard_is_not_the_hotkey(handler, qtbot):
    fired = []
    handler.hotkeyPressed.connect(lambda: fired.append(1))
    mods = M.ControlModifier | M.AltModifier
    handler.key_press(ev(K.Key_Control, "", M.ControlModifier, scan=x11(29)))
    handler.key_press(ev(K.Key_Alt, "", mods, scan=x11(56)))
    handler.key_press(ev(K.Key_Delete, "", mods, scan=x11(111)))
    handler.key_release(ev(K.Key_Delete, "", mods, scan=x11(111), release=True))
    handler.key_release(ev(K.Key_Alt, "", M.ControlModifier, scan=x11(56), release=True))
    handler.key_release(ev(K.Key_Control, "", NO, scan=x11(29), release=True))
    assert fired == []
    assert ("key", kt.XK_Delete, True) in sent(handler)


# ------------------------------------------------------------------ send keys / type text


def test_send_keys_names_cover_the_menu():
    names = set(kb.SEND_KEY_NAMES)
    assert {"Ctrl+Alt+Del", "Ctrl+Alt+Backspace", "PrintScreen", "SysRq"} <= names
    assert {f"Ctrl+Alt+F{n}" for n in range(1, 13)} <= names


def test_send_ctrl_alt_del_presses_in_order_and_releases_in_reverse(handler):
    handler.send_keys("Ctrl+Alt+Del")
    assert sent(handler) == [
        ("key", kt.XK_Control_L, True), ("key", kt.XK_Alt_L, True), ("key", kt.XK_Delete, True),
        ("key", kt.XK_Delete, False), ("key", kt.XK_Alt_L, False), ("key", kt.XK_Control_L, False),
    ]


def test_send_keys_use_scancodes_when_the_server_supports_them(handler):
    handler.session.extended_key_events = True
    handler.send_keys("Ctrl+Alt+F2")
    assert [c[2] for c in sent(handler)] == [0x1D, 0x38, 0x3C, 0x3C, 0x38, 0x1D]
    handler.session.clear()
    handler.send_keys("SysRq")
    assert [(c[1], c[2], c[3]) for c in sent(handler)] == [
        (kt.XK_Alt_L, 0x38, True), (kt.XK_Print, 0xE037, True),
        (kt.XK_Print, 0xE037, False), (kt.XK_Alt_L, 0x38, False)]


def test_unknown_send_key_name_is_refused(handler):
    with pytest.raises(ValueError, match="unknown key .Nope."):
        handler.send_keys("Ctrl+Alt+Nope")


def test_type_text_sends_the_key_events_paced_by_a_timer(handler, qtbot):
    assert handler.type_text("Hi!\n")
    assert handler.typing
    with qtbot.waitSignal(handler.typingFinished, timeout=5000):
        pass
    assert sent(handler) == [("key", s, d) for s, d in text_to_key_events("Hi!\n")]


def test_type_text_asks_for_confirmation_above_the_threshold(handler):
    long_text = "x" * (kb.TYPE_CONFIRM_THRESHOLD + 1)
    assert kb.KeyboardHandler.needs_confirmation(long_text)
    assert not kb.KeyboardHandler.needs_confirmation("short")
    asked = []
    assert not handler.type_text(long_text, confirm=lambda n: asked.append(n) or False)
    assert asked == [len(long_text)]
    assert not handler.typing


def test_type_text_refuses_text_over_the_limit(handler):
    with pytest.raises(kb.TextTooLong):
        handler.type_text("x" * (kb.TYPE_TEXT_LIMIT + 1))


def test_type_text_drops_characters_no_key_can_type(handler):
    assert kb.clean_text_for_typing("a\x00b\r\nc\x0c") == "ab\nc"


def test_cancel_typing_releases_a_key_left_down(handler):
    handler.type_text("A")  # Shift down, A down, A up, Shift up
    handler._type_tick()
    handler._type_tick()
    handler.cancel_typing()
    assert sent(handler) == [("key", kt.XK_Shift_L, True), ("key", ord("A"), True),
                             ("key", ord("A"), False), ("key", kt.XK_Shift_L, False)]
    assert not handler.typing


# ------------------------------------------------------------------ in the view


@pytest.fixture
def view(qtbot):
    host = QWidget()
    layout = QVBoxLayout(host)
    other = QWidget()
    other.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    v = ConsoleView(scancode_source=EVDEV)
    layout.addWidget(v)
    layout.addWidget(other)
    qtbot.addWidget(host)
    host.resize(200, 200)
    host.show()
    qtbot.waitExposed(host)
    session = FakeSession()
    v.set_session(session)
    v.setFocus()
    QApplication.processEvents()
    v.other = other  # type: ignore[attr-defined]
    v.host = host  # type: ignore[attr-defined]  # keep the window alive
    return v


def test_tab_and_shift_tab_reach_a_grabbed_vm_instead_of_moving_focus(view):
    view.grab_input()
    QTest.keyClick(view, Qt.Key.Key_Tab)
    QTest.keyClick(view, Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    keys = [(c[1], c[2]) for c in view.session.of("key")]
    assert (kt.XK_Tab, True) in keys and (kt.XK_Tab, False) in keys
    assert keys.count((kt.XK_Tab, True)) == 2
    assert view.hasFocus()


def test_focus_loss_releases_stuck_keys(view):
    view.grab_input()
    view.keyPressEvent(ev(K.Key_Control, "", M.ControlModifier, scan=x11(29)))
    view.keyPressEvent(ev(K.Key_A, "\x01", M.ControlModifier, scan=x11(30)))
    view.session.clear()
    view.other.setFocus()
    QApplication.processEvents()
    assert view.session.calls == [("key", ord("a"), False), ("key", kt.XK_Control_L, False)]
    assert not view.grabbed


def test_a_grabbed_console_claims_application_shortcuts_except_the_kept_ones(view):
    view.grab_input()
    host = view.window()
    fired: list[str] = []
    for seq in ("Ctrl+W", "F11"):
        sc = QShortcut(QKeySequence(seq), host)
        sc.activated.connect(lambda s=seq: fired.append(s))
    QTest.keyClick(view, Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClick(view, Qt.Key.Key_F11)
    assert fired == ["F11"]
    assert ("key", ord("w"), True) in view.session.calls


def test_view_only_sends_no_keys(view):
    view.view_only = True
    QTest.keyClick(view, Qt.Key.Key_A)
    assert view.session.calls == []


def test_view_input_method_commit_types_the_text(view):
    view.grab_input()
    e = QInputMethodEvent()
    e.setCommitString("ü")
    QApplication.sendEvent(view, e)
    assert view.session.calls == [("key", 0xFC, True), ("key", 0xFC, False)]
