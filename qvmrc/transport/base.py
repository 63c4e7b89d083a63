"""The byte pipe a session reads and writes: nothing RFB-specific."""

from __future__ import annotations

from typing import Protocol


class Transport(Protocol):
    #: Human-readable endpoint for logs and the debug panel (no secrets).
    description: str

    async def recv(self) -> bytes:
        """Next chunk from the server; raises ConnectionClosed at the end."""
        ...

    async def send(self, data: bytes) -> None: ...

    async def close(self) -> None: ...
