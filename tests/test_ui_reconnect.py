"""Console tab connection states: overlay text, backoff countdown, Retry/Cancel, VM not running.

A fake session (scripted by the test) and a fake clock replace the network and
time, so every transition is checked without waiting.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

pytest.importorskip("PySide6")
pytest.importorskip("qasync")


from qvmrc.controlplane.client import VM  # noqa: E402
from qvmrc.errors import (  # noqa: E402
    ConnectionClosed,
    ConsoleUnavailable,
    TransportError,
)
from qvmrc.settings import ControlPlane, Settings  # noqa: E402
from qvmrc.ui.console_tab import ConsoleTab, ConsoleTarget  # noqa: E402
from tests.support.console_fakes import Endpoint, FakeView  # noqa: E402
from tests.support.fake_session import FakeSession  # noqa: E402
from tests.support.uiloop import FakeClock, close_loop, make_loop, run, settle, until  # noqa: E402


@pytest.fixture
def loop(qapp):
    lp = make_loop(qapp)
    FakeSession.made.clear()
    yield lp
    close_loop(lp)


def _tab(clock: FakeClock, resolver: Any = None, delays: list[float] | None = None, **kw: Any) -> ConsoleTab:
    async def resolve(_target: Any) -> Endpoint:
        return Endpoint()

    seq = delays or [3.0, 6.0, 12.0, 24.0]
    target = kw.pop("target", None) or ConsoleTarget(key="k", title="web01", target="vnc://127.0.0.1:5999")
    return ConsoleTab(target, kw.pop("settings", None) or Settings(), session_factory=FakeSession,
                      resolver=resolver or resolve, sleep=clock.sleep, view=FakeView(),
                      delays=lambda: iter(seq), **kw)


def test_overlay_follows_connecting_authenticating_connected(qtbot, loop):
    clock = FakeClock()
    tab = _tab(clock)
    qtbot.addWidget(tab)

    async def scenario() -> None:
        tab.start()
        await until(lambda: len(FakeSession.made) == 1)
        s = FakeSession.made[0]
        assert tab.overlay_text().startswith("Connecting…")
        s.steps.put_nowait("connecting")
        await settle()
        assert tab.overlay_text().startswith("Connecting…")
        assert tab.view.dimmed
        s.steps.put_nowait("authenticating")
        await settle()
        assert tab.overlay_text().startswith("Authenticating…")
        s.steps.put_nowait("connected")
        await settle()
        assert tab.overlay_text() == ""
        assert not tab.view.dimmed
        assert tab.view.session is s
        await tab.close_console()

    run(loop, scenario())


def test_disconnect_counts_down_and_reconnects_with_backoff(qtbot, loop):
    clock = FakeClock()
    tab = _tab(clock)
    qtbot.addWidget(tab)

    async def scenario() -> None:
        tab.start()
        await until(lambda: len(FakeSession.made) == 1)
        first = FakeSession.made[0]
        first.steps.put_nowait("connected")
        await settle()
        first.steps.put_nowait(ConnectionClosed("the proxy went away"))
        await until(lambda: clock.waiting == 1)
        text = tab.overlay_text()
        assert text.startswith("Disconnected — reconnecting in 3 s (attempt 1)")
        assert "the proxy went away" in text
        # The last frame stays, dimmed: the view still shows the old session.
        assert tab.view.dimmed and tab.view.session is first
        assert not tab.overlay.buttons["retry"].isHidden() and not tab.overlay.buttons["cancel"].isHidden()
        clock.advance()
        await until(lambda: "in 2 s" in tab.overlay_text() and clock.waiting == 1)
        clock.advance()
        await until(lambda: "in 1 s" in tab.overlay_text() and clock.waiting == 1)
        clock.advance()
        await until(lambda: len(FakeSession.made) == 2)
        second = FakeSession.made[1]
        assert tab.overlay_text().startswith("Connecting…")
        assert tab.view.session is first  # not replaced until the new one connects
        second.steps.put_nowait(TransportError("connection refused"))
        await until(lambda: clock.waiting == 1)
        assert tab.overlay_text().startswith("Disconnected — reconnecting in 6 s (attempt 2)")
        assert "connection refused" in tab.overlay_text()
        # Retry now skips the rest of the wait.
        tab.overlay.buttons["retry"].click()
        await until(lambda: len(FakeSession.made) == 3)
        third = FakeSession.made[2]
        third.steps.put_nowait("connected")
        await settle()
        assert tab.overlay_text() == "" and tab.view.session is third
        # After a good connection the backoff starts over.
        third.steps.put_nowait(ConnectionClosed("again"))
        await until(lambda: clock.waiting == 1)
        assert tab.overlay_text().startswith("Disconnected — reconnecting in 3 s (attempt 1)")
        await tab.close_console()

    run(loop, scenario())


def test_cancel_stops_reconnecting_until_the_user_asks(qtbot, loop):
    clock = FakeClock()
    tab = _tab(clock)
    qtbot.addWidget(tab)

    async def scenario() -> None:
        tab.start()
        await until(lambda: len(FakeSession.made) == 1)
        FakeSession.made[0].steps.put_nowait(ConnectionClosed("gone"))
        await until(lambda: clock.waiting == 1)
        tab.overlay.buttons["cancel"].click()
        await until(lambda: tab.overlay_text().startswith("Disconnected\n"))
        assert "cancelled" in tab.overlay_text()
        assert not tab.overlay.buttons["reconnect"].isHidden()
        assert tab.overlay.buttons["retry"].isHidden()
        await settle(50)
        assert len(FakeSession.made) == 1 and clock.waiting == 0
        tab.overlay.buttons["reconnect"].click()
        await until(lambda: len(FakeSession.made) == 2)
        await tab.close_console()

    run(loop, scenario())


def test_reconnect_off_shows_disconnected_with_a_reconnect_button(qtbot, loop):
    clock = FakeClock()
    tab = _tab(clock, settings=Settings(reconnect=False))
    qtbot.addWidget(tab)

    async def scenario() -> None:
        tab.start()
        await until(lambda: len(FakeSession.made) == 1)
        FakeSession.made[0].steps.put_nowait(ConnectionClosed("the server closed the connection"))
        await until(lambda: tab.overlay_text().startswith("Disconnected\n"))
        assert clock.waiting == 0
        assert not tab.overlay.buttons["reconnect"].isHidden()
        await tab.close_console()

    run(loop, scenario())


class FakePower:
    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []

    async def perform(self, cp: Any, vm_id: str, name: str, key: str) -> VM:
        self.calls.append((vm_id, key))
        return VM(id=vm_id, name=name, state="RUNNING")


def test_vm_not_running_offers_start_then_connects(qtbot, loop):
    clock = FakeClock()
    answers: list[Any] = [ConsoleUnavailable("VM_NOT_RUNNING", "VM is not running", "state STOPPED"), Endpoint()]

    async def resolve(_target: Any) -> Endpoint:
        a = answers.pop(0)
        if isinstance(a, BaseException):
            raise a
        return a

    power = FakePower()
    cp = ControlPlane(url="http://cp.test")
    target = ConsoleTarget(key="cp#vm-1", title="web01", target="qvmrc://connect?url=http://cp.test&vmId=vm-1",
                           cp=cp, vm_id="vm-1")
    tab = _tab(clock, resolver=resolve, target=target, power=power)
    qtbot.addWidget(tab)

    async def scenario() -> None:
        tab.start()
        await until(lambda: tab.overlay_text().startswith("VM is stopped"))
        assert "state STOPPED" in tab.overlay_text()
        assert not tab.overlay.buttons["start"].isHidden()
        tab.overlay.buttons["start"].click()
        await until(lambda: len(FakeSession.made) == 1)
        assert power.calls == [("vm-1", "start")]
        FakeSession.made[0].steps.put_nowait("connected")
        await settle()
        assert tab.overlay_text() == ""
        await tab.close_console()

    run(loop, scenario())


def test_not_running_without_control_plane_has_no_start_button(qtbot, loop):
    clock = FakeClock()

    async def resolve(_target: Any) -> Endpoint:
        raise ConsoleUnavailable("VM_NOT_RUNNING", "VM is not running")

    tab = _tab(clock, resolver=resolve)
    qtbot.addWidget(tab)

    async def scenario() -> None:
        tab.start()
        await until(lambda: tab.overlay_text().startswith("VM is stopped"))
        assert tab.overlay.buttons["start"].isHidden()
        assert not tab.overlay.buttons["retry"].isHidden()
        await tab.close_console()

    run(loop, scenario())


def test_password_prompt_is_used_and_remembered_for_reconnects(qtbot, loop):
    clock = FakeClock()
    asked: list[int] = []

    async def prompt() -> str | None:
        asked.append(1)
        return "s3cret-pw"

    tab = _tab(clock, password_prompt=prompt)
    qtbot.addWidget(tab)

    async def scenario() -> None:
        tab.start()
        await until(lambda: len(FakeSession.made) == 1)
        s = FakeSession.made[0]
        s.steps.put_nowait("authenticating")
        s.steps.put_nowait("password")
        s.steps.put_nowait("connected")
        await until(lambda: tab.overlay_text() == "")
        assert s.password == "s3cret-pw" and asked == [1]
        s.steps.put_nowait(ConnectionClosed("drop"))
        await until(lambda: clock.waiting == 1)
        tab.retry_now()
        await until(lambda: len(FakeSession.made) == 2)
        assert FakeSession.made[1].options.password == "s3cret-pw"
        await tab.close_console()

    run(loop, scenario())


def test_cancelled_password_prompt_shows_authentication_failed(qtbot, loop):
    clock = FakeClock()

    async def prompt() -> str | None:
        return None

    tab = _tab(clock, password_prompt=prompt)
    qtbot.addWidget(tab)

    async def scenario() -> None:
        tab.start()
        await until(lambda: len(FakeSession.made) == 1)
        FakeSession.made[0].steps.put_nowait("password")
        await until(lambda: tab.overlay_text().startswith("Authentication failed"))
        assert clock.waiting == 0  # no automatic retry loop against a refused password
        await tab.close_console()

    run(loop, scenario())


def test_recording_reconnects_so_the_file_starts_at_the_handshake(qtbot, loop, tmp_path):
    clock = FakeClock()
    tab = _tab(clock)
    qtbot.addWidget(tab)

    async def scenario() -> None:
        tab.start()
        await until(lambda: len(FakeSession.made) == 1)
        FakeSession.made[0].steps.put_nowait("connected")
        await settle()
        path = str(tmp_path / "rec.fbs")
        await tab.start_recording(path)
        await until(lambda: len(FakeSession.made) == 2)
        assert FakeSession.made[0].closed
        assert FakeSession.made[1].recording_to == path and tab.recording
        assert clock.waiting == 0  # a restart, not a disconnect countdown
        tab.stop_recording()
        assert not tab.recording and FakeSession.made[1].recording_to is None
        await tab.close_console()

    run(loop, scenario())


def test_untrusted_certificate_offers_trust_then_connects_with_it_pinned(qtbot, loop, monkeypatch):
    """Self-signed appliances are the normal case: trusting pins the certificate and connects."""
    from qvmrc.controlplane import client as cp_client
    from qvmrc.errors import CertificateNotTrusted
    from qvmrc.ui import dialogs

    @dataclass
    class Cert:
        pem: str = "-----BEGIN CERTIFICATE-----\nX\n-----END CERTIFICATE-----\n"
        sha256: str = "AB:CD"

    async def fetch(url: str, **kw: Any) -> Cert:
        return Cert()

    async def confirm(*a: Any, **kw: Any) -> bool:
        return True

    monkeypatch.setattr(cp_client, "fetch_server_certificate", fetch)
    monkeypatch.setattr(dialogs, "confirm", confirm)
    seen: list[str] = []

    async def resolve(target: Any) -> Endpoint:
        seen.append(target.cp.pinned_pem)
        if not target.cp.pinned_pem:
            raise CertificateNotTrusted("https://appliance", "the TLS certificate of https://appliance is not trusted")
        return Endpoint()

    clock = FakeClock()
    cp = ControlPlane(url="https://appliance", name="appliance")
    target = ConsoleTarget(key="k", title="web01", target="qvmrc://connect?url=https://appliance&vmId=1",
                           cp=cp, vm_id="1")
    tab = _tab(clock, resolver=resolve, target=target)
    qtbot.addWidget(tab)
    trusted: list[Any] = []
    tab.certificateTrusted.connect(trusted.append)

    async def scenario() -> None:
        tab.start()
        await until(lambda: "not trusted" in tab.overlay_text())
        assert not tab.overlay.buttons["trust"].isHidden()
        tab.overlay.buttons["trust"].click()
        await until(lambda: len(FakeSession.made) == 1)
        assert trusted and trusted[0].pinned_pem.startswith("-----BEGIN")
        assert seen[-1].startswith("-----BEGIN")
        await tab.close_console()

    run(loop, scenario())
