"""Process vitals for soak tests and support: RSS, reference counts, updates, paints.

Off unless ``QVMRC_VITALS=FILE`` is set; then one JSON line a second is appended
to FILE. A toolkit that drops references to None (PySide6 6.12.0) shows as a
steadily falling ``refs.None`` long before the process aborts, so a soak test
can measure the drift instead of waiting for the crash.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer


def rss_kb() -> int:
    """Resident set size in KiB (Linux /proc; 0 where unavailable)."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * (os.sysconf("SC_PAGE_SIZE") // 1024)
    except (OSError, ValueError, IndexError):
        return 0


class Vitals(QObject):
    """Writes a sample every ``interval_ms``; ``counters`` supplies app figures (updates, paints)."""

    def __init__(self, path: str, counters: Callable[[], dict[str, int]],
                 interval_ms: int = 1000, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._path = path
        self._counters = counters
        self._start = time.monotonic()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.sample)
        self._timer.start(interval_ms)

    def sample(self) -> None:
        line = {"t": round(time.monotonic() - self._start, 3), "rss_kb": rss_kb(),
                "refs": {"None": sys.getrefcount(None), "True": sys.getrefcount(True),
                         "False": sys.getrefcount(False)},
                **self._counters()}
        try:
            with open(self._path, "a") as f:
                f.write(json.dumps(line) + "\n")
        except OSError:
            self._timer.stop()


def install(window: object) -> Vitals | None:
    path = os.environ.get("QVMRC_VITALS")
    if not path:
        return None

    def counters() -> dict[str, int]:
        updates = paints = 0
        for tab in getattr(window, "tabs_by_key", {}).values():
            stats = getattr(getattr(tab, "session", None), "stats", None)
            updates += getattr(stats, "updates", 0)
            paints += getattr(getattr(tab, "view", None), "paints", 0)
        return {"updates": updates, "paints": paints}

    return Vitals(path, counters, parent=window if isinstance(window, QObject) else None)
