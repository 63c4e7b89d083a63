"""RFB over a WebSocket: the control plane's console proxy (or QEMU's/websockify's).

We offer the ``binary`` subprotocol (QEMU and websockify want it) and accept a
server that selects none (the LimiQuantix proxy). An HTTP(S) proxy from
HTTPS_PROXY / HTTP_PROXY is used as websockets (>= 15) does by default, NO_PROXY
respected, like the control plane API (aiohttp, trust_env). A refused upgrade carries
the proxy's JSON reason, which becomes a ConsoleUnavailable.
"""

from __future__ import annotations

import logging
import ssl as ssl_module
from collections.abc import Mapping

import websockets
from websockets.asyncio.client import ClientConnection, connect
from websockets.typing import Subprotocol

from qvmrc import certs, safejson
from qvmrc.errors import ConnectionClosed, ConsoleUnavailable, TransportError, UntrustedCertificate
from qvmrc.redact import redact_url
from qvmrc.transport.wsfaults import PING_INTERVAL, PING_TIMEOUT, FailFastConnection, closed_reason

log = logging.getLogger(__name__)

# Largest frame accepted before the session knows the screen (the handshake
# and first updates), and at most ever; then the session sets about one
# screenful (limit_frames). At most MAX_QUEUE frames wait unread, so what a
# server can make us buffer is bounded by a few screenfuls.
FIRST_FRAMES = 4 * 1024 * 1024
MAX_FRAME = 64 * 1024 * 1024
MAX_QUEUE = 4


def _scalar(v: object) -> str:
    return v if isinstance(v, str) else (str(v) if isinstance(v, (int, float)) and v else "")


def _refusal(status: int, body: bytes) -> Exception:
    text = body[:4096].decode("utf-8", errors="replace").strip()
    try:
        data = safejson.loads(text)
    except ValueError:  # also nesting too deep
        data = None
    if isinstance(data, dict) and ("code" in data or "message" in data):
        return ConsoleUnavailable(_scalar(data.get("code")) or str(status), _scalar(data.get("message")),
                                  _scalar(data.get("details")))
    if isinstance(data, dict) and data.get("maintenance"):
        return ConsoleUnavailable("MAINTENANCE", _scalar(data.get("error")) or "the control plane is restarting")
    short = text.splitlines()[0][:200] if text else ""
    return TransportError(f"the console proxy refused the WebSocket (HTTP {status})" + (f": {short}" if short else ""))


class WebSocketTransport:
    def __init__(self, ws: ClientConnection, description: str) -> None:
        self._ws = ws
        self.description = description

    @classmethod
    async def open(cls, url: str, *, headers: Mapping[str, str] | None = None,
                   ssl: ssl_module.SSLContext | None = None, timeout: float = 15.0,
                   ping_interval: float | None = PING_INTERVAL,
                   ping_timeout: float | None = PING_TIMEOUT) -> WebSocketTransport:
        kwargs: dict[str, object] = {}
        if url.startswith("wss://"):
            if ssl is None:
                from qvmrc.tls import system_context  # the OS's trust store (truststore)

                ssl = system_context()
            kwargs["ssl"] = ssl
        try:
            ws = await connect(
                url, subprotocols=[Subprotocol("binary")], additional_headers=dict(headers or {}),
                compression=None, open_timeout=timeout, close_timeout=2,
                max_size=FIRST_FRAMES, max_queue=MAX_QUEUE, **kwargs,  # type: ignore[arg-type]
                ping_interval=ping_interval, ping_timeout=ping_timeout, create_connection=FailFastConnection,
            )
        except websockets.exceptions.InvalidStatus as e:
            raise _refusal(e.response.status_code, bytes(e.response.body or b"")) from None
        except ssl_module.SSLCertVerificationError as e:
            # Not a passing problem: the UI offers to trust it, the CLI names --pin/--ca-file.
            raise UntrustedCertificate(url, f"the TLS certificate of {_safe(url)} is not trusted: "
                                       f"{certs.describe_verify_error(e)}") from None
        except websockets.exceptions.ProxyError as e:
            raise TransportError(f"the proxy {_via(url)} would not open console WebSocket {_safe(url)} ({e}); "
                                 "check HTTPS_PROXY / NO_PROXY") from None
        except (TimeoutError, OSError) as e:
            what = "timed out" if isinstance(e, TimeoutError) else (e.strerror or str(e))
            proxy = _via(url)
            where = f" through the proxy {proxy}" if proxy else ""
            raise TransportError(f"cannot open console WebSocket {_safe(url)}{where}: {what}") from None
        except websockets.exceptions.InvalidURI:
            raise TransportError(f"not a valid WebSocket URL: {_safe(url)}") from None
        except websockets.exceptions.WebSocketException as e:
            raise TransportError(f"console WebSocket handshake failed: {e}") from None
        return cls(ws, f"websocket {_safe(url)} (subprotocol {ws.subprotocol or 'none'})")

    def limit_frames(self, nbytes: int) -> None:
        """Refuse frames over ``nbytes`` from now on (capped at MAX_FRAME)."""
        proto = self._ws.protocol
        for attr in ("max_message_size", "max_size"):  # websockets >= 15 / older
            if hasattr(proto, attr):
                setattr(proto, attr, min(max(nbytes, 1), MAX_FRAME))

    async def recv(self) -> bytes:
        while True:
            try:
                msg = await self._ws.recv()
            except websockets.exceptions.ConnectionClosedOK:
                raise ConnectionClosed("the console proxy closed the connection") from None
            except websockets.exceptions.ConnectionClosed as e:
                raise ConnectionClosed(closed_reason(e, self._ws)) from None
            if isinstance(msg, bytes):
                return msg
            log.debug("ignoring a text frame of %d characters", len(msg))

    async def send(self, data: bytes) -> None:
        try:
            await self._ws.send(data)
        except websockets.exceptions.ConnectionClosed as e:
            raise ConnectionClosed(closed_reason(e, self._ws)) from None

    async def close(self) -> None:
        await self._ws.close()


def _via(url: str) -> str:
    """The proxy websockets takes from the environment for ``url`` (HTTPS_PROXY, NO_PROXY…), or ""."""
    try:
        from websockets.proxy import get_proxy
        from websockets.uri import parse_uri

        return redact_url(get_proxy(parse_uri(url)) or "")
    except Exception:  # an unparsable URL or proxy variable: the caller's error says enough
        return ""


def _safe(url: str) -> str:
    """URL without query string or credentials, for messages and logs."""
    return redact_url(url)
