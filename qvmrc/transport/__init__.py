"""Byte pipes: WebSocket (the platform's way) and TCP (labs)."""

from __future__ import annotations

import ssl as ssl_module
from collections.abc import Mapping
from urllib.parse import urlsplit

from qvmrc.errors import InvalidTarget
from qvmrc.transport.base import Transport

DEFAULT_VNC_PORT = 5900


async def open_transport(url: str, *, headers: Mapping[str, str] | None = None,
                         ssl: ssl_module.SSLContext | None = None, timeout: float = 15.0) -> Transport:
    """Open ``ws://``, ``wss://`` or ``vnc://host[:port]``."""
    parts = urlsplit(url)
    if parts.scheme in ("ws", "wss"):
        from qvmrc.transport.websocket import WebSocketTransport

        return await WebSocketTransport.open(url, headers=headers, ssl=ssl, timeout=timeout)
    if parts.scheme == "vnc":
        host = parts.hostname
        if not host:
            raise InvalidTarget(f"no host in {url!r}")
        try:
            port = parts.port or DEFAULT_VNC_PORT
        except ValueError:
            raise InvalidTarget(f"bad port in {url!r}") from None
        from qvmrc.transport.tcp import TCPTransport

        return await TCPTransport.open(host, port, timeout=timeout)
    raise InvalidTarget(f"unsupported console address {url!r}: use ws://, wss:// or vnc://host:port")


__all__ = ["Transport", "open_transport"]
