"""The console view: one console's screen as a widget, and the input it takes.

It paints the front buffer the session pushes (``set_frame`` on connect and
resize, ``framebuffer_updated`` with each update's damage: one ``update()``
call per update), in one of the scale modes that painting and input mapping
share (``qvmrc.ui.pointer.view_rect``). In 1:1 the view asks for a minimum
size of the remote screen in logical pixels when it sits in a ``ConsoleArea``
(a scroll area), which then shows scroll bars; in a plain layout 1:1 shows the
top-left part of a screen larger than the widget.

Painting lives in ``frame_painter``, the pointer shape in ``console_cursor``,
the keyboard grab and system keys in ``console_grab``, the mouse in
``console_mouse``; this widget holds the state they share (grabbed, locked,
view-only, dimmed) and routes Qt's events.
"""

from __future__ import annotations

import math
import weakref
from collections.abc import Callable

from PySide6.QtCore import QEvent, QPoint, QPointF, QSize, Qt, Signal
from PySide6.QtGui import (
    QCursor,
    QFocusEvent,
    QGuiApplication,
    QHideEvent,
    QImage,
    QInputMethodEvent,
    QKeyEvent,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QResizeEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import QScrollArea, QWidget

from qvmrc.frontbuffer import FrontBuffer
from qvmrc.rfb.events import CursorShape, FramebufferUpdated
from qvmrc.ui import pointer as pt
from qvmrc.ui import zoom
from qvmrc.ui.console_cursor import ServerCursor, dot_cursor
from qvmrc.ui.console_grab import KeyboardGrab
from qvmrc.ui.console_mouse import MouseInput
from qvmrc.ui.frame_painter import FramePainter
from qvmrc.ui.keyboard import KeyboardHandler, ScancodeSource
from qvmrc.ui.view_session import ViewSession

#: Grabs the keyboard (and a relative pointer) from the keyboard, as in VMware.
GRAB_SHORTCUT = QKeySequence("Ctrl+G")


class ConsoleView(QWidget):
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

    # ================================================================ grab

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
        self._grab.take()
        self._report_grab()

    def _can_grab(self) -> bool:
        # Dimmed: the overlay says the console is not live (connecting, lost).
        return not self._view_only and not self._dimmed and self._session is not None

    def release_input(self) -> None:
        """Give keyboard and pointer back to the desktop; nothing stays held on the guest."""
        self.keyboard.release_all()
        self._mouse.release_all()
        if self._locked:
            self._unlock_pointer()
        self._grab.give_back()
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
        self._mouse.forget()
        self.warp_to_centre()
        self._apply_cursor()
        self.grab_input()
        self._report_grab()

    def _unlock_pointer(self) -> None:
        self._locked = False
        self.releaseMouse()
        self._mouse.forget()
        self._apply_cursor()
        self._report_grab()

    def warp_to_centre(self) -> QPointF:
        """Put the (hidden, locked) pointer in the middle; returns where that is."""
        centre = QPoint(self.width() // 2, self.height() // 2)
        self._mouse.last_local = QPointF(centre)
        QCursor.setPos(self.mapToGlobal(centre))
        return QPointF(centre)

    def _update_mode_text(self) -> None:
        if self._view_only:
            text = self.tr("View only")
        elif self._captured:
            text = self.tr("Press {hotkey} to release").format(hotkey=self.keyboard.hotkey_text)
        elif not self._mouse.absolute:
            text = self.tr("Relative pointer — click in the console to grab")
        else:
            text = self.tr("Absolute pointer — click in the console to type")
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
            self.update_min_size()
        if etype == QEvent.Type.DevicePixelRatioChange:
            self.update_min_size()
            self._cursor.forget_scale()
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
            if (self._can_grab() and self.image is not None
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
        if self._mouse.absolute:
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

    def hideEvent(self, event: QHideEvent) -> None:
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
        return self._session is not None and not self._view_only and self.image is not None

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if not self._input_live():
            event.ignore()
            return
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        bit = pt.button_mask(event.button())
        if not self._mouse.absolute and not self._locked:
            # The click that grabs the pointer is not a click in the guest.
            self._mouse.swallow |= bit
            self._lock_pointer()
            event.accept()
            return
        self.grab_input()
        self._mouse.press(bit, event.position())
        event.accept()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if not self._input_live():
            event.ignore()
            return
        self._mouse.release(pt.button_mask(event.button()), event.position())
        event.accept()

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        # The guest sees press/release pairs and decides on double clicks itself.
        self.mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if not self._input_live():
            event.ignore()
            return
        if self._mouse.absolute:
            self._mouse.send_absolute(event.position())
        elif self._locked:
            self._mouse.relative_motion(event.position())
        event.accept()

    def wheelEvent(self, event: QWheelEvent) -> None:
        if not self._input_live() or (not self._mouse.absolute and not self._locked):
            event.ignore()
            return
        delta = event.angleDelta()
        self._mouse.wheel(event.position(), delta.x(), delta.y())
        event.accept()
