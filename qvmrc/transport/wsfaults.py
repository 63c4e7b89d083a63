"""How a console WebSocket ends when the far side misbehaves or goes silent.

Two faults the websockets library alone turns into a long silence:

- A protocol error (bad frame bits, invalid UTF-8 in a close, an oversized
  frame): websockets sends its close frame and then waits for the *server* to
  close TCP, which a broken or hostile server never does; the read blocks
  until some outer timeout and the user is told "timed out". Here the TCP
  connection is closed at once, and the reason is the real one.
- A half-open path (a proxy or NAT that dropped the connection silently):
  nothing arrives and nothing fails. Keepalive pings find it: the far end's
  WebSocket library answers pings itself (websockify, QEMU, aiohttp, Go's
  gorilla), so they also work through a proxy with no ping logic of its own.
"""

from __future__ import annotations

from typing import Any

from websockets.asyncio.client import ClientConnection
from websockets.exceptions import ConnectionClosed as WSConnectionClosed

#: A ping every PING_INTERVAL s; no pong within PING_TIMEOUT s ends the session
#: (a silent half-open path is found within ~20 s, close_timeout included).
PING_INTERVAL = 8.0
PING_TIMEOUT = 10.0


class FailFastConnection(ClientConnection):
    """A client connection that drops TCP as soon as the server broke the protocol."""

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self.protocol.parser_exc is not None and self.transport is not None \
                and not self.transport.is_closing():
            # Our close frame is queued; close() flushes it, then connection_lost
            # wakes recv() with the reason.
            self.transport.close()


def closed_reason(exc: WSConnectionClosed, connection: Any = None) -> str:
    """One line for the user: who ended the connection and why."""
    parser_exc = getattr(getattr(connection, "protocol", None), "parser_exc", None)
    sent, rcvd = exc.sent, exc.rcvd
    if parser_exc is not None and not isinstance(parser_exc, EOFError):
        return f"the console server broke the WebSocket protocol ({parser_exc})"
    if sent is not None and sent.reason == "keepalive ping timeout":
        return (f"the console connection went silent: no answer to keepalive pings for "
                f"{PING_TIMEOUT:g} s (a proxy or network path dropped it)")
    if rcvd is not None:
        why = f": {rcvd.reason}" if rcvd.reason else ""
        return f"the console proxy closed the connection (code {rcvd.code}{why})"
    return "the console connection was lost (closed without a close frame)"
