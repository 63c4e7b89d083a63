"""What the Windows keyboard hook (winkeys) and the macOS event tap (mackeys) share.

A platform hook sees a key before Qt does and may swallow it, sending it to
the guest itself. A key whose press was swallowed has its release swallowed
(and sent) too, whatever the modifiers by then, so the guest never keeps a
key held; ungrabbing releases whatever is still down.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)

#: deliver(keysym, xt_scancode, native_key, down): KeyboardHandler.system_key.
Deliver = Callable[[int, int, int, bool], None]
#: (keysym, xt scancode, native key id as Qt reports it) of a caught key.
Caught = tuple[int, int, int]


class SystemKeys:
    """Caught keys held down, by the platform's key code; ``handle`` is the installed hook."""

    def __init__(self, deliver: Deliver, in_front: Callable[[], bool]) -> None:
        self.deliver = deliver
        self.in_front = in_front
        self._down: dict[int, Caught] = {}
        self.handle: Any = None

    @property
    def held(self) -> list[int]:
        return list(self._down)

    def key_down(self, code: int, catch: Callable[[], Caught | None]) -> bool:
        """A press; ``catch()`` says what to send if the key is one to take. True: swallow it."""
        held = self._down.get(code)
        if held is not None:  # auto-repeat
            self.deliver(*held, True)
            return True
        if not self.in_front():
            return False
        caught = catch()
        if caught is None:
            return False
        self._down[code] = caught
        self.deliver(*caught, True)
        return True

    def key_up(self, code: int) -> bool:
        held = self._down.pop(code, None)
        if held is None:
            return False
        self.deliver(*held, False)
        return True

    def release_all(self) -> None:
        for code in list(self._down):
            self.deliver(*self._down.pop(code), False)

    def install(self, platform: str, make_handle: Callable[[], Any], what: str) -> bool:
        """Install the platform hook made by ``make_handle``; False off ``platform`` or if refused."""
        if sys.platform != platform:
            return False
        try:  # pragma: no cover - Windows and macOS only
            self.handle = make_handle()
        except OSError as e:  # pragma: no cover - Windows and macOS only
            log.warning("cannot grab %s: %s", what, e)
            return False
        return True  # pragma: no cover - Windows and macOS only

    def uninstall(self) -> None:
        """Remove the hook (if one was installed) and release what it holds."""
        handle, self.handle = self.handle, None
        self.release_all()
        if handle is not None:  # pragma: no cover - Windows and macOS only
            handle.close()
