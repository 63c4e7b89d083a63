"""File › Connect to… and File › Recent: options, history without secrets, TLS choices for real."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

pytest.importorskip("PySide6")
pytest.importorskip("qasync")

from qvmrc.controlplane.console import console_ws_url  # noqa: E402
from qvmrc.controlplane.devserver import DevServer  # noqa: E402
from qvmrc.errors import InvalidTarget  # noqa: E402
from qvmrc.settings import RecentTarget, Settings, SettingsStore  # noqa: E402
from qvmrc.transport.websocket import WebSocketTransport  # noqa: E402
from qvmrc.ui.connect_dialog import ConnectDialog  # noqa: E402
from qvmrc.ui.console_tab import ConsoleTab, ConsoleTarget  # noqa: E402
from qvmrc.ui.main_window import MainWindow  # noqa: E402
from qvmrc.ui.recents import ConnectRequest, normalise_fingerprint, request_resolver  # noqa: E402
from tests.support import servers  # noqa: E402
from tests.support.console_fakes import FakeView  # noqa: E402
from tests.support.uiloop import run, settle, until  # noqa: E402
from tests.test_ui_media import shot  # noqa: E402


async def _never(_target: Any) -> Any:
    await asyncio.Event().wait()


def _window(qtbot: Any, tmp_path: Any, settings: Settings | None = None) -> MainWindow:
    settings = settings or Settings()
    made: list[ConsoleTarget] = []

    def factory(target: ConsoleTarget) -> ConsoleTab:
        made.append(target)
        return ConsoleTab(target, settings, resolver=_never, view=FakeView())

    w = MainWindow(settings, SettingsStore(tmp_path), None, tab_factory=factory, auto_refresh=False)
    w.made = made  # type: ignore[attr-defined]
    qtbot.addWidget(w)
    return w


def test_connect_to_opens_with_password_and_view_only_and_remembers_no_secret(qtbot, loop, tmp_path):
    w = _window(qtbot, tmp_path)

    async def scenario() -> None:
        dlg = w.open_console_dialog()
        dlg.address.setCurrentText("ws://admin:s3cret-pw@127.0.0.1:6080/websockify?token=tok-123")
        dlg.password.setText("vnc-pass-1")
        dlg.view_only.setChecked(True)
        shot(dlg, "connect-dialog.png")
        dlg.connect_button.click()
        await settle()
        assert w.tabs.count() == 1 and not w.pending_links  # typed targets need no confirmation
        tab = w.current_tab()
        assert tab is not None and tab.view.view_only and tab.view_only_action.isChecked()
        assert w.made[0].password == "vnc-pass-1"
        [recent] = w.settings.recent_targets
        assert recent.target == "ws://127.0.0.1:6080/websockify" and recent.view_only
        text = (tmp_path / "settings.json").read_text()
        for secret in ("s3cret-pw", "tok-123", "vnc-pass-1", "admin"):
            assert secret not in text

        # File › Recent reopens it (closed first, so a new console is made).
        w.close_tab(tab)
        await settle()
        w.fill_recent_menu()
        entries = [a for a in w.recent_menu.actions() if not a.isSeparator()]
        assert [a.text() for a in entries] == ["ws://127.0.0.1:6080/websockify  (view only)", "Clear recent"]
        w.recent_menu.adjustSize()
        shot(w.recent_menu, "recent-menu.png")
        file_menu = w.menuBar().actions()[0].menu()
        file_menu.adjustSize()
        shot(file_menu, "file-menu.png")
        entries[0].trigger()
        await settle()
        again = w.current_tab()
        assert again is not None and again is not tab and again.view.view_only
        assert w.made[1].password is None  # never saved, so the console will ask
        await w.close_all()

    run(loop, scenario())


def test_a_link_typed_in_connect_to_still_asks_first(qtbot, loop, tmp_path):
    w = _window(qtbot, tmp_path)
    asked: list[Any] = []

    async def confirmer(*args: Any) -> Any:
        from qvmrc.ui.linktrust import LinkDecision

        asked.append(args)
        return LinkDecision.CANCEL

    w.link_confirmer = confirmer

    async def scenario() -> None:
        tab = w.connect_to(ConnectRequest("qvmrc://connect?url=https%3A%2F%2Fcp.example&vmId=v1&password=pw99"))
        assert tab is None
        await until(lambda: bool(asked) and not w.pending_links)
        assert w.tabs.count() == 0
        assert "pw99" not in w.settings.recent_targets[0].target

        # Said yes to: it opens, view only as asked.
        from qvmrc.ui.linktrust import LinkDecision

        async def yes(*args: Any) -> Any:
            return LinkDecision.ONCE

        w.link_confirmer = yes
        w.connect_to(ConnectRequest("qvmrc://connect?url=https%3A%2F%2Fcp.example&vmId=v1", view_only=True))
        await until(lambda: w.tabs.count() == 1 and not w.pending_links)
        await settle()
        tab = w.current_tab()
        assert tab is not None and tab.view.view_only
        await w.close_all()

    run(loop, scenario())


def test_the_dialog_says_what_is_wrong_in_a_sentence(qtbot, tmp_path):
    s = Settings(recent_targets=[RecentTarget("wss://10.0.0.5:8443/ws", "lab", True, "", "AB" * 32)])
    dlg = ConnectDialog(s)
    qtbot.addWidget(dlg)
    dlg.address.setCurrentText("ftp://x")
    dlg.connect_button.click()
    assert dlg.result() == 0 and "unsupported" in dlg.message.text()
    dlg.address.setCurrentIndex(0)  # the recent entry brings its options back
    assert dlg.view_only.isChecked() and dlg.tls_pin.isChecked() and dlg.tls.isEnabled()
    dlg.fingerprint.setText("12:34")
    dlg.connect_button.click()
    assert "is not a SHA-256 fingerprint" in dlg.message.text()
    dlg.tls_ca.setChecked(True)
    dlg.ca_file.setText(str(tmp_path / "missing.pem"))
    dlg.connect_button.click()
    assert "does not exist" in dlg.message.text()
    shot(dlg, "connect-dialog-tls-error.png")
    dlg.address.setCurrentText("vnc://127.0.0.1:5901")
    assert not dlg.tls.isEnabled()


def test_recent_targets_in_the_file_are_checked_and_redacted(tmp_path):
    store = SettingsStore(tmp_path)
    (tmp_path / "settings.json").write_text(json.dumps({"recent_targets": [
        {"target": "wss://u:pw@h:1/x?token=t", "view_only": True}]}))
    [r] = store.load().recent_targets
    assert r.target == "wss://h:1/x" and r.view_only
    (tmp_path / "settings.json").write_text(json.dumps({"recent_targets": [{"title": 3}]}))
    assert store.load().recent_targets == [] and "recent_targets" in (store.warning or "")


def test_wss_by_fingerprint_or_ca_file_against_a_self_signed_server(loop, tmp_path):
    cert, key = servers.self_signed_cert(tmp_path)

    async def scenario() -> None:
        async with DevServer(demo=True, tls_cert=str(cert), tls_key=str(key)) as srv:
            url = console_ws_url(srv.base_url, "demo")
            target = ConsoleTarget(key=url, title="demo", target=url)
            from qvmrc.controlplane.client import fetch_server_certificate

            real = (await fetch_server_certificate(url)).sha256
            for req in (ConnectRequest(url, fingerprint=real.replace(":", "").lower()),
                        ConnectRequest(url, ca_file=str(cert))):
                endpoint = await request_resolver(req)(target)
                ws = await WebSocketTransport.open(endpoint.url, ssl=endpoint.ssl_context)
                try:
                    assert (await ws.recv()).startswith(b"RFB 003.00")
                finally:
                    await ws.close()
            with pytest.raises(InvalidTarget) as e:
                await request_resolver(ConnectRequest(url, fingerprint="AB" * 32))(target)
            assert real in str(e.value) and normalise_fingerprint("AB" * 32) in str(e.value)

    run(loop, scenario())
