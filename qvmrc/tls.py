"""The TLS context for "verify as the operating system does".

Python's own default context reads OpenSSL's CA file: on macOS that is not the
Keychain, on Windows a copy of the system stores without the OS's chain
building and policy. An appliance CA that the company installed in the OS
must just work for https and wss, as it does in the browser, so verification
with system trust goes through ``truststore`` (Keychain / CryptoAPI / the
distribution's CA bundle). Pinned certificates, a user's CA file and
"don't verify" keep plain ``ssl`` contexts: they trust exactly what the user
chose, not the OS store.
"""

from __future__ import annotations

import logging
import ssl

log = logging.getLogger(__name__)


def system_context() -> ssl.SSLContext:
    """A client context that verifies certificates and host names through the OS trust store."""
    try:
        import truststore
    except ImportError:  # pragma: no cover - a dependency; keep connecting if it is broken
        log.warning("truststore is not available; verifying with Python's default CA bundle")
        return ssl.create_default_context()
    return truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
