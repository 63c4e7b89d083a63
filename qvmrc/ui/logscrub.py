"""The app's log scrubber: the one in :mod:`qvmrc.redact`, kept importable from here.

Support staff copy logs into tickets; a VNC password or an API token must never
ride along. A filter attached to a *logger* only sees records logged on that
very logger, not ones propagated from children, so :func:`install` puts the
filter on every handler of the root logger (and new handlers should get it too).
"""

from __future__ import annotations

from qvmrc.redact import (
    MASK,
    MIN_SECRET_LEN,
    SecretScrubber,
    install,
    register_secret,
    scrubber,
)

__all__ = ["MASK", "MIN_SECRET_LEN", "SecretScrubber", "install", "register_secret", "scrubber"]
