"""Send key combinations (parsing, settings, menu, dialog) and the local-cursor toggles."""

from __future__ import annotations

import json

import numpy as np
import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QDialog  # noqa: E402

from qvmrc import keycombos  # noqa: E402
from qvmrc.rfb import messages  # noqa: E402
from qvmrc.rfb.events import CursorShape  # noqa: E402
from qvmrc.settings import Settings, settings_from_json  # noqa: E402
from qvmrc.ui.console_tab import ConsoleTab, ConsoleTarget  # noqa: E402
from qvmrc.ui.key_menu import KeyComboDialog, SendKeyMenu, cursor_actions  # noqa: E402
from qvmrc.ui.keyboard import KeyboardHandler, ScancodeSource  # noqa: E402
from tests.support.fake_session import FakeSession  # noqa: E402
from tests.test_ui_pointer import make_view  # noqa: E402

# ------------------------------------------------------------------ parsing


@pytest.mark.parametrize("text, canonical, xts", [
    ("ctrl+alt+f2", "Ctrl+Alt+F2", [0x1D, 0x38, 0x3C]),
    ("Win+R", "Win+R", [0xE05B, 0x13]),
    (" super + r ", "Win+R", [0xE05B, 0x13]),
    ("Ctrl+Shift+Esc", "Ctrl+Shift+Esc", [0x1D, 0x2A, 0x01]),
    ("Alt+Tab", "Alt+Tab", [0x38, 0x0F]),
    ("Shift+=", "Shift+=", [0x2A, 0x0D]),
    ("RCtrl", "RCtrl", [0xE01D]),
])
def test_a_combination_parses_into_keys_in_order(text, canonical, xts):
    name, keys = keycombos.parse(text)
    assert name == canonical
    assert [xt for _sym, xt in keys] == xts


@pytest.mark.parametrize("text, why", [
    ("", "empty"), ("Ctrl++", "empty key name"), ("Ctrl+Foo", "unknown key 'Foo'"),
    ("Ctrl+Ctrl", "names a key twice"), ("a+b+c+d+e+f+g", "at most 6 keys"), ("x" * 100, "too long"),
])
def test_a_bad_combination_is_refused_with_a_reason(text, why):
    with pytest.raises(keycombos.BadCombo, match=why):
        keycombos.parse(text)


def test_builtin_entries_include_win_and_alt_tab_and_every_ctrl_alt_fn():
    assert {"Win", "Alt+Tab", "Ctrl+Alt+Backspace", "Ctrl+Alt+Del"} <= set(keycombos.BUILTIN)
    assert {f"Ctrl+Alt+F{n}" for n in range(1, 13)} <= set(keycombos.BUILTIN)


# ------------------------------------------------------------------ sending


@pytest.fixture
def handler(qapp):
    h = KeyboardHandler(scancode_source=ScancodeSource.EVDEV)
    h.session = FakeSession(extended_keys=True)
    return h


def test_a_custom_combination_goes_down_in_order_and_up_in_reverse_on_the_wire(handler):
    handler.send_keys("Ctrl+Alt+F2")
    wire = b"".join(messages.qemu_key_event(c[3], c[1], c[2]) for c in handler.session.calls)
    ev = [(wire[i + 3], int.from_bytes(wire[i + 4:i + 8], "big"), int.from_bytes(wire[i + 8:i + 12], "big"))
          for i in range(0, len(wire), 12)]
    assert ev == [(1, 0xFFE3, 0x1D), (1, 0xFFE9, 0x38), (1, 0xFFBF, 0x3C),
                  (0, 0xFFBF, 0x3C), (0, 0xFFE9, 0x38), (0, 0xFFE3, 0x1D)]


def test_win_is_the_left_windows_key_as_qemu_key_number_0xdb(handler):
    handler.send_keys("Win")
    sym, xt = handler.session.calls[0][1:3]
    assert messages.qemu_key_event(True, sym, xt) == bytes([255, 0, 0, 1, 0, 0, 0xFF, 0xEB, 0, 0, 0, 0xDB])


def test_alt_tab_by_keysym_when_the_server_has_no_scancodes(handler):
    handler.session.extended_key_events = False
    handler.send_keys("Alt+Tab")
    assert handler.session.calls == [("key", 0xFFE9, True), ("key", 0xFF09, True),
                                     ("key", 0xFF09, False), ("key", 0xFFE9, False)]
    assert messages.key_event(True, 0xFF09) == bytes([4, 1, 0, 0, 0, 0, 0xFF, 0x09])


# ------------------------------------------------------------------ settings


def test_saved_combinations_are_validated_and_made_canonical():
    s, reset = settings_from_json({"custom_keys": ["ctrl+alt+f2", "Win+R", "Ctrl+Alt+F2"]})
    assert s.custom_keys == ["Ctrl+Alt+F2", "Win+R"] and reset == []
    s, reset = settings_from_json({"custom_keys": ["Ctrl+Nope"], "guest_layout": "xx",
                                   "show_local_cursor": "yes"})
    assert s.custom_keys == [] and s.guest_layout == "us" and s.show_local_cursor is True
    assert set(reset) == {"custom_keys", "guest_layout", "show_local_cursor"}
    s, _ = settings_from_json(json.loads(json.dumps(Settings(custom_keys=["Alt+F4"], guest_layout="de").to_json())))
    assert s.custom_keys == ["Alt+F4"] and s.guest_layout == "de"


# ------------------------------------------------------------------ menu and dialog


def test_the_menu_lists_builtins_then_the_users_combinations(qtbot):
    sent: list[str] = []
    settings = Settings(custom_keys=["Win+R"])
    menu = SendKeyMenu(settings, sent.append)
    qtbot.addWidget(menu)
    texts = [a.text() for a in menu.actions() if not a.isSeparator()]
    assert texts[:3] == ["Ctrl+Alt+Del", "Ctrl+Alt+Backspace", "Ctrl+Alt+F1"]
    assert "Win" in texts and "Alt+Tab" in texts and "Win+R" in texts and "Custom…" in texts
    next(a for a in menu.actions() if a.text() == "Win+R").trigger()
    assert sent == ["Win+R"]


def test_the_custom_dialog_validates_sends_and_keeps_the_combination(qtbot):
    sent: list[str] = []
    edited: list[bool] = []
    settings = Settings()
    menu = SendKeyMenu(settings, sent.append)
    qtbot.addWidget(menu)
    menu.settingsEdited.connect(lambda: edited.append(True))
    menu.open_custom()
    dlg = menu.dialog
    assert isinstance(dlg, KeyComboDialog)
    dlg.edit.setText("ctrl+alt+nope")
    assert not dlg.send.isEnabled() and "Unknown key 'nope'" in dlg.status.text()
    dlg.edit.setText("ctrl+shift+esc")
    assert dlg.send.isEnabled() and dlg.status.text() == "Sends Ctrl+Shift+Esc"
    dlg.accept()
    assert sent == ["Ctrl+Shift+Esc"]
    assert settings.custom_keys == ["Ctrl+Shift+Esc"] and edited == [True]
    assert "Ctrl+Shift+Esc" in [a.text() for a in menu.actions()]


def test_a_builtin_combination_sent_from_the_dialog_is_not_saved_twice(qtbot):
    settings = Settings()
    sent: list[str] = []
    menu = SendKeyMenu(settings, sent.append)
    qtbot.addWidget(menu)
    menu.open_custom()
    menu.dialog.edit.setText("ctrl+alt+f3")
    menu.dialog.accept()
    assert sent == ["Ctrl+Alt+F3"] and settings.custom_keys == []


def test_removing_a_saved_combination_in_the_dialog(qtbot):
    settings = Settings(custom_keys=["Win+R", "Alt+F4"])
    menu = SendKeyMenu(settings, lambda c: None)
    qtbot.addWidget(menu)
    menu.open_custom()
    dlg = menu.dialog
    dlg.list.setCurrentRow(0)
    dlg.remove.click()
    dlg.done(QDialog.DialogCode.Rejected)
    assert settings.custom_keys == ["Alt+F4"]


def test_choosing_the_guest_layout_reaches_the_keyboard_of_the_tab(qtbot):
    settings = Settings()
    tab = ConsoleTab(ConsoleTarget(key="k", title="t", target="vnc://127.0.0.1:1"), settings, session_factory=FakeSession)
    qtbot.addWidget(tab)
    edited: list[bool] = []
    tab.settingsChanged.connect(lambda: edited.append(True))
    tab.keys_menu.layout_actions["fr"].trigger()
    assert settings.guest_layout == "fr" and tab.view.keyboard.guest_layout == "fr" and edited == [True]


# ------------------------------------------------------------------ cursor


def _shape(empty: bool) -> CursorShape:
    w, h = (0, 0) if empty else (4, 4)
    return CursorShape(hotspot_x=0, hotspot_y=0, width=w, height=h, rgba=np.full((h, w, 4), 255, np.uint8))


def test_local_cursor_off_hides_the_pointer_over_the_console(qtbot):
    v = make_view(qtbot, True)
    v.cursor_changed(_shape(empty=False))
    assert v.cursor().shape() == Qt.CursorShape.BitmapCursor
    v.set_cursor_options(False, True)
    assert v.cursor().shape() == Qt.CursorShape.BlankCursor
    v.set_cursor_options(True, True)
    assert v.cursor().shape() == Qt.CursorShape.BitmapCursor


def test_an_empty_server_cursor_shows_a_dot_when_asked(qtbot):
    v = make_view(qtbot, True)
    v.cursor_changed(_shape(empty=True))
    assert v.cursor().shape() == Qt.CursorShape.BlankCursor  # off by default, as in noVNC
    v.set_cursor_options(True, True)
    dot = v.cursor()
    assert dot.shape() == Qt.CursorShape.BitmapCursor and dot.pixmap().width() == 5
    v.set_cursor_options(True, False)
    assert v.cursor().shape() == Qt.CursorShape.BlankCursor


def test_the_view_menu_toggles_change_and_save_the_setting(qtbot, qapp):
    from PySide6.QtWidgets import QWidget

    w = QWidget()
    qtbot.addWidget(w)
    settings = Settings()
    changed: list[bool] = []
    local, dot = cursor_actions(w, settings, lambda: changed.append(True))
    assert local.isChecked() and not dot.isChecked()
    local.setChecked(False)
    assert settings.show_local_cursor is False and changed == [True]
    dot.setChecked(True)
    assert settings.dot_cursor is True and changed == [True, True]


def test_with_shift_in_the_combination_the_keysym_is_the_shifted_symbol():
    # QEMU's lock-key sync toggles Caps Lock when a letter's keysym case disagrees
    # with Shift: Shift+H sent with keysym "h" typed "h" on a real guest.
    assert keycombos.parse("Shift+h")[1] == ((0xFFE1, 0x2A), (ord("H"), 0x23))
    assert keycombos.parse("Shift+1")[1][1] == (ord("!"), 0x02)
    assert keycombos.parse("Ctrl+c")[1][1] == (ord("c"), 0x2E)


# ------------------------------------------------------------------ Right Ctrl release hotkey


def _rctrl(release: bool = False):
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QKeyEvent

    etype = QEvent.Type.KeyRelease if release else QEvent.Type.KeyPress
    return QKeyEvent(etype, Qt.Key.Key_Control.value, Qt.KeyboardModifier.NoModifier, 97 + 8, 0xFFE4, 0, "",
                     False, 1)


def _key(key: Qt.Key, text: str, evdev: int, release: bool = False):
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QKeyEvent

    etype = QEvent.Type.KeyRelease if release else QEvent.Type.KeyPress
    return QKeyEvent(etype, key.value, Qt.KeyboardModifier.NoModifier, evdev + 8, 0, 0, text, False, 1)


def test_right_ctrl_tapped_alone_releases_and_never_reaches_the_guest(handler, qtbot):
    handler.set_release_hotkey("Right Ctrl")
    assert handler.hotkey_text == "Right Ctrl"
    with qtbot.waitSignal(handler.hotkeyPressed, timeout=1000):
        handler.key_press(_rctrl())
        handler.key_release(_rctrl(release=True))
    assert handler.session.calls == []


def test_right_ctrl_with_another_key_is_no_release_and_left_ctrl_still_reaches_the_guest(handler):
    handler.set_release_hotkey("Right Ctrl")
    fired: list[bool] = []
    handler.hotkeyPressed.connect(lambda: fired.append(True))
    handler.key_press(_rctrl())
    handler.key_press(_key(Qt.Key.Key_C, "c", 46))
    handler.key_release(_key(Qt.Key.Key_C, "c", 46, release=True))
    handler.key_release(_rctrl(release=True))
    handler.key_press(_key(Qt.Key.Key_Control, "", 29))
    handler.key_press(_key(Qt.Key.Key_Alt, "", 56))
    handler.key_release(_key(Qt.Key.Key_Alt, "", 56, release=True))
    handler.key_release(_key(Qt.Key.Key_Control, "", 29, release=True))
    assert fired == []  # neither Right Ctrl+C nor Ctrl+Alt release now
    assert [c[2] for c in handler.session.calls] == [0x2E, 0x2E, 0x1D, 0x38, 0x38, 0x1D]


def test_right_ctrl_is_offered_in_preferences_and_saved():
    from qvmrc.settings import RELEASE_HOTKEYS

    assert "Right Ctrl" in RELEASE_HOTKEYS
    s, reset = settings_from_json({"release_hotkey": "Right Ctrl"})
    assert s.release_hotkey == "Right Ctrl" and reset == []
