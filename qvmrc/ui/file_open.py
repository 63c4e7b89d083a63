"""macOS hands a clicked ``qvmrc://`` link to the app as a QFileOpenEvent, not in argv.

That is true also when the click is what starts the app: the event then comes
right after QApplication starts, before the window exists. So the filter is
installed as soon as the QApplication is, keeps links until a receiver is
attached, and then delivers them in order. Other platforms never send the
event for links, so the filter is harmless there.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QFileOpenEvent

log = logging.getLogger(__name__)

SCHEMES = ("qvmrc", "qvmc")


class LinkOpenFilter(QObject):
    """An application event filter that turns link FileOpen events into calls of ``receiver``."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pending: list[str] = []
        self._receiver: Callable[[str], None] | None = None

    def set_receiver(self, receiver: Callable[[str], None]) -> None:
        self._receiver = receiver
        pending, self.pending = self.pending, []
        for link in pending:
            receiver(link)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() != QEvent.Type.FileOpen or not isinstance(event, QFileOpenEvent):
            return False
        url = event.url()
        if url.scheme().lower() not in SCHEMES:
            return False  # a file dropped on the Dock icon: not ours to take
        link = url.toString()
        log.info("link received from the system (%s://…)", url.scheme().lower())
        if self._receiver is None:
            self.pending.append(link)
        else:
            self._receiver(link)
        return True


def install(app: QObject) -> LinkOpenFilter:
    flt = LinkOpenFilter(app)
    app.installEventFilter(flt)
    return flt
