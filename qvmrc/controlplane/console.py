"""From what the user gave (a console URL or a deep link) to the URL to dial.

The one rule (DESIGN.md): GetConsole's host/port are the hypervisor's view
and are never dialed. A deep link resolves to the control plane's WebSocket
proxy ``{base}/api/console/{vmId}/ws`` (or GetConsole's ``websocketUrl`` when
one is set), after a preflight that turns the proxy's refusal into a
:class:`ConsoleUnavailable` the user can read.

The Quantix host UI's links point at a standalone host: no VMService, no
proxy, but ``GET /api/v1/vms/{id}/console`` names the VNC endpoint. That is
dialed directly only when it is an address another machine can reach.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import ssl as ssl_module
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urljoin, urlsplit, urlunsplit

from qvmrc.controlplane.client import (
    ControlPlaneClient,
    SSLOption,
    _json_or_none,
    _port,
    _text,
    error_from_response,
)
from qvmrc.controlplane.deeplink import DeepLink, is_deep_link, parse_deep_link
from qvmrc.controlplane.direct import check_direct_target
from qvmrc.errors import ConsoleUnavailable, ControlPlaneError, InvalidTarget, MaintenanceError
from qvmrc.redact import redact_url

PREFLIGHT_HEADER = "X-Console-Preflight"
# Codes after which asking the proxy would not tell the user anything better.
_FINAL_CODES = {"unauthenticated", "permission_denied", "deadline_exceeded", "resource_exhausted"}


@dataclass(frozen=True, repr=False)
class ConsoleEndpoint:
    """Where to connect: ``url`` is ws://, wss:// or vnc://host:port.

    ``password`` is the VNC password to use without asking (never shown in a
    repr); ``ssl_context`` is for a wss:// URL (None: verify with system CAs).
    """

    url: str
    password: str | None = field(default=None, compare=False)
    vm_id: str | None = None
    vm_name: str | None = None
    fullscreen: bool = False
    ssl_context: ssl_module.SSLContext | None = field(default=None, compare=False)

    def __repr__(self) -> str:
        pw = "None" if self.password is None else "'***'"
        return (f"ConsoleEndpoint(url={redact_url(self.url)!r}, password={pw}, vm_id={self.vm_id!r}, "
                f"vm_name={self.vm_name!r}, fullscreen={self.fullscreen})")

    __str__ = __repr__


def console_ws_url(base_url: str, vm_id: str) -> str:
    """``{base}/api/console/{vmId}/ws`` with http->ws, https->wss, path prefix kept."""
    parts = urlsplit(base_url)
    scheme = {"http": "ws", "https": "wss"}.get(parts.scheme.lower())
    if scheme is None:
        raise InvalidTarget(f"the control plane URL must be http:// or https:// (got {base_url!r})")
    path = parts.path.rstrip("/") + f"/api/console/{quote(vm_id, safe='')}/ws"
    return urlunsplit((scheme, parts.netloc, path, "", ""))


def _http_url(ws_url: str) -> str:
    parts = urlsplit(ws_url)
    scheme = {"ws": "http", "wss": "https"}.get(parts.scheme.lower(), parts.scheme)
    return urlunsplit((scheme, parts.netloc, parts.path, parts.query, ""))


def _origin(url: str) -> tuple[str, str]:
    p = urlsplit(url)
    secure = p.scheme.lower() in ("https", "wss")
    return ("s" if secure else "", p.netloc.lower())


def _ws_ssl(option: SSLOption) -> ssl_module.SSLContext | None:
    if isinstance(option, ssl_module.SSLContext):
        return option
    if option is False:
        ctx = ssl_module.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl_module.CERT_NONE
        return ctx
    return None


async def resolve_target(target: str, *, token: str | None = None, password: str | None = None,
                         timeout: float = 15.0, ssl: SSLOption = None) -> ConsoleEndpoint:
    """Resolve a TARGET to a :class:`ConsoleEndpoint`.

    ws://, wss:// and vnc:// targets come back as given. A ``qvmc://`` /
    ``qvmrc://`` link asks its control plane (GetConsole for the password and
    an optional websocketUrl, then a preflight of the proxy). ``password`` (the
    user's own) wins over one from GetConsole, which wins over one in the link.
    Raises InvalidTarget, ControlPlaneError (incl. MaintenanceError) or
    ConsoleUnavailable, each with one readable line.
    """
    target = target.strip()
    if is_deep_link(target):
        link = parse_deep_link(target)
        async with ControlPlaneClient(link.base_url, token=token, timeout=timeout, ssl=ssl) as cp:
            return await _resolve_link(cp, link, password, ssl)
    scheme = check_direct_target(target)
    return ConsoleEndpoint(url=target, password=password,
                           ssl_context=_ws_ssl(ssl) if scheme == "wss" else None)


async def _resolve_link(cp: ControlPlaneClient, link: DeepLink, password: str | None,
                        ssl: SSLOption) -> ConsoleEndpoint:
    try:
        info = await cp.get_console(link.vm_id)
    except MaintenanceError:
        raise
    except ControlPlaneError as exc:
        if exc.code == "unimplemented" or (exc.http_status in (404, 405) and exc.code != "not_found"):
            return await _resolve_host_ui(cp, link, password)
        if exc.code in _FINAL_CODES:
            raise
        # The proxy's own refusal (VM_NOT_RUNNING, ...) says more than a bare RPC error.
        await preflight(cp, console_ws_url(cp.base_url, link.vm_id))
        raise
    url = console_ws_url(cp.base_url, link.vm_id)
    if info.websocket_url:
        # A path is relative to the control plane (ws/wss like the base URL).
        url = urljoin(url, info.websocket_url)
    scheme = urlsplit(url).scheme.lower()
    if scheme not in ("ws", "wss"):
        raise ConsoleUnavailable("BAD_WEBSOCKET_URL",
                                 f"GetConsole named a console URL that is not ws:// or wss:// ({url[:80]!r})")
    await preflight(cp, url)
    return ConsoleEndpoint(
        url=url, password=password or info.password or link.password, vm_id=link.vm_id,
        vm_name=link.vm_name, fullscreen=link.fullscreen,
        ssl_context=_ws_ssl(ssl) if scheme == "wss" else None)


async def preflight(cp: ControlPlaneClient, ws_url: str) -> None:
    """Ask the proxy whether it would open this console; raise its refusal.

    A 400/426 without a JSON reason means a proxy that knows no preflight
    (it only wanted an Upgrade): the upgrade itself will tell.
    """
    http_url = _http_url(ws_url)
    same_origin = _origin(http_url) == _origin(cp.base_url)
    headers = {PREFLIGHT_HEADER: "true"}
    if same_origin:
        path = http_url[len(cp.base_url):] if http_url.startswith(cp.base_url) else None
    else:
        path = None
    if path is not None:
        status, body, hdrs = await cp.request("GET", path, headers=headers)
    else:
        # websocketUrl on another origin: never send the API token there.
        other = ControlPlaneClient(urlunsplit(urlsplit(http_url)._replace(path="", query="")),
                                   timeout=cp.timeout, ssl=cp.ssl)
        async with other:
            p = urlsplit(http_url)
            status, body, hdrs = await other.request(
                "GET", p.path + (f"?{p.query}" if p.query else ""), headers=headers, auth=False)
    if 200 <= status < 300:
        return
    data = _json_or_none(body)
    if isinstance(data, dict) and data.get("maintenance"):
        raise error_from_response(status, body, hdrs)
    if isinstance(data, dict) and isinstance(data.get("code"), str) and data["code"]:
        raise ConsoleUnavailable(data["code"], _text(data.get("message")), _text(data.get("details")))
    if status in (400, 426):
        return
    raise ConsoleUnavailable(f"HTTP_{status}", f"the console proxy refused the console (HTTP {status})")


# -------------------------------------------------------- standalone host UI


async def _resolve_host_ui(cp: ControlPlaneClient, link: DeepLink,
                           password: str | None) -> ConsoleEndpoint:
    status, body, hdrs = await cp.request("GET", f"/api/v1/vms/{quote(link.vm_id, safe='')}/console")
    data = _json_or_none(body)
    if not 200 <= status < 300:
        if isinstance(data, dict) and not data.get("maintenance") and not data.get("code"):
            msg = _text(data.get("error") or data.get("message"))
            if msg:
                raise ControlPlaneError("not_found" if status == 404 else "unknown", msg, status)
        err = error_from_response(status, body, hdrs)
        if status == 404 and err.code == "unimplemented":
            raise ControlPlaneError(
                "unimplemented", f"{cp.base_url} is neither a LimiQuantix control plane nor a "
                "Quantix host (no VMService, no /api/v1/vms/.../console)", status) from None
        raise err
    if not isinstance(data, dict):
        raise ControlPlaneError("unimplemented", f"{cp.base_url} did not answer the host console "
                                "API with JSON; is it a LimiQuantix control plane?", status)
    ctype = _text(data.get("consoleType")).lower()
    if ctype and "vnc" not in ctype:
        raise ConsoleUnavailable("UNSUPPORTED_CONSOLE",
                                 f"the VM's console is {data.get('consoleType')}, not VNC")
    host = _text(data.get("host")).strip()
    port = _port(data.get("port"))
    if not host or not 0 < port < 65536:
        raise ConsoleUnavailable("NO_CONSOLE", "the host did not say where the VM's VNC console listens")
    await check_routable(host, cp.base_url)
    netloc = f"[{host}]" if ":" in host else host
    return ConsoleEndpoint(
        url=f"vnc://{netloc}:{port}",
        password=password or _text(data.get("password")) or link.password,
        vm_id=link.vm_id, vm_name=link.vm_name, fullscreen=link.fullscreen)


def _unroutable_reason(addr: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
        addr = addr.ipv4_mapped
    if addr.is_loopback:
        return "a loopback address"
    if addr.is_unspecified:
        return "an unspecified (any) address"
    if addr.is_link_local:
        return "a link-local address"
    if addr.is_multicast:
        return "a multicast address"
    return None


async def check_routable(host: str, base_url: str = "") -> None:
    """Raise ConsoleUnavailable unless ``host`` is an address other machines can reach."""
    where = f" {base_url}" if base_url else ""
    explain = (f"the host{where} says the VM's VNC console listens on {host}, which is {{why}}; "
               "only the hypervisor itself can reach it, and this host has no console proxy")
    lowered = host.lower().rstrip(".")
    if lowered == "localhost" or lowered.endswith(".localhost"):
        raise ConsoleUnavailable("CONSOLE_NOT_ROUTABLE", explain.format(why="the host itself (localhost)"))
    try:
        addrs: list[Any] = [ipaddress.ip_address(host.strip("[]"))]
    except ValueError:
        loop = asyncio.get_running_loop()
        try:
            infos = await loop.getaddrinfo(host, None, type=socket.SOCK_STREAM)
        except OSError as exc:
            raise ConsoleUnavailable(
                "CONSOLE_NOT_ROUTABLE",
                f"the VM's VNC console is at {host}, which cannot be resolved ({exc.strerror or exc})") from None
        addrs = [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]
    for addr in addrs:
        why = _unroutable_reason(addr)
        if why:
            raise ConsoleUnavailable("CONSOLE_NOT_ROUTABLE", explain.format(why=why))
