""""Resize the guest to the window": SetDesktopSize as the console's view changes size.

Opt-in per console. While the user drags the window edge the view resizes
many times a second; only the size it settles at is sent (a single-shot timer
restarted on every resize). The server's answer comes back as one line for
the tab's status bar.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QWidget

from qvmrc.rfb import desktopsize
from qvmrc.rfb.events import DesktopSizeResult
from qvmrc.rfb.framebuffer import MAX_DIMENSION

log = logging.getLogger(__name__)

DEBOUNCE_MS = 400
# ExtendedDesktopSize arrives with the first update after connecting: wait this many
# updates for it before saying the server cannot resize.
_UPDATES_BEFORE_VERDICT = 1


class RemoteResizer(QObject):
    """Asks the session for the view's size (in physical pixels) once the view settles."""

    #: A one-line note for the user (the server's answer, or why nothing was asked).
    note = Signal(str)

    def __init__(self, view: QWidget, session: Callable[[], Any], parent: QObject | None = None,
                 debounce_ms: int = DEBOUNCE_MS) -> None:
        super().__init__(parent)
        self._view = view
        self._session = session
        self._enabled = False
        self._told_unsupported = False
        #: Sizes asked for, in order (for the debug log and tests).
        self.requested: list[tuple[int, int]] = []
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(debounce_ms)
        self.timer.timeout.connect(self._fire)
        view.installEventFilter(self)

    @property
    def enabled(self) -> bool:
        return self._enabled

    def set_enabled(self, on: bool) -> None:
        self._enabled = bool(on)
        self._told_unsupported = False
        if on:
            self.schedule()
        else:
            self.timer.stop()

    def schedule(self) -> None:
        """The view or the session changed: ask again once things settle."""
        if self._enabled:
            self.timer.start()

    def wanted_size(self) -> tuple[int, int]:
        dpr = self._view.devicePixelRatioF() or 1.0
        w = max(1, min(MAX_DIMENSION, round(self._view.width() * dpr)))
        h = max(1, min(MAX_DIMENSION, round(self._view.height() * dpr)))
        return w, h

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._view and event.type() == QEvent.Type.Resize:
            self.schedule()
        return False

    def _fire(self) -> None:
        s = self._session()
        if not self._enabled or s is None or not getattr(s, "ready", False):
            return
        if not getattr(s, "desktop_resize_supported", False):
            stats = getattr(s, "stats", None)
            if stats is not None and stats.updates < _UPDATES_BEFORE_VERDICT:
                self.timer.start()  # its first update (with ExtendedDesktopSize) is still on the way
                return
            if not self._told_unsupported:
                self._told_unsupported = True
                self.note.emit(self.tr("This server cannot resize the remote screen to the window."))
            return
        want = self.wanted_size()
        fb = s.framebuffer
        if fb is not None and (fb.width, fb.height) == want:
            return
        if self.requested and self.requested[-1] == want:
            return  # asked already; its answer will say
        if s.request_desktop_size(*want):
            self.requested.append(want)
            log.info("asked the server for a %dx%d screen", *want)

    def result(self, result: DesktopSizeResult) -> None:
        """The server's answer to our request."""
        if result.status == desktopsize.STATUS_OK:
            self.note.emit(self.tr("Guest screen resized to {0} × {1}").format(result.width, result.height))
        else:
            self.note.emit(self.tr("Resize guest: {0}").format(desktopsize.status_text(result.status)))
