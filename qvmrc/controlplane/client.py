"""The LimiQuantix control plane's Connect-RPC API (JSON bodies) over aiohttp.

Only the calls a console needs: list and inspect VMs, ask for the console's
password, power actions, and CD/DVD media (MountISO/EjectISO). Every failure becomes one exception whose ``str`` is
one readable line: :class:`ControlPlaneError` keyed off the Connect ``code``
(not the HTTP status), :class:`MaintenanceError` while the appliance restarts.

TLS is verified by default. Appliances ship self-signed certificates, so
:func:`fetch_server_certificate` lets a UI show the certificate's SHA-256
fingerprint and :func:`pinned_ssl_context` builds a context that trusts
exactly that certificate (usable here and for the ``wss://`` console).
"""

from __future__ import annotations

import asyncio
import json
import os
import ssl as ssl_module
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import aiohttp

from qvmrc import certs, safejson
from qvmrc.certs import fingerprint
from qvmrc.errors import CertificateNotTrusted, ControlPlaneError, InvalidTarget, MaintenanceError
from qvmrc.redact import redact_url

SERVICE = "limiquantix.compute.v1.VMService"
DEFAULT_PAGE_SIZE = 50
MAX_PAGES = 1000
MAX_BODY = 8 * 1024 * 1024

#: What callers may pass as ``ssl``: None/True verify with the system CAs,
#: False disables verification, an SSLContext is used as given.
SSLOption = ssl_module.SSLContext | bool | None

# Connect's fallback when an error body carries no code.
_HTTP_TO_CODE = {400: "internal", 401: "unauthenticated", 403: "permission_denied",
                 404: "unimplemented", 408: "deadline_exceeded", 429: "unavailable",
                 502: "unavailable", 503: "unavailable", 504: "unavailable"}
_DEFAULT_MESSAGES = {
    "unauthenticated": "the control plane refused the API token (missing or wrong)",
    "permission_denied": "the API token may not do this",
    "not_found": "not found",
    "unimplemented": "the server does not implement this API",
    "unavailable": "the control plane is unavailable",
}


# ------------------------------------------------------------------ data


@dataclass(frozen=True)
class Cdrom:
    """One CD/DVD drive of a VM (``spec.cdroms[]``): ``iso_path`` empty means no media.

    ``id`` is what MountISO/EjectISO take as ``cdromId``.
    """

    id: str
    iso_path: str = ""
    connected: bool = False

    @property
    def has_media(self) -> bool:
        return bool(self.iso_path)


MAX_CDROMS = 64  # a VM with more drives than this is a broken answer, not a VM


@dataclass(frozen=True)
class VM:
    """The fields of a LimiQuantix VM a console cares about."""

    id: str
    name: str
    description: str = ""
    state: str = "UNKNOWN"
    node_id: str = ""
    error_message: str = ""
    cdroms: tuple[Cdrom, ...] = ()

    @classmethod
    def from_json(cls, data: Any) -> VM:
        if not isinstance(data, dict):
            raise ControlPlaneError("internal", "the control plane sent a VM that is not an object")
        raw_status = data.get("status")
        status: dict[str, Any] = raw_status if isinstance(raw_status, dict) else {}
        return cls(
            id=_text(data.get("id")), name=_text(data.get("name")),
            description=_text(data.get("description")), state=power_state(status.get("state")),
            node_id=_text(status.get("nodeId")), error_message=_text(status.get("errorMessage")),
            cdroms=_cdroms(data.get("spec")),
        )


def _cdroms(spec: Any) -> tuple[Cdrom, ...]:
    """``spec.cdroms`` as the backend writes it (zero values omitted); junk entries skipped."""
    raw = spec.get("cdroms") if isinstance(spec, dict) else None
    if not isinstance(raw, list):
        return ()
    out = []
    for item in raw[:MAX_CDROMS]:
        if isinstance(item, dict) and _text(item.get("id")):
            out.append(Cdrom(id=_text(item.get("id")), iso_path=_text(item.get("isoPath")),
                             connected=item.get("connected") is True))
    return tuple(out)


@dataclass(frozen=True, repr=False)
class ConsoleInfo:
    """GetConsole's answer. ``host``/``port`` are the hypervisor's view: never dial them."""

    console_type: str = ""
    host: str = ""
    port: int = 0
    password: str | None = field(default=None, compare=False)
    websocket_url: str = ""
    tls: bool = False

    def __repr__(self) -> str:
        return (f"ConsoleInfo(console_type={self.console_type!r}, host={self.host!r}, "
                f"port={self.port}, password={'None' if self.password is None else repr('***')}, "
                f"websocket_url={self.websocket_url!r}, tls={self.tls})")


@dataclass(frozen=True)
class ServerCertificate:
    """A server's TLS certificate as fetched without verification (to show the user)."""

    der: bytes
    pem: str
    sha256: str  # colon-separated upper-case hex, the way browsers show it

    @property
    def sha256_bytes(self) -> bytes:
        return bytes.fromhex(self.sha256.replace(":", ""))


def _text(v: Any) -> str:
    """A scalar as text; objects and lists (possibly nested deep) are not text."""
    if isinstance(v, str):
        return v
    return str(v) if isinstance(v, (int, float)) else ""


def power_state(raw: Any) -> str:
    """``status.state`` as shown: missing -> UNKNOWN, ``POWER_STATE_`` prefix dropped,
    anything else verbatim."""
    if raw is None or raw == "":
        return "UNKNOWN"
    s = str(raw)
    return s[len("POWER_STATE_"):] if s.startswith("POWER_STATE_") else s


# ------------------------------------------------------------------- TLS


async def fetch_server_certificate(url: str, *, timeout: float = 10.0) -> ServerCertificate:
    """Connect without verification and return the certificate the server presents.

    For the "trust this certificate" dialog: show ``sha256`` to the user, then
    build :func:`pinned_ssl_context` from ``pem`` once they accept it.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("https", "wss") or not parts.hostname:
        raise ControlPlaneError("invalid_argument", f"{url!r} is not an https:// or wss:// URL")
    ctx = ssl_module.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl_module.CERT_NONE
    host, port = parts.hostname, parts.port or 443
    try:
        _, writer = await asyncio.wait_for(
            asyncio.open_connection(host, port, ssl=ctx, server_hostname=host), timeout)
    except (OSError, asyncio.TimeoutError) as exc:
        raise _connect_error(f"https://{parts.netloc}", exc) from None
    try:
        sslobj = writer.get_extra_info("ssl_object")
        der = sslobj.getpeercert(binary_form=True) if sslobj is not None else None
    finally:
        writer.close()
    if not der:
        raise ControlPlaneError("unavailable", f"{parts.netloc} presented no TLS certificate")
    return ServerCertificate(der=der, pem=ssl_module.DER_cert_to_PEM_cert(der), sha256=fingerprint(der))


def pinned_ssl_context(pem: str) -> ssl_module.SSLContext:
    """A client context that trusts exactly this certificate (and nothing else).

    See :mod:`qvmrc.certs`: the pin is the certificate's SHA-256, checked after
    the handshake, so a mismatch says which fingerprint came instead.
    """
    return certs.context_for(pinned_pem=pem)


def ssl_context(*, ca_file: str | None = None, pinned_pem: str | None = None,
                verify: bool = True) -> ssl_module.SSLContext | None:
    """Build the ``ssl`` option from user settings (None = the OS trust store)."""
    if not (pinned_pem or ca_file or not verify):
        return None
    try:
        return certs.context_for(pinned_pem=pinned_pem, ca_file=ca_file, verify=verify)
    except InvalidTarget as exc:
        raise ControlPlaneError("invalid_argument", str(exc).replace("cannot use", "cannot load")) from None


def _aiohttp_ssl(option: SSLOption) -> ssl_module.SSLContext | bool:
    if option is None or option is True:
        from qvmrc.tls import system_context

        return system_context()
    return option


def _port(v: Any) -> int:
    """A TCP port from JSON (number or numeric string); anything else is 0."""
    try:
        port = int(v or 0)
    except (TypeError, ValueError, OverflowError):
        return 0
    return port if 0 < port < 65536 else 0


# ---------------------------------------------------------------- errors


def os_reason(exc: OSError) -> str:
    """"Connection refused" rather than asyncio's "Connect call failed (...)"."""
    if exc.errno:
        return os.strerror(exc.errno)
    return exc.strerror or str(exc) or type(exc).__name__


def _connect_error(base: str, exc: BaseException) -> ControlPlaneError:
    if isinstance(exc, aiohttp.ClientConnectorCertificateError):
        cert_err = exc.certificate_error
        why = getattr(cert_err, "verify_message", None) or str(cert_err)
        return CertificateNotTrusted(
            base, f"the TLS certificate of {base} is not trusted ({why})")
    if isinstance(exc, ssl_module.SSLCertVerificationError):
        return CertificateNotTrusted(
            base, f"the TLS certificate of {base} is not trusted ({exc.verify_message})")
    if isinstance(exc, aiohttp.ServerFingerprintMismatch):
        return ControlPlaneError("unavailable", f"the TLS certificate of {base} changed since it was trusted")
    if isinstance(exc, (asyncio.TimeoutError, aiohttp.ServerTimeoutError)):
        return ControlPlaneError("deadline_exceeded", f"the control plane at {base} did not answer in time")
    if isinstance(exc, aiohttp.ClientProxyConnectionError):
        return ControlPlaneError("unavailable", f"cannot reach the proxy for {base} "
                                 f"({os_reason(exc.os_error)}); check HTTPS_PROXY / NO_PROXY")
    if isinstance(exc, aiohttp.ClientHttpProxyError):
        return ControlPlaneError("unavailable", f"the proxy refused the connection to {base} "
                                 f"(HTTP {exc.status}); check HTTPS_PROXY / NO_PROXY")
    if isinstance(exc, aiohttp.ClientConnectorError):
        why = os_reason(exc.os_error)
        return ControlPlaneError("unavailable", f"cannot reach the control plane at {base}: {why}")
    if isinstance(exc, OSError):
        return ControlPlaneError("unavailable", f"cannot reach the control plane at {base}: {os_reason(exc)}")
    return ControlPlaneError("unavailable", f"connection to the control plane at {base} failed: {exc}")


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None  # an HTTP date: rare, not worth parsing for a hint


def _json_or_none(body: bytes) -> Any:
    try:
        return safejson.loads(body)
    except ValueError:  # also nesting too deep and Infinity/NaN
        return None


def error_from_response(status: int, body: bytes, headers: Mapping[str, str]) -> ControlPlaneError:
    """Turn a non-2xx answer into the matching exception (maintenance first)."""
    data = _json_or_none(body)
    if isinstance(data, dict) and data.get("maintenance"):
        retry = _retry_after(headers.get("Retry-After"))
        message = _text(data.get("error")) or "the control plane is restarting for updates"
        if retry is not None:
            message += f"; try again in {retry:g} s"
        return MaintenanceError(message, retry)
    if isinstance(data, dict) and isinstance(data.get("code"), str) and data["code"]:
        code = data["code"]
        message = _text(data.get("message")) or _DEFAULT_MESSAGES.get(code, "")
        return ControlPlaneError(code, message, status)
    code = _HTTP_TO_CODE.get(status, "unknown")
    if status == 503:
        return MaintenanceError("the control plane is unavailable (HTTP 503)",
                                _retry_after(headers.get("Retry-After")))
    text = body[:300].decode("utf-8", errors="replace").strip().splitlines()
    snippet = text[0][:120] if text and not text[0].lstrip().startswith("<") else ""
    message = f"HTTP {status}" + (f": {snippet}" if snippet else "")
    if code in _DEFAULT_MESSAGES and code != "unavailable":
        message = f"{_DEFAULT_MESSAGES[code]} ({message})"
    return ControlPlaneError(code, message, status)


async def read_body(stream: aiohttp.StreamReader, cap: int) -> bytes | None:
    """The whole body, however many TCP segments it comes in; None past ``cap`` bytes.

    (``read(n)`` returns what has arrived so far, not n bytes: a 100 KB answer
    in two segments would be cut at the first.)
    """
    parts: list[bytes] = []
    size = 0
    async for chunk in stream.iter_chunked(64 * 1024):
        size += len(chunk)
        if size > cap:
            return None
        parts.append(chunk)
    return b"".join(parts)


# ---------------------------------------------------------------- client



def proxy_for(url: str) -> str | None:
    """The proxy for ``url`` as curl and browsers pick it: HTTPS_PROXY / HTTP_PROXY
    and NO_PROXY (on Windows and macOS also the system's settings), or None."""
    from urllib.request import getproxies, proxy_bypass

    parts = urlsplit(url)
    proxies = getproxies()
    proxy = proxies.get(parts.scheme)
    if not proxy or proxy_bypass(parts.hostname or ""):
        return None
    return proxy

class ControlPlaneClient:
    """Async client for one control plane. Use ``async with`` or call :meth:`close`.

    ``base_url`` is the control plane's address (``https://host[:port][/prefix]``).
    """

    def __init__(self, base_url: str, *, token: str | None = None, timeout: float = 15.0,
                 ssl: SSLOption = None) -> None:
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ControlPlaneError("invalid_argument", f"{base_url!r} is not an http:// or https:// URL")
        self.base_url = base_url.rstrip("/")
        self.token = token or None
        self.timeout = timeout
        self.ssl = ssl
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> ControlPlaneClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    def _http(self) -> aiohttp.ClientSession:
        if self._session is None:
            # Proxies come from proxy_for() per request, not trust_env: aiohttp
            # looks them up through asyncio.to_thread, which fails under qasync
            # ("no running event loop"), and trust_env also reads ~/.netrc.
            self._session = aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=self.timeout),
                connector=aiohttp.TCPConnector(ssl=_aiohttp_ssl(self.ssl)))
        return self._session

    def _headers(self) -> dict[str, str]:
        h = {"Accept": "application/json"}
        if self.token:
            h["Authorization"] = f"Bearer {self.token}"
        return h

    async def request(self, method: str, path: str, *, json_body: Any = None,
                      headers: Mapping[str, str] | None = None,
                      auth: bool = True) -> tuple[int, bytes, Mapping[str, str]]:
        """One HTTP exchange below ``base_url``: (status, body, headers). Connection
        problems become one-line :class:`ControlPlaneError`; statuses are the caller's."""
        url = self.base_url + path
        hdrs = self._headers() if auth else {"Accept": "application/json"}
        hdrs.update(headers or {})
        data = None
        if json_body is not None:
            data = json.dumps(json_body).encode()
            hdrs["Content-Type"] = "application/json"
        try:
            async with self._http().request(method, url, data=data, headers=hdrs,
                                            allow_redirects=False, proxy=proxy_for(url)) as resp:
                body = await read_body(resp.content, MAX_BODY)
                if body is None:
                    raise ControlPlaneError("resource_exhausted",
                                            f"the answer from {redact_url(url)} is larger than {MAX_BODY} bytes")
                return resp.status, body, resp.headers
        except ControlPlaneError:
            raise
        except (aiohttp.ClientError, OSError, asyncio.TimeoutError) as exc:
            raise _connect_error(self.base_url, exc) from None

    async def call(self, method: str, body: Mapping[str, Any]) -> dict[str, Any]:
        """POST one VMService method; returns the decoded JSON object."""
        status, raw, headers = await self.request(
            "POST", f"/{SERVICE}/{method}", json_body=dict(body))
        if not 200 <= status < 300:
            raise error_from_response(status, raw, headers)
        data = _json_or_none(raw)
        if not isinstance(data, dict):
            # A web server that is not the control plane (e.g. a SPA fallback page).
            raise ControlPlaneError(
                "unimplemented", f"{self.base_url} did not answer {method} with JSON; "
                "is it a LimiQuantix control plane?", status)
        return data

    # -- VMService -------------------------------------------------------

    async def list_vms(self, *, page_size: int = DEFAULT_PAGE_SIZE) -> list[VM]:
        """Every VM, following ``nextPageToken`` (bounded against a looping server)."""
        vms: list[VM] = []
        token = ""
        seen: set[str] = set()
        for _ in range(MAX_PAGES):
            req: dict[str, Any] = {"pageSize": page_size}
            if token:
                req["pageToken"] = token
            data = await self.call("ListVMs", req)
            page = data.get("vms") or []
            if not isinstance(page, list):
                raise ControlPlaneError("internal", "ListVMs answered 'vms' that is not a list")
            vms.extend(VM.from_json(v) for v in page)
            token = _text(data.get("nextPageToken"))
            if not token:
                return vms
            if token in seen:
                raise ControlPlaneError("internal", "ListVMs repeated a page token")
            seen.add(token)
        raise ControlPlaneError("internal", f"ListVMs returned more than {MAX_PAGES} pages")

    async def get_vm(self, vm_id: str) -> VM:
        return VM.from_json(await self.call("GetVM", {"id": vm_id}))

    async def get_console(self, vm_id: str) -> ConsoleInfo:
        d = await self.call("GetConsole", {"vmId": vm_id})
        port = _port(d.get("port"))
        return ConsoleInfo(
            console_type=_text(d.get("consoleType")), host=_text(d.get("host")), port=port,
            password=_text(d.get("password")) or None, websocket_url=_text(d.get("websocketUrl")),
            tls=bool(d.get("tls")))

    async def start_vm(self, vm_id: str) -> VM:
        return VM.from_json(await self.call("StartVM", {"id": vm_id}))

    async def stop_vm(self, vm_id: str, *, force: bool = False) -> VM:
        """force=False: graceful ACPI shutdown; True: power off."""
        return VM.from_json(await self.call("StopVM", {"id": vm_id, "force": force}))

    async def reboot_vm(self, vm_id: str) -> VM:
        return VM.from_json(await self.call("RebootVM", {"id": vm_id}))

    async def pause_vm(self, vm_id: str) -> VM:
        return VM.from_json(await self.call("PauseVM", {"id": vm_id}))

    async def resume_vm(self, vm_id: str) -> VM:
        return VM.from_json(await self.call("ResumeVM", {"id": vm_id}))

    # -- CD/DVD media ------------------------------------------------------

    async def mount_iso(self, vm_id: str, cdrom_id: str, iso_path: str) -> VM:
        """Insert the ISO at ``iso_path`` (a path on the platform's storage) into a drive."""
        return VM.from_json(await self.call("MountISO", {"vmId": vm_id, "cdromId": cdrom_id,
                                                         "isoPath": iso_path}))

    async def eject_iso(self, vm_id: str, cdrom_id: str) -> VM:
        return VM.from_json(await self.call("EjectISO", {"vmId": vm_id, "cdromId": cdrom_id}))
