"""Display features of a console: zoom presets and fit window, remote resize, live quality,
copy screenshot, the fullscreen toolbar, the monitor choice and fullscreen's debug panel."""

from __future__ import annotations

import asyncio
from typing import Any

import numpy as np
import pytest

pytest.importorskip("PySide6")
pytest.importorskip("qasync")

from PySide6.QtCore import QEvent, QPoint, QPointF, Qt  # noqa: E402
from PySide6.QtGui import QGuiApplication, QMouseEvent  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication, QLabel, QVBoxLayout, QWidget  # noqa: E402

from qvmrc.rfb import desktopsize  # noqa: E402
from qvmrc.rfb.events import DesktopSizeResult  # noqa: E402
from qvmrc.session import SessionState  # noqa: E402
from qvmrc.settings import Settings, SettingsStore  # noqa: E402
from qvmrc.ui import pointer as pt  # noqa: E402
from qvmrc.ui import zoom  # noqa: E402
from qvmrc.ui.console_tab import ConsoleTab, ConsoleTarget  # noqa: E402
from qvmrc.ui.console_view import ConsoleView  # noqa: E402
from qvmrc.ui.keyboard import ScancodeSource  # noqa: E402
from qvmrc.ui.main_window import MainWindow, fullscreen_target  # noqa: E402
from qvmrc.ui.quality_menu import Quality, QualityMenu  # noqa: E402
from tests.conftest import needs_xvnc  # noqa: E402
from tests.support import servers  # noqa: E402
from tests.support.console_fakes import FakeView  # noqa: E402
from tests.support.fake_session import FakeSession  # noqa: E402
from tests.support.uiloop import run  # noqa: E402


async def _never(_target: Any) -> Any:
    await asyncio.Event().wait()


class DisplaySession(FakeSession):
    """A connected fake that also takes the display requests."""

    def __init__(self, width: int = 64, height: int = 48, *, resize: bool = True) -> None:
        super().__init__(width=width, height=height)
        self.state = SessionState.CONNECTED
        self.desktop_resize_supported = resize
        self.stats = type("Stats", (), {"updates": 1})()

    def request_desktop_size(self, width: int, height: int) -> bool:
        self.calls.append(("resize", width, height))
        return self.desktop_resize_supported

    def set_encoding_preferences(self, encodings: Any, jpeg: Any, compress: Any) -> None:
        self.calls.append(("encodings", tuple(encodings), jpeg, compress))


def painted_view(qtbot: Any, size: tuple[int, int], fb: tuple[int, int]) -> ConsoleView:
    v = ConsoleView(scancode_source=ScancodeSource.EVDEV)
    qtbot.addWidget(v)
    v.resize(*size)
    v.show()
    qtbot.waitExposed(v)
    FakeSession(width=fb[0], height=fb[1]).show_on(v)
    return v


def make_tab(qtbot: Any, view: Any = None, **kw: Any) -> ConsoleTab:
    tab = ConsoleTab(ConsoleTarget(key="t", title="vm1", target="vnc://127.0.0.1:1"), Settings(),
                     resolver=_never, view=view if view is not None else FakeView(), **kw)
    qtbot.addWidget(tab)
    return tab


# ------------------------------------------------------------------ zoom


def test_zoom_presets_scale_the_picture_around_its_centre():
    assert pt.view_rect("200%", (300, 200), (64, 48)) == (86, 52, 128, 96)
    assert pt.view_rect("50%", (300, 200), (64, 48)) == (134, 88, 32, 24)
    # 100% is 1:1: one remote pixel per physical pixel, also at HiDPI.
    assert pt.view_rect("1:1", (300, 200), (64, 48), 2.0)[2:] == (32, 24)
    assert pt.view_rect("150%", (300, 200), (64, 48), 2.0)[2:] == (48, 36)


def test_a_click_at_a_zoomed_position_reaches_the_remote_pixel_painted_there(qtbot):
    v = painted_view(qtbot, (300, 200), (64, 48))
    v.scale_mode = "200%"
    ox, oy = 86, 52  # see above: 128x96 centred in 300x200
    QTest.mouseClick(v, Qt.MouseButton.LeftButton, pos=QPoint(ox + 2 * 10 + 1, oy + 2 * 5 + 1))
    assert ("ptr", 10, 5, 1) in v.session.calls
    v.scale_mode = "75%"  # 48x36 at (126, 82)
    v.session.clear()
    QTest.mouseClick(v, Qt.MouseButton.LeftButton, pos=QPoint(126 + 30, 82 + 15))
    assert ("ptr", 40, 20, 1) in v.session.calls


def test_the_scale_control_offers_the_presets_and_sets_the_views_mode(qtbot):
    tab = make_tab(qtbot)
    labels = [tab.scale_box.itemText(i) for i in range(tab.scale_box.count())]
    assert labels == ["Fit", "Fill", "50%", "75%", "100% (1:1)", "125%", "150%", "200%"]
    tab.scale_box.setCurrentIndex(tab.scale_box.findData("150%"))
    assert tab.view.scale_mode == "150%"


def test_fit_window_to_guest_makes_the_console_show_at_100_percent(qtbot):
    window = QWidget()
    qtbot.addWidget(window)
    lay = QVBoxLayout(window)
    lay.addWidget(QLabel("something else in the window"))
    view = ConsoleView(scancode_source=ScancodeSource.EVDEV)
    tab = ConsoleTab(ConsoleTarget(key="t", title="vm1", target="vnc://127.0.0.1:1"), Settings(),
                     resolver=_never, view=view)
    lay.addWidget(tab)
    window.resize(700, 560)
    window.show()
    qtbot.waitExposed(window)
    session = DisplaySession(320, 200)
    tab.session = session
    session.show_on(view)
    tab.fit_window_action.trigger()
    assert view.scale_mode == "1:1"
    viewport = view.parentWidget()
    qtbot.waitUntil(lambda: (viewport.width(), viewport.height()) == (320, 200))
    assert (view.width(), view.height()) == (320, 200)


# ------------------------------------------------------------ remote resize


def test_remote_resize_sends_only_the_size_the_window_settles_at(qtbot):
    tab = make_tab(qtbot)
    session = DisplaySession(64, 48)
    tab.session = session
    tab.resize(500, 400)
    tab.show()
    qtbot.waitExposed(tab)
    tab.remote_resize_action.setChecked(True)
    for w in (600, 620, 640, 660):  # a drag: many resizes in a row
        tab.resize(w, 420)
    qtbot.waitUntil(lambda: bool(session.of("resize")))
    QTest.qWait(0)
    want = tab.resizer.wanted_size()
    assert session.of("resize") == [("resize", *want)]
    assert want[0] == round(tab.view.width() * tab.view.devicePixelRatioF())


def test_remote_resize_is_off_until_the_user_turns_it_on(qtbot):
    tab = make_tab(qtbot)
    session = DisplaySession(64, 48)
    tab.session = session
    tab.resize(500, 400)
    tab.show()
    qtbot.waitExposed(tab)
    tab.resizer._fire()  # what the timer would do
    assert not session.of("resize")
    assert not tab.remote_resize_action.isChecked()


def test_the_servers_answer_is_a_one_line_note(qtbot):
    tab = make_tab(qtbot)
    tab.bridge.desktop_size_result(DesktopSizeResult(desktopsize.STATUS_PROHIBITED, 1024, 768))
    assert "does not allow" in tab.status.currentMessage()
    tab.bridge.desktop_size_result(DesktopSizeResult(desktopsize.STATUS_INVALID_LAYOUT, 1024, 768))
    assert "invalid screen layout" in tab.status.currentMessage()
    tab.bridge.desktop_size_result(DesktopSizeResult(desktopsize.STATUS_OK, 800, 600))
    assert "800 × 600" in tab.status.currentMessage()


def test_a_server_without_remote_resize_is_said_once(qtbot):
    tab = make_tab(qtbot)
    tab.session = DisplaySession(64, 48, resize=False)
    tab.set_remote_resize(True)
    tab.resizer._fire()
    assert "cannot resize" in tab.status.currentMessage()


@pytest.mark.real
@needs_xvnc
def test_resize_guest_to_window_against_xvnc_changes_the_remote_screen(qtbot, loop):
    with servers.xvnc(1024, 768) as srv:
        tab = ConsoleTab(ConsoleTarget(key="x", title="xvnc", target=srv.url), Settings(),
                         view=ConsoleView(scancode_source=ScancodeSource.EVDEV))
        qtbot.addWidget(tab)
        tab.resize(700, 500)
        tab.show()
        qtbot.waitExposed(tab)

        async def scenario() -> None:
            tab.start()
            try:
                while tab.state is not SessionState.CONNECTED:
                    await asyncio.sleep(0.02)
                tab.set_remote_resize(True)
                want = tab.resizer.wanted_size()
                while (tab.session.framebuffer.width, tab.session.framebuffer.height) != want:
                    await asyncio.sleep(0.02)
                assert f"resized to {want[0]} × {want[1]}" in tab.status.currentMessage()
            finally:
                await tab.close_console()

        run(loop, scenario(), timeout=60)
        want = tab.resizer.wanted_size()
        assert srv.xwd().shape[:2] == (want[1], want[0])  # the X server's own root window


# ------------------------------------------------------------------ quality


def test_the_quality_menu_puts_the_chosen_encoding_first_and_reads_the_sliders(qtbot):
    menu = QualityMenu(Quality(("copyrect", "tight", "zrle", "hextile", "raw"), None, None))
    qtbot.addWidget(menu)
    got: list[Quality] = []
    menu.changed.connect(got.append)
    menu.encoding_actions["zrle"].trigger()
    assert got[-1].encodings == ("copyrect", "zrle", "tight", "hextile", "raw")
    menu.jpeg.box.setChecked(True)
    menu.jpeg.slider.setValue(3)
    assert got[-1].jpeg_quality == 3 and got[-1].compress_level is None
    menu.compress.box.setChecked(True)
    menu.compress.slider.setValue(9)
    assert (got[-1].jpeg_quality, got[-1].compress_level) == (3, 9)
    menu.jpeg.box.setChecked(False)
    assert got[-1].jpeg_quality is None


def test_a_quality_change_goes_to_the_running_session_at_once_and_to_reconnects(qtbot):
    made: list[Any] = []

    def factory(url: str, opts: Any, listener: Any) -> Any:
        made.append(opts)
        return DisplaySession()

    tab = make_tab(qtbot, session_factory=factory)
    tab.session = DisplaySession()
    tab.quality_menu.encoding_actions["hextile"].trigger()
    calls = tab.session.of("encodings")
    assert calls and calls[-1][1][:2] == ("copyrect", "hextile")
    # The next connection of this console starts with it (the preferences stay as they were).
    tab._session_factory("vnc://x", type("O", (), {})(), tab.bridge)
    assert made[-1].encodings[:2] == ("copyrect", "hextile")
    assert Settings().preferred_encoding == "tight"


# ------------------------------------------------------------- screenshot


def test_copy_screenshot_puts_the_remote_screen_on_the_clipboard(qtbot):
    v = painted_view(qtbot, (200, 150), (64, 48))
    v.session.framebuffer.pixels[:] = 0x00336699
    v.session.paint(v)
    tab = make_tab(qtbot, view=v)
    assert tab.copy_screenshot()
    img = QGuiApplication.clipboard().image()
    assert (img.width(), img.height()) == (64, 48)
    assert img.pixelColor(5, 5).name() == "#336699"


def test_copy_screenshot_without_a_screen_says_so(qtbot):
    tab = make_tab(qtbot, view=ConsoleView(scancode_source=ScancodeSource.EVDEV))
    notes: list[str] = []
    tab.notification.connect(lambda _t, text, _e: notes.append(text))
    assert not tab.copy_screenshot()
    assert notes == ["there is no screen to copy yet"]


# -------------------------------------------------------------- fullscreen


def _window(qtbot: Any, tmp_path: Any) -> tuple[MainWindow, ConsoleTab]:
    settings = Settings()
    w = MainWindow(settings, SettingsStore(tmp_path), None,
                   tab_factory=lambda t: ConsoleTab(t, settings, resolver=_never, view=FakeView()),
                   auto_refresh=False)
    qtbot.addWidget(w)
    w.resize(900, 600)
    w.show()
    qtbot.waitExposed(w)
    tab = w.open_target(ConsoleTarget(key="k", title="web01", target="vnc://127.0.0.1:1"))
    return w, tab


def _move(widget: QWidget, window: QWidget, y: int) -> None:
    glob = window.mapToGlobal(QPoint(window.width() // 2, y))
    local = widget.mapFromGlobal(glob)
    QApplication.sendEvent(widget, QMouseEvent(QEvent.Type.MouseMove, QPointF(local), QPointF(glob),
                                               Qt.MouseButton.NoButton, Qt.MouseButton.NoButton,
                                               Qt.KeyboardModifier.NoModifier))


def test_the_fullscreen_toolbar_slides_in_at_the_top_edge_and_away_again(qtbot, loop, tmp_path):
    w, tab = _window(qtbot, tmp_path)
    bar = w.fullscreen_bar
    assert not bar.active
    w.toggle_fullscreen()
    assert bar.active and not bar.revealed
    _move(tab.view, w, 0)
    assert bar.revealed
    qtbot.waitUntil(lambda: bar.y() == 0)
    _move(tab.view, w, w.height() // 2)
    assert not bar.revealed
    qtbot.waitUntil(lambda: bar.y() == -bar.height())


def test_the_fullscreen_toolbar_sends_ctrl_alt_del_releases_zooms_and_leaves(qtbot, loop, tmp_path):
    w, tab = _window(qtbot, tmp_path)
    sent: list[str] = []
    tab.send_keys = sent.append  # type: ignore[method-assign]
    released: list[bool] = []
    tab.view.release_input = lambda: released.append(True)  # type: ignore[attr-defined]
    w.toggle_fullscreen()
    bar = w.fullscreen_bar
    bar.cad_button.click()
    assert sent == ["Ctrl+Alt+Del"]
    bar.release_button.click()
    assert released == [True]
    bar.zoom_box.activated.emit(bar.zoom_box.findData("200%"))
    assert tab.view.scale_mode == "200%"
    bar.leave_button.click()
    assert not w.is_console_fullscreen and not bar.active and bar.isHidden()


def test_leaving_fullscreen_brings_the_debug_panel_back(qtbot, loop, tmp_path):
    w, _tab = _window(qtbot, tmp_path)
    w.debug_panel.show()
    w.toggle_fullscreen()
    assert w.debug_panel.isHidden()
    w.toggle_fullscreen()
    assert w.debug_panel.isVisible()
    w.debug_panel.hide()
    w.toggle_fullscreen()
    w.toggle_fullscreen()
    assert w.debug_panel.isHidden()


def test_with_one_screen_the_monitor_choice_is_disabled(qtbot, tmp_path):
    w = MainWindow(Settings(), SettingsStore(tmp_path), None, auto_refresh=False)
    qtbot.addWidget(w)
    assert len(QGuiApplication.screens()) == 1
    assert not w.monitor_menu.isEnabled()
    names = [a.text() for a in w.monitor_menu.actions()]
    assert names[0] == "This window's screen" and len(names) == 2


def test_the_monitor_choice_picks_the_screen_by_name_and_falls_back_when_it_is_gone():
    class S:
        def __init__(self, name: str) -> None:
            self._n = name

        def name(self) -> str:
            return self._n

    left, right = S("DP-1"), S("HDMI-1")
    assert fullscreen_target("HDMI-1", [left, right]) is right  # type: ignore[list-item]
    assert fullscreen_target("", [left, right]) is None  # type: ignore[list-item]
    assert fullscreen_target("DP-9", [left, right]) is None  # type: ignore[list-item]


def test_zoom_modes_are_all_known_to_the_view():
    for _label, mode in zoom.SCALE_CHOICES:
        assert mode in pt.SCALE_MODES
    assert np.isclose(zoom.factor("125%"), 1.25)


def test_the_fullscreen_toolbar_stays_centred_when_the_window_changes_size(qtbot, loop, tmp_path):
    w, _tab = _window(qtbot, tmp_path)
    w.toggle_fullscreen()
    bar = w.fullscreen_bar
    w.resize(1100, 700)
    qtbot.waitUntil(lambda: bar.x() == (w.width() - bar.width()) // 2)
    assert bar.y() == -bar.height()
