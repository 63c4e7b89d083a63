"""TLS over any byte pipe: VeNCrypt's encryption inside the RFB stream.

The console's bytes may already travel in WebSocket frames (the control
plane's proxy) or over plain TCP (labs); VeNCrypt starts TLS in the middle of
that stream, so the TLS here runs on memory BIOs (``ssl.SSLObject``) and moves
records through the transport below, whatever it is.

Two kinds, as VeNCrypt's subtypes ask:

- anonymous (TLSNone/TLSVnc/TLSPlain): Diffie-Hellman without certificates.
  QEMU's GnuTLS "anon" credentials offer only ANON-DH, which OpenSSL calls
  ADH and allows at security level 0 only, with TLS 1.2 at most (TLS 1.3 has
  no anonymous key exchange). It encrypts but does not authenticate the server.
- verified (X509None/X509Vnc/X509Plain): the certificate must chain to the CA
  file the user gives, and only to it. The hypervisor's certificate names the
  hypervisor, not the control plane we dial, so its name is checked only
  against a name the user gives (``server_name``); see README "VeNCrypt".
"""

from __future__ import annotations

import asyncio
import ssl

from qvmrc.errors import ConnectionClosed, InvalidTarget, ServerCertificateError, TLSError
from qvmrc.transport.base import Transport

READ_SIZE = 1 << 18
# OpenSSL's names for the anonymous DH suites (QEMU) and anonymous ECDH ones (others).
ANONYMOUS_CIPHERS = "aNULL:!eNULL:@SECLEVEL=0"


def anonymous_context() -> ssl.SSLContext:
    """A client context that offers only anonymous (certificate-less) TLS 1.2 suites."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.maximum_version = ssl.TLSVersion.TLSv1_2
    try:
        ctx.set_ciphers(ANONYMOUS_CIPHERS)
    except ssl.SSLError as e:
        raise TLSError(f"this OpenSSL has no anonymous TLS cipher suites ({e.reason or e})") from None
    return ctx


def anonymous_tls_available() -> bool:
    try:
        anonymous_context()
    except TLSError:
        return False
    return True


def verified_context(ca_file: str, server_name: str | None = None) -> ssl.SSLContext:
    """A client context that trusts only ``ca_file`` and checks the name only when one is given."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.check_hostname = server_name is not None
    ctx.verify_mode = ssl.CERT_REQUIRED
    try:
        ctx.load_verify_locations(cafile=ca_file)
    except (OSError, ssl.SSLError, ValueError) as e:
        what = e.strerror if isinstance(e, OSError) and e.strerror else str(e)
        raise InvalidTarget(f"cannot use VNC CA file {ca_file}: {what}") from None
    return ctx


def _reason(e: ssl.SSLError) -> str:
    text = e.reason or str(e)
    return text.lower().replace("_", " ")


class TLSTransport:
    """A :class:`Transport` whose bytes are encrypted into the transport below."""

    def __init__(self, inner: Transport, obj: ssl.SSLObject, incoming: ssl.MemoryBIO,
                 outgoing: ssl.MemoryBIO) -> None:
        self._inner = inner
        self._obj = obj
        self._in = incoming
        self._out = outgoing
        # Records must reach the wire in the order TLS made them, and the
        # reader (alerts, key updates) and the writer both produce them.
        self._send_lock = asyncio.Lock()
        self._ended = False
        version = obj.version() or "TLS"
        cipher = (obj.cipher() or ("?",))[0]
        self.description = f"{inner.description} + {version} {cipher}"

    @classmethod
    async def start(cls, inner: Transport, context: ssl.SSLContext,
                    server_hostname: str | None = None) -> TLSTransport:
        """Run the handshake over ``inner``; raise TLSError/ServerCertificateError on failure."""
        incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
        obj = context.wrap_bio(incoming, outgoing, server_side=False, server_hostname=server_hostname)
        while True:
            try:
                obj.do_handshake()
                break
            except ssl.SSLWantReadError:
                pass
            except ssl.SSLCertVerificationError as e:
                await _flush_quietly(inner, outgoing)  # tell the server why (an alert)
                raise ServerCertificateError(
                    f"the VNC server's certificate is not trusted: {e.verify_message or _reason(e)}") from None
            except ssl.SSLError as e:
                await _flush_quietly(inner, outgoing)
                raise TLSError(f"TLS handshake with the VNC server failed: {_reason(e)}") from None
            data = outgoing.read()
            if data:
                await inner.send(data)
            try:
                chunk = await inner.recv()
            except ConnectionClosed:
                raise TLSError("the VNC server closed the connection during the TLS handshake") from None
            incoming.write(chunk)
        tls = cls(inner, obj, incoming, outgoing)
        await tls._flush()  # the last flight (Finished) when the client speaks last
        return tls

    async def _flush(self) -> None:
        async with self._send_lock:
            data = self._out.read()
            if data:
                await self._inner.send(data)

    async def recv(self) -> bytes:
        while True:
            if self._ended:
                raise ConnectionClosed("the VNC server ended the TLS session")
            parts: list[bytes] = []
            size = 0
            try:
                while size < READ_SIZE:
                    part = self._obj.read(READ_SIZE - size)
                    if not part:  # close_notify: hand out what came before it first
                        self._ended = True
                        break
                    parts.append(part)
                    size += len(part)
            except ssl.SSLWantReadError:
                pass
            except ssl.SSLZeroReturnError:
                self._ended = True
            except ssl.SSLError as e:
                raise TLSError(f"TLS error from the VNC server: {_reason(e)}") from None
            if self._out.pending:
                await self._flush()
            if parts:
                return b"".join(parts)
            if self._ended:
                continue
            self._in.write(await self._inner.recv())

    def limit_frames(self, nbytes: int) -> None:
        """The frame limit belongs to the pipe under TLS (a WebSocket's frames)."""
        limit = getattr(self._inner, "limit_frames", None)
        if limit is not None:
            limit(nbytes)

    async def send(self, data: bytes) -> None:
        try:
            self._obj.write(data)
        except ssl.SSLError as e:
            raise ConnectionClosed(f"TLS session unusable: {_reason(e)}") from None
        await self._flush()

    async def close(self) -> None:
        try:
            self._obj.unwrap()
        except ssl.SSLError:
            pass
        try:
            await self._flush()
        except Exception:  # noqa: BLE001 - closing anyway
            pass
        await self._inner.close()


async def _flush_quietly(inner: Transport, outgoing: ssl.MemoryBIO) -> None:
    data = outgoing.read()
    if data:
        try:
            await inner.send(data)
        except Exception:  # noqa: BLE001 - the handshake error is what matters
            pass
