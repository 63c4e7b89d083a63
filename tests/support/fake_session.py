"""A stand-in for qvmrc.session.Session that records the input the UI sends (no network)."""

from __future__ import annotations

from typing import Any

from qvmrc.rfb.framebuffer import Framebuffer


class FakeSession:
    def __init__(self, width: int = 64, height: int = 48, *, absolute: bool = True,
                 extended_keys: bool = False) -> None:
        self.framebuffer: Framebuffer | None = Framebuffer(width, height)
        self.pointer_absolute = absolute
        self.extended_key_events = extended_keys
        self.calls: list[tuple[Any, ...]] = []

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

    def of(self, kind: str) -> list[tuple[Any, ...]]:
        return [c for c in self.calls if c[0] == kind]

    def clear(self) -> None:
        self.calls.clear()
