"""Recent connections (File › Recent) and the TLS choices of an ad-hoc ``wss://`` console.

What is remembered is what the user would type again, never a secret: the
target goes through :func:`qvmrc.redact.redact_url` (no ``user:password@``,
no ``password=`` of a link, no query tokens), the VNC password is not kept,
and the TLS choice is public (a CA file path or a certificate's SHA-256).
No Qt here.
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass, field
from typing import Any

from qvmrc.certs import normalise_fingerprint  # the Connect dialog checks its field with it too
from qvmrc.errors import InvalidTarget
from qvmrc.redact import redact_url
from qvmrc.settings import MAX_RECENT_TARGETS, RecentTarget, Settings


@dataclass(repr=False)
class ConnectRequest:
    """What the Connect dialog (or a recent entry) asks for."""

    target: str
    password: str | None = field(default=None)
    view_only: bool = False
    ca_file: str = ""
    fingerprint: str = ""

    def __repr__(self) -> str:
        return (f"ConnectRequest(target={redact_url(self.target)!r}, password={'***' if self.password else None}, "
                f"view_only={self.view_only}, ca_file={self.ca_file!r}, fingerprint={self.fingerprint!r})")

    @property
    def is_wss(self) -> bool:
        return self.target.strip().lower().startswith("wss://")

    def recent(self, title: str) -> RecentTarget:
        return RecentTarget(target=redact_url(self.target), title=title, view_only=self.view_only,
                            ca_file=self.ca_file if self.is_wss else "",
                            fingerprint=self.fingerprint if self.is_wss else "")

    @classmethod
    def from_recent(cls, r: RecentTarget) -> ConnectRequest:
        return cls(target=r.target, view_only=r.view_only, ca_file=r.ca_file, fingerprint=r.fingerprint)


def remember(settings: Settings, entry: RecentTarget) -> None:
    """Put ``entry`` first (one entry per target), keep the newest few."""
    rest = [r for r in settings.recent_targets if r.target.lower() != entry.target.lower()]
    settings.recent_targets = [entry, *rest][:MAX_RECENT_TARGETS]


async def tls_for_request(req: ConnectRequest) -> ssl.SSLContext | None:
    """The TLS context the user chose for a ``wss://`` console (None: the system's trust).

    A fingerprint pins exactly the certificate the server presents now, after
    checking it is the one the user accepted; a CA file verifies the chain and name.
    """
    from qvmrc.controlplane.client import fetch_server_certificate, pinned_ssl_context, ssl_context

    if not req.is_wss:
        return None
    if req.fingerprint:
        want = normalise_fingerprint(req.fingerprint)
        cert = await fetch_server_certificate(req.target.strip())
        if cert.sha256 != want:
            raise InvalidTarget(f"the server's certificate is not the one you accepted: its SHA-256 is "
                                f"{cert.sha256}, you accepted {want}")
        return pinned_ssl_context(cert.pem)
    if req.ca_file:
        ctx = ssl_context(ca_file=req.ca_file)
        if ctx is not None:
            ctx.verify_flags |= ssl.VERIFY_X509_PARTIAL_CHAIN  # a self-signed server given as its own CA
            ctx.verify_flags &= ~getattr(ssl, "VERIFY_X509_STRICT", 0)
        return ctx
    return None


def request_resolver(req: ConnectRequest) -> Any:
    """A ConsoleTab resolver that connects with the request's TLS choice."""

    async def resolve(target: Any) -> Any:
        from qvmrc.controlplane.console import resolve_target
        from qvmrc.errors import ControlPlaneError

        try:
            ctx = await tls_for_request(req)
        except ControlPlaneError as e:
            if e.code == "invalid_argument":  # an unreadable CA file: retrying will not help
                raise InvalidTarget(str(e)) from None
            raise  # the server is down: the tab retries
        return await resolve_target(target.target, token=target.token, password=target.password, ssl=ctx)

    return resolve

