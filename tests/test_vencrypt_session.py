"""The VeNCrypt TLS layer and the session wiring, against local TLS peers.

QEMU offers no Plain subtype without SASL, so TLSPlain and X509Plain run here
against a small asyncio VeNCrypt server on 127.0.0.1 with Python's own TLS
server side (anonymous DH and certificates). The TLS layer itself is also
driven over an in-memory pipe that delivers one byte per read.
"""

from __future__ import annotations

import asyncio
import ssl
import struct
from pathlib import Path

import numpy as np
import pytest

from qvmrc.errors import AuthenticationError, ConnectionClosed, ServerCertificateError, TLSError
from qvmrc.rfb import vencrypt as vc
from qvmrc.rfb.pixelformat import PRESETS
from qvmrc.session import Session, SessionListener, SessionOptions
from qvmrc.transport.tls import TLSTransport, anonymous_context, verified_context
from tests.support import servers
from tests.support.rfbstream import fbu, rect, server_init


@pytest.fixture(scope="module")
def certs(tmp_path_factory):
    base = tmp_path_factory.mktemp("tls")
    ca = servers.vnc_certificates(base / "server")
    other = servers.vnc_certificates(base / "other", ca_name="Another CA")
    return base / "server", ca, other


def server_context(kind: str, tls_dir: Path) -> ssl.SSLContext:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    if kind == "anon":
        ctx.maximum_version = ssl.TLSVersion.TLSv1_2
        ctx.set_ciphers("aNULL:!eNULL:@SECLEVEL=0")
        ctx.load_dh_params(str(tls_dir / "dh-params.pem"))
    else:
        ctx.load_cert_chain(tls_dir / "server-cert.pem", tls_dir / "server-key.pem")
    return ctx


# ------------------------------------------------------- TLS layer, in memory


class ByteAtATimePeer:
    """A TLS server on memory BIOs behind a transport that hands out one byte per recv."""

    description = "memory"

    def __init__(self, ctx: ssl.SSLContext) -> None:
        self._in, self._out = ssl.MemoryBIO(), ssl.MemoryBIO()
        self.tls = ctx.wrap_bio(self._in, self._out, server_side=True)
        self.handshake_done = False
        self.received = bytearray()
        self._pending = bytearray()

    def _pump(self) -> None:
        try:
            if not self.handshake_done:
                self.tls.do_handshake()
                self.handshake_done = True
            while True:
                self.received += self.tls.read(65536)
        except (ssl.SSLWantReadError, ssl.SSLZeroReturnError):
            pass
        except ssl.SSLError:
            pass  # the client's alert
        self._pending += self._out.read()

    def reply(self, data: bytes) -> None:
        self.tls.write(data)
        self._pending += self._out.read()

    async def send(self, data: bytes) -> None:
        self._in.write(data)
        self._pump()

    async def recv(self) -> bytes:
        self._pump()
        if not self._pending:
            raise ConnectionClosed("peer has nothing more to say")
        byte = bytes(self._pending[:1])
        del self._pending[:1]
        return byte

    async def close(self) -> None:
        pass


@pytest.mark.parametrize("kind", ["anon", "x509"])
def test_tls_layer_carries_bytes_both_ways_when_records_arrive_a_byte_at_a_time(certs, kind):
    tls_dir, ca, _ = certs
    peer = ByteAtATimePeer(server_context(kind, tls_dir))

    async def go() -> bytes:
        ctx = anonymous_context() if kind == "anon" else verified_context(str(ca))
        tls = await TLSTransport.start(peer, ctx)
        await tls.send(b"client says hi")
        peer.reply(b"server " * 1000)
        got = b""
        while len(got) < 7000:
            got += await tls.recv()
        return got

    assert asyncio.run(go()) == b"server " * 1000
    assert bytes(peer.received) == b"client says hi"


def test_tls_layer_refuses_a_certificate_from_another_ca(certs):
    tls_dir, _, other = certs
    peer = ByteAtATimePeer(server_context("x509", tls_dir))
    with pytest.raises(ServerCertificateError, match="not trusted: .*local issuer"):
        asyncio.run(TLSTransport.start(peer, verified_context(str(other))))


def test_tls_layer_checks_the_name_only_when_one_is_required(certs):
    tls_dir, ca, _ = certs
    ok = ByteAtATimePeer(server_context("x509", tls_dir))
    asyncio.run(TLSTransport.start(ok, verified_context(str(ca), "hypervisor.test"), "hypervisor.test"))
    bad = ByteAtATimePeer(server_context("x509", tls_dir))
    with pytest.raises(ServerCertificateError, match="elsewhere.test"):
        asyncio.run(TLSTransport.start(bad, verified_context(str(ca), "elsewhere.test"), "elsewhere.test"))


def test_anonymous_client_against_a_certificate_only_server_is_a_tls_error(certs):
    tls_dir, _, _ = certs
    peer = ByteAtATimePeer(server_context("x509", tls_dir))
    with pytest.raises(TLSError, match="TLS handshake with the VNC server failed"):
        asyncio.run(TLSTransport.start(peer, anonymous_context()))


# ------------------------------------------- a VeNCrypt server on 127.0.0.1


PICTURE = np.random.default_rng(3).integers(0, 1 << 24, size=(6, 8), dtype=np.uint32)


async def vencrypt_server(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, *, subtype: int,
                          ctx: ssl.SSLContext, user: str, password: str, seen: dict) -> None:
    """VeNCrypt 0.2 with one subtype, then Plain, then a 8x6 Raw picture."""
    try:
        writer.write(b"RFB 003.008\n")
        await reader.readexactly(12)
        writer.write(bytes([1, vc.SECURITY_VENCRYPT]))
        seen["type"] = (await reader.readexactly(1))[0]
        writer.write(bytes([0, 2]))
        seen["version"] = await reader.readexactly(2)
        writer.write(bytes([0, 1]) + struct.pack(">I", subtype))
        seen["subtype"] = struct.unpack(">I", await reader.readexactly(4))[0]
        writer.write(b"\x01")
        await writer.drain()
        await writer.start_tls(ctx)
        ulen, plen = struct.unpack(">II", await reader.readexactly(8))
        got_user = (await reader.readexactly(ulen)).decode()
        got_pw = (await reader.readexactly(plen)).decode()
        seen["credentials"] = (got_user, got_pw)
        if (got_user, got_pw) != (user, password):
            reason = b"Username or password wrong"
            writer.write(struct.pack(">II", 1, len(reason)) + reason)
            await writer.drain()
            return
        writer.write(struct.pack(">I", 0))
        await reader.readexactly(1)  # ClientInit
        writer.write(server_init(8, 6, PRESETS["rgb888"], "plain vm"))
        writer.write(fbu(rect(0, 0, 8, 6, 0, PICTURE.astype("<u4").tobytes())))
        await writer.drain()
        while await reader.read(65536):
            pass
    except (asyncio.IncompleteReadError, ConnectionError, ssl.SSLError):
        pass
    finally:
        writer.close()


class FirstFrame(SessionListener):
    def __init__(self) -> None:
        self.done = asyncio.Event()

    def framebuffer_updated(self, update):
        if update.damage:
            self.done.set()


async def plain_session(subtype: int, ctx: ssl.SSLContext, options: SessionOptions) -> tuple[Session, dict]:
    seen: dict = {}

    async def handle(r, w):
        await vencrypt_server(r, w, subtype=subtype, ctx=ctx, user="alice", password="pässword", seen=seen)

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    listener = FirstFrame()
    session = Session(f"vnc://127.0.0.1:{port}", options, listener)
    task = asyncio.create_task(session.run())
    try:
        waiter = asyncio.create_task(listener.done.wait())
        await asyncio.wait({task, waiter}, timeout=20, return_when=asyncio.FIRST_COMPLETED)
        waiter.cancel()
        if task.done():
            task.result()  # raise what ended it
    finally:
        await session.close()
        await asyncio.gather(task, return_exceptions=True)
        server.close()
    return session, seen


@pytest.mark.parametrize("subtype", [vc.TLS_PLAIN, vc.X509_PLAIN])
def test_plain_subtypes_send_the_credentials_inside_tls_and_show_the_picture(certs, subtype, caplog):
    caplog.set_level("DEBUG")
    tls_dir, ca, _ = certs
    ctx = server_context("anon" if subtype == vc.TLS_PLAIN else "x509", tls_dir)
    opts = SessionOptions(username="alice", password="pässword", encodings=("raw",), vnc_ca_file=str(ca))
    session, seen = asyncio.run(plain_session(subtype, ctx, opts))
    assert seen["type"] == 19 and seen["version"] == b"\x00\x02" and seen["subtype"] == subtype
    assert seen["credentials"] == ("alice", "pässword")
    assert session.framebuffer is not None
    assert np.array_equal(session.framebuffer.pixels & 0xFFFFFF, PICTURE)
    assert session.stats.security_type == f"VeNCrypt {vc.SUBTYPE_NAMES[subtype]}"
    assert "TLS" in session.stats.transport
    assert "pässword" not in caplog.text  # the secret never reaches a log


def test_plain_with_wrong_password_is_an_authentication_error_with_the_servers_reason(certs):
    tls_dir, _, _ = certs
    opts = SessionOptions(username="alice", password="nope", encodings=("raw",))
    with pytest.raises(AuthenticationError, match="Username or password wrong"):
        asyncio.run(plain_session(vc.TLS_PLAIN, server_context("anon", tls_dir), opts))


def test_plain_without_a_username_is_refused_before_any_credential_is_sent(certs):
    tls_dir, _, _ = certs
    opts = SessionOptions(password="pw", encodings=("raw",))
    with pytest.raises(AuthenticationError, match="needs a username"):
        asyncio.run(plain_session(vc.TLS_PLAIN, server_context("anon", tls_dir), opts))
