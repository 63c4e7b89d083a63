"""Pointer: scale-mode coordinate mapping, HiDPI, wheel accumulation, relative mode."""

from __future__ import annotations

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import QEvent, QPoint, QPointF, Qt  # noqa: E402
from PySide6.QtGui import QMouseEvent, QWheelEvent  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from qvmrc.ui import pointer as pt  # noqa: E402
from qvmrc.ui.console_view import ConsoleView  # noqa: E402
from qvmrc.ui.keyboard import ScancodeSource  # noqa: E402
from tests.support.fake_session import FakeSession  # noqa: E402

FIT, FILL, ONE = pt.SCALE_FIT, pt.SCALE_FILL, pt.SCALE_1_1


# ------------------------------------------------------------------ mapping


@pytest.mark.parametrize("dpr", [1.0, 2.0])
def test_fit_keeps_the_aspect_and_centres_the_screen(dpr):
    # 800x400 widget, 400x400 screen: scale 1, bars of 200 left and right.
    assert pt.view_rect(FIT, (800, 400), (400, 400), dpr) == (200, 0, 400, 400)
    assert pt.widget_to_remote((200, 0), FIT, (800, 400), (400, 400), dpr) == (0, 0)
    assert pt.widget_to_remote((599.9, 399.9), FIT, (800, 400), (400, 400), dpr) == (399, 399)
    assert pt.widget_to_remote((400, 200), FIT, (800, 400), (400, 400), dpr) == (200, 200)


def test_fit_scales_down_and_up():
    # 1920x1080 in 960x540: half size.
    assert pt.widget_to_remote((480, 270), FIT, (960, 540), (1920, 1080)) == (960, 540)
    # 640x480 in 1280x1000: scale 2, 20 px bars top and bottom.
    assert pt.view_rect(FIT, (1280, 1000), (640, 480)) == (0, 20, 1280, 960)
    assert pt.widget_to_remote((3, 23), FIT, (1280, 1000), (640, 480)) == (1, 1)


@pytest.mark.parametrize("dpr", [1.0, 2.0])
def test_letterbox_positions_clamp_to_the_nearest_edge_pixel(dpr):
    assert pt.widget_to_remote((100, 100), FIT, (800, 400), (400, 400), dpr) == (0, 100)
    assert pt.widget_to_remote((790, 500), FIT, (800, 400), (400, 400), dpr) == (399, 399)
    assert pt.widget_to_remote((-5, -5), FIT, (800, 400), (400, 400), dpr) == (0, 0)


def test_letterbox_positions_are_none_without_clamping():
    assert pt.widget_to_remote((100, 100), FIT, (800, 400), (400, 400), clamp=False) is None
    assert pt.widget_to_remote((300, 100), FIT, (800, 400), (400, 400), clamp=False) == (100, 100)


@pytest.mark.parametrize("dpr", [1.0, 2.0])
def test_fill_stretches_each_axis_on_its_own(dpr):
    assert pt.view_rect(FILL, (800, 300), (400, 300), dpr) == (0, 0, 800, 300)
    assert pt.widget_to_remote((401, 150), FILL, (800, 300), (400, 300), dpr) == (200, 150)
    assert pt.widget_to_remote((799, 299), FILL, (800, 300), (400, 300), dpr) == (399, 299)


def test_one_to_one_at_dpr_1_centres_the_screen():
    assert pt.view_rect(ONE, (1000, 800), (800, 600), 1.0) == (100, 100, 800, 600)
    assert pt.widget_to_remote((100, 100), ONE, (1000, 800), (800, 600), 1.0) == (0, 0)
    assert pt.widget_to_remote((150.5, 100), ONE, (1000, 800), (800, 600), 1.0) == (50, 0)


def test_one_to_one_at_dpr_2_maps_one_remote_pixel_to_one_physical_pixel():
    # 800x600 remote is 400x300 logical; in a 500x400 widget it sits at (50, 50).
    assert pt.view_rect(ONE, (500, 400), (800, 600), 2.0) == (50, 50, 400, 300)
    assert pt.widget_to_remote((50, 50), ONE, (500, 400), (800, 600), 2.0) == (0, 0)
    assert pt.widget_to_remote((50.5, 50), ONE, (500, 400), (800, 600), 2.0) == (1, 0)
    assert pt.widget_to_remote((100, 100), ONE, (500, 400), (800, 600), 2.0) == (100, 100)


def test_one_to_one_at_fractional_dpr_puts_the_corner_on_a_device_pixel():
    ox, oy, w, h = pt.view_rect(ONE, (501, 401), (600, 450), 1.5)
    assert (w, h) == (400, 300)
    assert (ox * 1.5).is_integer() and (oy * 1.5).is_integer()


def test_one_to_one_larger_than_the_widget_starts_at_the_corner():
    assert pt.view_rect(ONE, (300, 200), (800, 600), 1.0) == (0, 0, 800, 600)
    assert pt.widget_to_remote((10, 10), ONE, (300, 200), (800, 600), 1.0) == (10, 10)


def test_no_framebuffer_maps_to_nothing():
    assert pt.widget_to_remote((10, 10), FIT, (300, 200), (0, 0)) is None
    assert pt.view_rect(FIT, (0, 0), (10, 10)) is None


def test_qt_points_and_sizes_are_accepted():
    from PySide6.QtCore import QSize
    assert pt.widget_to_remote(QPointF(400, 200), FIT, QSize(800, 400), QSize(400, 400)) == (200, 200)


def test_unknown_scale_mode_is_refused():
    with pytest.raises(ValueError):
        pt.view_rect("zoom", (10, 10), (10, 10))


def test_damage_maps_outwards_to_widget_pixels():
    view = pt.view_rect(FIT, (800, 400), (400, 400))
    assert pt.remote_rect_to_widget((10, 20, 5, 5), view, (400, 400), pad=0) == (210, 20, 5, 5)
    assert pt.remote_rect_to_widget((10, 20, 5, 5), view, (400, 400), pad=1) == (209, 19, 7, 7)
    half = pt.view_rect(FIT, (200, 200), (400, 400))
    assert pt.remote_rect_to_widget((1, 1, 1, 1), half, (400, 400), pad=0) == (0, 0, 1, 1)


# ------------------------------------------------------------------ wheel / motion


def test_wheel_accumulates_high_resolution_deltas_into_whole_steps():
    acc = pt.WheelAccumulator()
    assert acc.add(0, 30) == []
    assert acc.add(0, 30) == []
    assert acc.add(0, 30) == []
    assert acc.add(0, 30) == [pt.WHEEL_UP]
    assert acc.add(0, -30) == []
    assert acc.add(0, -60) == []
    assert acc.add(0, -30) == [pt.WHEEL_DOWN]
    assert acc.add(0, 360) == [pt.WHEEL_UP] * 3
    assert acc.add(0, 150) == [pt.WHEEL_UP]  # 30 left over
    assert acc.add(0, 60) == []
    assert acc.add(0, 30) == [pt.WHEEL_UP]


def test_turning_the_wheel_back_drops_the_other_directions_remainder():
    acc = pt.WheelAccumulator()
    assert acc.add(0, 90) == []
    assert acc.add(0, -30) == []
    assert acc.add(0, -90) == [pt.WHEEL_DOWN]


def test_horizontal_wheel_uses_buttons_6_and_7():
    acc = pt.WheelAccumulator()
    assert acc.add(120, 0) == [pt.WHEEL_LEFT]
    assert acc.add(-60, 0) == []
    assert acc.add(-60, 0) == [pt.WHEEL_RIGHT]


def test_relative_motion_keeps_fractions():
    rel = pt.RelativeMotion()
    assert rel.feed(1, 0, 0.5, 0.5) == (0, 0)
    assert rel.feed(1, 0, 0.5, 0.5) == (1, 0)
    assert rel.feed(-3, 4, 2.0, 2.0) == (-6, 8)


def test_button_mask_maps_left_middle_right():
    B = Qt.MouseButton
    assert pt.button_mask(B.LeftButton) == 1
    assert pt.button_mask(B.MiddleButton) == 2
    assert pt.button_mask(B.RightButton) == 4
    assert pt.button_mask(B.LeftButton | B.RightButton) == 5


# ------------------------------------------------------------------ in the view


def mouse(etype: QEvent.Type, pos: tuple[float, float], button=Qt.MouseButton.NoButton,
          buttons=Qt.MouseButton.NoButton) -> QMouseEvent:
    p = QPointF(*pos)
    return QMouseEvent(etype, p, p, button, buttons, Qt.KeyboardModifier.NoModifier)


def wheel(pos: tuple[float, float], dx: int, dy: int) -> QWheelEvent:
    p = QPointF(*pos)
    return QWheelEvent(p, p, QPoint(), QPoint(dx, dy), Qt.MouseButton.NoButton,
                       Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)


def make_view(qtbot, absolute: bool, size=(400, 300), fb=(400, 300)) -> ConsoleView:
    v = ConsoleView(scancode_source=ScancodeSource.EVDEV)
    qtbot.addWidget(v)
    v.resize(*size)
    v.show()
    qtbot.waitExposed(v)
    FakeSession(width=fb[0], height=fb[1], absolute=absolute).show_on(v)
    return v


def send(v: ConsoleView, event) -> None:
    QApplication.sendEvent(v, event)


def test_absolute_clicks_land_on_the_mapped_remote_pixel(qtbot):
    v = make_view(qtbot, True, size=(800, 300), fb=(400, 300))  # fit: scale 1, bars of 200
    assert v.pointer_mode_text == "Absolute pointer — click in the console to type"
    L = Qt.MouseButton.LeftButton
    send(v, mouse(QEvent.Type.MouseMove, (250, 40)))
    send(v, mouse(QEvent.Type.MouseButtonPress, (250, 40), L, L))
    send(v, mouse(QEvent.Type.MouseButtonRelease, (250, 40), L))
    assert v.session.of("ptr") == [("ptr", 50, 40, 0), ("ptr", 50, 40, 1), ("ptr", 50, 40, 0)]
    assert v.grabbed  # the click also gave the console the keyboard
    assert v.pointer_mode_text == "Press Ctrl+Alt to release"


def test_absolute_mapping_follows_the_scale_mode(qtbot):
    v = make_view(qtbot, True, size=(800, 300), fb=(400, 300))
    v.scale_mode = pt.SCALE_FILL
    send(v, mouse(QEvent.Type.MouseMove, (401, 150)))
    v.scale_mode = pt.SCALE_1_1
    send(v, mouse(QEvent.Type.MouseMove, (210, 10)))
    assert v.session.of("ptr") == [("ptr", 200, 150, 0), ("ptr", 10, 10, 0)]


def test_wheel_steps_are_a_press_and_release_of_the_wheel_button(qtbot):
    v = make_view(qtbot, True)
    for _ in range(4):
        send(v, wheel((100, 100), 0, 30))
    send(v, wheel((100, 100), -120, 0))
    assert v.session.of("ptr") == [
        ("ptr", 100, 100, 0),
        ("ptr", 100, 100, pt.WHEEL_UP), ("ptr", 100, 100, 0),
        ("ptr", 100, 100, pt.WHEEL_RIGHT), ("ptr", 100, 100, 0),
    ]


def test_relative_mode_click_grabs_the_pointer_without_clicking_the_guest(qtbot):
    v = make_view(qtbot, False)
    assert v.pointer_mode_text.startswith("Relative pointer — click")
    L = Qt.MouseButton.LeftButton
    with qtbot.waitSignal(v.grabChanged, timeout=1000) as grab:
        send(v, mouse(QEvent.Type.MouseButtonPress, (50, 50), L, L))
    assert grab.args == [True]
    send(v, mouse(QEvent.Type.MouseButtonRelease, (50, 50), L))
    assert v.pointer_locked
    assert v.cursor().shape() == Qt.CursorShape.BlankCursor
    assert v.pointer_mode_text == "Press Ctrl+Alt to release"
    assert v.session.calls == []


def test_relative_mode_sends_motion_deltas_and_buttons_while_locked(qtbot):
    v = make_view(qtbot, False)  # 400x300 fb in a 400x300 widget: one remote px per px
    v._lock_pointer()
    QApplication.processEvents()  # the warp to the centre may come back as a move event
    v.session.clear()
    v._mouse.last_local = QPointF(200, 150)
    send(v, mouse(QEvent.Type.MouseMove, (210, 150)))
    send(v, mouse(QEvent.Type.MouseMove, (210, 163)))
    L = Qt.MouseButton.LeftButton
    send(v, mouse(QEvent.Type.MouseButtonPress, (210, 163), L, L))
    send(v, mouse(QEvent.Type.MouseMove, (205, 163), buttons=L))
    send(v, mouse(QEvent.Type.MouseButtonRelease, (205, 163), L))
    # A button change is a zero delta: the session writes QEMU's wire form of it.
    assert v.session.calls == [
        ("rel", 10, 0, 0), ("rel", 0, 13, 0),
        ("rel", 0, 0, 1), ("rel", -5, 0, 1), ("rel", 0, 0, 0),
    ]


def test_relative_deltas_are_scaled_to_remote_pixels(qtbot):
    v = make_view(qtbot, False, size=(400, 300), fb=(800, 600))  # fit at half size
    v._lock_pointer()
    QApplication.processEvents()
    v.session.clear()
    v._mouse.last_local = QPointF(200, 150)
    send(v, mouse(QEvent.Type.MouseMove, (203, 150)))
    assert v.session.calls == [("rel", 6, 0, 0)]


def test_hotkey_releases_the_pointer_lock(qtbot):
    v = make_view(qtbot, False)
    v._lock_pointer()
    with qtbot.waitSignal(v.grabChanged, timeout=1000) as grab:
        v.keyboard.hotkeyPressed.emit()
    assert grab.args == [False]
    assert not v.pointer_locked
    assert v.cursor().shape() == Qt.CursorShape.ArrowCursor
    assert v.pointer_mode_text.startswith("Relative pointer — click")


def test_server_switching_to_absolute_unlocks_the_pointer(qtbot):
    v = make_view(qtbot, False)
    v._lock_pointer()
    v.pointer_mode_changed(True)
    assert not v.pointer_locked
    assert v.grabbed  # the keyboard stays with the VM until the hotkey
    v.release_input()
    assert v.pointer_mode_text.startswith("Absolute pointer")


def test_focus_loss_releases_held_buttons(qtbot):
    v = make_view(qtbot, True)
    L = Qt.MouseButton.LeftButton
    send(v, mouse(QEvent.Type.MouseButtonPress, (10, 10), L, L))
    v.session.clear()
    v.release_input()
    assert v.session.calls == [("ptr", 10, 10, 0)]


def test_view_only_sends_no_pointer_events(qtbot):
    v = make_view(qtbot, True)
    v.view_only = True
    send(v, mouse(QEvent.Type.MouseMove, (10, 10)))
    send(v, wheel((10, 10), 0, 120))
    assert v.session.calls == []
    assert v.pointer_mode_text == "View only"
