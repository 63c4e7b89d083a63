"""Run an asyncio server (DevServer, DemoServer) on its own thread, for tests whose
client is a subprocess or a Qt loop that must not share the server's event loop."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractAsyncContextManager, contextmanager
from typing import TypeVar

T = TypeVar("T")


@contextmanager
def serve_in_thread(make: Callable[[], AbstractAsyncContextManager[T]]) -> Iterator[T]:
    """Enter ``make()`` on a new thread's event loop; yields what it entered as, until exit."""
    holder: list[T] = []
    stop = threading.Event()

    def serve() -> None:
        async def main() -> None:
            async with make() as server:
                holder.append(server)
                while not stop.is_set():
                    await asyncio.sleep(0.05)

        asyncio.run(main())

    t = threading.Thread(target=serve, daemon=True)
    t.start()
    while not holder and t.is_alive():
        threading.Event().wait(0.01)
    if not holder:
        raise RuntimeError("the server thread ended before it was serving")
    try:
        yield holder[0]
    finally:
        stop.set()
        t.join(10)
