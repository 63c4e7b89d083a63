"""Helpers for GUI tests that need asyncio on the Qt event loop (qasync), and a fake clock."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

T = TypeVar("T")


def make_loop(qapp: Any) -> asyncio.AbstractEventLoop:
    import qasync

    loop = qasync.QEventLoop(qapp)
    asyncio.set_event_loop(loop)
    return loop


def run(loop: asyncio.AbstractEventLoop, coro: Awaitable[T], timeout: float = 20.0) -> T:
    """Run a scenario on the qasync loop (a generous timeout only guards against hangs)."""
    return loop.run_until_complete(asyncio.wait_for(coro, timeout))


def close_loop(loop: asyncio.AbstractEventLoop) -> None:
    pending = [t for t in asyncio.all_tasks(loop) if not t.done()]
    for t in pending:
        t.cancel()
    if pending:
        loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
    loop.close()
    asyncio.set_event_loop(None)
    # Free the closed loop's Qt timer object (and the tabs its tasks held) now, outside
    # Qt's event processing: freed later by a GC pass inside another test's
    # QTimerInfoList::activateTimers, a QObject with live timers crashed the run.
    gc.collect()


async def settle(rounds: int = 10) -> None:
    """Let queued callbacks and tasks run (no wall-clock waiting)."""
    for _ in range(rounds):
        await asyncio.sleep(0)


async def until(cond: Callable[[], bool], rounds: int = 2000) -> None:
    """Yield to the loop until ``cond()`` holds; fails after many rounds, not after a time."""
    for _ in range(rounds):
        if cond():
            return
        await asyncio.sleep(0)
    raise AssertionError("condition never became true")


class FakeClock:
    """An injectable ``sleep``: each call waits until the test calls :meth:`advance`."""

    def __init__(self) -> None:
        self.requests: list[float] = []
        self._pending: list[tuple[float, asyncio.Future[None]]] = []

    async def sleep(self, seconds: float) -> None:
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        entry = (seconds, fut)
        self.requests.append(seconds)
        self._pending.append(entry)
        try:
            await fut
        finally:
            if entry in self._pending:
                self._pending.remove(entry)

    @property
    def waiting(self) -> int:
        return sum(1 for _, f in self._pending if not f.done())

    def advance(self) -> float:
        """Finish the oldest pending sleep; returns how long it was."""
        for seconds, fut in self._pending:
            if not fut.done():
                fut.set_result(None)
                return seconds
        raise AssertionError("nothing is sleeping")
