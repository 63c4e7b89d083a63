"""Stand-ins for a console tab's view and session, scripted by GUI tests (no network)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from qvmrc.errors import AuthenticationError
from qvmrc.rfb import events as ev
from qvmrc.rfb.pixelformat import PRESETS
from qvmrc.session import SessionState


class FakeView(QWidget):
    """Stand-in for ConsoleView with the same API surface the tab uses."""

    grabChanged = Signal(bool)
    pointerModeText = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self.session: Any = None
        self.sessions_set: list[Any] = []
        self.scale_mode = "fit"
        self.smooth = True
        self.dimmed = False
        self.view_only = False
        self.updates = 0

    def set_session(self, session: Any) -> None:
        self.session = session
        self.sessions_set.append(session)

    def framebuffer_updated(self, update: Any) -> None:
        self.updates += 1

    def desktop_resized(self, w: int, h: int) -> None: ...
    def cursor_changed(self, c: Any) -> None: ...
    def pointer_mode_changed(self, absolute: bool) -> None:
        self.pointerModeText.emit("absolute" if absolute else "relative")


class FakeSession:
    """Runs a script the test feeds through ``steps``: state names, "connected", or an exception."""

    made: list[FakeSession] = []

    def __init__(self, url: str, options: Any, listener: Any) -> None:
        self.url, self.options, self.listener = url, options, listener
        self.steps: asyncio.Queue[Any] = asyncio.Queue()
        self.state = SessionState.IDLE
        self.closed = False
        self.recording_to: str | None = None
        self.framebuffer: Any = None  # the real view asks for these
        self.pointer_absolute = True
        self.extended_key_events = False
        FakeSession.made.append(self)

    @property
    def ready(self) -> bool:
        return self.state is SessionState.CONNECTED

    async def run(self) -> None:
        while True:
            step = await self.steps.get()
            if isinstance(step, BaseException):
                self.state = SessionState.DISCONNECTED
                self.listener.state_changed(SessionState.DISCONNECTED, str(step))
                raise step
            if step == "closed":
                return
            if step == "password":
                pw = await self.listener.password_needed()
                if pw is None:
                    raise AuthenticationError("no password")
                self.password = pw
                continue
            if step == "connected":
                self.state = SessionState.CONNECTED
                self.listener.state_changed(SessionState.CONNECTED, "fake")
                self.listener.connected(ev.Connected(640, 480, "fake", "3.8", "None", PRESETS["rgb888"],
                                                     PRESETS["rgb888"]))
                continue
            self.state = SessionState(step)
            self.listener.state_changed(self.state, "")

    async def close(self) -> None:
        self.closed = True
        self.steps.put_nowait("closed")

    def start_recording(self, path: str, max_bytes: int = 0) -> None:
        self.recording_to = path

    def stop_recording(self) -> None:
        self.recording_to = None

    def client_cut_text(self, text: str) -> None: ...


@dataclass
class Endpoint:
    url: str = "vnc://127.0.0.1:5999"
    password: str | None = None
    ssl_context: Any = None
