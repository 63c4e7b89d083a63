"""A logging filter that removes secrets before any handler sees a record.

Support staff copy logs into tickets; a VNC password or an API token must never
ride along. Two layers: patterns (``Authorization: Bearer ...``,
``password=...``, ``"token": "..."``) catch what a library might log, and the
exact values the app knows (tokens, passwords from GetConsole or a prompt) are
registered so they are removed wherever they turn up, even unlabelled.

A filter attached to a *logger* only sees records logged on that very logger,
not ones propagated from children, so :func:`install` puts the filter on every
handler of the root logger (and new handlers should get it too).
"""

from __future__ import annotations

import logging
import re
import threading

MASK = "***"
# Short values would match half the log (e.g. a password "a"); such values are
# still caught by the patterns when labelled.
MIN_SECRET_LEN = 4

_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    # Authorization: Bearer abc / 'Authorization': 'Basic abc'
    (re.compile(r"(?i)(authorization['\"]?\s*[:=]\s*['\"]?)(?:(bearer|basic|token)\s+)?[^\s'\",;}]+"),
     r"\1\2 " + MASK),
    (re.compile(r"(?i)\b(bearer)\s+[A-Za-z0-9\-._~+/]+=*"), r"\1 " + MASK),
    # key=value, key: value, "key": "value" for secret-looking keys
    (re.compile(r"(?i)(\b[\w-]*(?:password|passwd|token|secret|api[_-]?key)[\w-]*['\"]?\s*[:=]\s*)"
                r"(['\"]?)(?!\*\*\*)[^\s'\"&,;})]+"),
     r"\1\2" + MASK),
    # user:password@host in URLs
    (re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://[^/\s:@]+:)[^@\s/]+@"), r"\1" + MASK + "@"),
]


class SecretScrubber(logging.Filter):
    """Rewrites each record's message (and traceback text) with secrets masked."""

    def __init__(self) -> None:
        super().__init__()
        self._secrets: set[str] = set()
        self._lock = threading.Lock()

    def register(self, value: str | None) -> None:
        """Remember an exact secret value to remove wherever it appears."""
        if value and len(value) >= MIN_SECRET_LEN:
            with self._lock:
                self._secrets.add(value)

    def forget(self, value: str | None) -> None:
        with self._lock:
            self._secrets.discard(value or "")

    def scrub(self, text: str) -> str:
        with self._lock:
            values = sorted(self._secrets, key=len, reverse=True)
        for v in values:
            if v in text:
                text = text.replace(v, MASK)
        for pattern, repl in _PATTERNS:
            text = pattern.sub(repl, text)
        return text

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


_scrubber = SecretScrubber()


def scrubber() -> SecretScrubber:
    """The process-wide scrubber the app installs."""
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
