"""The one stand-in for qvmrc.session.Session in GUI tests (no network).

It records the input the UI sends, pushes frames the way the real session does
(a front buffer on connect, damage per update), and, as a tab's session
factory, runs a script the test feeds through ``steps``: state names,
"connected", "password", or an exception to end with.
"""

from __future__ import annotations

import asyncio
from typing import Any

from qvmrc.errors import AuthenticationError
from qvmrc.frontbuffer import FrontBuffer
from qvmrc.rfb import events as ev
from qvmrc.rfb.framebuffer import Framebuffer
from qvmrc.rfb.pixelformat import PRESETS
from qvmrc.session import SessionListener, SessionState

Rect = tuple[int, int, int, int]


class FakeSession:
    made: list[FakeSession] = []

    def __init__(self, url: str = "vnc://fake", options: Any = None, listener: SessionListener | None = None,
                 *, width: int = 64, height: int = 48, absolute: bool = True,
                 extended_keys: bool = False) -> None:
        self.url, self.options = url, options
        self.listener = listener or SessionListener()
        #: What the decoder writes; ``front`` is what a view paints.
        self.framebuffer = Framebuffer(width, height)
        self.front = FrontBuffer(width, height)
        self.pointer_absolute = absolute
        self.extended_key_events = extended_keys
        self.calls: list[tuple[Any, ...]] = []
        self.steps: asyncio.Queue[Any] = asyncio.Queue()
        self.state = SessionState.IDLE
        self.closed = False
        self.recording_to: str | None = None
        self.recording_ended = asyncio.Event()
        self.recording_capped = False
        self.password: str | None = None
        FakeSession.made.append(self)

    # ------------------------------------------------------------ frames

    def show_on(self, view: Any) -> None:
        """Attach to a view and push the whole framebuffer, as a connect does."""
        view.set_session(self)
        self.front.reset(self.framebuffer.pixels)
        view.set_frame(self.front)
        self.paint(view)

    def paint(self, view: Any, damage: tuple[Rect, ...] | None = None) -> ev.FramebufferUpdated:
        """One complete update of ``damage`` (default: everything) handed to the view."""
        if damage is None:
            damage = ((0, 0, self.framebuffer.width, self.framebuffer.height),)
        x0 = min(d[0] for d in damage)
        y0 = min(d[1] for d in damage)
        x1 = max(d[0] + d[2] for d in damage)
        y1 = max(d[1] + d[3] for d in damage)
        update = ev.FramebufferUpdated(damage=damage, bounds=(x0, y0, x1 - x0, y1 - y0), rects=len(damage))
        self.front.publish(self.framebuffer.pixels, damage)
        view.framebuffer_updated(update)
        return update

    # ------------------------------------------------------------ input

    @property
    def ready(self) -> bool:
        return self.state is SessionState.CONNECTED

    def key_event(self, keysym: int, down: bool) -> None:
        self.calls.append(("key", keysym, down))

    def scancode_key_event(self, keysym: int, xt_scancode: int, down: bool) -> None:
        self.calls.append(("scan", keysym, xt_scancode, down))

    def pointer_event(self, x: int, y: int, buttons: int) -> None:
        self.calls.append(("ptr", x, y, buttons))

    def relative_pointer_event(self, dx: int, dy: int, buttons: int) -> None:
        self.calls.append(("rel", dx, dy, buttons))

    def client_cut_text(self, text: str) -> None:
        self.calls.append(("cut", text))

    def set_encoding_preferences(self, encodings: Any, jpeg_quality: int | None,
                                 compress_level: int | None) -> None:
        self.calls.append(("encodings", tuple(encodings), jpeg_quality, compress_level))

    def of(self, kind: str) -> list[tuple[Any, ...]]:
        return [c for c in self.calls if c[0] == kind]

    def clear(self) -> None:
        self.calls.clear()

    # ------------------------------------------------------------ scripted run

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
                self.framebuffer = Framebuffer(640, 480)
                self.listener.connected(ev.Connected(640, 480, "fake", "3.8", "None", PRESETS["rgb888"],
                                                     PRESETS["rgb888"]))
                self.front.reset(self.framebuffer.pixels)
                self.listener.frame_changed(self.front)
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
