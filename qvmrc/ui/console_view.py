"""The console view: one console's screen as a widget, and the input it takes.

It paints the front buffer the session pushes (``set_frame`` on connect and
resize, ``framebuffer_updated`` with each update's damage: one ``update()``
call per update), in one of the scale modes that painting and input mapping
share (``qvmrc.ui.pointer.view_rect``). In 1:1 the view asks for a minimum
size of the remote screen in logical pixels when it sits in a ``ConsoleArea``
(a scroll area), which then shows scroll bars; in a plain layout 1:1 shows the
top-left part of a screen larger than the widget.

Painting lives in ``frame_painter``, the pointer shape in ``console_cursor``,
grabbing (keyboard, pointer lock, system keys) in ``console_grab``, key events
in ``console_keys``, mouse events in ``console_mouse``; this widget holds the state they share (grabbed, locked,
view-only, dimmed) and routes Qt's events.
"""

from __future__ import annotations

import math
import weakref

from PySide6.QtCore import QEvent, QPoint, QPointF, QSize, Qt, Signal
from PySide6.QtGui import (
    QCursor,
    QImage,
    QKeySequence,
    QPainter,
    QPaintEvent,
    QResizeEvent,
)
from PySide6.QtWidgets import QScrollArea, QWidget

from qvmrc.frontbuffer import FrontBuffer
from qvmrc.rfb.events import CursorShape, FramebufferUpdated
from qvmrc.ui import pointer as pt
from qvmrc.ui import zoom
from qvmrc.ui.console_cursor import ServerCursor, dot_cursor
from qvmrc.ui.console_grab import ConsoleGrabMixin, KeyboardGrab
from qvmrc.ui.console_keys import ConsoleKeysMixin
from qvmrc.ui.console_mouse import ConsoleMouseMixin, MouseInput
from qvmrc.ui.frame_painter import FramePainter
from qvmrc.ui.keyboard import KeyboardHandler, ScancodeSource
from qvmrc.ui.view_session import ViewSession


class ConsoleView(ConsoleGrabMixin, ConsoleKeysMixin, ConsoleMouseMixin, QWidget):
    """One console's screen: paint, scale, keyboard, mouse, cursor, screenshots.

    The VMware keyboard model: keys go to the VM only while the console is
    grabbed. A click grabs (or Ctrl+G with the focus on the console); the
    release hotkey (Ctrl+Alt unless configured), focus loss, view-only and the
    overlay release. Not grabbed, the console is an ordinary widget: it keeps
    no key, so app shortcuts work and Tab moves the focus on; it shows a focus
    frame when it has the focus. Grabbed, Tab and Shift+Tab go to the VM, and
    the X11 keyboard grab / Windows hook / macOS tap catch system keys.
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
        # The helpers hold the view weakly: no cycle keeps a closed console alive.
        me = weakref.proxy(self)
        self._grab = KeyboardGrab(me, self.keyboard.system_key)
        self._painter = FramePainter()
        self._mouse = MouseInput(me)
        self._cursor = ServerCursor()
        self._session: ViewSession | None = None
        #: paint events handled (vitals for soak tests and the debug panel)
        self.paints = 0
        self._mode = pt.SCALE_FIT
        self._smooth = True
        self._dimmed = False
        self._view_only = False
        self._locked = False
        self._captured = False  # keys go to the VM
        self._grab_reported = False
        self._frame_reported = False
        self.show_local_cursor = True  # off: no local pointer (only what the guest paints)
        self.dot_cursor = False  # a dot when the server's cursor is empty (noVNC's "show dot")
        self._mode_text = ""

        self.setAccessibleName(self.tr("Virtual machine console"))
        self.setAccessibleDescription(self.tr("Click or press Ctrl+G to send the keyboard and mouse to the VM"))
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
        self._mouse.session = session
        self._mouse.forget()
        if session is not None:
            self._mouse.absolute = session.pointer_absolute
        self._sync_input_method()
        self._apply_cursor()
        self._update_mode_text()
        self.update()

    def set_frame(self, front: FrontBuffer) -> None:
        """The session's picture, on connect and on each resize: repaint all of it."""
        self._painter.show(front)
        self.update_min_size()
        self.updateGeometry()
        self._apply_cursor()
        self._sync_input_method()
        self.update()

    def clear(self) -> None:
        """Forget the last frame (paints black)."""
        self._painter.clear()
        self.update_min_size()
        self.update()

    # ================================================================ slots

    def framebuffer_updated(self, update: FramebufferUpdated) -> None:
        """Repaint what one FramebufferUpdate changed (one ``update()`` call)."""
        if update.bounds is None:
            # QEMU's first update may only acknowledge a pseudo-encoding; it is
            # also when extended key events become known.
            self._sync_input_method()
            return
        view = self._view_rect()
        if view is None:
            return
        self.update(self._painter.damage_region(update.damage, update.bounds, view, self._smooth))

    def cursor_changed(self, cursor: CursorShape) -> None:
        """Use the server's cursor shape as this widget's local cursor."""
        self._cursor.set_shape(cursor)
        self._apply_cursor()

    def pointer_mode_changed(self, absolute: bool) -> None:
        self._mouse.absolute = absolute
        if absolute and self._locked:
            self._unlock_pointer()
        self._mouse.forget()
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
            self.update_min_size()
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
        self._cursor.forget_scale()
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
    def grab_keyboard_enabled(self) -> bool:
        """Grabbing also takes the window system's keyboard (system shortcuts go to the VM)."""
        return self._grab.enabled

    @grab_keyboard_enabled.setter
    def grab_keyboard_enabled(self, on: bool) -> None:
        self._grab.enabled = bool(on)

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
    def release_hotkey_text(self) -> str:
        return self.keyboard.hotkey_text

    @property
    def pointer_locked(self) -> bool:
        return self._locked

    @property
    def pointer_mode_text(self) -> str:
        return self._mode_text

    @property
    def image(self) -> QImage | None:
        """The QImage wrapping the front buffer (shares its memory)."""
        return self._painter.image

    @property
    def frame_size(self) -> tuple[int, int] | None:
        """The remote screen's (width, height), or None before the first frame."""
        w, h = self._painter.size
        return (w, h) if w else None

    # ================================================================ geometry

    def _view_rect(self) -> pt.Rect | None:
        return pt.view_rect(self._mode, (self.width(), self.height()), self._painter.size,
                            self.devicePixelRatioF())

    def widget_to_remote(self, pos: QPointF | QPoint) -> tuple[int, int] | None:
        return pt.widget_to_remote(pos, self._mode, (self.width(), self.height()), self._painter.size,
                                   self.devicePixelRatioF())

    def relative_scale(self) -> tuple[float, float]:
        """Remote pixels per logical pixel in each direction."""
        return pt.relative_scale(self._mode, (self.width(), self.height()), self._painter.size,
                                 self.devicePixelRatioF())

    def sizeHint(self) -> QSize:
        w, h = self._painter.size
        if not w:
            return QSize(1024, 768)
        dpr = self.devicePixelRatioF()
        return QSize(math.ceil(w / dpr), math.ceil(h / dpr))

    def _in_scroll_area(self) -> bool:
        viewport = self.parentWidget()
        area = viewport.parentWidget() if viewport is not None else None
        return isinstance(area, QScrollArea) and area.viewport() is viewport

    def update_min_size(self) -> None:
        """In 1:1 inside a scroll area, ask for the remote size so scroll bars appear.

        In a plain layout a minimum size would grow the window to the VM's
        screen; there 1:1 shows the top-left part instead.
        """
        size = zoom.scaled_size(self._mode, self._painter.size, self.devicePixelRatioF())
        if size is not None and self._in_scroll_area():
            self.setMinimumSize(*size)
        else:
            self.setMinimumSize(0, 0)

    # ================================================================ painting

    def paintEvent(self, event: QPaintEvent) -> None:
        self.paints += 1
        p = QPainter(self)
        self._painter.paint(p, event.region(), event.rect(), self._view_rect(),
                            one_to_one=self._mode == pt.SCALE_1_1, smooth=self._smooth, dimmed=self._dimmed)
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

    def event(self, event: QEvent) -> bool:
        routed = self._route_key_event(event)
        if routed is not None:
            return routed
        etype = event.type()
        if etype == QEvent.Type.ParentChange:
            self.update_min_size()
        if etype == QEvent.Type.DevicePixelRatioChange:
            self.update_min_size()
            self._cursor.forget_scale()
            self._apply_cursor()
        return super().event(event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._apply_cursor()

    # ================================================================ screenshots

    def screenshot(self) -> QImage:
        """A copy of the remote screen at its own resolution (not dimmed, not scaled)."""
        return self._painter.screenshot()

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
        if not self._mouse.absolute:
            # Relative mode: the guest draws its pointer; ours is hidden while locked.
            self.setCursor(Qt.CursorShape.BlankCursor if self._locked else Qt.CursorShape.ArrowCursor)
            return
        cursor = None
        if self.show_local_cursor:
            cursor = self._cursor.cursor(self.relative_scale(), self.devicePixelRatioF(), self._smooth)
        if cursor is None:
            dot = self.show_local_cursor and (self._cursor.shape is None or self.dot_cursor)
            self.setCursor(dot_cursor() if dot else QCursor(Qt.CursorShape.BlankCursor))
            return
        self.setCursor(cursor)

    def set_cursor_options(self, show_local: bool, dot: bool) -> None:
        """The local pointer on/off, and a dot instead of nothing when the server hides its cursor."""
        self.show_local_cursor, self.dot_cursor = show_local, dot
        self._apply_cursor()
