"""The one place secrets are taken out of text: URLs, log lines, diagnostics, sidecars.

A console URL may carry ``user:password@`` (websockets turns it into HTTP
Basic, so it is a real secret), a deep link may carry ``password=``, and
libraries log ``Authorization`` headers at DEBUG. Everything QVMRC displays,
logs, records or copies into diagnostics goes through :func:`redact_url` (one
URL) or :func:`redact_text` (free text with URLs and headers in it), and every
log handler gets :class:`SecretScrubber`. No Qt here: the CLI uses it too.
"""

from __future__ import annotations

import logging
import re
import threading
from urllib.parse import parse_qsl, urlencode

from qvmrc.controlplane.deeplink import SCHEMES as DEEP_LINK_SCHEMES

MASK = "***"
# Short values would match half the log (e.g. a password "a"); such values are
# still caught by the patterns when labelled.
MIN_SECRET_LEN = 4

# Deep-link parameters worth showing; anything else (password=...) is dropped.
_SHOWN_LINK_PARAMS = ("url", "vmId", "vmName", "vm", "name", "fullscreen")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")

# scheme://[userinfo@]: the userinfo runs to the LAST '@' before the path, so
# passwords containing '@' and an empty user name (ws://:pw@host) are covered.
_URL_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^\s/?#'\"<>]*@")

_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    # Authorization: Bearer abc / 'Authorization': 'Basic abc'
    (re.compile(r"(?i)((?:proxy-)?authorization['\"]?\s*[:=]\s*['\"]?)(?:(bearer|basic|token)\s+)?[^\s'\",;}]+"),
     r"\1\2 " + MASK),
    (re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9\-._~+/]{6,}=*"), r"\1 " + MASK),
    # key=value, key: value, "key": "value" for secret-looking keys
    (re.compile(r"(?i)(\b[\w-]*(?:password|passwd|token|secret|api[_-]?key)[\w-]*['\"]?\s*[:=]\s*)"
                r"(['\"]?)(?!\*\*\*)[^\s'\"&,;})]+"),
     r"\1\2" + MASK),
]


def redact_url(url: str) -> str:
    """A URL fit to show, log or save: no userinfo, no fragment; no query, except a
    deep link's harmless parameters (its ``password=`` never survives)."""
    url = url.strip()
    scheme, sep, rest = url.partition("://")
    if not sep:
        return _URL_USERINFO.sub(r"\1", url)
    # The authority ends at the first '/', '?' or '#'; its userinfo at the last '@' in it.
    end = len(rest)
    for ch in "/?#":
        i = rest.find(ch)
        if i >= 0:
            end = min(end, i)
    authority, tail = rest[:end], rest[end:]
    authority = authority.rsplit("@", 1)[-1]
    tail = tail.split("#", 1)[0]
    path, _, query = tail.partition("?")
    out = f"{scheme}://{authority}{path}"
    if query and scheme.lower() in DEEP_LINK_SCHEMES:
        try:
            pairs = parse_qsl(query, keep_blank_values=True, max_num_fields=32)
        except ValueError:
            pairs = []
        kept = [(k, v) for k, v in pairs if k in _SHOWN_LINK_PARAMS]
        for i, (k, v) in enumerate(kept):
            if k == "url":
                kept[i] = (k, redact_url(v))
        if kept:
            out += "?" + urlencode(kept)
    return out


def strip_control(text: str) -> str:
    """Text without control characters (terminal escapes, NULs), newlines and tabs kept."""
    return _CONTROL.sub("", text)


class SecretScrubber(logging.Filter):
    """Rewrites each record's message (and traceback text) with secrets masked.

    Two layers: patterns (URL userinfo, ``Authorization: ...``, ``password=...``)
    catch what a library might log, and the exact values the app knows (tokens,
    VNC passwords) are registered so they are removed even unlabelled.
    """

    def __init__(self) -> None:
        super().__init__()
        self._secrets: set[str] = set()
        self._lock = threading.Lock()

    def register(self, value: str | None) -> None:
        """Remember an exact secret value to remove wherever it appears."""
        if value and len(value) >= MIN_SECRET_LEN:
            with self._lock:
                self._secrets.add(value)

    def scrub(self, text: str) -> str:
        with self._lock:
            values = sorted(self._secrets, key=len, reverse=True)
        for v in values:
            if v in text:
                text = text.replace(v, MASK)
        return redact_text(text)

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "_qvmrc_scrubbed", False):
            return True
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: keep what we can, scrubbed
            message = f"{record.msg!r} {record.args!r}"
        record.msg = self.scrub(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.scrub(record.exc_text)
            record.exc_info = None  # formatters would re-render the unscrubbed traceback
        if record.stack_info:
            record.stack_info = self.scrub(record.stack_info)
        record._qvmrc_scrubbed = True
        return True


def redact_text(text: str) -> str:
    """Free text with URL userinfo, Authorization values and ``password=``-style values masked."""
    text = _URL_USERINFO.sub(r"\1", text)
    for pattern, repl in _PATTERNS:
        text = pattern.sub(repl, text)
    return text


class TerminalFilter(logging.Filter):
    """For a terminal handler: a server's text must not drive the terminal (escape sequences)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:
            message = f"{record.msg!r} {record.args!r}"
        record.msg = strip_control(message)
        record.args = None
        return True


_scrubber = SecretScrubber()


def scrubber() -> SecretScrubber:
    """The process-wide scrubber (CLI and app)."""
    return _scrubber


def register_secret(value: str | None) -> None:
    _scrubber.register(value)


def install(logger: logging.Logger | None = None) -> SecretScrubber:
    """Attach the scrubber to the logger and to each of its handlers (idempotent)."""
    logger = logger or logging.getLogger()
    if _scrubber not in logger.filters:
        logger.addFilter(_scrubber)
    for handler in logger.handlers:
        if _scrubber not in handler.filters:
            handler.addFilter(_scrubber)
    return _scrubber
