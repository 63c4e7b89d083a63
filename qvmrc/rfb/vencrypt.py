"""VeNCrypt (RFB security type 19): TLS inside the RFB stream, then an inner auth.

The wire (version 0.2): the server sends its highest version (two U8s), the
client answers 0.2, the server acknowledges with a U8 (0 = fine), lists its
subtypes (U8 count, U32 each), the client picks one (U32), and the server
acknowledges it with a U8 (non-zero = accepted; QEMU sends 1). Then the TLS
handshake runs and the inner auth (None, VNC or Plain) continues inside TLS,
always ending with a SecurityResult (QEMU and TigerVNC send it at 3.7 too).

This module holds the numbers, the choice and the Plain message; the state
machine in connection.py drives it and the session performs the TLS.
"""

from __future__ import annotations

import struct
from collections.abc import Collection, Iterable

SECURITY_VENCRYPT = 19
VERSION = (0, 2)

PLAIN = 256
TLS_NONE = 257
TLS_VNC = 258
TLS_PLAIN = 259
X509_NONE = 260
X509_VNC = 261
X509_PLAIN = 262

SUBTYPE_NAMES = {
    PLAIN: "Plain", TLS_NONE: "TLSNone", TLS_VNC: "TLSVnc", TLS_PLAIN: "TLSPlain",
    X509_NONE: "X509None", X509_VNC: "X509Vnc", X509_PLAIN: "X509Plain",
    263: "TLSSASL", 264: "X509SASL",
}

#: Anonymous (Diffie-Hellman) TLS: encrypted, but the server is not authenticated.
ANONYMOUS = frozenset((TLS_NONE, TLS_VNC, TLS_PLAIN))
#: TLS with the server's certificate checked against a CA the user gives.
X509 = frozenset((X509_NONE, X509_VNC, X509_PLAIN))
#: Subtypes whose inner auth is the DES challenge (VNC Authentication).
VNC_AUTH = frozenset((TLS_VNC, X509_VNC))
#: Subtypes whose inner auth sends a username and password (safe only inside TLS).
PLAIN_AUTH = frozenset((TLS_PLAIN, X509_PLAIN))

# A verified server first; among equals, the inner auth the server asks least of.
PREFERENCE = (X509_NONE, X509_VNC, X509_PLAIN, TLS_NONE, TLS_VNC, TLS_PLAIN)

#: A server listing more subtypes than this is not a VeNCrypt server we talk to.
MAX_SUBTYPES = 64
MAX_PLAIN_FIELD = 4096


def subtype_name(subtype: int) -> str:
    return f"{SUBTYPE_NAMES.get(subtype, 'unknown')} ({subtype})"


def choose(offered: Iterable[int], usable: Collection[int]) -> int | None:
    """The best subtype both sides can do, or None."""
    offered = set(offered)
    for subtype in PREFERENCE:
        if subtype in offered and subtype in usable:
            return subtype
    return None


def why_unusable(subtype: int, *, x509: bool, username: bool) -> str:
    """Why the client cannot carry out ``subtype`` (for the error listing them)."""
    if subtype in X509 and not x509:
        return "needs the CA certificate that signed the VNC server's certificate"
    if subtype in PLAIN_AUTH and not username:
        return "needs a username"
    if subtype == PLAIN:
        return "sends the password unencrypted"
    return "not supported"


def plain_credentials(username: str, password: str) -> bytes:
    """The Plain message: U32 username length, U32 password length, then both (UTF-8)."""
    user = username.encode("utf-8")
    pw = password.encode("utf-8")
    if len(user) > MAX_PLAIN_FIELD or len(pw) > MAX_PLAIN_FIELD:
        raise ValueError("username or password too long")
    return struct.pack(">II", len(user), len(pw)) + user + pw
