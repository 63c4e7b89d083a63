"""Console view: painting the framebuffer, damage-only repaints, dimming, screenshots, cursor."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import QEvent, QPointF, QRect, Qt  # noqa: E402
from PySide6.QtGui import QImage, QMouseEvent, QRegion  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from qvmrc.rfb.events import CursorShape, FramebufferUpdated  # noqa: E402
from qvmrc.ui import pointer as pt  # noqa: E402
from qvmrc.ui.console_area import ConsoleArea  # noqa: E402
from qvmrc.ui.console_view import ConsoleView  # noqa: E402
from qvmrc.ui.keyboard import ScancodeSource  # noqa: E402
from tests.support.fake_session import FakeSession  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def rgb(img: QImage) -> np.ndarray:
    """(h, w) uint32 0xRRGGBB of a QImage (any format)."""
    img = img.convertToFormat(QImage.Format.Format_RGB32)
    w, h = img.width(), img.height()
    a = np.frombuffer(img.constBits(), dtype=np.uint32, count=img.bytesPerLine() * h // 4)
    return a.reshape(h, img.bytesPerLine() // 4)[:, :w] & 0xFFFFFF


def quadrants(fb) -> None:
    """Four colours, one per quadrant, with the server's zero padding byte."""
    h, w = fb.height, fb.width
    p = fb.pixels
    p[: h // 2, : w // 2] = 0x00FF0000
    p[: h // 2, w // 2:] = 0x0000FF00
    p[h // 2:, : w // 2] = 0x000000FF
    p[h // 2:, w // 2:] = 0x00FFFFFF


class RecordingView(ConsoleView):
    """Records the regions Qt asks it to paint and the update() calls it makes."""

    def __init__(self) -> None:
        super().__init__(scancode_source=ScancodeSource.EVDEV)
        self.painted: list[QRegion] = []
        self.update_calls: list[tuple] = []

    def paintEvent(self, event) -> None:
        self.painted.append(QRegion(event.region()))
        super().paintEvent(event)

    def update(self, *args) -> None:  # type: ignore[override]
        self.update_calls.append(args)
        super().update(*args)


@pytest.fixture
def make(qtbot):
    def make(size=(64, 48), fb=(64, 48), smooth=False, mode=pt.SCALE_FIT) -> RecordingView:
        v = RecordingView()
        qtbot.addWidget(v)
        v.smooth = smooth
        v.scale_mode = mode
        v.resize(*size)
        s = FakeSession(width=fb[0], height=fb[1])
        quadrants(s.framebuffer)
        v.show()
        qtbot.waitExposed(v)
        s.show_on(v)
        QApplication.processEvents()
        return v
    return make


def test_paints_the_framebuffer_pixel_for_pixel(make):
    v = make()
    shot = rgb(v.grab().toImage())
    assert shot.shape == (48, 64)
    np.testing.assert_array_equal(shot, v.session.framebuffer.pixels & 0xFFFFFF)


def test_the_image_shares_the_front_buffer_memory_not_the_decoders(make):
    v = make()
    s = v.session
    s.framebuffer.pixels[5, 5] = 0x00123456  # decoded, not yet a complete update
    assert v.image.pixel(5, 5) & 0xFFFFFF != 0x123456
    s.front.pixels[6, 6] = 0xFF654321
    assert v.image.pixel(6, 6) & 0xFFFFFF == 0x654321  # no copy between front buffer and QImage


def test_fit_letterboxes_with_black_bars(make):
    v = make(size=(128, 48))  # 64x48 screen at scale 1, centred
    shot = rgb(v.grab().toImage())
    assert (shot[:, :32] == 0).all() and (shot[:, 96:] == 0).all()
    np.testing.assert_array_equal(shot[:, 32:96], v.session.framebuffer.pixels & 0xFFFFFF)


def test_fit_scales_up_with_nearest_pixels_when_smoothing_is_off(make):
    v = make(size=(128, 96))
    shot = rgb(v.grab().toImage())
    expected = np.repeat(np.repeat(v.session.framebuffer.pixels & 0xFFFFFF, 2, 0), 2, 1)
    np.testing.assert_array_equal(shot, expected)


def test_smooth_scaling_stays_opaque_and_keeps_flat_areas(make):
    v = make(size=(100, 75), smooth=True)
    img = v.grab().toImage()
    assert img.pixelColor(10, 10).red() == 255 and img.pixelColor(10, 10).green() == 0
    argb = QImage(100, 75, QImage.Format.Format_ARGB32_Premultiplied)
    argb.fill(0)
    v.render(argb)
    alpha = np.frombuffer(argb.constBits(), dtype=np.uint32).reshape(75, 100) >> 24
    assert (alpha == 255).all()


def test_the_server_zero_padding_byte_paints_opaque(make):
    v = make()
    v.session.framebuffer.pixels[:] = 0x00ABCDEF
    v.session.paint(v, ((0, 0, 4, 4),))
    argb = QImage(64, 48, QImage.Format.Format_ARGB32_Premultiplied)
    argb.fill(0)
    v.render(argb)
    px = np.frombuffer(argb.constBits(), dtype=np.uint32).reshape(48, 64)
    assert (px[:4, :4] == 0xFFABCDEF).all()
    assert (px >> 24 == 0xFF).all()


def test_an_update_repaints_only_the_damaged_region_once(make):
    v = make(size=(128, 96))  # scale 2
    v.painted.clear()
    v.update_calls.clear()
    v.session.framebuffer.pixels[10:14, 20:25] = 0x00000000
    v.session.paint(v, ((20, 10, 5, 4),))
    QApplication.processEvents()
    assert len(v.update_calls) == 1
    assert v.painted, "no repaint happened"
    box = QRegion()
    for r in v.painted:
        box += r
    bounds = box.boundingRect()
    assert QRect(40, 20, 10, 8) == bounds.intersected(QRect(40, 20, 10, 8))
    assert bounds.width() <= 14 and bounds.height() <= 12
    shot = rgb(v.grab().toImage())
    assert (shot[20:28, 40:50] == 0).all()


def test_many_damage_rects_repaint_as_one_bounding_box(make):
    v = make()
    v.update_calls.clear()
    damage = tuple((x, 0, 1, 1) for x in range(40))
    v.framebuffer_updated(FramebufferUpdated(damage=damage, bounds=(0, 0, 40, 1), rects=40))
    assert len(v.update_calls) == 1
    (region,) = v.update_calls[0]
    assert region.rectCount() == 1


def test_an_update_that_paints_nothing_repaints_nothing(make):
    v = make()
    v.update_calls.clear()
    v.framebuffer_updated(FramebufferUpdated(damage=(), bounds=None, rects=1))
    assert v.update_calls == []


def test_dimmed_paints_the_last_frame_darker(make):
    v = make()
    before = v.grab().toImage().pixelColor(50, 40)  # white quadrant
    v.dimmed = True
    after = v.grab().toImage().pixelColor(50, 40)
    assert before.red() == 255
    assert 60 < after.red() < 160 and after.red() == after.green() == after.blue()
    np.testing.assert_array_equal(rgb(v.screenshot()), v.session.framebuffer.pixels & 0xFFFFFF)


def test_a_new_connection_keeps_the_last_frame_until_it_paints(make):
    v = make()
    old = rgb(v.grab().toImage())
    new = FakeSession(width=64, height=48)  # a reconnect: new session, new black front buffer
    v.set_session(new)
    v.set_frame(new.front)
    v.framebuffer_updated(FramebufferUpdated(damage=(), bounds=None, rects=1))
    QApplication.processEvents()
    np.testing.assert_array_equal(rgb(v.grab().toImage()), old)
    new.framebuffer.pixels[:] = 0x00102030
    new.paint(v)
    QApplication.processEvents()
    assert (rgb(v.grab().toImage()) == 0x102030).all()


def test_screenshot_equals_the_framebuffer_and_is_a_copy(make, tmp_path):
    v = make()
    s = v.session
    shot = v.screenshot()
    assert (shot.width(), shot.height()) == (64, 48)
    np.testing.assert_array_equal(rgb(shot), s.framebuffer.pixels & 0xFFFFFF)
    s.framebuffer.pixels[:] = 0
    s.paint(v)
    assert rgb(shot)[0, 0] == 0xFF0000
    path = tmp_path / "shot.png"
    v.save_screenshot(str(path))
    loaded = QImage(str(path))
    assert (loaded.width(), loaded.height()) == (64, 48)


def test_screenshot_without_a_screen_is_refused(qtbot, tmp_path):
    v = ConsoleView()
    qtbot.addWidget(v)
    assert v.screenshot().isNull()
    with pytest.raises(OSError):
        v.save_screenshot(str(tmp_path / "x.png"))


def test_a_new_connection_with_another_size_rewraps_at_once(make):
    v = make()
    new = FakeSession(width=80, height=60)
    v.set_session(new)
    v.set_frame(new.front)
    assert v.image.width() == 80
    assert v.widget_to_remote(QPointF(63.9, 47.9)) == (79, 59)


def test_a_resize_shows_the_new_picture_at_once(make):
    v = make()
    s = v.session
    s.framebuffer.resize(80, 60)
    s.framebuffer.pixels[:] = 0x0000FF00
    s.front.reset(s.framebuffer.pixels)  # what the session does on DesktopResized
    v.set_frame(s.front)
    assert v.image.width() == 80 and v.image.height() == 60
    assert v.screenshot().pixelColor(70, 50).green() == 255
    assert v.sizeHint().width() == 80
    assert v.widget_to_remote(QPointF(63.9, 47.9)) == (79, 59)


def test_one_to_one_mode_asks_a_scroll_area_for_scroll_bars(make, qtbot):
    v = make(size=(64, 48), fb=(300, 200), mode=pt.SCALE_1_1)
    assert v.minimumSize().width() == 0  # not in a scroll area: never grows the window
    area = ConsoleArea(v)
    qtbot.addWidget(area)
    area.resize(120, 100)
    area.show()
    qtbot.waitExposed(area)
    assert v.minimumSize().width() == 300 and v.minimumSize().height() == 200
    assert area.horizontalScrollBar().maximum() > 0
    v.scale_mode = pt.SCALE_FIT
    QApplication.processEvents()
    assert v.minimumSize().width() == 0


def rgba_cursor(w: int, h: int, hx: int, hy: int) -> CursorShape:
    rgba = np.zeros((h, w, 4), dtype=np.uint8)
    rgba[..., 0] = 255
    rgba[..., 3] = 255
    rgba[0, 0, 3] = 0
    return CursorShape(hotspot_x=hx, hotspot_y=hy, width=w, height=h, rgba=rgba)


def test_the_server_cursor_becomes_the_local_cursor(make):
    v = make()
    v.cursor_changed(rgba_cursor(8, 8, 2, 3))
    cur = v.cursor()
    assert cur.shape() == Qt.CursorShape.BitmapCursor
    assert (cur.pixmap().width(), cur.pixmap().height()) == (8, 8)
    assert (cur.hotSpot().x(), cur.hotSpot().y()) == (2, 3)
    img = cur.pixmap().toImage()
    assert img.pixelColor(0, 0).alpha() == 0 and img.pixelColor(4, 4).red() == 255


def test_the_cursor_scales_with_the_view(make):
    v = make(size=(128, 96))  # scale 2
    v.cursor_changed(rgba_cursor(8, 8, 2, 3))
    cur = v.cursor()
    assert (cur.pixmap().width(), cur.pixmap().height()) == (16, 16)
    assert (cur.hotSpot().x(), cur.hotSpot().y()) == (4, 6)


def test_an_empty_server_cursor_hides_the_local_one(make):
    v = make()
    v.cursor_changed(CursorShape(0, 0, 0, 0, np.zeros((0, 0, 4), np.uint8)))
    assert v.cursor().shape() == Qt.CursorShape.BlankCursor


def test_relative_mode_hides_the_local_cursor_only_while_locked(make, qtbot):
    v = make()
    v.cursor_changed(rgba_cursor(8, 8, 0, 0))
    v.pointer_mode_changed(False)
    assert v.cursor().shape() == Qt.CursorShape.ArrowCursor
    L = Qt.MouseButton.LeftButton
    p = QPointF(10, 10)
    QApplication.sendEvent(v, QMouseEvent(QEvent.Type.MouseButtonPress, p, p, L, L,
                                          Qt.KeyboardModifier.NoModifier))
    assert v.cursor().shape() == Qt.CursorShape.BlankCursor
    v.release_input()
    assert v.cursor().shape() == Qt.CursorShape.ArrowCursor


def test_grab_input_is_reported(make, qtbot):
    v = make()
    with qtbot.waitSignal(v.grabChanged, timeout=1000) as sig:
        v.grab_input()
    assert sig.args == [True]
    assert v.pointer_mode_text == "Press Ctrl+Alt to release"
    with qtbot.waitSignal(v.grabChanged, timeout=1000) as sig:
        v.release_input()
    assert sig.args == [False]


def test_no_session_paints_black(qtbot):
    v = ConsoleView()
    qtbot.addWidget(v)
    v.resize(40, 30)
    v.show()
    qtbot.waitExposed(v)
    assert (rgb(v.grab().toImage()) == 0).all()


def test_painting_into_an_opaque_painter_matches_the_grab(make):
    v = make(size=(128, 96))
    img = QImage(128, 96, QImage.Format.Format_RGB32)
    img.fill(0x00777777)
    v.render(img)
    np.testing.assert_array_equal(rgb(img), rgb(v.grab().toImage()))


HIDPI_SCRIPT = textwrap.dedent("""
    import sys
    import numpy as np
    from PySide6.QtWidgets import QApplication
    from PySide6.QtGui import QImage
    from qvmrc.ui.console_view import ConsoleView
    from tests.support.fake_session import FakeSession
    app = QApplication(sys.argv)
    v = ConsoleView()
    v.scale_mode = "1:1"
    s = FakeSession(width=64, height=48)
    s.framebuffer.pixels[:] = np.arange(64 * 48, dtype=np.uint32).reshape(48, 64) * 0x010203
    v.resize(32, 24)
    v.show()
    s.show_on(v)
    app.processEvents()
    img = v.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    a = np.frombuffer(img.constBits(), np.uint32).reshape(img.height(), img.width()) & 0xFFFFFF
    ok = (v.devicePixelRatioF() == 2.0 and a.shape == (48, 64)
          and (a == (s.framebuffer.pixels & 0xFFFFFF)).all()
          and v.widget_to_remote((10.5, 3)) == (21, 6))
    print("OK" if ok else f"FAIL dpr={v.devicePixelRatioF()} shape={a.shape}")
""")


def test_one_to_one_on_a_hidpi_screen_paints_one_remote_pixel_per_device_pixel():
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", QT_SCALE_FACTOR="2",
               PYTHONPATH=str(ROOT))
    out = subprocess.run([sys.executable, "-c", HIDPI_SCRIPT], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=60)
    assert out.stdout.strip().endswith("OK"), out.stdout + out.stderr
