"""The support panel: live log, per-console statistics, diagnostics, session recording.

Support staff ask users for "the diagnostics" and an FBS recording; both must be
one click away and safe to paste into a ticket. Every log line passes the
secret scrubber before it is stored, and the diagnostics carry settings with
secrets removed.
"""

from __future__ import annotations

import collections
import logging
import platform
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QTextOption
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDockWidget,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from qvmrc import __version__
from qvmrc.i18n import QT_TRANSLATE_NOOP
from qvmrc.session import SessionStats
from qvmrc.ui.logscrub import SecretScrubber, scrubber

LEVELS = ((QT_TRANSLATE_NOOP("DebugPanel", "Debug"), logging.DEBUG),
          (QT_TRANSLATE_NOOP("DebugPanel", "Info"), logging.INFO),
          (QT_TRANSLATE_NOOP("DebugPanel", "Warning"), logging.WARNING),
          (QT_TRANSLATE_NOOP("DebugPanel", "Error"), logging.ERROR))
MAX_LINES = 5000
DIAGNOSTIC_LOG_LINES = 200
LOG_FORMAT = "%(asctime)s.%(msecs)03d %(levelname)-7s %(name)s: %(message)s"


# --------------------------------------------------------------- log capture


class _Relay(QObject):
    """Carries records to the GUI thread (logging happens on decode threads too)."""

    line = Signal(int, str)


class QtLogHandler(logging.Handler):
    """Keeps the last lines (already scrubbed and formatted) and announces new ones."""

    def __init__(self, capacity: int = MAX_LINES, scrub: SecretScrubber | None = None) -> None:
        super().__init__(logging.DEBUG)
        self.lines: collections.deque[tuple[int, str]] = collections.deque(maxlen=capacity)
        self.relay = _Relay()
        self.addFilter(scrub or scrubber())
        self.setFormatter(logging.Formatter(LOG_FORMAT, "%H:%M:%S"))

    def emit(self, record: logging.LogRecord) -> None:
        try:
            text = self.format(record)
        except Exception:
            self.handleError(record)
            return
        self.lines.append((record.levelno, text))
        try:
            self.relay.line.emit(record.levelno, text)
        except RuntimeError:  # the relay's C++ side is gone at shutdown
            pass

    def tail(self, n: int = DIAGNOSTIC_LOG_LINES) -> list[str]:
        return [t for _, t in list(self.lines)[-n:]]


# ---------------------------------------------------------------- statistics


@dataclass
class ConsoleStatsSource:
    """What the panel shows for one console: a title, its stats, and whether it records."""

    title: str
    stats: SessionStats | None
    recording: bool = False
    state: str = ""


def _rate(n: float) -> str:
    for unit in ("B/s", "KiB/s", "MiB/s"):
        if n < 1024 or unit == "MiB/s":
            return f"{n:.0f} {unit}" if unit == "B/s" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} MiB/s"  # pragma: no cover


def _size(n: int) -> str:
    if n < 1024:
        return f"{n} B"
    if n < 1024 * 1024:
        return f"{n / 1024:.1f} KiB"
    return f"{n / 1024 / 1024:.1f} MiB"


# English keys (the diagnostics stay English for support); the panel shows them translated.
STAT_LABELS = (
    QT_TRANSLATE_NOOP("DebugPanel", "Server name"), QT_TRANSLATE_NOOP("DebugPanel", "RFB version"),
    QT_TRANSLATE_NOOP("DebugPanel", "Security type"), QT_TRANSLATE_NOOP("DebugPanel", "Pixel format"),
    QT_TRANSLATE_NOOP("DebugPanel", "Transport"), QT_TRANSLATE_NOOP("DebugPanel", "Encodings in use"),
    QT_TRANSLATE_NOOP("DebugPanel", "Frames per second"), QT_TRANSLATE_NOOP("DebugPanel", "Update latency"),
    QT_TRANSLATE_NOOP("DebugPanel", "Input latency"), QT_TRANSLATE_NOOP("DebugPanel", "Bytes per second"),
    QT_TRANSLATE_NOOP("DebugPanel", "Decode time per update"),
    QT_TRANSLATE_NOOP("DebugPanel", "Updates / rectangles"), QT_TRANSLATE_NOOP("DebugPanel", "Received"),
    QT_TRANSLATE_NOOP("DebugPanel", "Connected for"),
)


def stats_rows(stats: SessionStats | None, now: float | None = None) -> list[tuple[str, str]]:
    """Label/value pairs, the same in the panel and in the diagnostics.

    A console without a live session (connecting, retrying, failed) shows
    dashes: the last session's numbers would read as current.
    """
    if stats is None or not stats.live:
        return [(label, "-") for label in STAT_LABELS]
    fps, bps = stats.rates(now)
    encodings = ", ".join(f"{k} {v}" for k, v in sorted(stats.encodings.items(), key=lambda kv: -kv[1]))
    uptime = ""
    if stats.connected_at:
        secs = int((now if now is not None else time.monotonic()) - stats.connected_at)
        uptime = f"{secs // 3600}:{secs // 60 % 60:02d}:{secs % 60:02d}"
    return [
        ("Server name", stats.server_name or "-"),
        ("RFB version", stats.rfb_version or "-"),
        ("Security type", stats.security_type or "-"),
        ("Pixel format", stats.pixel_format or "-"),
        ("Transport", stats.transport or "-"),
        ("Encodings in use", encodings or "-"),
        ("Frames per second", f"{fps:.1f}"),
        ("Update latency", f"{stats.last_update_latency_ms:.1f} ms (request → complete update)"),
        ("Input latency", (f"{stats.last_input_latency_ms:.2f} ms (max {stats.max_input_latency_ms:.2f} ms, "
                           "event → transport write)") if stats.inputs_written else "-"),
        ("Bytes per second", _rate(bps)),
        ("Decode time per update", f"{stats.last_decode_ms:.2f} ms (mean {stats.mean_decode_ms:.2f} ms)"),
        ("Updates / rectangles", f"{stats.updates} / {stats.rects}"),
        ("Received", _size(stats.bytes_received)),
        ("Connected for", uptime or "-"),
    ]


def versions() -> list[tuple[str, str]]:
    try:
        import PySide6
        from PySide6 import QtCore

        qt = f"Qt {QtCore.qVersion()}, PySide6 {PySide6.__version__}"
    except Exception:  # pragma: no cover - Qt is imported above anyway
        qt = "unknown"
    try:
        import qasync

        qa = getattr(qasync, "__version__", "?")
    except Exception:  # pragma: no cover
        qa = "missing"
    import numpy

    return [
        ("QVMRC", __version__),
        ("Python", f"{platform.python_version()} ({platform.python_implementation()}, {sys.executable})"),
        ("Qt", qt),
        ("qasync", str(qa)),
        ("numpy", numpy.__version__),
        ("OS", f"{platform.platform()} ({platform.machine()})"),
        ("Qt platform", QGuiApplication.platformName() if QGuiApplication.instance() else "-"),
        *_folders(),
    ]


def _folders() -> list[tuple[str, str]]:
    """Where support finds the whole log (the panel keeps only the last lines) and the settings."""
    from qvmrc import logfile
    from qvmrc.paths import config_dir, log_file

    return [("Log file", str(logfile.current() or f"{log_file()} (not written by this process)")),
            ("Config folder", str(config_dir()))]


def build_diagnostics(settings: dict[str, Any] | None, consoles: Sequence[ConsoleStatsSource],
                      log_lines: Iterable[str], scrub: SecretScrubber | None = None) -> str:
    """Plain text for a support ticket; passed through the scrubber as a last guard."""
    import json

    out = ["QVMRC diagnostics", f"generated {time.strftime('%Y-%m-%d %H:%M:%S %z')}", "", "## Versions"]
    out += [f"{k}: {v}" for k, v in versions()]
    out += ["", "## Settings (secrets removed)"]
    out.append(json.dumps(settings or {}, indent=2, sort_keys=True))
    out += ["", f"## Consoles ({len(consoles)})"]
    for c in consoles:
        out.append(f"### {c.title}" + (f" [{c.state}]" if c.state else "") + (" (recording)" if c.recording else ""))
        out += [f"{k}: {v}" for k, v in stats_rows(c.stats)]
    out += ["", "## Last log lines"]
    out += list(log_lines)
    return (scrub or scrubber()).scrub("\n".join(out) + "\n")


# --------------------------------------------------------------------- panel


class DebugPanel(QDockWidget):
    """Dockable; hidden by default. The owner provides the console list and actions."""

    recordToggled = Signal(bool)

    def __init__(self, handler: QtLogHandler, parent: QWidget | None = None, *,
                 consoles: Callable[[], list[ConsoleStatsSource]] | None = None,
                 current: Callable[[], ConsoleStatsSource | None] | None = None,
                 settings: Callable[[], dict[str, Any]] | None = None) -> None:
        super().__init__(QCoreApplication.translate("DebugPanel", "Debug"), parent)
        self.setObjectName("debugPanel")
        self.handler = handler
        self._consoles = consoles or (lambda: [])
        self._current = current or (lambda: None)
        self._settings = settings or (lambda: {})
        self._level = logging.INFO
        self._search = ""

        tabs = QTabWidget()
        tabs.addTab(self._build_log(), self.tr("Log"))
        tabs.addTab(self._build_stats(), self.tr("Statistics"))
        tabs.tabBar().setAccessibleName(self.tr("Debug panel pages"))
        self.tabs = tabs
        self.setWidget(tabs)

        handler.relay.line.connect(self._on_line, Qt.ConnectionType.QueuedConnection)
        self.visibilityChanged.connect(
            lambda on: logging.getLogger(__name__).debug("debug panel %s", "shown" if on else "hidden"))
        self.timer = QTimer(self)
        self.timer.setInterval(1000)
        self.timer.timeout.connect(self.refresh_stats)
        self.timer.start()
        self._rebuild()
        self.refresh_stats()

    # -- log tab ----------------------------------------------------------------

    def _build_log(self) -> QWidget:
        w = QWidget()
        lay = QVBoxLayout(w)
        lay.setContentsMargins(4, 4, 4, 4)
        bar = QHBoxLayout()
        self.level_box = QComboBox()
        for name, level in LEVELS:
            self.level_box.addItem(self.tr(name), level)
        self.level_box.setCurrentIndex(1)
        self.level_box.setAccessibleName(self.tr("Lowest log level shown"))
        self.level_box.currentIndexChanged.connect(lambda _: self.set_level(self.level_box.currentData()))
        self.search_box = QLineEdit()
        self.search_box.setPlaceholderText(self.tr("Search log"))
        self.search_box.setAccessibleName(self.tr("Search log"))
        self.search_box.setClearButtonEnabled(True)
        self.search_box.textChanged.connect(self.set_search)
        self.pause_box = QCheckBox(self.tr("Pause"))
        self.pause_box.setAccessibleName(self.tr("Pause the log"))
        self.pause_box.toggled.connect(lambda on: None if on else self._rebuild())
        copy = QPushButton(self.tr("Copy"))
        copy.setAccessibleName(self.tr("Copy the log lines shown"))
        copy.setToolTip(self.tr("Copy the lines shown"))
        copy.clicked.connect(self.copy_log)
        clear = QPushButton(self.tr("Clear"))
        clear.setAccessibleName(self.tr("Clear the log"))
        clear.clicked.connect(self.clear_log)
        bar.addWidget(QLabel(self.tr("Level")))
        bar.addWidget(self.level_box)
        bar.addWidget(self.search_box, 1)
        bar.addWidget(self.pause_box)
        bar.addWidget(copy)
        bar.addWidget(clear)
        lay.addLayout(bar)
        self.log_view = QPlainTextEdit()
        self.log_view.setReadOnly(True)
        self.log_view.setAccessibleName(self.tr("Log lines"))
        self.log_view.setMaximumBlockCount(MAX_LINES)
        # Wrapped: a long line never hides the start of the lines around it.
        self.log_view.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.log_view.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.log_view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        font = self.log_view.font()
        font.setFamily("monospace")
        font.setStyleHint(font.StyleHint.Monospace)
        self.log_view.setFont(font)
        lay.addWidget(self.log_view, 1)
        return w

    def _accepts(self, level: int, text: str) -> bool:
        return level >= self._level and (not self._search or self._search in text.lower())

    def set_level(self, level: int) -> None:
        self._level = int(level)
        idx = self.level_box.findData(self._level)
        if idx >= 0 and idx != self.level_box.currentIndex():
            self.level_box.setCurrentIndex(idx)
        self._rebuild()

    def set_search(self, text: str) -> None:
        self._search = text.strip().lower()
        self._rebuild()

    @property
    def paused(self) -> bool:
        return self.pause_box.isChecked()

    def _on_line(self, level: int, text: str) -> None:
        if not self.paused and self._accepts(level, text):
            self.log_view.appendPlainText(text)

    def _rebuild(self) -> None:
        lines = [t for lv, t in list(self.handler.lines) if self._accepts(lv, t)]
        self.log_view.setPlainText("\n".join(lines[-MAX_LINES:]))
        self.log_view.verticalScrollBar().setValue(self.log_view.verticalScrollBar().maximum())

    def visible_log(self) -> str:
        return self.log_view.toPlainText()

    def copy_log(self) -> None:
        QGuiApplication.clipboard().setText(self.visible_log())

    def clear_log(self) -> None:
        self.handler.lines.clear()
        self.log_view.clear()

    # -- statistics tab -----------------------------------------------------------

    def _build_stats(self) -> QWidget:
        w = QWidget()
        lay = QVBoxLayout(w)
        lay.setContentsMargins(6, 6, 6, 6)
        self.stats_title = QLabel(self.tr("No console"))
        font = self.stats_title.font()
        font.setBold(True)
        self.stats_title.setFont(font)
        lay.addWidget(self.stats_title)
        self.form = QFormLayout()
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.value_labels: dict[str, QLabel] = {}
        for label in STAT_LABELS:
            v = QLabel("-")
            v.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            v.setWordWrap(True)
            self.value_labels[label] = v
            self.form.addRow(self.tr("{0}:").format(self.tr(label)), v)
        lay.addLayout(self.form)
        lay.addStretch(1)
        buttons = QHBoxLayout()
        self.diag_button = QPushButton(self.tr("Copy diagnostics"))
        self.diag_button.setAccessibleName(self.tr("Copy diagnostics"))
        self.diag_button.setToolTip(self.tr("Versions, settings (no secrets), statistics and recent log lines"))
        self.diag_button.clicked.connect(self.copy_diagnostics)
        self.record_button = QPushButton(self.tr("Record session…"))
        self.record_button.setAccessibleName(self.tr("Record session"))
        self.record_button.setCheckable(True)
        self.record_button.setToolTip(self.tr("Save everything the server sends to an FBS file for a bug report "
                                              "(the console reconnects so the recording starts at the handshake)"))
        self.record_button.clicked.connect(lambda on: self.recordToggled.emit(bool(on)))
        buttons.addWidget(self.diag_button)
        buttons.addWidget(self.record_button)
        buttons.addStretch(1)
        lay.addLayout(buttons)
        return w

    def refresh_stats(self) -> None:
        src = self._current()
        if src is None:
            self.stats_title.setText(self.tr("No console open"))
            rows = stats_rows(None)
            self.record_button.setEnabled(False)
            self.record_button.setChecked(False)
        else:
            self.stats_title.setText(src.title + (f" — {src.state}" if src.state else ""))
            rows = stats_rows(src.stats)
            self.record_button.setEnabled(True)
            self.record_button.setChecked(src.recording)
            self.record_button.setText(self.tr("Stop recording") if src.recording else self.tr("Record session…"))
        for k, v in rows:
            if k in self.value_labels:
                self.value_labels[k].setText(v)

    def stat_text(self, label: str) -> str:
        return self.value_labels[label].text()

    def diagnostics(self) -> str:
        return build_diagnostics(self._settings(), self._consoles(), self.handler.tail())

    def copy_diagnostics(self) -> None:
        QGuiApplication.clipboard().setText(self.diagnostics())
        logging.getLogger(__name__).info("diagnostics copied to the clipboard")
