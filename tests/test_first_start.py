"""First GUI start: "Open qvmrc:// links from the web UI with QVMRC?" is asked once and remembered."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("PySide6")

from PySide6.QtWidgets import QLabel, QPushButton  # noqa: E402

from qvmrc import handlers  # noqa: E402
from qvmrc.settings import SettingsStore  # noqa: E402
from qvmrc.ui.main_window import MainWindow  # noqa: E402
from qvmrc.ui.startup import HANDLER_QUESTION, Startup  # noqa: E402
from tests.support.uiloop import run, until  # noqa: E402


def _start(qtbot, tmp_path: Path) -> tuple[MainWindow, Startup, SettingsStore]:
    store = SettingsStore(tmp_path)
    settings = store.load()
    window = MainWindow(settings, store, None, auto_refresh=False)
    qtbot.addWidget(window)
    return window, Startup(window, settings, store, None), store


def _button(window: MainWindow, name: str) -> QPushButton:
    button = window.findChild(QPushButton, name)
    assert button is not None
    return button


def test_not_now_is_remembered_and_nothing_is_registered(qtbot, loop, tmp_path, monkeypatch):
    registered: list[bool] = []
    monkeypatch.setattr(handlers, "is_registered", lambda: False)
    monkeypatch.setattr(handlers, "register", lambda argv=None: registered.append(True) or [])
    window, boot, store = _start(qtbot, tmp_path)
    run(loop, boot.maybe_ask_handler())
    assert boot.banner is not None and HANDLER_QUESTION in boot.banner.findChildren(QLabel)[0].text()
    _button(window, "handlerNo").click()
    run(loop, until(lambda: store.load().link_handler_asked))
    assert registered == []

    window2, boot2, _ = _start(qtbot, tmp_path)  # the next start does not ask again
    run(loop, boot2.maybe_ask_handler())
    assert boot2.banner is None


def test_yes_registers_the_handler_and_is_remembered(qtbot, loop, tmp_path, monkeypatch):
    registered: list[bool] = []
    monkeypatch.setattr(handlers, "is_registered", lambda: False)
    monkeypatch.setattr(handlers, "register", lambda argv=None: registered.append(True) or ["done"])
    window, boot, store = _start(qtbot, tmp_path)
    run(loop, boot.maybe_ask_handler())
    _button(window, "handlerYes").click()
    run(loop, until(lambda: bool(registered)))
    assert store.load().link_handler_asked is True
    assert boot.banner is None


@pytest.mark.parametrize("state", [True, None])  # already registered / the OS decides (macOS)
def test_no_question_when_links_already_open_qvmrc(qtbot, loop, tmp_path, monkeypatch, state):
    monkeypatch.setattr(handlers, "is_registered", lambda: state)
    _window, boot, store = _start(qtbot, tmp_path)
    run(loop, boot.maybe_ask_handler())
    assert boot.banner is None
    assert store.load().link_handler_asked is False  # never asked, so nothing to remember
