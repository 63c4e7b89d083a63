"""Pointer geometry and arithmetic for the console view, kept free of widgets.

The same ``view_rect`` decides where the framebuffer is painted and how a
widget position maps back to a remote pixel, so a click lands where it is
painted in every scale mode and at every device pixel ratio.
"""

from __future__ import annotations

import math
from typing import Any

from PySide6.QtCore import Qt

from qvmrc.ui.zoom import ZOOM_MODES, factor

SCALE_FIT = "fit"    # whole remote screen visible, aspect kept, centred
SCALE_FILL = "fill"  # stretched over the whole widget
SCALE_1_1 = "1:1"    # one remote pixel = one physical pixel, centred when smaller
SCALE_MODES = (SCALE_FIT, SCALE_FILL, SCALE_1_1, *ZOOM_MODES)

# RFB button mask bits (button n is bit n-1).
BUTTON_LEFT = 1
BUTTON_MIDDLE = 2
BUTTON_RIGHT = 4
WHEEL_UP = 8
WHEEL_DOWN = 16
WHEEL_LEFT = 32
WHEEL_RIGHT = 64
BUTTON_BACK = 128     # button 8
BUTTON_FORWARD = 256  # button 9: both need the server's ExtendedMouseButtons

WHEEL_STEP = 120  # QWheelEvent.angleDelta units per notch

_QT_BUTTONS = (
    (Qt.MouseButton.LeftButton, BUTTON_LEFT),
    (Qt.MouseButton.MiddleButton, BUTTON_MIDDLE),
    (Qt.MouseButton.RightButton, BUTTON_RIGHT),
    (Qt.MouseButton.BackButton, BUTTON_BACK),
    (Qt.MouseButton.ForwardButton, BUTTON_FORWARD),
)

Rect = tuple[float, float, float, float]


def _xy(obj: Any) -> tuple[float, float]:
    """(x, y) from a QPoint(F), a QSize(F) (width, height) or a pair."""
    if hasattr(obj, "x") and callable(obj.x):
        return float(obj.x()), float(obj.y())
    if hasattr(obj, "width") and callable(obj.width):
        return float(obj.width()), float(obj.height())
    x, y = obj
    return float(x), float(y)


def button_mask(buttons: Qt.MouseButton) -> int:
    """RFB mask for a set of Qt buttons (left, middle, right, back, forward; others have no bit)."""
    mask = 0
    for qt_button, bit in _QT_BUTTONS:
        if buttons & qt_button:
            mask |= bit
    return mask


def view_rect(mode: str, widget_size: Any, fb_size: Any, dpr: float = 1.0) -> Rect | None:
    """Where the framebuffer is painted, in widget (logical) coordinates.

    None when there is nothing to paint. In 1:1 the rectangle is the remote
    size divided by the device pixel ratio, and its corner sits on a whole
    device pixel so remote pixels meet physical pixels exactly.
    """
    ww, wh = _xy(widget_size)
    fw, fh = _xy(fb_size)
    if fw <= 0 or fh <= 0 or ww <= 0 or wh <= 0:
        return None
    dpr = dpr if dpr > 0 else 1.0
    if mode == SCALE_FILL:
        return 0.0, 0.0, ww, wh
    zoom = factor(mode)  # 1:1 and the zoom presets
    if zoom is not None:
        dw, dh = fw * zoom / dpr, fh * zoom / dpr
        ox = max(0.0, math.floor((ww - dw) / 2 * dpr) / dpr)
        oy = max(0.0, math.floor((wh - dh) / 2 * dpr) / dpr)
        return ox, oy, dw, dh
    if mode != SCALE_FIT:
        raise ValueError(f"unknown scale mode {mode!r}")
    scale = min(ww / fw, wh / fh)
    dw, dh = fw * scale, fh * scale
    return (ww - dw) / 2, (wh - dh) / 2, dw, dh


def widget_to_remote(pos: Any, mode: str, widget_size: Any, fb_size: Any, dpr: float = 1.0,
                     clamp: bool = True) -> tuple[int, int] | None:
    """The remote pixel under a widget position.

    Positions in the letterbox bars (or outside the widget, as during a drag)
    are clamped to the nearest edge pixel, so a drag released outside the
    picture still ends at the screen edge. With ``clamp=False`` they give
    None. None also when there is no framebuffer.
    """
    rect = view_rect(mode, widget_size, fb_size, dpr)
    if rect is None:
        return None
    px, py = _xy(pos)
    fw, fh = _xy(fb_size)
    ox, oy, dw, dh = rect
    x = math.floor((px - ox) * fw / dw)
    y = math.floor((py - oy) * fh / dh)
    if 0 <= x < fw and 0 <= y < fh:
        return x, y
    if not clamp:
        return None
    return int(min(max(x, 0), fw - 1)), int(min(max(y, 0), fh - 1))


def remote_rect_to_widget(rect: tuple[int, int, int, int], view: Rect, fb_size: Any,
                          pad: int = 1) -> tuple[int, int, int, int]:
    """Widget rectangle (x, y, w, h) covering a remote rectangle once painted.

    Rounded outwards and padded: smooth scaling blends neighbours across the edge.
    """
    fw, fh = _xy(fb_size)
    ox, oy, dw, dh = view
    sx, sy = dw / fw, dh / fh
    x, y, w, h = rect
    x0 = math.floor(ox + x * sx) - pad
    y0 = math.floor(oy + y * sy) - pad
    x1 = math.ceil(ox + (x + w) * sx) + pad
    y1 = math.ceil(oy + (y + h) * sy) + pad
    return x0, y0, x1 - x0, y1 - y0


class WheelAccumulator:
    """Turns high-resolution wheel deltas (trackpads send 1/8 notches) into whole steps."""

    def __init__(self) -> None:
        self._x = 0
        self._y = 0

    def reset(self) -> None:
        self._x = self._y = 0

    def add(self, dx: int, dy: int) -> list[int]:
        """Feed one angleDelta; returns the wheel button bits to click, one per step.

        y > 0 (away from the user) is button 4 (up); x > 0 is button 6 (left),
        as X11 maps them. Turning the wheel back drops the remainder of the
        other direction, so a reversal answers as quickly as a first turn.
        """
        if dx and self._x and (dx > 0) != (self._x > 0):
            self._x = 0
        if dy and self._y and (dy > 0) != (self._y > 0):
            self._y = 0
        self._x += dx
        self._y += dy
        clicks: list[int] = []
        clicks += self._take("_y", WHEEL_UP, WHEEL_DOWN)
        clicks += self._take("_x", WHEEL_LEFT, WHEEL_RIGHT)
        return clicks

    def _take(self, attr: str, positive: int, negative: int) -> list[int]:
        value = getattr(self, attr)
        steps = int(value / WHEEL_STEP)  # towards zero: the remainder keeps its sign
        setattr(self, attr, value - steps * WHEEL_STEP)
        return [positive if steps > 0 else negative] * abs(steps)


class RelativeMotion:
    """Local pointer motion -> whole remote-pixel deltas, keeping the fractions.

    ``scale`` is remote pixels per logical widget pixel, so moving across the
    painted picture moves the guest pointer across its screen (before the
    guest's own acceleration).
    """

    def __init__(self) -> None:
        self._fx = 0.0
        self._fy = 0.0

    def reset(self) -> None:
        self._fx = self._fy = 0.0

    def feed(self, dx: float, dy: float, scale_x: float = 1.0, scale_y: float = 1.0) -> tuple[int, int]:
        self._fx += dx * scale_x
        self._fy += dy * scale_y
        ix = int(self._fx)
        iy = int(self._fy)
        self._fx -= ix
        self._fy -= iy
        return ix, iy


def relative_scale(mode: str, widget_size: Any, fb_size: Any, dpr: float = 1.0) -> tuple[float, float]:
    """Remote pixels per logical widget pixel in the current view."""
    rect = view_rect(mode, widget_size, fb_size, dpr)
    if rect is None:
        return 1.0, 1.0
    fw, fh = _xy(fb_size)
    return fw / rect[2], fh / rect[3]
