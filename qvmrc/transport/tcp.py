"""Plain TCP (``vnc://host:port``): for labs and tests, never for the platform."""

from __future__ import annotations

import asyncio
import socket

from qvmrc.errors import ConnectionClosed, TransportError

READ_SIZE = 1 << 18


class TCPTransport:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, description: str) -> None:
        self._reader = reader
        self._writer = writer
        self.description = description

    @classmethod
    async def open(cls, host: str, port: int, timeout: float = 15.0) -> TCPTransport:
        try:
            reader, writer = await asyncio.wait_for(
                asyncio.open_connection(host, port, limit=READ_SIZE), timeout)
        except asyncio.TimeoutError:
            raise TransportError(f"timed out connecting to {host}:{port}") from None
        except OSError as e:
            raise TransportError(f"cannot connect to {host}:{port}: {e.strerror or e}") from None
        sock = writer.get_extra_info("socket")
        if sock is not None:
            # Input events must not wait for Nagle.
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return cls(reader, writer, f"tcp {host}:{port}")

    async def recv(self) -> bytes:
        try:
            data = await self._reader.read(READ_SIZE)
        except OSError as e:
            raise ConnectionClosed(f"connection lost: {e.strerror or e}") from None
        if not data:
            raise ConnectionClosed("the server closed the connection")
        return data

    async def send(self, data: bytes) -> None:
        try:
            self._writer.write(data)
            await self._writer.drain()
        except OSError as e:
            raise ConnectionClosed(f"connection lost: {e.strerror or e}") from None

    async def close(self) -> None:
        self._writer.close()
        try:
            await self._writer.wait_closed()
        except OSError:
            pass
