"""The states of an RFB connection, in the order a connection goes through them."""

from __future__ import annotations

from enum import Enum, auto


class State(Enum):
    VERSION = auto()
    SECURITY_TYPES = auto()
    SECURITY_TYPE_33 = auto()
    VNC_CHALLENGE = auto()
    VENCRYPT_VERSION = auto()
    VENCRYPT_VERSION_ACK = auto()
    VENCRYPT_SUBTYPES = auto()
    VENCRYPT_SUBTYPE_ACK = auto()
    WAIT_TLS = auto()
    PLAIN_CREDENTIALS = auto()
    WAIT_PASSWORD = auto()
    SECURITY_RESULT = auto()
    FAILURE_REASON = auto()
    SERVER_INIT = auto()
    NORMAL = auto()
    UPDATE = auto()
    CLOSED = auto()

