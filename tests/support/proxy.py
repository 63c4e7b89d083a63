"""A tiny HTTP proxy on 127.0.0.1 for tests: CONNECT tunnels and absolute-form forwarding.

It counts what went through it, so a test can tell that a client used the
proxy (or, with NO_PROXY, that it did not). It only ever dials 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import contextlib
from urllib.parse import urlsplit


class TestProxy:
    __test__ = False  # not a pytest class

    def __init__(self) -> None:
        self.connects: list[str] = []  # host:port of CONNECT tunnels
        self.forwards: list[str] = []  # absolute-form request lines forwarded
        self.port = 0
        self._server: asyncio.base_events.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def used(self) -> int:
        return len(self.connects) + len(self.forwards)

    async def __aenter__(self) -> TestProxy:
        self._server = await asyncio.start_server(self._client, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.close()
        for t in list(self._tasks):
            t.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self._server.wait_closed()

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            method, target, _ = head.split(b"\r\n", 1)[0].decode("latin-1").split(" ", 2)
            if method == "CONNECT":
                host, _, port = target.rpartition(":")
                tunnel = True
            else:
                parts = urlsplit(target)
                host, port, tunnel = parts.hostname or "", str(parts.port or 80), False
            if host != "127.0.0.1":
                writer.write(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")
                return
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", int(port))
            if tunnel:
                self.connects.append(target)
                writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
            else:
                self.forwards.append(f"{method} {target}")
                up_writer.write(head)
            await asyncio.gather(_pipe(reader, up_writer), _pipe(up_reader, writer))
        except (OSError, asyncio.IncompleteReadError, ValueError):
            pass
        finally:
            self._tasks.discard(task)
            writer.close()


async def _pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
    try:
        while data := await src.read(65536):
            dst.write(data)
            await dst.drain()
    except OSError:
        pass
    finally:
        with contextlib.suppress(OSError):
            dst.close()
