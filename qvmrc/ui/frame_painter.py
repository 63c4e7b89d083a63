"""Painting a session's front buffer: the QImage around it, damage to repaint, the paint itself.

The front buffer (``qvmrc.frontbuffer``) is wrapped in a QImage without a
copy (``Format_RGB32`` is its own layout) and painted under its lock, so the
session never copies an update into it halfway through a paint. Its padding
byte is already 0xFF: the picture is opaque on every paint target
(translucent windows, ARGB backing stores, ``QWidget.render``).
"""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QRect, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QRegion

from qvmrc.frontbuffer import FrontBuffer, Rect
from qvmrc.ui import pointer as pt

DIM_COLOUR = QColor(0, 0, 0, 150)
# A damage list longer than this is repainted as its bounding box.
MAX_DAMAGE_RECTS = 16


class FramePainter:
    """The picture of one view: which front buffer, its QImage, how to paint it."""

    def __init__(self) -> None:
        self.front: FrontBuffer | None = None
        self._array: np.ndarray | None = None  # the memory the QImage borrows
        self.image: QImage | None = None

    @property
    def size(self) -> tuple[int, int]:
        """The remote screen's (width, height); (0, 0) before the first frame."""
        if self._array is None:
            return 0, 0
        return int(self._array.shape[1]), int(self._array.shape[0])

    def show(self, front: FrontBuffer) -> None:
        """Paint ``front`` from now on (a connect or a resize).

        A reconnect's new front buffer is black until its first update: when it
        has the size of the last picture, it starts from that picture.
        """
        if front is not self.front and self.front is not None and self._array is not None:
            with self.front.reading() as old:
                front.seed(old)
        self.front = front
        with front.reading() as pixels:
            h, w = pixels.shape
            self._array = pixels
            self.image = QImage(pixels.data, w, h, w * 4, QImage.Format.Format_RGB32)

    def clear(self) -> None:
        self.front = None
        self._array = None
        self.image = None

    def damage_region(self, damage: tuple[Rect, ...], bounds: Rect, view: pt.Rect, smooth: bool) -> QRegion:
        """The widget area one update changed (with a margin for smooth scaling's blur)."""
        w, h = self.size
        rects = damage if len(damage) <= MAX_DAMAGE_RECTS else (bounds,)
        pad = 1 + (math.ceil(view[2] / w) if smooth else 0)
        region = QRegion()
        for rect in rects:
            region += QRect(*pt.remote_rect_to_widget(rect, view, (w, h), pad))
        return region

    def paint(self, p: QPainter, region: QRegion, clip: QRect, view: pt.Rect | None, *,
              one_to_one: bool, smooth: bool, dimmed: bool) -> None:
        """Black bars around the picture, the picture scaled into ``view``, the dimming."""
        if self.image is None or self.front is None or view is None:
            p.fillRect(clip, Qt.GlobalColor.black)
            return
        target = QRectF(*view)
        inner = target.toAlignedRect().adjusted(1, 1, -1, -1)
        bars = region.subtracted(QRegion(inner))
        if not bars.isEmpty():
            p.save()
            p.setClipRegion(bars)
            p.fillRect(clip, Qt.GlobalColor.black)
            p.restore()
        image = self.image
        scaled = not one_to_one and (abs(target.width() - image.width()) > 0.01
                                     or abs(target.height() - image.height()) > 0.01)
        p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, smooth and scaled)
        with self.front.reading():
            p.drawImage(target, image, QRectF(image.rect()))
        if dimmed:
            p.fillRect(target, DIM_COLOUR)

    def screenshot(self) -> QImage:
        """A copy of the remote screen at its own resolution."""
        if self.image is None or self.front is None:
            return QImage()
        with self.front.reading():
            return self.image.copy()
