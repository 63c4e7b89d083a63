"""Mouse input of a console: buttons, absolute positions, relative motion, wheel notches.

Absolute mode maps the widget position through the view's geometry to a
remote pixel. Relative mode (QEMU without a tablet) sends motion deltas while
the pointer is locked; a button change without motion is a zero delta, and
the session turns that into the protocol's wire form.
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QMouseEvent, QWheelEvent

from qvmrc.ui import pointer as pt
from qvmrc.ui.view_session import ViewSession


class MouseHost(Protocol):
    """What the mouse needs of its view."""

    def widget_to_remote(self, pos: QPointF) -> tuple[int, int] | None: ...

    def relative_scale(self) -> tuple[float, float]: ...

    def warp_to_centre(self) -> QPointF: ...

    def width(self) -> int: ...

    def height(self) -> int: ...


class MouseInput:
    """Button state and what was last sent, so nothing is sent twice or left held."""

    def __init__(self, host: MouseHost) -> None:
        self.host = host
        self.session: ViewSession | None = None
        self.absolute = True
        self.buttons = 0
        #: Buttons whose press grabbed the pointer: their release is not the guest's either.
        self.swallow = 0
        self.last_local = QPointF()
        self._last_sent: tuple[int, int, int] | None = None
        self._last_remote: tuple[int, int] = (0, 0)
        self._wheel = pt.WheelAccumulator()
        self._rel = pt.RelativeMotion()

    def forget(self) -> None:
        """A new session or pointer mode: the next position is always sent."""
        self._last_sent = None
        self._rel.reset()

    def release_all(self) -> None:
        """No button stays held on the guest."""
        if self.buttons and self.session is not None:
            self.buttons = 0
            self.send_buttons()
        self.buttons = 0
        self.swallow = 0
        self._wheel.reset()

    def send_buttons(self) -> None:
        """The current button state, without motion."""
        s = self.session
        if s is None:
            return
        if self.absolute:
            x, y = self._last_remote
            s.pointer_event(x, y, self.buttons)
            self._last_sent = (x, y, self.buttons)
        else:
            s.relative_pointer_event(0, 0, self.buttons)

    def send_absolute(self, pos: QPointF) -> None:
        remote = self.host.widget_to_remote(pos)
        if remote is None or self.session is None:
            return
        self._last_remote = remote
        state = (remote[0], remote[1], self.buttons)
        if state != self._last_sent:
            self._last_sent = state
            self.session.pointer_event(remote[0], remote[1], self.buttons)

    def press(self, bit: int, pos: QPointF) -> None:
        self.buttons |= bit
        if self.absolute:
            self.send_absolute(pos)
        else:
            self.send_buttons()

    def release(self, bit: int, pos: QPointF) -> None:
        if self.swallow & bit:
            self.swallow &= ~bit
            return
        if not self.buttons & bit:
            return
        self.buttons &= ~bit
        if self.absolute:
            self.send_absolute(pos)
        else:
            self.send_buttons()

    def relative_motion(self, pos: QPointF) -> None:
        dx = pos.x() - self.last_local.x()
        dy = pos.y() - self.last_local.y()
        self.last_local = QPointF(pos)
        sx, sy = self.host.relative_scale()
        ix, iy = self._rel.feed(dx, dy, sx, sy)
        if (ix or iy) and self.session is not None:
            self.session.relative_pointer_event(ix, iy, self.buttons)
        # Keep the hidden pointer away from the edges so motion never stops there.
        w, h = self.host.width(), self.host.height()
        if abs(pos.x() - w / 2) > w / 4 or abs(pos.y() - h / 2) > h / 4:
            self.last_local = self.host.warp_to_centre()

    def wheel(self, pos: QPointF, dx: int, dy: int) -> None:
        """Each notch is a press and a release of its button."""
        if self.absolute:
            self.send_absolute(pos)
        for bit in self._wheel.add(dx, dy):
            held = self.buttons
            self.buttons = held | bit
            self.send_buttons()
            self.buttons = held
            self.send_buttons()


class ConsoleMouseMixin:
    """Mouse events of a ConsoleView: a click grabs, then buttons and motion go to the VM."""

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
