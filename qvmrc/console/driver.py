"""Runs a :class:`ConsoleModel` on asyncio: attempts, timed waits, buttons, power changes.

The UI gives it two coroutines, ``attempt`` (one connection, returning how it
ended) and ``perform`` (Start, Resume or Trust, returning whether it happened),
and forwards button presses. Everything it decides comes from the model; no Qt.
"""

from __future__ import annotations

import asyncio
import enum
from collections.abc import Awaitable, Callable
from typing import Any

from qvmrc.console.state import CONNECT, Action, ConsoleModel, Outcome, Phase, Plan

Attempt = Callable[[], Awaitable[tuple[Outcome, BaseException | None]]]
Perform = Callable[[Action], Awaitable[bool]]
Sleep = Callable[[float], Awaitable[None]]

#: Actions that do something before the next attempt (the UI's ``perform``).
SIDE_EFFECTS = frozenset({Action.START, Action.RESUME, Action.TRUST})


class _Wake(enum.Enum):
    TIMEOUT = "timeout"
    CHANGED = "changed"  # the model changed from outside (power state)
    CLOSED = "closed"


class ConsoleDriver:
    def __init__(self, model: ConsoleModel, attempt: Attempt, perform: Perform,
                 sleep: Sleep | None = None) -> None:
        self.model = model
        self._attempt = attempt
        self._perform = perform
        self._sleep: Sleep = sleep or asyncio.sleep
        self._wake: asyncio.Future[Action | _Wake] | None = None
        self.closed = False
        self.waiting = False  # between attempts (a button can act now)

    # ------------------------------------------------------------ inputs

    def press(self, action: Action) -> None:
        """An overlay button. While connected only Resume (of a paused VM) means something."""
        if self._wake is not None and not self._wake.done():
            self._wake.set_result(action)
        elif self.model.state.live and action in SIDE_EFFECTS:
            asyncio.ensure_future(self._perform_now(action))

    def changed(self) -> None:
        """The model was told something from outside (the sidebar's power state)."""
        if self._wake is not None and not self._wake.done():
            self._wake.set_result(_Wake.CHANGED)

    def close(self) -> None:
        self.closed = True
        if self._wake is not None and not self._wake.done():
            self._wake.set_result(_Wake.CLOSED)

    async def _perform_now(self, action: Action) -> None:
        """Resume a paused VM whose console is connected: no attempt follows."""
        before = self.model.state
        if not await self._perform(action) and self.model.state.phase is Phase.BUSY:
            self.model.restore(before)

    # ------------------------------------------------------------ loop

    async def run(self) -> None:
        plan: Plan = CONNECT
        model = self.model
        while not self.closed:
            if plan.connect:
                model.attempt_started()
                outcome, err = await self._attempt()
                if self.closed:
                    return
                plan = model.attempt_ended(outcome, err)
                continue
            what = await self._wait(plan.wait)
            if self.closed or what is _Wake.CLOSED:
                return
            if what is _Wake.TIMEOUT:
                plan = model.waited(plan.wait or 0.0)
            elif what is _Wake.CHANGED:
                plan = model.plan
            elif what in SIDE_EFFECTS:
                before = model.state
                done = await self._perform(what)
                if self.closed:
                    return
                if not done and model.state.phase is Phase.BUSY:
                    model.restore(before)  # declined or failed (the UI said why, if it had to)
                plan = model.plan if (not done or model.plan.connect) else model.user(what)
            else:
                plan = model.user(what)

    async def _wait(self, timeout: float | None) -> Action | _Wake:
        loop = asyncio.get_running_loop()
        self._wake = wake = loop.create_future()
        waits: set[asyncio.Future[Any]] = {wake}
        sleeper = asyncio.ensure_future(self._sleep(timeout)) if timeout is not None else None
        if sleeper is not None:
            waits.add(sleeper)
        self.waiting = True
        try:
            await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
        finally:
            self.waiting = False
            self._wake = None
            if sleeper is not None and not sleeper.done():
                sleeper.cancel()
        return wake.result() if wake.done() else _Wake.TIMEOUT
