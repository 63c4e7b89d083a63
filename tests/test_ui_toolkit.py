"""A known-bad toolkit release is named at start, with the fix, instead of crashing later."""

from __future__ import annotations

import logging

import pytest

pytest.importorskip("PySide6")
pytest.importorskip("qasync")

from qvmrc.ui.toolkit import toolkit_problem  # noqa: E402


def test_pyside_6_12_0_is_named_with_the_fix():
    problem = toolkit_problem("6.12.0")
    assert problem is not None
    assert "6.12.0" in problem and "PySide6-Essentials" in problem and "<6.12" in problem
    assert "\n" not in problem


def test_supported_versions_raise_no_problem():
    assert toolkit_problem("6.11.3") is None
    assert toolkit_problem("6.10.3") is None


def test_app_start_logs_the_problem_and_shows_it_in_the_status_bar(qapp, monkeypatch, tmp_path,
                                                                   caplog, capsys):
    import asyncio

    import PySide6
    from PySide6.QtWidgets import QMainWindow

    from qvmrc.ui import app as app_mod
    from qvmrc.ui.main_window import MainWindow

    monkeypatch.setattr(PySide6, "__version__", "6.12.0")
    monkeypatch.setenv("QVMRC_CONFIG_DIR", str(tmp_path))
    seen: list[str] = []

    def look_and_close() -> None:
        for w in qapp.topLevelWidgets():
            if isinstance(w, QMainWindow) and w.isVisible():
                seen.append(w.statusBar().currentMessage())
                w.close()

    shown = MainWindow.show

    def show_then_look(window: MainWindow) -> None:
        shown(window)
        asyncio.get_event_loop().call_later(0.2, look_and_close)

    monkeypatch.setattr(MainWindow, "show", show_then_look)
    with caplog.at_level(logging.ERROR):
        assert app_mod.run_app() == 0
    assert seen and "PySide6 6.12.0 is known to crash QVMRC" in seen[0]
    assert any("6.12.0" in r.getMessage() for r in caplog.records)
    assert "qvmrc: warning: PySide6 6.12.0" in capsys.readouterr().err
