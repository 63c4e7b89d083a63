"""Each overlay state of a console tab, as the ConsoleModel drives it.

A scripted session and resolver replace the network (the real thing is in
test_e2e_controlplane.py). With QVMRC_SHOT_DIR set, each state is also saved
as a PNG of the tab rendered offscreen (for reviews; not in the repo).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("PySide6")
pytest.importorskip("qasync")

from qvmrc.console import Phase  # noqa: E402
from qvmrc.controlplane.client import VM  # noqa: E402
from qvmrc.errors import ConnectionClosed, ConsoleUnavailable, UntrustedCertificate  # noqa: E402
from qvmrc.settings import ControlPlane, Settings  # noqa: E402
from qvmrc.ui.console_tab import ConsoleTab, ConsoleTarget  # noqa: E402
from tests.support.console_fakes import Endpoint, FakeView  # noqa: E402
from tests.support.fake_session import FakeSession  # noqa: E402
from tests.support.uiloop import FakeClock, close_loop, make_loop, run, settle, until  # noqa: E402

SHOTS = os.environ.get("QVMRC_SHOT_DIR")


@pytest.fixture
def loop(qapp):
    lp = make_loop(qapp)
    FakeSession.made.clear()
    yield lp
    close_loop(lp)


class FakePower:
    def __init__(self, state: str = "RUNNING") -> None:
        self.calls: list[str] = []
        self.state = state

    async def perform(self, cp: Any, vm_id: str, name: str, key: str) -> VM:
        self.calls.append(key)
        return VM(id=vm_id, name=name, state=self.state)


def _cp_target() -> ConsoleTarget:
    cp = ControlPlane(url="https://cp.test", name="lab")
    return ConsoleTarget(key="cp#vm-1", title="web01", target="qvmrc://connect?url=https://cp.test&vmId=vm-1",
                         cp=cp, vm_id="vm-1", trusted=True)


def _tab(qtbot: Any, answers: list[Any], *, real_view: bool = False, **kw: Any) -> tuple[ConsoleTab, FakeClock]:
    """A tab whose resolver answers from ``answers`` (an exception is raised; the last one repeats)."""
    clock = FakeClock()

    async def resolve(_target: Any) -> Any:
        a = answers.pop(0) if len(answers) > 1 else answers[0]
        if isinstance(a, BaseException):
            raise a
        return a

    target = kw.pop("target", None) or _cp_target()
    tab = ConsoleTab(target, kw.pop("settings", None) or Settings(), session_factory=FakeSession,
                     resolver=resolve, sleep=clock.sleep, view=None if real_view else FakeView(),
                     delays=lambda: iter([3.0, 6.0, 12.0, 24.0]), **kw)
    qtbot.addWidget(tab)
    tab.resize(900, 560)
    return tab, clock


def _visible(tab: ConsoleTab) -> set[str]:
    return {k for k, b in tab.overlay.buttons.items() if not b.isHidden()}


def _shot(tab: ConsoleTab, name: str) -> None:
    if not SHOTS:
        return
    tab.show()
    tab.overlay.reposition()
    Path(SHOTS).mkdir(parents=True, exist_ok=True)
    assert tab.grab().save(str(Path(SHOTS) / f"{name}.png"))


def test_a_permanent_code_fails_for_good_at_once_with_the_code_shown(qtbot, loop):
    err = ConsoleUnavailable("VM_NOT_ON_NODE", "VM is not on its node", "node n1 does not run VM vm-1")
    tab, clock = _tab(qtbot, [err], real_view=bool(SHOTS))

    async def scenario() -> None:
        tab.start()
        await until(lambda: tab.model.state.phase is Phase.FAILED)
        text = tab.overlay_text()
        assert text.startswith("Cannot open this console")
        assert "Code: VM_NOT_ON_NODE" in text and "node n1 does not run VM vm-1" in text
        assert "Vm not on node" not in text and "administrator" in text
        assert _visible(tab) == {"retry"}
        await settle(50)
        assert clock.waiting == 0 and FakeSession.made == []  # never retried by itself
        _shot(tab, "failed-vm-not-on-node")
        await tab.close_console()

    run(loop, scenario())


def test_a_transient_code_retries_with_the_reason_and_the_next_attempt(qtbot, loop):
    err = ConsoleUnavailable("NODE_UNREACHABLE", "Cannot reach the VM's console on its node",
                             "VNC server 10.0.0.7:5900: Connection refused")
    tab, clock = _tab(qtbot, [err], real_view=bool(SHOTS))

    async def scenario() -> None:
        tab.start()
        await until(lambda: clock.waiting == 1)
        text = tab.overlay_text()
        assert text.startswith("Cannot connect — retrying in 3 s (attempt 1)")
        assert "Code: NODE_UNREACHABLE" in text and "Connection refused" in text
        assert _visible(tab) == {"retry", "cancel"}
        _shot(tab, "retrying-node-unreachable")
        await tab.close_console()

    run(loop, scenario())


def test_stopped_vm_shows_start_once_and_start_connects(qtbot, loop):
    power = FakePower("RUNNING")
    err = ConsoleUnavailable("VM_NOT_RUNNING", "VM is not running", "VM web01 is stopped; start it first")
    answers: list[Any] = [err, Endpoint()]
    tab, clock = _tab(qtbot, answers, power=power, real_view=bool(SHOTS))

    async def scenario() -> None:
        tab.start()
        await until(lambda: tab.model.state.phase is Phase.VM_STOPPED)
        text = tab.overlay_text()
        assert text.startswith("VM is stopped\n")
        assert text.count("VM is not running") <= 1 and "Code: VM_NOT_RUNNING" in text
        assert _visible(tab) == {"start", "retry"}
        _shot(tab, "vm-stopped")
        tab.overlay.buttons["start"].click()
        await until(lambda: len(FakeSession.made) == 1)
        assert power.calls == ["start"]
        FakeSession.made[0].steps.put_nowait("connected")
        await until(lambda: tab.overlay_text() == "")
        await tab.close_console()

    run(loop, scenario())


def test_paused_vm_shows_resume(qtbot, loop):
    power = FakePower("RUNNING")
    err = ConsoleUnavailable("VM_NOT_RUNNING", "VM is not running", "VM web01 is paused; start it first")
    tab, clock = _tab(qtbot, [err, Endpoint()], power=power, real_view=bool(SHOTS))

    async def scenario() -> None:
        tab.start()
        await until(lambda: tab.model.state.phase is Phase.VM_PAUSED)
        assert tab.overlay_text().startswith("VM is paused")
        assert _visible(tab) == {"resume", "retry"}
        _shot(tab, "vm-paused")
        tab.overlay.buttons["resume"].click()
        await until(lambda: len(FakeSession.made) == 1)
        assert power.calls == ["resume"]
        await tab.close_console()

    run(loop, scenario())


def test_the_sidebar_power_state_pauses_and_resumes_a_live_console(qtbot, loop):
    power = FakePower("RUNNING")
    tab, clock = _tab(qtbot, [Endpoint()], power=power)

    async def scenario() -> None:
        tab.start()
        await until(lambda: len(FakeSession.made) == 1)
        s = FakeSession.made[0]
        s.steps.put_nowait("connected")
        await until(lambda: tab.overlay_text() == "")
        tab.vm_state = "PAUSED"  # what main_window's poller does
        assert tab.overlay_text().startswith("VM is paused") and _visible(tab) == {"resume"}
        tab.overlay.buttons["resume"].click()  # connected underneath: no reconnect, just Resume
        await until(lambda: tab.overlay_text() == "")
        assert power.calls == ["resume"] and len(FakeSession.made) == 1 and not s.closed
        await tab.close_console()

    run(loop, scenario())


def test_the_sidebar_power_state_stops_and_restarts_the_console(qtbot, loop):
    tab, clock = _tab(qtbot, [Endpoint()], power=FakePower())

    async def scenario() -> None:
        tab.start()
        await until(lambda: len(FakeSession.made) == 1)
        FakeSession.made[0].steps.put_nowait("connected")
        await settle()
        tab.vm_state = "STOPPED"
        FakeSession.made[0].steps.put_nowait(ConnectionClosed("the VNC server went away"))
        await until(lambda: tab.overlay_text().startswith("VM is stopped"))
        assert "reconnecting" not in tab.overlay_text() and _visible(tab) == {"start", "retry"}
        assert len(FakeSession.made) == 1
        tab.vm_state = "RUNNING"  # started elsewhere: connect at once
        await until(lambda: len(FakeSession.made) == 2)
        await tab.close_console()

    run(loop, scenario())


def test_untrusted_adhoc_wss_offers_trust_and_pins_the_fingerprint_in_settings(qtbot, loop, monkeypatch):
    from dataclasses import dataclass

    from qvmrc.controlplane import client as cp_client
    from qvmrc.ui import dialogs

    fp = ":".join(["AB"] * 32)

    @dataclass
    class Cert:
        pem: str = "-----BEGIN CERTIFICATE-----\nX\n-----END CERTIFICATE-----\n"
        sha256: str = fp

    asked: list[str] = []

    async def fetch(url: str, **kw: Any) -> Cert:
        return Cert()

    async def confirm(_parent: Any, title: str, text: str, ok: str, detail: str = "") -> bool:
        asked.append(detail)
        return True

    monkeypatch.setattr(cp_client, "fetch_server_certificate", fetch)
    monkeypatch.setattr(dialogs, "confirm", confirm)
    settings = Settings()
    target = ConsoleTarget(key="wss://10.0.0.5:8443/x", title="10.0.0.5", target="wss://10.0.0.5:8443/x")
    err = UntrustedCertificate("wss://10.0.0.5:8443/x", "the TLS certificate of wss://10.0.0.5:8443/x is "
                               "not trusted: self-signed certificate")
    tab, clock = _tab(qtbot, [err, Endpoint()], target=target, settings=settings, real_view=bool(SHOTS))
    saved: list[int] = []
    tab.settingsChanged.connect(lambda: saved.append(1))

    async def scenario() -> None:
        tab.start()
        await until(lambda: tab.model.state.phase is Phase.UNTRUSTED)
        text = tab.overlay_text()
        assert "self-signed certificate" in text and f"SHA-256 fingerprint\n{fp[:47]}\n{fp[48:]}" in text
        assert _visible(tab) == {"trust", "retry"}
        await settle(50)
        assert clock.waiting == 0  # no "reconnecting" loop
        _shot(tab, "untrusted-certificate")
        tab.overlay.buttons["trust"].click()
        await until(lambda: len(FakeSession.made) == 1)
        assert fp in asked[0]
        assert settings.pinned_certificates == {"10.0.0.5:8443": fp} and saved == [1]
        await tab.close_console()

    run(loop, scenario())


def test_connecting_and_authenticating_are_shown(qtbot, loop):
    tab, clock = _tab(qtbot, [Endpoint()], real_view=bool(SHOTS))

    async def scenario() -> None:
        tab.start()
        await until(lambda: len(FakeSession.made) == 1)
        assert tab.overlay_text().startswith("Connecting…\nweb01 on lab")
        _shot(tab, "connecting")
        FakeSession.made[0].steps.put_nowait("authenticating")
        await until(lambda: tab.overlay_text().startswith("Authenticating…"))
        await tab.close_console()

    run(loop, scenario())


def test_settings_offer_a_ca_file_and_forgetting_trusted_certificates(qtbot):
    from qvmrc.ui.settings_dialog import SettingsDialog

    fp = ":".join(["CD"] * 32)
    dlg = SettingsDialog(Settings(pinned_certificates={"10.0.0.5:443": fp}))
    qtbot.addWidget(dlg)
    assert dlg.result_settings().pinned_certificates == {"10.0.0.5:443": fp}
    dlg.ca_file.setText(" /etc/ssl/appliance.pem ")
    assert not dlg.forget_pins.isHidden() and fp in dlg.forget_pins.toolTip()
    dlg.forget_pins.click()
    s = dlg.result_settings()
    assert s.ca_file == "/etc/ssl/appliance.pem" and s.pinned_certificates == {}
    empty = SettingsDialog(Settings())
    qtbot.addWidget(empty)
    assert empty.forget_pins.isHidden()


def test_the_main_windows_vm_poller_feeds_the_console(qtbot, loop, tmp_path):
    """The sidebar's ListVMs poll is what tells an open console that its VM paused or stopped."""
    from qvmrc.settings import SavedVM, SettingsStore
    from qvmrc.ui.main_window import MainWindow
    settings = Settings()
    settings.control_planes.append(ControlPlane(url="https://cp.example", name="Lab", id="cp1",
                                                vms=[SavedVM("vm-1", "web01")]))
    class Client:
        vms = [VM(id="vm-1", name="web01", state="RUNNING")]

        async def __aenter__(self) -> Any:
            return self

        async def __aexit__(self, *exc: object) -> None: ...

        async def list_vms(self) -> list[VM]:
            return self.vms

    client = Client()
    clock = FakeClock()

    async def resolve(_target: Any) -> Endpoint:
        return Endpoint()

    def factory(target: ConsoleTarget) -> ConsoleTab:
        return ConsoleTab(target, settings, resolver=resolve, session_factory=FakeSession, view=FakeView(),
                          sleep=clock.sleep, power=FakePower())

    w = MainWindow(settings, SettingsStore(tmp_path), None, tab_factory=factory,
                   client_factory=lambda cp: client, auto_refresh=False)
    qtbot.addWidget(w)

    async def scenario() -> None:
        tab = w.open_saved_vm("cp1", "vm-1")
        assert tab is not None
        await until(lambda: len(FakeSession.made) == 1)
        FakeSession.made[0].steps.put_nowait("connected")
        await until(lambda: tab.overlay_text() == "")
        client.vms = [VM(id="vm-1", name="web01", state="PAUSED")]
        await w.refresh_states()
        assert tab.overlay_text().startswith("VM is paused") and _visible(tab) == {"resume"}
        client.vms = [VM(id="vm-1", name="web01", state="RUNNING")]
        await w.refresh_states()
        assert tab.overlay_text() == ""
        client.vms = [VM(id="vm-1", name="web01", state="STOPPED")]
        await w.refresh_states()
        FakeSession.made[0].steps.put_nowait(ConnectionClosed("the VNC server went away"))
        await until(lambda: tab.overlay_text().startswith("VM is stopped"))
        client.vms = [VM(id="vm-1", name="web01", state="RUNNING")]
        await w.refresh_states()
        await until(lambda: len(FakeSession.made) == 2)
        await w.close_all()

    run(loop, scenario())


def test_sidebar_and_power_clients_trust_what_the_consoles_trust(tmp_path):
    import ssl

    from qvmrc import certs
    from qvmrc.ui.power import make_client
    from tests.support.servers import self_signed_cert

    cert, _ = self_signed_cert(tmp_path)
    cp = ControlPlane(url="https://127.0.0.1:9443", name="lab")
    assert make_client(cp, None, settings=Settings()).ssl is None  # the OS store
    with_ca = make_client(cp, None, settings=Settings(ca_file=str(cert))).ssl
    assert isinstance(with_ca, ssl.SSLContext) and with_ca.check_hostname
    pinned = Settings(pinned_certificates={"127.0.0.1:9443": ":".join(["AB"] * 32)})
    assert isinstance(make_client(cp, None, settings=pinned).ssl, certs.PinnedContext)
