"""A minimal console view used only when ``qvmrc.ui.console_view`` is not available.

It keeps the app usable (and testable) while the full view is developed: it
paints the framebuffer scaled to fit and sends plain keys and absolute pointer
events. The full ConsoleView replaces it automatically.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QImage, QKeyEvent, QMouseEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

_SPECIAL = {
    Qt.Key.Key_Return: 0xFF0D, Qt.Key.Key_Enter: 0xFF8D, Qt.Key.Key_Backspace: 0xFF08,
    Qt.Key.Key_Tab: 0xFF09, Qt.Key.Key_Escape: 0xFF1B, Qt.Key.Key_Left: 0xFF51, Qt.Key.Key_Up: 0xFF52,
    Qt.Key.Key_Right: 0xFF53, Qt.Key.Key_Down: 0xFF54, Qt.Key.Key_Delete: 0xFFFF,
    Qt.Key.Key_Shift: 0xFFE1, Qt.Key.Key_Control: 0xFFE3, Qt.Key.Key_Alt: 0xFFE9,
    **{getattr(Qt.Key, f"Key_F{i}"): 0xFFBD + i for i in range(1, 13)},
}


class BasicConsoleView(QWidget):
    grabChanged = Signal(bool)
    pointerModeText = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session: Any = None
        self.scale_mode = "fit"
        self.smooth = True
        self._dimmed = False
        self.view_only = False
        self._pressed: dict[int, int] = {}
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)

    @property
    def dimmed(self) -> bool:
        return self._dimmed

    @dimmed.setter
    def dimmed(self, on: bool) -> None:
        self._dimmed = on
        self.update()

    def set_session(self, session: Any) -> None:
        self.session = session
        self.update()

    def framebuffer_updated(self, update: Any) -> None:
        self.update()

    def desktop_resized(self, width: int, height: int) -> None:
        self.update()

    def cursor_changed(self, cursor: Any) -> None: ...

    def pointer_mode_changed(self, absolute: bool) -> None:
        self.pointerModeText.emit("absolute pointer" if absolute else "relative pointer")

    def _image(self) -> QImage | None:
        fb = self.session.framebuffer if self.session is not None else None
        if fb is None or fb.width == 0:
            return None
        px = np.ascontiguousarray(fb.pixels)
        return QImage(px.data, fb.width, fb.height, fb.width * 4, QImage.Format.Format_RGB32).copy()

    def _target(self, iw: int, ih: int) -> QRectF:
        s = min(self.width() / iw, self.height() / ih) if self.scale_mode != "1:1" else 1.0
        w, h = iw * s, ih * s
        return QRectF((self.width() - w) / 2, (self.height() - h) / 2, w, h)

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.fillRect(self.rect(), QColor(24, 24, 28))
        img = self._image()
        if img is not None:
            p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, self.smooth)
            p.drawImage(self._target(img.width(), img.height()), img)
        if self._dimmed:
            p.fillRect(self.rect(), QColor(0, 0, 0, 140))
        p.end()

    def screenshot(self) -> QImage:
        return self._image() or QImage()

    def save_screenshot(self, path: str) -> bool:
        return self.screenshot().save(path, "PNG")

    def keyPressEvent(self, event: QKeyEvent) -> None:
        self._key(event, True)

    def keyReleaseEvent(self, event: QKeyEvent) -> None:
        self._key(event, False)

    def _key(self, event: QKeyEvent, down: bool) -> None:
        if self.view_only or self.session is None or event.isAutoRepeat() and not down:
            return
        code = event.nativeScanCode() or event.key()
        if down:
            sym = _SPECIAL.get(Qt.Key(event.key()))
            if sym is None and event.text() and event.text().isprintable():
                ch = ord(event.text()[0])
                sym = ch if ch < 0x100 else 0x01000000 | ch
            if sym is None:
                return
            self._pressed[code] = sym
        else:
            sym = self._pressed.pop(code, None)
            if sym is None:
                return
        self.session.key_event(sym, down)

    def focusNextPrevChild(self, next: bool) -> bool:  # noqa: A002 - Qt's name
        return False

    def _pointer(self, event: QMouseEvent) -> None:
        if self.view_only or self.session is None:
            return
        img = self._image()
        if img is None:
            return
        t = self._target(img.width(), img.height())
        pos: QPointF = event.position()
        x = int((pos.x() - t.x()) * img.width() / max(t.width(), 1))
        y = int((pos.y() - t.y()) * img.height() / max(t.height(), 1))
        b = event.buttons()
        mask = (1 if b & Qt.MouseButton.LeftButton else 0) | (2 if b & Qt.MouseButton.MiddleButton else 0) \
            | (4 if b & Qt.MouseButton.RightButton else 0)
        self.session.pointer_event(max(0, min(x, img.width() - 1)), max(0, min(y, img.height() - 1)), mask)

    mouseMoveEvent = _pointer
    mousePressEvent = _pointer
    mouseReleaseEvent = _pointer
