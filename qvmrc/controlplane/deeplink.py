"""``qvmc://`` / ``qvmrc://`` deep links from the LimiQuantix web UI and host UI.

Two shapes exist in the wild (see DESIGN.md):

- web UI:  ``qvmc://connect?url=<control plane>&vmId=<id>&vmName=<name>``
- host UI: ``qvmc://connect?url=<host>&vm=<id>&name=<name>&password=<pw>&fullscreen=true``

A link is untrusted input (any web page can emit one), so every value is
checked and bounded before it is used, and a password from a link is never
shown in a repr or log line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlsplit

from qvmrc.errors import InvalidTarget

SCHEMES = ("qvmc", "qvmrc")
MAX_LINK = 4096
MAX_URL = 2048
MAX_VM_ID = 128
MAX_VM_NAME = 256
MAX_PASSWORD = 256

# UUIDs, libvirt names and the like; nothing that could escape a URL path segment.
_VM_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:@-]*")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off", ""}


@dataclass(frozen=True, repr=False)
class DeepLink:
    """A parsed deep link. ``base_url`` has no trailing slash; ``variant`` is
    ``"web"`` (vmId/vmName) or ``"host"`` (vm/name, the Quantix host UI)."""

    base_url: str
    vm_id: str
    vm_name: str | None = None
    password: str | None = field(default=None, compare=False)
    fullscreen: bool = False
    variant: str = "web"

    def __repr__(self) -> str:
        pw = "None" if self.password is None else "'***'"
        return (f"DeepLink(base_url={self.base_url!r}, vm_id={self.vm_id!r}, "
                f"vm_name={self.vm_name!r}, password={pw}, fullscreen={self.fullscreen}, "
                f"variant={self.variant!r})")

    __str__ = __repr__


def is_deep_link(target: str) -> bool:
    """True when ``target`` is ``qvmc://...`` or ``qvmrc://...`` (scheme in any case).

    The one test for "is this a link", used by the CLI and the app alike. The
    ``//`` is required: the web UIs emit ``qvmc://connect?...`` and the OS
    handlers (``%u``, ``"%1"``, macOS's open-URL event) pass it verbatim, so a
    ``qvmc:connect`` is no link we know; it gets the "unsupported target" line.
    """
    head, sep, _ = target.partition("://")
    return bool(sep) and head.lower() in SCHEMES


def _bad(why: str) -> InvalidTarget:
    return InvalidTarget(f"invalid console link: {why}")


def _check_base_url(url: str) -> str:
    if len(url) > MAX_URL:
        raise _bad(f"the control plane URL is longer than {MAX_URL} characters")
    if _CONTROL.search(url) or " " in url:
        raise _bad("the control plane URL contains spaces or control characters")
    try:
        parts = urlsplit(url)
        port = parts.port  # raises ValueError on a bad port
    except ValueError as exc:
        raise _bad(f"the control plane URL {url!r} is malformed ({exc})") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise _bad(f"the control plane URL must start with http:// or https:// (got {url!r})")
    if not parts.hostname:
        raise _bad(f"the control plane URL {url!r} has no host")
    if parts.username is not None or parts.password is not None:
        raise _bad("the control plane URL must not carry a user name or password")
    if parts.query or parts.fragment:
        raise _bad("the control plane URL must not have a query or fragment")
    host = parts.hostname
    netloc = f"[{host}]" if ":" in host else host
    if port is not None:
        netloc += f":{port}"
    return f"{parts.scheme.lower()}://{netloc}{parts.path.rstrip('/')}"


def _check_vm_id(vm_id: str) -> str:
    if not vm_id:
        raise _bad("the VM id is empty")
    if len(vm_id) > MAX_VM_ID:
        raise _bad(f"the VM id is longer than {MAX_VM_ID} characters")
    if not _VM_ID.fullmatch(vm_id):
        raise _bad(f"the VM id {vm_id!r} contains characters a VM id cannot have")
    return vm_id


def parse_deep_link(link: str) -> DeepLink:
    """Parse and validate a deep link; raises :class:`InvalidTarget` with one clear line."""
    link = link.strip()
    if len(link) > MAX_LINK:
        raise _bad(f"the link is longer than {MAX_LINK} characters")
    if not is_deep_link(link):
        raise _bad("it must start with qvmc:// or qvmrc://")
    try:
        parts = urlsplit(link)
    except ValueError as exc:  # e.g. "qvmrc://conn[ect?..." (an unclosed IPv6 bracket)
        raise _bad(f"malformed link ({exc})") from None
    if parts.netloc.lower() != "connect" or parts.path not in ("", "/"):
        raise _bad("only qvmc://connect?... links are understood")
    if parts.fragment:
        raise _bad("unexpected '#' fragment")
    try:
        pairs = parse_qsl(parts.query, keep_blank_values=True, max_num_fields=32)
    except ValueError as exc:
        raise _bad(f"malformed query ({exc})") from None
    params: dict[str, str] = {}
    for key, value in pairs:
        if key in params and params[key] != value:
            raise _bad(f"parameter {key!r} is given twice with different values")
        params[key] = value

    url = params.get("url", "")
    if not url:
        raise _bad("the 'url' parameter (the control plane address) is missing")
    base_url = _check_base_url(url)

    vm_id = params.get("vmId", "")
    host_id = params.get("vm", "")
    if vm_id and host_id and vm_id != host_id:
        raise _bad("'vmId' and 'vm' name different VMs")
    variant = "web" if vm_id else "host"
    vm_id = _check_vm_id(vm_id or host_id)

    name = params.get("vmName", params.get("name", "")) or None
    if name is not None:
        if len(name) > MAX_VM_NAME:
            raise _bad(f"the VM name is longer than {MAX_VM_NAME} characters")
        name = _CONTROL.sub("", name).strip() or None  # display only

    password = params.get("password")
    if password is not None:
        if len(password) > MAX_PASSWORD:
            raise _bad(f"the password is longer than {MAX_PASSWORD} characters")
        password = password or None

    fs = params.get("fullscreen", "").strip().lower()
    if fs not in _TRUE and fs not in _FALSE:
        raise _bad(f"'fullscreen' must be true or false (got {fs[:20]!r})")
    return DeepLink(base_url=base_url, vm_id=vm_id, vm_name=name, password=password,
                    fullscreen=fs in _TRUE, variant=variant)
