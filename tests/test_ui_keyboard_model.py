"""The VMware keyboard model: the console takes the keyboard only while grabbed.

A click (or Ctrl+G) grabs, the release hotkey gives the keyboard back, and a
console that has the focus but no grab is an ordinary widget: app shortcuts
work, Tab moves on, and a focus frame says where the focus is.
"""

from __future__ import annotations

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import QEvent, QPointF, Qt  # noqa: E402
from PySide6.QtGui import QAction, QKeySequence, QMouseEvent  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication, QLineEdit, QMainWindow, QVBoxLayout, QWidget  # noqa: E402

from qvmrc.settings import RELEASE_HOTKEYS, Settings, settings_from_json  # noqa: E402
from qvmrc.ui import console_grab  # noqa: E402
from qvmrc.ui import keytables as kt  # noqa: E402
from qvmrc.ui.console_area import ConsoleArea  # noqa: E402
from qvmrc.ui.console_tab import ConsoleTab, ConsoleTarget  # noqa: E402
from qvmrc.ui.console_view import ConsoleView  # noqa: E402
from qvmrc.ui.keyboard import ScancodeSource, parse_hotkey  # noqa: E402
from qvmrc.ui.settings_dialog import SettingsDialog  # noqa: E402
from tests.support.fake_session import FakeSession  # noqa: E402

K = Qt.Key
M = Qt.KeyboardModifier
L = Qt.MouseButton.LeftButton


class Window(QMainWindow):
    """A console between two ordinary widgets, with the app's Ctrl+Shift+D shortcut."""

    def __init__(self, absolute: bool = True) -> None:
        super().__init__()
        host = QWidget()
        lay = QVBoxLayout(host)
        self.before = QLineEdit()
        self.view = ConsoleView(scancode_source=ScancodeSource.EVDEV)
        self.area = ConsoleArea(self.view)
        self.after = QLineEdit()
        for w in (self.before, self.area, self.after):
            lay.addWidget(w)
        self.setCentralWidget(host)
        self.debug = QAction("Debug panel", self, checkable=True)
        self.debug.setShortcut(QKeySequence("Ctrl+Shift+D"))
        self.addAction(self.debug)
        self.session = FakeSession(width=64, height=48, absolute=absolute)
        self.session.show_on(self.view)
        if not absolute:
            self.view.pointer_mode_changed(False)


@pytest.fixture(params=[True, False], ids=["absolute", "relative"])
def win(qtbot, request):
    w = Window(absolute=request.param)
    qtbot.addWidget(w)
    w.resize(400, 400)
    w.show()
    qtbot.waitExposed(w)
    w.activateWindow()
    w.view.setFocus()
    QApplication.processEvents()
    return w


def click(view: ConsoleView) -> None:
    centre = QPointF(view.width() / 2, view.height() / 2)
    for etype, buttons in ((QEvent.Type.MouseButtonPress, L), (QEvent.Type.MouseButtonRelease, Qt.MouseButton.NoButton)):
        e = QMouseEvent(etype, centre, view.mapToGlobal(centre), L, buttons, M.NoModifier)
        QApplication.sendEvent(view, e)


def keys(session: FakeSession) -> list[int]:
    return [c[1] for c in session.of("key") if c[2]]


def release_hotkey(view: ConsoleView, *mods: Qt.Key) -> None:
    for k in mods:
        QTest.keyPress(view, k)
    for k in reversed(mods):
        QTest.keyRelease(view, k)


def test_keys_typed_into_a_focused_console_before_a_click_reach_no_vm(win):
    assert win.view.hasFocus() and not win.view.grabbed
    QTest.keyClicks(win.view, "abc")
    QTest.keyClick(win.view, K.Key_Return)
    assert win.session.of("key") == []


def test_app_shortcuts_work_while_the_console_has_the_focus_without_a_grab(win):
    QTest.keyClick(win.view, K.Key_D, M.ControlModifier | M.ShiftModifier)
    assert win.debug.isChecked()
    assert win.session.of("key") == []


def test_a_click_grabs_the_keyboard_and_keys_then_reach_the_vm(win):
    click(win.view)
    assert win.view.grabbed
    assert QWidget.keyboardGrabber() is win.view  # X11 grab: system keys too
    QTest.keyClicks(win.view, "ab")
    assert keys(win.session) == [ord("a"), ord("b")]
    # Grabbed, the console claims the app's shortcuts for the VM.
    QTest.keyClick(win.view, K.Key_D, M.ControlModifier | M.ShiftModifier)
    assert not win.debug.isChecked()
    assert ord("D") in keys(win.session) or ord("d") in keys(win.session)


def test_a_click_on_a_relative_console_also_locks_the_pointer(qtbot):
    w = Window(absolute=False)
    qtbot.addWidget(w)
    w.resize(400, 400)
    w.show()
    qtbot.waitExposed(w)
    click(w.view)
    assert w.view.grabbed and w.view.pointer_locked
    assert w.session.of("ptr") == []  # the grabbing click is not a click in the guest


def test_the_release_hotkey_gives_the_keyboard_back_and_keeps_the_focus(win):
    click(win.view)
    release_hotkey(win.view, K.Key_Control, K.Key_Alt)
    assert not win.view.grabbed
    assert QWidget.keyboardGrabber() is None
    assert not win.view.pointer_locked
    assert win.view.hasFocus()
    win.session.clear()
    QTest.keyClicks(win.view, "zzz")
    assert win.session.calls == []
    QTest.keyClick(win.view, K.Key_D, M.ControlModifier | M.ShiftModifier)
    assert win.debug.isChecked()


def test_the_release_hotkey_can_be_changed(win):
    win.view.set_release_hotkey("Ctrl+Shift")
    click(win.view)
    assert win.view.pointer_mode_text == "Press Ctrl+Shift to release"
    release_hotkey(win.view, K.Key_Control, K.Key_Alt)
    assert win.view.grabbed  # Ctrl+Alt is just keys for the VM now
    release_hotkey(win.view, K.Key_Control, K.Key_Shift)
    assert not win.view.grabbed


def test_release_hotkeys_are_two_or_more_modifiers_or_a_host_key():
    from qvmrc.ui.keyboard import HOST_KEYS

    assert parse_hotkey("Ctrl+Alt") == {K.Key_Control.value, K.Key_Alt.value}
    for combo in RELEASE_HOTKEYS:
        assert combo in HOST_KEYS or len(parse_hotkey(combo)) >= 2
    for bad in ("Ctrl", "Ctrl+A", "Ctrl+Ctrl", "", "Hyper+Alt"):
        with pytest.raises(ValueError):
            parse_hotkey(bad)


def test_tab_and_shift_tab_move_the_focus_through_a_console_that_is_not_grabbed(win):
    QTest.keyClick(win.view, K.Key_Tab)
    assert win.after.hasFocus()
    QTest.keyClick(win.after, K.Key_Backtab, M.ShiftModifier)
    assert win.view.hasFocus()
    QTest.keyClick(win.view, K.Key_Backtab, M.ShiftModifier)
    assert win.before.hasFocus()
    assert win.session.of("key") == []


def test_tab_goes_to_the_vm_while_grabbed(win):
    click(win.view)
    QTest.keyClick(win.view, K.Key_Tab)
    assert win.view.hasFocus()
    assert kt.XK_Tab in keys(win.session)


def test_ctrl_g_grabs_from_the_keyboard(win):
    QTest.keyClick(win.view, K.Key_G, M.ControlModifier)
    assert win.view.grabbed
    assert win.view.pointer_locked == (not win.session.pointer_absolute)
    assert win.session.of("key") == []  # Ctrl+G itself is not for the VM


def test_a_focus_frame_shows_while_the_console_has_the_focus_but_not_the_keyboard(win):
    highlight = win.area.palette().color(win.area.palette().ColorGroup.Active,
                                         win.area.palette().ColorRole.Highlight)

    def frame_pixel() -> tuple[int, int, int]:
        c = win.area.grab().toImage().pixelColor(1, win.area.height() // 2)
        return c.red(), c.green(), c.blue()

    assert win.view.shows_focus_frame
    assert frame_pixel() == (highlight.red(), highlight.green(), highlight.blue())
    click(win.view)
    assert not win.view.shows_focus_frame
    assert frame_pixel() == (0, 0, 0)
    win.view.release_input()
    assert win.view.shows_focus_frame
    win.after.setFocus()
    QApplication.processEvents()
    assert not win.view.shows_focus_frame
    assert frame_pixel() == (0, 0, 0)


def test_system_key_hooks_are_installed_only_while_grabbed(win, monkeypatch):
    installed: list[str] = []

    class Hook:
        def uninstall(self) -> None:
            installed.append("uninstalled")

    def install(window, system_key) -> Hook:
        installed.append("installed")
        return Hook()

    monkeypatch.setattr(console_grab, "SYSTEM_KEY_HOOKS", True)
    monkeypatch.setattr(console_grab, "install_system_key_hook", install)
    QTest.keyClicks(win.view, "x")
    assert installed == []
    click(win.view)
    assert installed == ["installed"]
    release_hotkey(win.view, K.Key_Control, K.Key_Alt)
    assert installed == ["installed", "uninstalled"]


def test_the_release_hotkey_is_a_preference_kept_in_the_settings_file(qtbot):
    s, reset = settings_from_json({"release_hotkey": "Ctrl+Alt+Shift"})
    assert s.release_hotkey == "Ctrl+Alt+Shift" and reset == []
    s, reset = settings_from_json({"release_hotkey": "Ctrl+Q"})
    assert s.release_hotkey == "Ctrl+Alt" and reset == ["release_hotkey"]
    dlg = SettingsDialog(Settings(release_hotkey="Ctrl+Shift"))
    qtbot.addWidget(dlg)
    assert dlg.hotkey.currentData() == "Ctrl+Shift"
    dlg.hotkey.setCurrentIndex(dlg.hotkey.findData("Ctrl+Meta"))
    assert dlg.result_settings().release_hotkey == "Ctrl+Meta"


async def _never(_target: object) -> object:
    raise AssertionError("not connecting in this test")


def test_the_tab_status_bar_says_how_to_release_and_follows_the_preference(qtbot):
    settings = Settings(release_hotkey="Ctrl+Alt+Shift")
    tab = ConsoleTab(ConsoleTarget(key="k", title="vm", target="vnc://127.0.0.1:1"), settings,
                     resolver=_never)
    qtbot.addWidget(tab)
    tab.show()
    qtbot.waitExposed(tab)
    assert tab.pointer_label.text() == "Absolute pointer — click in the console to type"
    tab.view.set_session(FakeSession())
    tab.view.dimmed = False  # as when connected (the overlay hides)
    tab.view.grab_input()
    assert tab.pointer_label.text() == "Press Ctrl+Alt+Shift to release"
    tab.apply_settings(Settings(release_hotkey="Ctrl+Alt"))
    assert tab.pointer_label.text() == "Press Ctrl+Alt to release"
    tab.view.release_input()
    assert "to release" not in tab.pointer_label.text()


def test_tab_from_the_console_reaches_the_toolbar_widgets(qtbot):
    tab = ConsoleTab(ConsoleTarget(key="k", title="vm", target="vnc://127.0.0.1:1"), Settings(),
                     resolver=_never)
    qtbot.addWidget(tab)
    tab.resize(1600, 600)  # the whole toolbar, no overflow menu
    tab.show()
    qtbot.waitExposed(tab)
    tab.activateWindow()
    tab.view.setFocus()
    QApplication.processEvents()
    seen = []
    for _ in range(30):
        w = QApplication.focusWidget()
        QTest.keyClick(w, K.Key_Tab)
        now = QApplication.focusWidget()
        if now is tab.view:
            break
        seen.append(now)
    texts = {getattr(w, "text", lambda: "")() for w in seen}
    assert {"Smooth", "Fullscreen", "Send key", "Type clipboard", "View only", "Screenshot"} <= texts
    assert tab.scale_box in seen


def test_a_console_that_is_not_live_cannot_be_grabbed(win):
    win.view.dimmed = True  # the overlay: connecting, reconnecting, failed
    click(win.view)
    QTest.keyClick(win.view, K.Key_G, M.ControlModifier)
    assert not win.view.grabbed and not win.view.pointer_locked
    win.view.dimmed = False
    click(win.view)
    assert win.view.grabbed
    win.view.dimmed = True
    assert not win.view.grabbed  # the connection dropped while grabbed: keys back to the app
