"""Debug panel: log capture, level filter, search, pause, secrets scrubbed, diagnostics, stats."""

from __future__ import annotations

import logging
import time

import pytest

pytest.importorskip("PySide6")

from qvmrc import __version__  # noqa: E402
from qvmrc.session import SessionStats  # noqa: E402
from qvmrc.settings import ControlPlane, SavedVM, Settings  # noqa: E402
from qvmrc.ui.debug_panel import STAT_LABELS, ConsoleStatsSource, DebugPanel, QtLogHandler  # noqa: E402
from qvmrc.ui.logscrub import SecretScrubber  # noqa: E402

TOKEN = "tok-9f8e7d6c5b4a"
PASSWORD = "vnc-pa55word"


@pytest.fixture
def setup(qtbot):
    scrub = SecretScrubber()
    scrub.register(TOKEN)
    scrub.register(PASSWORD)
    handler = QtLogHandler(scrub=scrub)
    logger = logging.getLogger("qvmrc.test.debugpanel")
    logger.setLevel(logging.DEBUG)
    logger.addHandler(handler)
    stats = SessionStats(server_name="demo VM", rfb_version="3.8", security_type="VNC",
                         pixel_format="32 bpp depth 24 LE", transport="tcp 127.0.0.1:5900",
                         updates=10, rects=25, bytes_received=123456,
                         encodings={"zrle": 20, "raw": 5}, last_decode_ms=1.25, total_decode_s=0.02,
                         last_update_latency_ms=4.5, connected_at=time.monotonic() - 5, live=True)
    now = time.monotonic()
    for i in range(4):
        stats.note_update(now - 0.1 * i, 1000)
    source = ConsoleStatsSource(title="web01", stats=stats, state="connected")
    settings = Settings(control_planes=[ControlPlane(url=f"https://u:{TOKEN}@cp.example",
                                                     vms=[SavedVM("vm-1")])])
    panel = DebugPanel(handler, consoles=lambda: [source], current=lambda: source,
                       settings=settings.redacted)
    qtbot.addWidget(panel)
    yield panel, logger, handler
    logger.removeHandler(handler)


def _flush(qtbot):
    qtbot.wait(1)  # deliver the queued log signals (no timing assumptions)


def test_log_lines_appear_with_level_filter_and_search(qtbot, setup):
    panel, logger, _ = setup
    logger.debug("decoder detail")
    logger.info("session connected to web01")
    logger.warning("clipboard too large")
    _flush(qtbot)
    text = panel.visible_log()
    assert "session connected" in text and "clipboard too large" in text
    assert "decoder detail" not in text  # default level is Info
    panel.set_level(logging.DEBUG)
    assert "decoder detail" in panel.visible_log()
    panel.set_level(logging.WARNING)
    assert "session connected" not in panel.visible_log() and "clipboard too large" in panel.visible_log()
    panel.set_level(logging.DEBUG)
    panel.search_box.setText("WEB01")
    assert panel.visible_log().strip().endswith("session connected to web01")
    assert "clipboard" not in panel.visible_log()


def test_pause_freezes_the_view_and_resume_catches_up(qtbot, setup):
    panel, logger, _ = setup
    logger.info("before pause")
    _flush(qtbot)
    panel.pause_box.setChecked(True)
    logger.info("while paused")
    _flush(qtbot)
    assert "while paused" not in panel.visible_log()
    panel.pause_box.setChecked(False)
    assert "while paused" in panel.visible_log()


def test_copy_puts_the_shown_lines_on_the_clipboard(qtbot, qapp, setup):
    panel, logger, _ = setup
    logger.info("line for the clipboard")
    _flush(qtbot)
    panel.copy_log()
    assert "line for the clipboard" in qapp.clipboard().text()


def test_secrets_are_scrubbed_from_the_log(qtbot, setup):
    panel, logger, handler = setup
    logger.info("request headers {'Authorization': 'Bearer %s'}", TOKEN)
    logger.info("GetConsole gave password=%s", PASSWORD)
    logger.info("the user typed %s into the prompt", PASSWORD)
    logger.info("token: abc-unknown-token-value")
    try:
        raise ValueError(f"failed with {TOKEN}")
    except ValueError:
        logger.exception("with a traceback")
    _flush(qtbot)
    everything = panel.visible_log() + "\n".join(t for _, t in handler.lines)
    assert TOKEN not in everything and PASSWORD not in everything
    assert "abc-unknown-token-value" not in everything
    assert "Bearer ***" in everything and "password=***" in everything


def test_diagnostics_have_versions_stats_and_no_secrets(qtbot, setup):
    panel, logger, _ = setup
    logger.info("using token %s and password %s", TOKEN, PASSWORD)
    _flush(qtbot)
    diag = panel.diagnostics()
    assert f"QVMRC: {__version__}" in diag
    assert "Python: 3." in diag and "Qt: Qt 6" in diag and "OS: " in diag
    assert "demo VM" in diag and "zrle 20" in diag and "RFB version: 3.8" in diag
    assert "cp.example" in diag
    assert TOKEN not in diag and PASSWORD not in diag
    assert "using token" in diag  # the log line is there, scrubbed


def test_statistics_show_the_current_console(qtbot, setup):
    panel, _, _ = setup
    panel.refresh_stats()
    assert panel.stat_text("Server name") == "demo VM"
    assert panel.stat_text("Security type") == "VNC"
    assert panel.stat_text("Encodings in use") == "zrle 20, raw 5"
    assert panel.stat_text("Update latency").startswith("4.5 ms")
    assert panel.stat_text("Decode time per update").startswith("1.25 ms")
    assert float(panel.stat_text("Frames per second")) > 0
    assert "B/s" in panel.stat_text("Bytes per second")


def test_the_app_filter_on_root_handlers_scrubs_propagated_records():
    import io

    from qvmrc.ui import logscrub

    stream = io.StringIO()
    h = logging.StreamHandler(stream)
    root = logging.getLogger()
    root.addHandler(h)
    try:
        logscrub.install(root)
        logscrub.register_secret("another-s3cret")
        logging.getLogger("qvmrc.deep.child").warning("Authorization: Bearer another-s3cret")
    finally:
        root.removeHandler(h)
        root.removeFilter(logscrub.scrubber())
    assert "another-s3cret" not in stream.getvalue()


def test_a_console_without_a_live_session_shows_dashes_not_the_last_numbers(qtbot, setup):
    panel, _, _ = setup
    panel.refresh_stats()
    assert panel.stat_text("Server name") == "demo VM"
    panel._current().stats.live = False  # the session ended: retrying, failed, closed
    panel.refresh_stats()
    assert {panel.stat_text(k) for k in STAT_LABELS} == {"-"}
    panel._current = lambda: ConsoleStatsSource(title="web02", stats=None, state="connecting")
    panel.refresh_stats()
    assert {panel.stat_text(k) for k in STAT_LABELS} == {"-"}


def test_no_console_at_all_clears_every_number(qtbot, setup):
    panel, _, _ = setup
    panel.refresh_stats()
    panel._current = lambda: None
    panel.refresh_stats()
    assert panel.stats_title.text() == "No console open"
    assert {panel.stat_text(k) for k in STAT_LABELS} == {"-"}


def test_input_latency_is_shown_once_input_was_written(qtbot, setup):
    panel, _, _ = setup
    stats = panel._current().stats
    panel.refresh_stats()
    assert panel.stat_text("Input latency") == "-"
    stats.input_queued(100.0)
    stats.input_queued(100.001)  # coalesced with the first: timed from the oldest
    stats.input_written(100.002)
    panel.refresh_stats()
    assert panel.stat_text("Input latency").startswith("2.00 ms (max 2.00 ms")


def test_the_log_wraps_long_lines_instead_of_scrolling_sideways(qtbot, setup):
    panel, logger, _ = setup
    panel.resize(400, 300)
    panel.show()
    logger.info("x" * 2000)
    _flush(qtbot)
    view = panel.log_view
    assert view.lineWrapMode() == view.LineWrapMode.WidgetWidth
    assert view.horizontalScrollBar().maximum() == 0
