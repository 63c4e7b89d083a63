"""Checking a direct console address (ws://, wss://, vnc://) before it is dialed.

Kept apart from :mod:`qvmrc.controlplane.console` so that a headless command
on a direct target never imports the HTTP client (aiohttp costs ~0.1 s).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from qvmrc.errors import InvalidTarget
from qvmrc.redact import redact_url

_DIRECT_SCHEMES = ("ws", "wss", "vnc")


def check_direct_target(target: str) -> str:
    """Check a ws://, wss:// or vnc:// TARGET before it is dialed; returns its scheme.

    Raises InvalidTarget (one line, credentials redacted) for anything else,
    including URLs ``urlsplit`` cannot take apart (``vnc://[::1``).
    """
    shown = redact_url(target)[:80]
    try:
        parts = urlsplit(target)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError as exc:
        raise InvalidTarget(f"malformed console address {shown!r} ({exc})") from None
    scheme = parts.scheme.lower() if "://" in target else ""
    if scheme not in _DIRECT_SCHEMES:
        raise InvalidTarget(
            f"unsupported console target {shown!r}: give ws://, wss://, vnc://host:port "
            "or a qvmrc://connect?url=...&vmId=... link")
    if not parts.hostname:
        raise InvalidTarget(f"the console address {shown!r} names no host")
    return scheme
