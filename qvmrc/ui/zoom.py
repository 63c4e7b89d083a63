"""Zoom presets and "fit window to guest", kept free of the view's other work.

A zoom mode is a scale mode named ``"<percent>%"``: the remote screen at that
size, where 100% is one remote pixel per physical pixel (the same as "1:1"),
centred when smaller than the view and scrolled when larger. Painting and
input both go through ``pointer.view_rect``, so a click at any zoom reaches
the remote pixel painted under it.
"""

from __future__ import annotations

import math
from typing import Any

from qvmrc.i18n import QT_TRANSLATE_NOOP

ZOOM_PERCENTS = (50, 75, 100, 125, 150, 200)
#: Scale control entries: (label, mode). 100% is the existing "1:1" mode. Show a label
#: through QCoreApplication.translate("Zoom", label).
SCALE_CHOICES: tuple[tuple[str, str], ...] = (
    (QT_TRANSLATE_NOOP("Zoom", "Fit"), "fit"), (QT_TRANSLATE_NOOP("Zoom", "Fill"), "fill"),
    *((f"{p}%" if p != 100 else "100% (1:1)", f"{p}%" if p != 100 else "1:1") for p in ZOOM_PERCENTS),
)
ZOOM_MODES = tuple(f"{p}%" for p in ZOOM_PERCENTS if p != 100)


def factor(mode: str) -> float | None:
    """Remote-to-physical pixel factor of a fixed-size mode ("1:1", "150%"); None for fit/fill."""
    if mode == "1:1":
        return 1.0
    if mode in ZOOM_MODES:
        return int(mode[:-1]) / 100
    return None


def scaled_size(mode: str, fb_size: tuple[int, int], dpr: float) -> tuple[int, int] | None:
    """Logical size the remote screen takes in a fixed-size mode."""
    z = factor(mode)
    if z is None or fb_size[0] <= 0:
        return None
    dpr = dpr if dpr > 0 else 1.0
    return math.ceil(fb_size[0] * z / dpr), math.ceil(fb_size[1] * z / dpr)


def fit_window(window: Any, viewport: Any, want: tuple[int, int]) -> tuple[int, int]:
    """Resize ``window`` so ``viewport`` (what shows the console) becomes ``want``.

    The window keeps everything around the console (toolbars, sidebar, frames)
    and never grows past its screen's free area. Returns the new window size.
    """
    if window.isFullScreen() or window.isMaximized():
        window.showNormal()
    extra_w = window.width() - viewport.width()
    extra_h = window.height() - viewport.height()
    w, h = want[0] + extra_w, want[1] + extra_h
    screen = window.screen()
    if screen is not None:
        free = screen.availableGeometry()
        w, h = min(w, free.width()), min(h, free.height())
    window.resize(w, h)
    return w, h
