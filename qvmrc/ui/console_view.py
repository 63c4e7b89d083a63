"""The console view: paints a session's framebuffer and turns Qt input into RFB input.

Painting: the framebuffer's numpy array is wrapped in a QImage without a copy
(``Format_RGB32``, the array's own layout) and each FramebufferUpdate asks Qt
to repaint only the widget area its damage covers, in one ``update()`` call.

Scale modes share one geometry (``qvmrc.ui.pointer.view_rect``) between
painting and input mapping. In 1:1 the view asks for a minimum size of the
remote screen in logical pixels when it sits in a ``ConsoleArea`` (a scroll
area), which then shows scroll bars; in a plain layout 1:1 shows the top-left
part of a screen larger than the widget.

The padding byte: servers send 0 in the top byte of a 32-bit pixel.
``Format_RGB32`` painted onto an opaque backing store (X11, Windows,
offscreen) ignores it, but onto an ARGB32_Premultiplied target (translucent
windows, some Wayland and macOS backing stores, ``QWidget.render`` into an
ARGB image) Qt's fast blit copies it as alpha 0. So the view sets it to 0xFF
over the damaged rectangles only (``force_opaque``; ~0.6 ms for a full
1920x1080 update), a numpy pass over what changed.
"""

from __future__ import annotations

import logging
import math
import sys
from collections.abc import Callable
from typing import Any, Protocol

import numpy as np
from PySide6.QtCore import QEvent, QPoint, QPointF, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QCursor,
    QFocusEvent,
    QGuiApplication,
    QImage,
    QInputMethodEvent,
    QKeyEvent,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPixmap,
    QRegion,
    QResizeEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import QFrame, QScrollArea, QWidget

from qvmrc.rfb.events import CursorShape, FramebufferUpdated
from qvmrc.rfb.framebuffer import Framebuffer
from qvmrc.rfb.messages import RELATIVE_POINTER_CENTRE
from qvmrc.ui import pointer as pt
from qvmrc.ui import zoom
from qvmrc.ui.keyboard import KeyboardHandler, ScancodeSource

log = logging.getLogger(__name__)

OPAQUE = np.uint32(0xFF000000)
DIM_COLOUR = QColor(0, 0, 0, 150)
# A damage list longer than this is repainted as its bounding box.
MAX_DAMAGE_RECTS = 16
# Server cursors are small; a scaled one is capped to this many device pixels.
MAX_CURSOR_SIZE = 256
# The focus frame around a console that has the focus but not the keyboard.
FOCUS_FRAME_WIDTH = 3
#: Windows and macOS need a hook / event tap besides Qt's grab for system keys.
SYSTEM_KEY_HOOKS = sys.platform in ("win32", "darwin")
#: Grabs the keyboard (and a relative pointer) from the keyboard, as in VMware.
GRAB_SHORTCUT = QKeySequence("Ctrl+G")


class ViewSession(Protocol):
    """What the view uses of ``qvmrc.session.Session``."""

    @property
    def framebuffer(self) -> Framebuffer | None: ...

    @property
    def pointer_absolute(self) -> bool: ...

    @property
    def extended_key_events(self) -> bool: ...

    def key_event(self, keysym: int, down: bool) -> None: ...

    def scancode_key_event(self, keysym: int, xt_scancode: int, down: bool) -> None: ...

    def pointer_event(self, x: int, y: int, buttons: int) -> None: ...

    def relative_pointer_event(self, dx: int, dy: int, buttons: int) -> None: ...


def _dot_cursor() -> QCursor:
    """Shown before the server sent a shape: small, so a cursor the server draws
    into the framebuffer itself is not covered by a second arrow."""
    img = QImage(5, 5, QImage.Format.Format_ARGB32)
    img.fill(QColor(0, 0, 0, 0))
    p = QPainter(img)
    p.fillRect(1, 1, 3, 3, QColor(0, 0, 0))
    p.fillRect(2, 2, 1, 1, QColor(255, 255, 255))
    p.end()
    return QCursor(QPixmap.fromImage(img), 2, 2)


class ConsoleView(QWidget):
    """One console's screen: paint, scale, keyboard, mouse, cursor, screenshots.

    The VMware keyboard model: keys go to the VM only while the console is
    grabbed. A click grabs (or Ctrl+G with the focus on the console); the
    release hotkey (Ctrl+Alt unless configured), focus loss, view-only and the
    overlay release. Not grabbed, the console is an ordinary widget: it keeps
    no key, so app shortcuts work and Tab moves the focus on; it shows a focus
    frame when it has the focus. Grabbed, Tab and Shift+Tab go to the VM, and
    the X11 keyboard grab / Windows hook / macOS tap catch system keys.

    The tab forwards its SessionListener callbacks to the slots
    ``framebuffer_updated``, ``desktop_resized``, ``cursor_changed`` and
    ``pointer_mode_changed`` (on the GUI thread, directly).
    """

    grabChanged = Signal(bool)
    #: The console has the focus but not the keyboard (see ConsoleArea's frame).
    focusFrameChanged = Signal(bool)
    pointerModeText = Signal(str)

    def __init__(self, parent: QWidget | None = None, *,
                 scancode_source: ScancodeSource | None = None) -> None:
        super().__init__(parent)
        self.keyboard = KeyboardHandler(self, scancode_source)
        self.keyboard.hotkeyPressed.connect(self._on_hotkey)
        # Shortcuts the application keeps while the console has focus; every
        # other key goes to the guest.
        self.app_shortcuts: list[QKeySequence] = [QKeySequence(Qt.Key.Key_F11)]
        self.grab_keyboard_enabled = True
        self.force_opaque = True
        self._session: ViewSession | None = None
        #: paint events handled (vitals for soak tests and the debug panel)
        self.paints = 0
        self._array: np.ndarray | None = None
        self._image: QImage | None = None
        self._mode = pt.SCALE_FIT
        self._smooth = True
        self._dimmed = False
        self._view_only = False
        self._absolute = True
        self._locked = False
        self._captured = False  # keys go to the VM
        self._kbd_grabbed = False  # the window system's keyboard grab is held
        self._system_keys: Any = None  # the Windows hook / macOS tap while grabbed
        self._grab_reported = False
        self._frame_reported = False
        self._buttons = 0
        self._swallow = 0
        self._last_sent: tuple[int, int, int] | None = None
        self._last_remote: tuple[int, int] = (0, 0)
        self._last_local = QPointF()
        self._wheel = pt.WheelAccumulator()
        self._rel = pt.RelativeMotion()
        self._cursor_shape: CursorShape | None = None
        self._cursor_image: QImage | None = None
        self._cursor_key: tuple[Any, ...] | None = None
        self.show_local_cursor = True  # off: no local pointer (only what the guest paints)
        self.dot_cursor = False  # a dot when the server's cursor is empty (noVNC's "show dot")
        self._mode_text = ""

        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled, True)
        self._apply_cursor()
        self._update_mode_text()

    # ================================================================ session

    @property
    def session(self) -> ViewSession | None:
        return self._session

    def set_session(self, session: ViewSession | None) -> None:
        """Attach a session (or detach with None). The last frame stays until a new one arrives."""
        self.release_input()
        self._session = session
        self.keyboard.session = session
        self._last_sent = None
        if session is not None:
            # A reconnect's new framebuffer is black until its first update:
            # keep showing the last frame until then (framebuffer_updated rewraps).
            pixels = self._current_pixels()
            if pixels is not None and self._array is None:
                self._wrap(pixels)
            self._absolute = session.pointer_absolute
        self._sync_input_method()
        self._apply_cursor()
        self._update_mode_text()
        self.update()

    def clear(self) -> None:
        """Forget the last frame (paints black)."""
        self._array = None
        self._image = None
        self._update_min_size()
        self.update()

    def _wrap(self, pixels: np.ndarray) -> None:
        """Wrap the framebuffer array in a QImage, without copying."""
        if pixels.dtype != np.uint32 or pixels.ndim != 2 or not pixels.flags.c_contiguous:
            raise ValueError("framebuffer must be a C-contiguous uint32 (height, width) array")
        if self.force_opaque:
            pixels |= OPAQUE
        h, w = pixels.shape
        self._array = pixels  # the QImage borrows this memory: keep it alive
        self._image = QImage(pixels.data, w, h, w * 4, QImage.Format.Format_RGB32)
        self._update_min_size()
        self.updateGeometry()
        self._apply_cursor()

    def _current_pixels(self) -> np.ndarray | None:
        fb = self._session.framebuffer if self._session is not None else None
        if fb is None or fb.width == 0 or fb.height == 0:
            return None
        return fb.pixels

    # ================================================================ slots

    def framebuffer_updated(self, update: FramebufferUpdated) -> None:
        """Repaint what one FramebufferUpdate changed (one ``update()`` call)."""
        if update.bounds is None:
            # QEMU's first update may only acknowledge a pseudo-encoding; it is
            # also when extended key events become known.
            self._sync_input_method()
            return
        pixels = self._current_pixels()
        if pixels is None:
            return
        if pixels is not self._array:
            # A new connection or a resize: rewrap and repaint everything.
            self._wrap(pixels)
            self._sync_input_method()
            self.update()
            return
        damage = update.damage if len(update.damage) <= MAX_DAMAGE_RECTS else (update.bounds,)
        if self.force_opaque:
            for x, y, w, h in damage:
                pixels[y:y + h, x:x + w] |= OPAQUE
        view = self._view_rect()
        if view is None:
            return
        pad = 1 + (math.ceil(view[2] / pixels.shape[1]) if self._smooth else 0)
        region = QRegion()
        for rect in damage:
            region += QRect(*pt.remote_rect_to_widget(rect, view, (pixels.shape[1], pixels.shape[0]), pad))
        self.update(region)

    def desktop_resized(self, width: int, height: int) -> None:
        """A new remote size: rewrap now (same-size reconnects wait for their first update)."""
        pixels = self._current_pixels()
        if pixels is None or pixels is self._array:
            return
        if self._array is None or pixels.shape != self._array.shape:
            self._wrap(pixels)
            self.update()

    def cursor_changed(self, cursor: CursorShape) -> None:
        """Use the server's cursor shape as this widget's local cursor."""
        self._cursor_shape = cursor
        if cursor.width > 0 and cursor.height > 0:
            rgba = np.ascontiguousarray(cursor.rgba, dtype=np.uint8)
            img = QImage(rgba.tobytes(), cursor.width, cursor.height, cursor.width * 4,
                         QImage.Format.Format_RGBA8888)
            self._cursor_image = img.copy()  # own the pixels, not the temporary bytes
        else:
            self._cursor_image = None  # an empty shape hides the cursor
        self._cursor_key = None
        self._apply_cursor()

    def pointer_mode_changed(self, absolute: bool) -> None:
        self._absolute = absolute
        if absolute and self._locked:
            self._unlock_pointer()
        self._rel.reset()
        self._last_sent = None
        self._apply_cursor()
        self._update_mode_text()

    # ================================================================ properties

    @property
    def scale_mode(self) -> str:
        return self._mode

    @scale_mode.setter
    def scale_mode(self, mode: str) -> None:
        if mode not in pt.SCALE_MODES:
            raise ValueError(f"unknown scale mode {mode!r}; expected one of {pt.SCALE_MODES}")
        if mode != self._mode:
            self._mode = mode
            self._update_min_size()
            self.updateGeometry()
            self._apply_cursor()
            self.update()

    def set_scale_mode(self, mode: str) -> None:
        self.scale_mode = mode

    @property
    def smooth(self) -> bool:
        return self._smooth

    @smooth.setter
    def smooth(self, on: bool) -> None:
        self._smooth = bool(on)
        self._cursor_key = None
        self._apply_cursor()
        self.update()

    def set_smooth(self, on: bool) -> None:
        self.smooth = on

    @property
    def dimmed(self) -> bool:
        return self._dimmed

    @dimmed.setter
    def dimmed(self, on: bool) -> None:
        if bool(on) != self._dimmed:
            self._dimmed = bool(on)
            if on:
                self.release_input()
            self.update()

    def set_dimmed(self, on: bool) -> None:
        self.dimmed = on

    @property
    def view_only(self) -> bool:
        return self._view_only

    @view_only.setter
    def view_only(self, on: bool) -> None:
        if bool(on) != self._view_only:
            if on:
                self.release_input()
            self._view_only = bool(on)
            self._sync_input_method()
            self._apply_cursor()
            self._update_mode_text()

    def set_view_only(self, on: bool) -> None:
        self.view_only = on

    @property
    def grabbed(self) -> bool:
        """Keys (and a relative pointer) go to the VM."""
        return self._captured

    def set_release_hotkey(self, text: str) -> None:
        """Change the release hotkey ("Ctrl+Alt"; see keyboard.RELEASE_HOTKEYS)."""
        self.keyboard.set_release_hotkey(text)
        self._mode_text = ""
        self._update_mode_text()

    @property
    def pointer_locked(self) -> bool:
        return self._locked

    @property
    def pointer_mode_text(self) -> str:
        return self._mode_text

    @property
    def image(self) -> QImage | None:
        """The QImage wrapping the framebuffer (shares its memory)."""
        return self._image

    # ================================================================ geometry

    def _fb_size(self) -> tuple[int, int]:
        if self._array is None:
            return 0, 0
        return int(self._array.shape[1]), int(self._array.shape[0])

    def _view_rect(self) -> pt.Rect | None:
        return pt.view_rect(self._mode, (self.width(), self.height()), self._fb_size(),
                            self.devicePixelRatioF())

    def widget_to_remote(self, pos: QPointF | QPoint) -> tuple[int, int] | None:
        return pt.widget_to_remote(pos, self._mode, (self.width(), self.height()), self._fb_size(),
                                   self.devicePixelRatioF())

    def sizeHint(self) -> QSize:
        w, h = self._fb_size()
        if not w:
            return QSize(1024, 768)
        dpr = self.devicePixelRatioF()
        return QSize(math.ceil(w / dpr), math.ceil(h / dpr))

    def _in_scroll_area(self) -> bool:
        viewport = self.parentWidget()
        area = viewport.parentWidget() if viewport is not None else None
        return isinstance(area, QScrollArea) and area.viewport() is viewport

    def _update_min_size(self) -> None:
        """In 1:1 inside a scroll area, ask for the remote size so scroll bars appear.

        In a plain layout a minimum size would grow the window to the VM's
        screen; there 1:1 shows the top-left part instead.
        """
        size = zoom.scaled_size(self._mode, self._fb_size(), self.devicePixelRatioF())
        if size is not None and self._in_scroll_area():
            self.setMinimumSize(*size)
        else:
            self.setMinimumSize(0, 0)

    # ================================================================ painting

    def paintEvent(self, event: QPaintEvent) -> None:
        self.paints += 1
        p = QPainter(self)
        view = self._view_rect()
        if self._image is None or view is None:
            p.fillRect(event.rect(), Qt.GlobalColor.black)
            p.end()
            return
        target = QRectF(*view)
        inner = target.toAlignedRect().adjusted(1, 1, -1, -1)
        bars = event.region().subtracted(QRegion(inner))
        if not bars.isEmpty():
            p.save()
            p.setClipRegion(bars)
            p.fillRect(event.rect(), Qt.GlobalColor.black)
            p.restore()
        scaled = self._mode != pt.SCALE_1_1 and (abs(target.width() - self._image.width()) > 0.01
                                                  or abs(target.height() - self._image.height()) > 0.01)
        p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, self._smooth and scaled)
        p.drawImage(target, self._image, QRectF(self._image.rect()))
        if self._dimmed:
            p.fillRect(target, DIM_COLOUR)
        p.end()

    @property
    def shows_focus_frame(self) -> bool:
        """Focus without the keyboard: the ConsoleArea around the view draws a frame."""
        return self.hasFocus() and not self._captured

    def _report_focus_frame(self) -> None:
        on = self.shows_focus_frame
        if on != self._frame_reported:
            self._frame_reported = on
            self.focusFrameChanged.emit(on)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._apply_cursor()

    # ================================================================ screenshots

    def screenshot(self) -> QImage:
        """A copy of the remote screen at its own resolution (not dimmed, not scaled)."""
        if self._image is None:
            return QImage()
        return self._image.copy()

    def save_screenshot(self, path: str) -> None:
        img = self.screenshot()
        if img.isNull():
            raise OSError("there is no screen to save yet")
        if not img.save(path, "PNG"):  # type: ignore[call-overload]  # the stubs say bytes; PySide wants str
            raise OSError(f"could not write the screenshot to {path}")

    # ================================================================ cursor

    def _apply_cursor(self) -> None:
        if self._view_only:
            self.setCursor(Qt.CursorShape.ArrowCursor)
            return
        if not self._absolute:
            # Relative mode: the guest draws its pointer; ours is hidden while locked.
            self.setCursor(Qt.CursorShape.BlankCursor if self._locked else Qt.CursorShape.ArrowCursor)
            return
        shape = self._cursor_shape
        if shape is None or self._cursor_image is None or not self.show_local_cursor:
            self._cursor_key = None
            dot = self.show_local_cursor and (shape is None or self.dot_cursor)
            self.setCursor(_dot_cursor() if dot else QCursor(Qt.CursorShape.BlankCursor))
            return
        sx, sy = pt.relative_scale(self._mode, (self.width(), self.height()), self._fb_size(),
                                   self.devicePixelRatioF())
        lx, ly = 1.0 / sx, 1.0 / sy  # logical pixels per remote pixel
        dpr = self.devicePixelRatioF()
        key = (id(shape), round(lx, 4), round(ly, 4), dpr, self._smooth)
        if key == self._cursor_key:
            return
        self._cursor_key = key
        pw = max(1, min(MAX_CURSOR_SIZE, round(shape.width * lx * dpr)))
        ph = max(1, min(MAX_CURSOR_SIZE, round(shape.height * ly * dpr)))
        img = self._cursor_image
        if (pw, ph) != (img.width(), img.height()):
            mode = (Qt.TransformationMode.SmoothTransformation if self._smooth
                    else Qt.TransformationMode.FastTransformation)
            img = img.scaled(pw, ph, Qt.AspectRatioMode.IgnoreAspectRatio, mode)
        pm = QPixmap.fromImage(img)
        pm.setDevicePixelRatio(dpr)
        hx = min(round(shape.hotspot_x * pw / shape.width / dpr), max(0, math.ceil(pw / dpr) - 1))
        hy = min(round(shape.hotspot_y * ph / shape.height / dpr), max(0, math.ceil(ph / dpr) - 1))
        self.setCursor(QCursor(pm, hx, hy))

    def set_cursor_options(self, show_local: bool, dot: bool) -> None:
        """The local pointer on/off, and a dot instead of nothing when the server hides its cursor."""
        self.show_local_cursor, self.dot_cursor = show_local, dot
        self._apply_cursor()

    # ================================================================ grab

    @property
    def release_hotkey_text(self) -> str:
        return self.keyboard.hotkey_text

    def grab_input(self) -> None:
        """Keys go to the VM (system shortcuts too, when enabled) until the hotkey."""
        if not self._can_grab():
            return
        if not self._captured:
            self._captured = True
            if not self.hasFocus():
                self.setFocus(Qt.FocusReason.OtherFocusReason)
            self._sync_input_method()
            self.update()
        if self.grab_keyboard_enabled and not self._kbd_grabbed:
            self.grabKeyboard()
            self._kbd_grabbed = True
            if SYSTEM_KEY_HOOKS:
                self._grab_system_keys()
        self._report_grab()

    def _can_grab(self) -> bool:
        # Dimmed: the overlay says the console is not live (connecting, lost).
        return not self._view_only and not self._dimmed and self._session is not None

    def _grab_system_keys(self) -> None:
        """Windows key, Alt+Tab (winkeys) or Cmd+Tab, Cmd+Space (mackeys) go to the guest too."""
        if self._system_keys is not None:
            return
        if sys.platform == "win32":
            from qvmrc.ui.winkeys import SystemKeyHook, foreground_is, install_windows_hook

            window = int(self.window().winId())
            hook: Any = SystemKeyHook(self.keyboard.system_key, lambda: foreground_is(window))
            if install_windows_hook(hook):
                self._system_keys = hook
        else:
            from qvmrc.ui.mackeys import MacSystemKeyHook, install_mac_tap

            def in_front() -> bool:
                return QGuiApplication.applicationState() == Qt.ApplicationState.ApplicationActive

            hook = MacSystemKeyHook(self.keyboard.system_key, in_front)
            if install_mac_tap(hook):
                self._system_keys = hook

    def release_input(self) -> None:
        """Give keyboard and pointer back to the desktop; nothing stays held on the guest."""
        self.keyboard.release_all()
        if self._buttons and self._session is not None:
            self._buttons = 0
            self._send_buttons()
        self._buttons = 0
        self._swallow = 0
        self._wheel.reset()
        if self._locked:
            self._unlock_pointer()
        if self._system_keys is not None:
            self._system_keys.uninstall()
            self._system_keys = None
        if self._kbd_grabbed:
            self.releaseKeyboard()
            self._kbd_grabbed = False
        if self._captured:
            self._captured = False
            self._sync_input_method()
            self.update()
        self._report_grab()

    def _report_grab(self) -> None:
        grabbed = self.grabbed
        if grabbed != self._grab_reported:
            self._grab_reported = grabbed
            self.grabChanged.emit(grabbed)
        self._update_mode_text()
        self._report_focus_frame()

    def _on_hotkey(self) -> None:
        # The focus stays here (with its frame): Tab moves on from the console.
        if self.grabbed:
            self.release_input()

    def _lock_pointer(self) -> None:
        if not self._can_grab():
            return
        self._locked = True
        self.grabMouse()
        self._rel.reset()
        self._warp_to_centre()
        self._apply_cursor()
        self.grab_input()
        self._report_grab()

    def _unlock_pointer(self) -> None:
        self._locked = False
        self.releaseMouse()
        self._rel.reset()
        self._apply_cursor()
        self._report_grab()

    def _warp_to_centre(self) -> None:
        centre = QPoint(self.width() // 2, self.height() // 2)
        self._last_local = QPointF(centre)
        QCursor.setPos(self.mapToGlobal(centre))

    def _update_mode_text(self) -> None:
        hotkey = self.keyboard.hotkey_text
        if self._view_only:
            text = "View only"
        elif self._captured:
            text = f"Press {hotkey} to release"
        elif not self._absolute:
            text = "Relative pointer — click in the console to grab"
        else:
            text = "Absolute pointer — click in the console to type"
        if text != self._mode_text:
            self._mode_text = text
            self.pointerModeText.emit(text)

    # ================================================================ keyboard

    def _sync_input_method(self) -> None:
        """Input methods compose dead keys locally: wanted only when keys go by keysym.

        With QEMU's scancodes the guest's own layout composes, so raw keys must reach it.
        """
        s = self._session
        want = self._captured and not self._view_only and not (s is not None and s.extended_key_events)
        if self.testAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled) != want:
            self.setAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled, want)
            if self.hasFocus():
                QGuiApplication.inputMethod().update(Qt.InputMethodQuery.ImEnabled)

    def _is_app_shortcut(self, event: QKeyEvent) -> bool:
        if not self.app_shortcuts:
            return False
        seq = QKeySequence(event.keyCombination())
        return any(seq.matches(s) == QKeySequence.SequenceMatch.ExactMatch for s in self.app_shortcuts)

    def event(self, event: QEvent) -> bool:
        etype = event.type()
        if etype == QEvent.Type.ShortcutOverride:
            # Grabbed, claim every key for the guest (Ctrl+W must not close the
            # tab) except app shortcuts; not grabbed, the app keeps them all.
            assert isinstance(event, QKeyEvent)
            if self._keys_to_vm() and not self._is_app_shortcut(event):
                event.accept()
                return True
            return super().event(event)
        if etype == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if self._keys_to_vm() and event.key() in (Qt.Key.Key_Tab.value, Qt.Key.Key_Backtab.value):
                # QWidget would move the focus; a grabbed VM gets Tab and Shift+Tab.
                self.keyPressEvent(event)
                return True
        if etype == QEvent.Type.ParentChange:
            self._update_min_size()
        if etype == QEvent.Type.DevicePixelRatioChange:
            self._update_min_size()
            self._cursor_key = None
            self._apply_cursor()
        return super().event(event)

    def _keys_to_vm(self) -> bool:
        return self._captured and not self._view_only and self._session is not None

    def focusNextPrevChild(self, next: bool) -> bool:  # noqa: A002 - Qt's name
        if self._captured:
            return False
        return super().focusNextPrevChild(next)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if not self._keys_to_vm():
            if (self._can_grab() and self._image is not None
                    and QKeySequence(event.keyCombination()).matches(GRAB_SHORTCUT)
                    == QKeySequence.SequenceMatch.ExactMatch):
                self._grab_from_keyboard()
                event.accept()
                return
            event.ignore()  # the application's: menus, shortcuts, focus keys
            return
        self.keyboard.key_press(event)
        event.accept()

    def _grab_from_keyboard(self) -> None:
        if self._absolute:
            self.grab_input()
        else:
            self._lock_pointer()

    def keyReleaseEvent(self, event: QKeyEvent) -> None:
        if not self._keys_to_vm():
            event.ignore()
            return
        self.keyboard.key_release(event)
        event.accept()

    def inputMethodEvent(self, event: QInputMethodEvent) -> None:
        if self._keys_to_vm() and event.commitString():
            self.keyboard.commit_text(event.commitString())
        event.accept()

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        self._sync_input_method()
        self._report_focus_frame()

    def focusOutEvent(self, event: QFocusEvent) -> None:
        # Keys held now would never see their release: release them on the guest.
        self.release_input()
        super().focusOutEvent(event)
        self._report_focus_frame()

    def hideEvent(self, event: Any) -> None:
        self.release_input()
        super().hideEvent(event)

    def send_keys(self, combo: str) -> None:
        """A "Send key" menu entry (keyboard.SEND_KEY_NAMES)."""
        if not self._view_only:
            self.keyboard.send_keys(combo)

    def type_text(self, text: str, confirm: Callable[[int], bool] | None = None) -> bool:
        """"Type clipboard": see KeyboardHandler.type_text."""
        if self._view_only:
            return False
        return self.keyboard.type_text(text, confirm)

    # ================================================================ mouse

    def _input_live(self) -> bool:
        return self._session is not None and not self._view_only and self._image is not None

    def _send_buttons(self) -> None:
        """Send the current button state without motion."""
        s = self._session
        if s is None:
            return
        if self._absolute:
            x, y = self._last_remote
            s.pointer_event(x, y, self._buttons)
            self._last_sent = (x, y, self._buttons)
        else:
            # Zero relative motion: Session.relative_pointer_event sends nothing for (0, 0).
            s.pointer_event(RELATIVE_POINTER_CENTRE, RELATIVE_POINTER_CENTRE, self._buttons)

    def _send_absolute(self, pos: QPointF) -> None:
        remote = self.widget_to_remote(pos)
        if remote is None or self._session is None:
            return
        self._last_remote = remote
        state = (remote[0], remote[1], self._buttons)
        if state != self._last_sent:
            self._last_sent = state
            self._session.pointer_event(remote[0], remote[1], self._buttons)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if not self._input_live():
            event.ignore()
            return
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        bit = pt.button_mask(event.button())
        if not self._absolute and not self._locked:
            # The click that grabs the pointer is not a click in the guest.
            self._swallow |= bit
            self._lock_pointer()
            event.accept()
            return
        self.grab_input()
        self._buttons |= bit
        if self._absolute:
            self._send_absolute(event.position())
        else:
            self._send_buttons()
        event.accept()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if not self._input_live():
            event.ignore()
            return
        bit = pt.button_mask(event.button())
        if self._swallow & bit:
            self._swallow &= ~bit
            event.accept()
            return
        if not self._buttons & bit:
            event.accept()
            return
        self._buttons &= ~bit
        if self._absolute:
            self._send_absolute(event.position())
        else:
            self._send_buttons()
        event.accept()

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        # The guest sees press/release pairs and decides on double clicks itself.
        self.mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if not self._input_live():
            event.ignore()
            return
        pos = event.position()
        if self._absolute:
            self._send_absolute(pos)
        elif self._locked:
            self._relative_motion(pos)
        event.accept()

    def _relative_motion(self, pos: QPointF) -> None:
        dx = pos.x() - self._last_local.x()
        dy = pos.y() - self._last_local.y()
        self._last_local = QPointF(pos)
        sx, sy = pt.relative_scale(self._mode, (self.width(), self.height()), self._fb_size(),
                                   self.devicePixelRatioF())
        ix, iy = self._rel.feed(dx, dy, sx, sy)
        if (ix or iy) and self._session is not None:
            self._session.relative_pointer_event(ix, iy, self._buttons)
        # Keep the hidden pointer away from the edges so motion never stops there.
        cx, cy = self.width() / 2, self.height() / 2
        if abs(pos.x() - cx) > self.width() / 4 or abs(pos.y() - cy) > self.height() / 4:
            self._warp_to_centre()

    def wheelEvent(self, event: QWheelEvent) -> None:
        if not self._input_live() or (not self._absolute and not self._locked):
            event.ignore()
            return
        if self._absolute:
            self._send_absolute(event.position())
        delta = event.angleDelta()
        for bit in self._wheel.add(delta.x(), delta.y()):
            held = self._buttons
            self._buttons = held | bit
            self._send_buttons()
            self._buttons = held
            self._send_buttons()
        event.accept()


class ConsoleArea(QScrollArea):
    """A scroll area around a ConsoleView: scroll bars in 1:1 when the screen is larger.

    In fit and fill the view simply fills the area. Its frame is the console's
    focus frame: black, in the highlight colour while the view has the focus
    but not the keyboard, so the frame never covers a pixel of the VM.
    """

    def __init__(self, view: ConsoleView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view = view
        self.setWidget(view)
        self.setWidgetResizable(True)
        view._update_min_size()
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setFrameShape(QFrame.Shape.Box)
        self.setFrameShadow(QFrame.Shadow.Plain)
        self.setLineWidth(FOCUS_FRAME_WIDTH)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        pal = self.viewport().palette()
        pal.setColor(QPalette.ColorRole.Window, QColor(0, 0, 0))
        self.viewport().setPalette(pal)
        self.viewport().setAutoFillBackground(True)
        self.set_focus_frame(view.shows_focus_frame)
        view.focusFrameChanged.connect(self.set_focus_frame)

    @property
    def focus_frame_colour(self) -> QColor:
        return self.palette().color(QPalette.ColorRole.WindowText)

    def set_focus_frame(self, on: bool) -> None:
        colour = (self.palette().color(QPalette.ColorGroup.Active, QPalette.ColorRole.Highlight)
                  if on else QColor(0, 0, 0))
        pal = self.palette()
        for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
            pal.setColor(group, QPalette.ColorRole.WindowText, colour)
        self.setPalette(pal)
        self.update()
