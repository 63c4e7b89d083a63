"""How QVMRC decides to trust a TLS server (control plane, console proxy).

Three ways, one for every path (saved control planes, ad-hoc ``wss://``, the CLI):

- by default the operating system's trust store, through ``truststore`` (on
  macOS and Windows Python's own default misses the OS's stores and policy);
- a CA file the user gave (``--ca-file``, Settings): OpenSSL checks the name,
  including IP-address SANs for an appliance reached by its address;
- a pinned SHA-256 fingerprint (``--pin``, "Trust this certificate…"): the
  certificate must be exactly that one; names and chains are not checked,
  because appliance certificates are self-signed and rarely name the address
  the user typed.

A pin is checked right after the TLS handshake, before any byte of HTTP or
RFB is sent, by the SSLObject class of the context. That works unchanged under
aiohttp, websockets and asyncio streams, and lets the error say what did not
match: expected and presented fingerprints.
"""

from __future__ import annotations

import hashlib
import re
import ssl
from urllib.parse import urlsplit

from qvmrc.errors import InvalidTarget

_HEX64 = re.compile(r"[0-9a-f]{64}")


def fingerprint(der: bytes) -> str:
    """SHA-256 as browsers show it: colon-separated upper-case hex."""
    digest = hashlib.sha256(der).hexdigest().upper()
    return ":".join(digest[i:i + 2] for i in range(0, len(digest), 2))


def pem_fingerprint(pem: str) -> str:
    """The fingerprint of the first certificate in ``pem`` (raises InvalidTarget if none)."""
    try:
        der = ssl.PEM_cert_to_DER_cert(pem.strip())
    except ValueError:
        raise InvalidTarget("the pinned certificate is not a PEM certificate") from None
    return fingerprint(der)


def normalise_fingerprint(text: str) -> str:
    """Accept ``AB:CD:…``, ``abcd…``, with or without a ``sha256:``/``SHA256=`` prefix."""
    raw = text.strip()
    low = raw.lower()
    for prefix in ("sha256:", "sha256=", "sha-256:", "sha-256="):
        if low.startswith(prefix):
            low = low[len(prefix):]
            break
    hexdigits = re.sub(r"[\s:]", "", low)
    if not _HEX64.fullmatch(hexdigits):
        raise InvalidTarget(f"{raw[:100]!r} is not a SHA-256 fingerprint (64 hex digits, colons allowed)")
    up = hexdigits.upper()
    return ":".join(up[i:i + 2] for i in range(0, 64, 2))


# ------------------------------------------------------------------ contexts


def default_context() -> ssl.SSLContext:
    """Verify through the OS's trust store (as browsers do): :func:`qvmrc.tls.system_context`."""
    from qvmrc.tls import system_context

    return system_context()


def ca_file_context(path: str) -> ssl.SSLContext:
    """Trust the CAs (or self-signed certificate) in ``path``; names are checked, IP SANs included."""
    try:
        ctx = ssl.create_default_context(cafile=path)
    except (OSError, ssl.SSLError) as e:
        why = e.strerror if isinstance(e, OSError) and e.strerror else str(e)
        raise InvalidTarget(f"cannot use CA file {path}: {why}") from None
    # A self-signed appliance certificate given as its own CA is often not a
    # CA certificate at all; Python 3.13's strict default would refuse it.
    ctx.verify_flags &= ~getattr(ssl, "VERIFY_X509_STRICT", 0)
    ctx.verify_flags |= ssl.VERIFY_X509_PARTIAL_CHAIN
    return ctx


class PinnedContext(ssl.SSLContext):
    """A client context that accepts exactly one certificate, named by its SHA-256."""

    pin_sha256: str = ""


class _PinCheckingSSLObject(ssl.SSLObject):
    def do_handshake(self) -> None:
        super().do_handshake()
        expected = getattr(self.context, "pin_sha256", "")
        if not expected:
            return
        der = self.getpeercert(binary_form=True)
        got = fingerprint(der) if der else "(no certificate)"
        if got != expected:
            raise pin_mismatch(expected, got)


def pin_mismatch(expected: str, got: str) -> ssl.SSLCertVerificationError:
    message = (f"the certificate is not the pinned one: expected SHA-256 {expected}, "
               f"the server presented {got}")
    err = ssl.SSLCertVerificationError(1, message)
    err.verify_code = 0
    err.verify_message = message
    err.reason = "PIN_MISMATCH"
    return err


def pinned_context(sha256: str) -> PinnedContext:
    """Trust the certificate with this fingerprint, and no other."""
    ctx = PinnedContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    ctx.pin_sha256 = normalise_fingerprint(sha256)
    ctx.sslobject_class = _PinCheckingSSLObject
    return ctx


def unverified_context() -> ssl.SSLContext:
    """``--insecure`` / "verify TLS" off: labs only."""
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx


def context_for(*, pin: str | None = None, pinned_pem: str | None = None, ca_file: str | None = None,
                verify: bool = True) -> ssl.SSLContext:
    """The one decision: a pin wins, then a CA file, then "no verification", then the OS store."""
    if pin:
        return pinned_context(pin)
    if pinned_pem:
        return pinned_context(pem_fingerprint(pinned_pem))
    if ca_file:
        return ca_file_context(ca_file)
    if not verify:
        return unverified_context()
    return default_context()


def host_key(url: str) -> str:
    """``host:port`` of an https/wss URL: the key a pin for an ad-hoc server is saved under."""
    try:
        p = urlsplit(url.strip())
        port = p.port or (443 if p.scheme.lower() in ("https", "wss") else 80)
    except ValueError:
        return ""
    host = (p.hostname or "").lower().rstrip(".")
    if not host:
        return ""
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def describe_verify_error(err: ssl.SSLCertVerificationError) -> str:
    """What did not match, in words (OpenSSL's verify message already names a host/IP mismatch)."""
    return err.verify_message or str(err.reason or err)
