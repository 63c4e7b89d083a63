"""Why a console attempt failed, and whether trying again can help.

The console proxy refuses with a code (DESIGN.md: VM_NOT_FOUND, VM_NOT_RUNNING,
NODE_NOT_ASSIGNED, NODE_NOT_FOUND, NODE_UNREACHABLE, VM_NOT_ON_NODE,
INTERNAL_ERROR). Some describe how the platform is set up (no such VM, no node):
retrying every few seconds only hides them behind a countdown, so they fail for
good with a sentence saying what to do. Others are weather (a node briefly
unreachable, a dropped network) and are retried with backoff.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from qvmrc.errors import (
    AuthenticationError,
    CertificateNotTrusted,
    ConsoleUnavailable,
    ControlPlaneError,
    InvalidTarget,
    MaintenanceError,
    ServerCertificateError,
    UntrustedCertificate,
)


class FailureKind(enum.Enum):
    TRANSIENT = "transient"  # retry with backoff
    PERMANENT = "permanent"  # retrying won't help: say what to do
    VM_STOPPED = "vm-stopped"  # fixed by Start
    VM_PAUSED = "vm-paused"  # fixed by Resume
    UNTRUSTED = "untrusted"  # fixed by trusting the certificate (or a CA file)
    AUTH = "auth"  # fixed by another password


#: Proxy codes that describe the platform's set-up, not a passing problem.
PERMANENT_CODES = frozenset({"VM_NOT_FOUND", "NODE_NOT_ASSIGNED", "VM_NOT_ON_NODE", "NODE_NOT_FOUND",
                             # our own, from resolving a target
                             "BAD_WEBSOCKET_URL", "UNSUPPORTED_CONSOLE", "NO_CONSOLE",
                             "CONSOLE_NOT_ROUTABLE"})
#: Connect-RPC codes after which asking again gives the same answer.
PERMANENT_RPC_CODES = frozenset({"unauthenticated", "permission_denied", "not_found", "invalid_argument",
                                 "unimplemented", "failed_precondition"})

ADVICE = {
    "VM_NOT_FOUND": "The control plane has no VM with this id; it may have been deleted. "
                    "Pick the VM again from the sidebar or the web UI.",
    "NODE_NOT_ASSIGNED": "The VM is not placed on a node. Start or migrate it from the web UI "
                         "(or ask an administrator), then press Retry.",
    "NODE_NOT_FOUND": "The VM's node is not registered with the control plane. Ask an "
                      "administrator to check the node, then press Retry.",
    "VM_NOT_ON_NODE": "The node the control plane names does not run this VM (it may have moved). "
                      "Ask an administrator to check the VM's placement, then press Retry.",
    "NODE_UNREACHABLE": "The control plane cannot reach the VM's node; retrying by itself.",
    "INTERNAL_ERROR": "The control plane failed to open the console; retrying by itself.",
    "CONSOLE_NOT_ROUTABLE": "Open the console through a LimiQuantix control plane instead.",
    "unauthenticated": "Set the control plane's API token (edit the control plane), then press Retry.",
    "permission_denied": "The API token may not open this console; ask an administrator.",
    "INVALID_TARGET": "Check the address or link and open it again.",
    "TLS_CERTIFICATE": "Check the VNC CA certificate in Settings (or the hypervisor's certificate), "
                       "then press Retry.",
    "UNTRUSTED": "Compare the certificate's SHA-256 fingerprint with the one the appliance shows "
                 "before trusting it, or set a CA file in Settings.",
    "AUTH": "Press Retry to enter the password again.",
}


@dataclass(frozen=True)
class Failure:
    """One failed attempt as the user should read it.

    ``reason`` is what happened (the backend's own words where it gave some),
    ``code`` the backend's code verbatim (empty when there is none), ``advice``
    a sentence saying what to do.
    """

    kind: FailureKind
    reason: str
    code: str = ""
    advice: str = ""
    retry_after: float | None = None  # the server's hint (maintenance), seconds
    fingerprint: str = ""  # SHA-256 of the certificate an untrusted server presented

    @property
    def retryable(self) -> bool:
        return self.kind is FailureKind.TRANSIENT


def _proxy_reason(e: ConsoleUnavailable) -> str:
    """The proxy's message and details, once each (no "VM is not running: VM is not running")."""
    message, details = e.message.strip(), e.details.strip()
    if not details or details.lower() in message.lower():
        return message or e.code
    if not message or message.lower().rstrip(".") in details.lower():
        return details
    return f"{message.rstrip('.')}: {details}"


def _mentions_paused(e: ConsoleUnavailable) -> bool:
    return "paused" in f"{e.message} {e.details}".lower()


def classify(err: BaseException | None) -> Failure:
    """Turn what ended an attempt into a :class:`Failure` (None: the server just closed)."""
    if err is None:
        return Failure(FailureKind.TRANSIENT, "The server closed the connection.")
    if isinstance(err, ConsoleUnavailable):
        code = err.code
        reason = _proxy_reason(err)
        if code == "VM_NOT_RUNNING":
            if _mentions_paused(err):
                return Failure(FailureKind.VM_PAUSED, reason, code)
            return Failure(FailureKind.VM_STOPPED, reason, code)
        if code in PERMANENT_CODES:
            return Failure(FailureKind.PERMANENT, reason, code, ADVICE.get(code, ""))
        return Failure(FailureKind.TRANSIENT, reason, code, ADVICE.get(code, ""))
    if isinstance(err, (CertificateNotTrusted, UntrustedCertificate)):
        return Failure(FailureKind.UNTRUSTED, str(err), "", ADVICE["UNTRUSTED"], fingerprint=err.got)
    if isinstance(err, MaintenanceError):
        return Failure(FailureKind.TRANSIENT, str(err), err.code, retry_after=err.retry_after)
    if isinstance(err, ControlPlaneError):
        kind = FailureKind.PERMANENT if err.code in PERMANENT_RPC_CODES else FailureKind.TRANSIENT
        reason = err.message or str(err)
        return Failure(kind, reason, err.code, ADVICE.get(err.code, ""))
    if isinstance(err, ServerCertificateError):
        return Failure(FailureKind.PERMANENT, str(err), "", ADVICE["TLS_CERTIFICATE"])
    if isinstance(err, InvalidTarget):
        return Failure(FailureKind.PERMANENT, str(err), "", ADVICE["INVALID_TARGET"])
    if isinstance(err, AuthenticationError):
        return Failure(FailureKind.AUTH, str(err), "", ADVICE["AUTH"])
    return Failure(FailureKind.TRANSIENT, str(err) or type(err).__name__)
