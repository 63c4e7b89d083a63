"""The VeNCrypt settings reach a console from the GUI: saved, edited, passed to the session."""

from __future__ import annotations

import pytest

pytest.importorskip("PySide6")
pytest.importorskip("qasync")

from qvmrc.errors import ServerCertificateError  # noqa: E402
from qvmrc.settings import Settings, settings_from_json  # noqa: E402
from qvmrc.ui.settings_dialog import SettingsDialog  # noqa: E402
from tests.support.fake_session import FakeSession  # noqa: E402
from tests.support.uiloop import FakeClock, close_loop, make_loop, run, until  # noqa: E402
from tests.test_ui_reconnect import _tab  # noqa: E402


@pytest.fixture
def loop(qapp):
    lp = make_loop(qapp)
    FakeSession.made.clear()
    yield lp
    close_loop(lp)


def test_vnc_ca_file_and_username_survive_a_save_and_bad_values_are_reset():
    s, reset = settings_from_json({"vnc_ca_file": "/etc/pki/vnc-ca.pem", "vnc_username": "ops"})
    assert (s.vnc_ca_file, s.vnc_username, reset) == ("/etc/pki/vnc-ca.pem", "ops", [])
    s, reset = settings_from_json({"vnc_ca_file": 5, "vnc_username": ["x"]})
    assert (s.vnc_ca_file, s.vnc_username) == ("", "")
    assert sorted(reset) == ["vnc_ca_file", "vnc_username"]


def test_preferences_dialog_edits_the_vnc_ca_file_and_username(qtbot):
    dlg = SettingsDialog(Settings(vnc_ca_file="/old.pem"))
    qtbot.addWidget(dlg)
    assert dlg.vnc_ca.text() == "/old.pem"
    dlg.vnc_ca.setText("  /new/ca.pem ")
    dlg.vnc_user.setText("alice")
    out = dlg.result_settings()
    assert (out.vnc_ca_file, out.vnc_username) == ("/new/ca.pem", "alice")


def test_console_tab_hands_the_vnc_ca_file_and_username_to_its_session(qtbot, loop):
    clock = FakeClock()
    tab = _tab(clock, settings=Settings(vnc_ca_file="/ca.pem", vnc_username="alice"))
    qtbot.addWidget(tab)

    async def scenario() -> None:
        tab.start()
        await until(lambda: len(FakeSession.made) == 1)
        opts = FakeSession.made[0].options
        assert (opts.vnc_ca_file, opts.username) == ("/ca.pem", "alice")
        await tab.close_console()

    run(loop, scenario())


def test_untrusted_vnc_certificate_stops_instead_of_retrying(qtbot, loop):
    clock = FakeClock()
    tab = _tab(clock)
    qtbot.addWidget(tab)

    async def scenario() -> None:
        tab.start()
        await until(lambda: len(FakeSession.made) == 1)
        FakeSession.made[0].steps.put_nowait(ServerCertificateError("the VNC server's certificate is not trusted"))
        await until(lambda: "Cannot open this console" in tab.overlay_text())
        assert "certificate is not trusted" in tab.overlay_text()
        assert clock.waiting == 0  # no reconnect countdown
        assert len(FakeSession.made) == 1
        await tab.close_console()

    run(loop, scenario())
