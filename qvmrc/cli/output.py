"""What the command writes: log lines on stderr, the one error line, PNG files.

A server's text reaches the terminal, so every line is scrubbed of secrets and
stripped of control characters (escape sequences) first.
"""

from __future__ import annotations

import logging
import sys
from typing import Any

from qvmrc.errors import QVMRCError


def setup_logging(verbose: bool) -> None:
    from qvmrc.redact import TerminalFilter, install

    logging.basicConfig(level=logging.DEBUG if verbose else logging.WARNING,
                        format="qvmrc: %(levelname)s: %(message)s", stream=sys.stderr)
    # Even with -v: websockets logs every request header (Authorization) at DEBUG.
    logging.getLogger("websockets").setLevel(logging.INFO)
    root = logging.getLogger()
    install(root)
    for handler in root.handlers:
        if not any(isinstance(f, TerminalFilter) for f in handler.filters):
            handler.addFilter(TerminalFilter())


def fail(message: str) -> None:
    """The one ``qvmrc: error: ...`` line every failure ends in."""
    from qvmrc.redact import scrubber, strip_control

    text = " ".join(strip_control(scrubber().scrub(message)).split()) or "unknown error"
    sys.stderr.write(f"qvmrc: error: {text}\n")


def write_png(fb: Any, path: str) -> None:
    try:
        fb.save_png(path)
    except (OSError, ValueError) as e:
        raise QVMRCError(f"cannot write {path}: {e}") from None
