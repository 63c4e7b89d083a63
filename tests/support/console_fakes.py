"""Stand-ins for a console tab's view and its endpoint, for GUI tests (no network)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from qvmrc.rfb import events as ev
from qvmrc.ui.console_view import ConsoleView


class FakeView(ConsoleView):
    """A real ConsoleView that also counts what the tab handed it."""

    def __init__(self) -> None:
        super().__init__()
        self.sessions_set: list[Any] = []
        self.updates = 0

    def set_session(self, session: Any) -> None:
        self.sessions_set.append(session)
        super().set_session(session)

    def framebuffer_updated(self, update: ev.FramebufferUpdated) -> None:
        self.updates += 1
        super().framebuffer_updated(update)


@dataclass
class Endpoint:
    url: str = "vnc://127.0.0.1:5999"
    password: str | None = None
    ssl_context: Any = None
