"""What a console connects to, and how its TLS server is trusted.

The one parser of TARGETs, shared by the app's tabs and the ``qvmrc`` command
so both accept the same things with the same one-line errors: a ws://, wss://,
vnc:// URL or a qvmrc:// / qvmc:// link becomes a :class:`ConsoleTarget`;
links are matched to saved control planes (trusted). No Qt here, and nothing
heavy at import: the headless commands start with this.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from qvmrc.controlplane.deeplink import is_deep_link, parse_deep_link
from qvmrc.controlplane.direct import check_direct_target
from qvmrc.errors import QVMRCError
from qvmrc.redact import redact_url, register_secret

if TYPE_CHECKING:
    from qvmrc.settings import ControlPlane, SavedVM, Settings

log = logging.getLogger(__name__)

Resolver = Callable[["ConsoleTarget"], Awaitable[Any]]


@dataclass
class ConsoleTarget:
    """What a tab connects to. ``key`` identifies the VM so a second open focuses the tab."""

    key: str
    title: str
    target: str = field(repr=False)  # ws://, wss://, vnc:// or a qvmrc:// deep link (may hold userinfo)
    cp: ControlPlane | None = None
    vm_id: str | None = None
    fullscreen: bool = False
    password: str | None = field(default=None, repr=False)  # known VNC password (link/demo), memory only
    token: str | None = field(default=None, repr=False)
    #: Its control plane is saved (or the user chose it): only then may the clipboard be shared.
    trusted: bool = False
    #: Opened by a qvmrc:// / qvmc:// link (a request from outside, see ui/linktrust.py).
    from_link: bool = False

    @property
    def has_control_plane(self) -> bool:
        return self.cp is not None and bool(self.vm_id)


def vm_key(base_url: str, vm_id: str) -> str:
    return f"{base_url.rstrip('/').lower()}#{vm_id}"


def target_for_vm(cp: ControlPlane, vm: SavedVM) -> ConsoleTarget:
    link = "qvmrc://connect?" + urlencode({"url": cp.url, "vmId": vm.id, "vmName": vm.name or vm.id})
    return ConsoleTarget(key=vm_key(cp.url, vm.id), title=vm.label, target=link, cp=cp, vm_id=vm.id,
                         trusted=True)


def target_from_string(text: str, settings: Settings | None = None) -> ConsoleTarget:
    """A TARGET from the command line or a dialog; deep links are matched to saved control planes."""
    text = text.strip()
    if is_deep_link(text):
        from qvmrc.settings import ControlPlane
        from qvmrc.trust import find_saved

        link = parse_deep_link(text)  # raises InvalidTarget with one line
        cp = find_saved(settings, link.base_url)
        trusted = cp is not None
        if cp is None:
            cp = ControlPlane(url=link.base_url, name=redact_url(link.base_url))
        register_secret(link.password)
        return ConsoleTarget(key=vm_key(link.base_url, link.vm_id), title=link.vm_name or link.vm_id,
                             target=text, cp=cp, vm_id=link.vm_id, fullscreen=link.fullscreen,
                             trusted=trusted, from_link=True)
    check_direct_target(text)  # raises InvalidTarget with one line
    shown = redact_url(text)
    return ConsoleTarget(key=shown.lower(), title=shown.split("://", 1)[1].rstrip("/"), target=text)


async def look_at_certificate(err: QVMRCError) -> None:
    """An untrusted server: fetch its certificate (unverified) so the overlay shows its fingerprint."""
    from qvmrc.errors import CertificateNotTrusted, UntrustedCertificate

    if not isinstance(err, (CertificateNotTrusted, UntrustedCertificate)) or err.got:
        return
    from qvmrc.controlplane.client import fetch_server_certificate

    url = err.url if isinstance(err, UntrustedCertificate) else err.base_url
    try:
        err.got = (await fetch_server_certificate(url, timeout=5.0)).sha256
    except QVMRCError as e:
        log.info("cannot fetch the certificate of %s: %s", redact_url(url), e)


def tls_for(target: ConsoleTarget, settings: Settings | None) -> Any:
    """The TLS trust for a target (qvmrc.trust.tls_for): its control plane's or its server's."""
    from qvmrc.trust import tls_for as trust_for

    return trust_for(target.cp.url if target.cp is not None else target.target, settings, target.cp)


def resolver_for(settings: Settings | None) -> Resolver:
    async def resolve(target: ConsoleTarget) -> Any:
        from qvmrc.controlplane.console import resolve_target

        return await resolve_target(target.target, token=target.token, password=target.password,
                                    ssl=tls_for(target, settings))

    return resolve
