"""TLS options of the headless commands: what certificate to trust, and what to say when none is.

Without an option the command trusts what the app trusts (the saved control
plane's pin, a pin saved for the server, the settings' CA file), so a console
that opens in the app also opens from a script.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import TYPE_CHECKING, Any

from qvmrc.errors import InvalidTarget, QVMRCError

if TYPE_CHECKING:
    from qvmrc.console.target import ConsoleTarget
    from qvmrc.settings import Settings


def insecure(args: argparse.Namespace) -> bool:
    return bool(getattr(args, "insecure", False) or getattr(args, "insecure_token", False))


def check_insecure(args: argparse.Namespace, sends_token: bool) -> None:
    """--insecure never sends a token by accident, and always says what it gives up."""
    if not insecure(args):
        return
    if sends_token and not args.insecure_token:
        raise InvalidTarget("--insecure would send the control plane's API token to a server whose "
                            "certificate is not checked; give --insecure-token if you mean it")
    sys.stderr.write("qvmrc: warning: TLS certificates are not verified (--insecure): anyone on the "
                     "path can read and change this console\n")


def ssl_context(args: argparse.Namespace, target: ConsoleTarget, settings: Settings | None) -> Any:
    """The options' TLS context, else the app's trust for ``target`` (None: the OS store)."""
    from qvmrc import certs

    if insecure(args):
        return certs.unverified_context()
    pin, ca_file = getattr(args, "pin", None), getattr(args, "ca_file", None)
    if pin and ca_file:
        raise InvalidTarget("give --pin or --ca-file, not both")
    if pin or ca_file:
        return certs.context_for(pin=pin, ca_file=ca_file)
    if settings is None:
        return None  # vnc://: no TLS of this kind (VeNCrypt has its own CA option)
    from qvmrc.console.target import tls_for

    return tls_for(target, settings)


def trust_hint(err: QVMRCError, args: argparse.Namespace) -> str:
    """For an untrusted certificate: the fingerprint it presents and the option that trusts it."""
    from qvmrc.console.target import look_at_certificate

    if getattr(args, "pin", None):
        return ""
    asyncio.run(look_at_certificate(err))
    got = getattr(err, "got", "")
    if not got:
        return ""
    return (f"; it presents SHA-256 {got}: if the server shows the same, run again with "
            f"--pin {got.replace(':', '')} (or give its CA with --ca-file)")
