"""Error types shared by every layer.

The UI and the CLI turn these into one plain sentence (``str(err)``); no layer
lets a traceback reach the user.
"""

from __future__ import annotations


class QVMRCError(Exception):
    """Base of every error QVMRC reports to a person."""


class ProtocolError(QVMRCError):
    """The server sent something RFB does not allow (or we refuse to handle)."""


class AuthenticationError(QVMRCError):
    """The server refused our credentials or needs a method we lack."""


class ConnectionClosed(QVMRCError):
    """The byte pipe closed (cleanly or not) before we were done."""


class TransportError(QVMRCError):
    """Could not open or use the byte pipe (DNS, refused, TLS, HTTP upgrade)."""


class TLSError(TransportError):
    """The TLS session inside the console stream (VeNCrypt) failed: handshake, ciphers, or the peer."""


class UntrustedCertificate(TransportError):
    """A wss:// console server presented a certificate we do not trust.

    Retrying cannot fix it: the user trusts it (pins its fingerprint), gives a
    CA file, or fixes the server. ``url`` is where it was seen (for fetching
    the certificate to show); ``expected``/``got`` are SHA-256 fingerprints
    when a pin did not match.
    """

    def __init__(self, url: str, message: str, *, expected: str = "", got: str = "") -> None:
        self.url = url
        self.expected = expected
        self.got = got
        super().__init__(message)


class ServerCertificateError(TLSError):
    """The VNC server's certificate (VeNCrypt X509*) is not signed by the CA given, or names another host."""


class ControlPlaneError(QVMRCError):
    """A LimiQuantix API call failed; ``code`` is the Connect error code."""

    def __init__(self, code: str, message: str, http_status: int | None = None) -> None:
        self.code = code
        self.message = message
        self.http_status = http_status
        super().__init__(f"{message} ({code})" if message else code)


class CertificateNotTrusted(ControlPlaneError):
    """The control plane's TLS certificate is not trusted (self-signed appliances)."""

    def __init__(self, base_url: str, message: str) -> None:
        self.base_url = base_url
        self.got = ""  # the presented certificate's SHA-256, once someone looked
        super().__init__("unavailable", message)
        self.args = (message,)  # the code says nothing here: no "(unavailable)" after the sentence


class MaintenanceError(ControlPlaneError):
    """The control plane answers 503 while it restarts for updates."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        self.retry_after = retry_after
        super().__init__("unavailable", message, 503)


class ConsoleUnavailable(QVMRCError):
    """The console proxy refused the console (VM stopped, node down, ...)."""

    def __init__(self, code: str, message: str, details: str = "") -> None:
        self.code = code
        self.message = message
        self.details = details
        text = message or code
        if details and details not in text:
            text = f"{text}: {details}"
        super().__init__(text)


class InvalidTarget(QVMRCError):
    """A console target, deep link or option the user gave is not usable."""
