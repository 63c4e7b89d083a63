"""The local pointer over a console: the server's cursor shape, scaled with the screen, or a dot.

Servers with the Cursor pseudo-encoding send the guest pointer's shape; the
view shows it as its own cursor so the pointer moves without a round trip.
"""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QCursor, QImage, QPainter, QPixmap

from qvmrc.rfb.events import CursorShape

# Server cursors are small; a scaled one is capped to this many device pixels.
MAX_CURSOR_SIZE = 256


def dot_cursor() -> QCursor:
    """Shown before the server sent a shape: small, so a cursor the server draws
    into the framebuffer itself is not covered by a second arrow."""
    img = QImage(5, 5, QImage.Format.Format_ARGB32)
    img.fill(QColor(0, 0, 0, 0))
    p = QPainter(img)
    p.fillRect(1, 1, 3, 3, QColor(0, 0, 0))
    p.fillRect(2, 2, 1, 1, QColor(255, 255, 255))
    p.end()
    return QCursor(QPixmap.fromImage(img), 2, 2)


class ServerCursor:
    """The server's last cursor shape and its scaled QCursor (rebuilt only when the scale changes)."""

    def __init__(self) -> None:
        self.shape: CursorShape | None = None
        self._image: QImage | None = None
        self._key: tuple[object, ...] | None = None
        self._cursor: QCursor | None = None

    @property
    def hidden(self) -> bool:
        """The server sent an empty shape: it wants no pointer shown."""
        return self.shape is not None and self._image is None

    def set_shape(self, shape: CursorShape) -> None:
        self.shape = shape
        if shape.width > 0 and shape.height > 0:
            rgba = np.ascontiguousarray(shape.rgba, dtype=np.uint8)
            img = QImage(rgba.tobytes(), shape.width, shape.height, shape.width * 4,
                         QImage.Format.Format_RGBA8888)
            self._image = img.copy()  # own the pixels, not the temporary bytes
        else:
            self._image = None
        self.forget_scale()

    def forget_scale(self) -> None:
        self._key = None

    def cursor(self, scale: tuple[float, float], dpr: float, smooth: bool) -> QCursor | None:
        """The shape at ``scale`` (remote pixels per logical pixel), or None when there is none."""
        shape, img = self.shape, self._image
        if shape is None or img is None:
            self._key = None
            return None
        lx, ly = 1.0 / scale[0], 1.0 / scale[1]  # logical pixels per remote pixel
        key = (id(shape), round(lx, 4), round(ly, 4), dpr, smooth)
        if key == self._key and self._cursor is not None:
            return self._cursor
        self._key = key
        pw = max(1, min(MAX_CURSOR_SIZE, round(shape.width * lx * dpr)))
        ph = max(1, min(MAX_CURSOR_SIZE, round(shape.height * ly * dpr)))
        if (pw, ph) != (img.width(), img.height()):
            mode = Qt.TransformationMode.SmoothTransformation if smooth else Qt.TransformationMode.FastTransformation
            img = img.scaled(pw, ph, Qt.AspectRatioMode.IgnoreAspectRatio, mode)
        pm = QPixmap.fromImage(img)
        pm.setDevicePixelRatio(dpr)
        hx = min(round(shape.hotspot_x * pw / shape.width / dpr), max(0, math.ceil(pw / dpr) - 1))
        hy = min(round(shape.hotspot_y * ph / shape.height / dpr), max(0, math.ceil(ph / dpr) - 1))
        self._cursor = QCursor(pm, hx, hy)
        return self._cursor
