"""The session's listener in the GUI: everything a session reports becomes a Qt signal.

View and tab hear the session the same way, through these signals (direct
connections on the GUI thread, so a frame is painted in the order it came).
Frames are pushed: ``frameChanged`` carries the front buffer on connect and on
each resize, ``frameUpdated`` one update's damage.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QApplication

from qvmrc.frontbuffer import FrontBuffer
from qvmrc.rfb import events as ev
from qvmrc.session import SessionListener, SessionState


class SessionBridge(QObject, SessionListener):
    """Turns SessionListener calls into signals; asks ``password`` when the server wants one."""

    stateChanged = Signal(object, str)
    connectedInfo = Signal(object)
    frameChanged = Signal(object)
    frameUpdated = Signal(object)
    cursorChanged = Signal(object)
    pointerModeChanged = Signal(bool)
    sizeChanged = Signal(int, int)
    nameChanged = Signal(str)
    cutText = Signal(str)
    sizeResult = Signal(object)

    def __init__(self, password: Callable[[], Awaitable[str | None]], parent: QObject | None = None) -> None:
        QObject.__init__(self, parent)
        self._password = password

    def state_changed(self, state: SessionState, detail: str) -> None:
        self.stateChanged.emit(state, detail)

    def connected(self, info: ev.Connected) -> None:
        self.connectedInfo.emit(info)
        self.sizeChanged.emit(info.width, info.height)

    def frame_changed(self, front: FrontBuffer) -> None:
        self.frameChanged.emit(front)

    def framebuffer_updated(self, update: ev.FramebufferUpdated) -> None:
        self.frameUpdated.emit(update)

    def desktop_resized(self, width: int, height: int) -> None:
        self.sizeChanged.emit(width, height)

    def cursor_changed(self, cursor: ev.CursorShape) -> None:
        self.cursorChanged.emit(cursor)

    def pointer_mode_changed(self, absolute: bool) -> None:
        self.pointerModeChanged.emit(absolute)

    def bell(self) -> None:
        QApplication.beep()

    def clipboard(self, text: str) -> None:
        self.cutText.emit(text)

    def name_changed(self, name: str) -> None:
        self.nameChanged.emit(name)

    def desktop_size_result(self, result: ev.DesktopSizeResult) -> None:
        self.sizeResult.emit(result)

    async def password_needed(self) -> str | None:
        return await self._password()
