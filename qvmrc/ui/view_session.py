"""What the console view and tab need of a session. Frames are not here: they are pushed."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Protocol

from qvmrc.session import SessionState


class ViewSession(Protocol):
    """The part of ``qvmrc.session.Session`` the view uses (tests pass a fake)."""

    @property
    def pointer_absolute(self) -> bool: ...

    @property
    def extended_key_events(self) -> bool: ...

    def key_event(self, keysym: int, down: bool) -> None: ...

    def scancode_key_event(self, keysym: int, xt_scancode: int, down: bool) -> None: ...

    def pointer_event(self, x: int, y: int, buttons: int) -> None: ...

    def relative_pointer_event(self, dx: int, dy: int, buttons: int) -> None:
        """Motion (dx, dy); (0, 0) is a button change without motion."""


class ConsoleSession(ViewSession, Protocol):
    """The part of ``qvmrc.session.Session`` a console tab drives (tests pass a scripted fake)."""

    state: SessionState
    recording_ended: asyncio.Event
    recording_capped: bool

    @property
    def ready(self) -> bool: ...

    async def run(self) -> None: ...

    async def close(self) -> None: ...

    def start_recording(self, path: str, max_bytes: int = ...) -> None: ...

    def stop_recording(self) -> None: ...

    def client_cut_text(self, text: str) -> None: ...

    def set_encoding_preferences(self, encodings: Sequence[str], jpeg_quality: int | None,
                                 compress_level: int | None) -> None: ...
