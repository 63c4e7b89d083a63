"""The console model without Qt: error classification, the retry machine, power state, texts."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator

import pytest

from qvmrc.console import Action, ConsoleModel, FailureKind, Outcome, Phase, Plan, classify
from qvmrc.console.state import PERMANENT_RETRIES, RECHECK_S
from qvmrc.errors import (
    AuthenticationError,
    CertificateNotTrusted,
    ConnectionClosed,
    ConsoleUnavailable,
    ControlPlaneError,
    InvalidTarget,
    MaintenanceError,
    ServerCertificateError,
    TransportError,
    UntrustedCertificate,
)


def delays() -> Iterator[float]:
    return iter([3.0, 6.0, 12.0, 24.0, 30.0, 30.0, 30.0, 30.0])


def model(**kw: object) -> ConsoleModel:
    seen: list = []
    m = ConsoleModel("web01 on lab", delays=delays, on_change=seen.append, **kw)  # type: ignore[arg-type]
    m.seen = seen  # type: ignore[attr-defined]
    return m


# ---------------------------------------------------------------- classify


@pytest.mark.parametrize("code", ["VM_NOT_FOUND", "NODE_NOT_ASSIGNED", "VM_NOT_ON_NODE"])
def test_codes_that_describe_the_setup_are_permanent(code: str) -> None:
    f = classify(ConsoleUnavailable(code, "message", "details"))
    assert f.kind is FailureKind.PERMANENT and f.code == code and f.advice


@pytest.mark.parametrize("err", [ConsoleUnavailable("NODE_UNREACHABLE", "cannot reach the node"),
                                 ConsoleUnavailable("INTERNAL_ERROR", "boom"),
                                 TransportError("connection refused"), ConnectionClosed("reset"),
                                 ControlPlaneError("unavailable", "down"), MaintenanceError("restarting", 5)])
def test_network_and_server_trouble_is_retried(err: Exception) -> None:
    assert classify(err).kind is FailureKind.TRANSIENT


def test_vm_not_running_is_stopped_unless_the_backend_says_paused() -> None:
    assert classify(ConsoleUnavailable("VM_NOT_RUNNING", "VM is not running", "state STOPPED")).kind \
        is FailureKind.VM_STOPPED
    assert classify(ConsoleUnavailable("VM_NOT_RUNNING", "VM is not running", "VM web01 is paused")).kind \
        is FailureKind.VM_PAUSED


def test_the_backend_message_is_not_doubled() -> None:
    f = classify(ConsoleUnavailable("VM_NOT_RUNNING", "VM is not running", "VM is not running (STOPPED)"))
    assert f.reason == "VM is not running (STOPPED)"
    f = classify(ConsoleUnavailable("VM_NOT_ON_NODE", "VM is not on its node", "node n1 has no VM 7"))
    assert f.reason == "VM is not on its node: node n1 has no VM 7"
    f = classify(ConsoleUnavailable("VM_NOT_FOUND", "VM not found", ""))
    assert f.reason == "VM not found"


def test_certificates_passwords_and_bad_targets() -> None:
    assert classify(UntrustedCertificate("wss://x", "not trusted")).kind is FailureKind.UNTRUSTED
    assert classify(CertificateNotTrusted("https://x", "not trusted")).kind is FailureKind.UNTRUSTED
    assert classify(AuthenticationError("wrong password")).kind is FailureKind.AUTH
    assert classify(InvalidTarget("bad link")).kind is FailureKind.PERMANENT
    assert classify(ServerCertificateError("wrong CA")).kind is FailureKind.PERMANENT
    assert classify(ControlPlaneError("unauthenticated", "token refused")).kind is FailureKind.PERMANENT
    assert classify(None).reason == "The server closed the connection."


# ------------------------------------------------------------------ machine


def test_a_console_that_never_connected_fails_for_good_on_a_permanent_code() -> None:
    m = model()
    m.attempt_started()
    plan = m.attempt_ended(Outcome.FAILED, ConsoleUnavailable("VM_NOT_ON_NODE", "VM is not on its node",
                                                              "node n1 does not run it"))
    assert plan == Plan()  # wait for the user: no automatic retry
    st = m.state
    assert st.phase is Phase.FAILED and st.actions == (Action.RETRY,)
    assert "Code: VM_NOT_ON_NODE" in st.text
    assert "Vm not on node" not in st.text
    assert "administrator" in st.advice


def test_a_connected_console_gets_a_few_tries_at_a_permanent_code_then_fails() -> None:
    m = model()
    m.connected()
    err = ConsoleUnavailable("NODE_NOT_ASSIGNED", "VM is not assigned to a node")
    m.attempt_ended(Outcome.LOST, ConnectionClosed("gone"))
    for _ in range(PERMANENT_RETRIES):
        assert m.attempt_ended(Outcome.FAILED, err).wait is not None
        assert m.state.phase is Phase.RETRYING
    m.attempt_ended(Outcome.FAILED, err)
    assert m.state.phase is Phase.FAILED and m.state.code == "NODE_NOT_ASSIGNED"


def test_transient_failures_back_off_with_a_readable_countdown() -> None:
    m = model()
    plan = m.attempt_ended(Outcome.FAILED, ConsoleUnavailable("NODE_UNREACHABLE", "node down"))
    assert m.state.phase is Phase.RETRYING
    assert m.state.title == "Cannot connect — retrying in 3 s (attempt 1)"
    assert m.state.code == "NODE_UNREACHABLE" and m.state.actions == (Action.RETRY, Action.CANCEL)
    assert plan.wait == pytest.approx(1.0)
    assert m.waited(1.0).wait == pytest.approx(1.0) and "in 2 s" in m.state.title
    assert m.waited(1.0).wait == pytest.approx(1.0) and "in 1 s" in m.state.title
    assert m.waited(1.0) == Plan(connect=True)
    m.attempt_started()
    assert m.state.phase is Phase.CONNECTING
    m.attempt_ended(Outcome.FAILED, TransportError("refused"))
    assert m.state.title.startswith("Cannot connect — retrying in 6 s (attempt 2)")
    # A good connection starts the backoff over.
    m.connected()
    m.attempt_ended(Outcome.LOST, None)
    assert m.state.title == "Disconnected — reconnecting in 3 s (attempt 1)"
    assert m.state.reason == "The server closed the connection."


def test_maintenance_waits_at_least_what_the_server_asks() -> None:
    m = model()
    m.attempt_ended(Outcome.FAILED, MaintenanceError("restarting", 20))
    assert m.state.retry_in == 20


def test_cancel_stops_retrying_until_the_user_reconnects() -> None:
    m = model()
    m.attempt_ended(Outcome.FAILED, TransportError("refused"))
    assert m.user(Action.CANCEL) == Plan()
    assert m.state.phase is Phase.DISCONNECTED and m.state.actions == (Action.RECONNECT,)
    assert "cancelled" in m.state.reason and "refused" in m.state.reason
    assert m.user(Action.RECONNECT) == Plan(connect=True)


def test_reconnect_off_shows_disconnected() -> None:
    m = model(reconnect=False)
    assert m.attempt_ended(Outcome.LOST, ConnectionClosed("bye")) == Plan()
    assert m.state.phase is Phase.DISCONNECTED


def test_stopped_vm_offers_start_and_is_rechecked_quietly() -> None:
    m = model(can_power=True)
    plan = m.attempt_ended(Outcome.FAILED, ConsoleUnavailable("VM_NOT_RUNNING", "VM is not running",
                                                              "VM is not running"))
    st = m.state
    assert st.phase is Phase.VM_STOPPED and st.title == "VM is stopped"
    assert st.actions == (Action.START, Action.RETRY) and plan == Plan(wait=RECHECK_S)
    assert st.text.count("VM is not running") == 1 and "Code: VM_NOT_RUNNING" in st.text
    assert m.waited(RECHECK_S) == Plan(connect=True)
    m.attempt_started()  # the recheck keeps "VM is stopped" on screen
    m.authenticating()
    assert m.state.phase is Phase.VM_STOPPED
    m.connected()
    assert m.state.phase is Phase.CONNECTED


def test_without_a_control_plane_there_is_no_start_button() -> None:
    m = model(can_power=False)
    m.attempt_ended(Outcome.FAILED, ConsoleUnavailable("VM_NOT_RUNNING", "VM is not running"))
    assert Action.START not in m.state.actions and "web UI" in m.state.advice


def test_paused_vm_offers_resume() -> None:
    m = model(can_power=True)
    m.attempt_ended(Outcome.FAILED, ConsoleUnavailable("VM_NOT_RUNNING", "VM is not running", "VM is paused"))
    assert m.state.phase is Phase.VM_PAUSED and m.state.actions == (Action.RESUME, Action.RETRY)


def test_the_sidebar_power_state_drives_the_console() -> None:
    m = model(can_power=True)
    m.connected()
    # Paused while connected: overlay over the live picture, Resume only.
    m.power_state("PAUSED")
    assert m.state.phase is Phase.VM_PAUSED and m.state.live and m.state.actions == (Action.RESUME,)
    m.power_state("RUNNING")
    assert m.state.phase is Phase.CONNECTED
    # Stopped: the session ends; no backoff countdown, Start instead.
    m.power_state("STOPPED")
    assert m.state.phase is Phase.CONNECTED  # the session says when it is over
    assert m.attempt_ended(Outcome.LOST, ConnectionClosed("gone")) == Plan(wait=RECHECK_S)
    assert m.state.phase is Phase.VM_STOPPED and Action.START in m.state.actions
    # Running again: connect at once.
    assert m.power_state("RUNNING") == Plan(connect=True)
    assert m.state.phase is Phase.CONNECTING


def test_a_vm_stopped_while_retrying_stops_the_countdown() -> None:
    m = model(can_power=True)
    m.attempt_ended(Outcome.FAILED, TransportError("refused"))
    assert m.power_state("STOPPED") == Plan(wait=RECHECK_S)
    assert m.state.phase is Phase.VM_STOPPED


def test_untrusted_certificate_fails_for_good_with_trust() -> None:
    m = model()
    plan = m.attempt_ended(Outcome.FAILED, UntrustedCertificate("wss://10.0.0.5/x", "self-signed certificate"))
    assert plan == Plan() and m.state.phase is Phase.UNTRUSTED
    assert m.state.actions == (Action.TRUST, Action.RETRY) and "fingerprint" in m.state.advice
    err = UntrustedCertificate("wss://10.0.0.5/x", "self-signed certificate", got="AB:CD")
    m.attempt_ended(Outcome.FAILED, err)
    assert m.state.reason.endswith("SHA-256 fingerprint\nAB:CD")
    mismatch = UntrustedCertificate("wss://x", "expected SHA-256 EF:01, the server presented AB:CD", got="AB:CD")
    m.attempt_ended(Outcome.FAILED, mismatch)
    assert m.state.reason.count("AB:CD") == 1
    assert m.user(Action.TRUST) == Plan(connect=True)


def test_authentication_failure_waits_for_the_user() -> None:
    m = model()
    assert m.attempt_ended(Outcome.FAILED, AuthenticationError("bad password")) == Plan()
    assert m.state.phase is Phase.AUTH_FAILED and m.state.actions == (Action.RETRY,)


def test_restart_and_close() -> None:
    m = model()
    m.connected()
    assert m.attempt_ended(Outcome.RESTART) == Plan(connect=True)
    assert m.attempt_ended(Outcome.CLOSED) == Plan()


def test_listeners_hear_every_change_once() -> None:
    m = model()
    m.attempt_started()  # same as the initial state: no event
    m.authenticating()
    m.connected()
    assert [s.phase for s in m.seen] == [Phase.AUTHENTICATING, Phase.CONNECTED]  # type: ignore[attr-defined]


def test_the_console_model_imports_no_qt() -> None:
    code = ("import sys, qvmrc.console, qvmrc.console.driver, qvmrc.console.target, qvmrc.certs; "
            "bad = [m for m in sys.modules if m.startswith(('PySide6', 'qasync'))]; "
            "assert not bad, bad")
    subprocess.run([sys.executable, "-c", code], check=True)


# ------------------------------------------------------------------ driver


def test_the_driver_retries_on_the_models_schedule_and_stops_on_close() -> None:
    import asyncio

    from qvmrc.console.driver import ConsoleDriver

    slept: list[float] = []
    attempts: list[int] = []

    async def main() -> None:
        m = model()

        async def attempt() -> tuple[Outcome, BaseException | None]:
            attempts.append(1)
            if len(attempts) == 3:
                driver.close()
                return Outcome.CLOSED, None
            return Outcome.FAILED, TransportError("refused")

        async def sleep(s: float) -> None:
            slept.append(s)

        async def perform(_a: Action) -> bool:
            return False

        driver = ConsoleDriver(m, attempt, perform, sleep)
        await asyncio.wait_for(driver.run(), 10)

    asyncio.run(main())
    assert len(attempts) == 3
    assert sum(slept) == pytest.approx(3.0 + 6.0)  # the countdown adds up to the backoff delays


def test_a_declined_action_puts_the_previous_state_back() -> None:
    import asyncio

    from qvmrc.console.driver import ConsoleDriver

    async def main() -> tuple[Phase, list[Action]]:
        m = model(can_power=True)
        performed: list[Action] = []

        async def attempt() -> tuple[Outcome, BaseException | None]:
            return Outcome.FAILED, ConsoleUnavailable("VM_NOT_RUNNING", "VM is not running")

        async def perform(a: Action) -> bool:
            performed.append(a)
            m.busy("Starting the VM…")
            return False

        async def never(_s: float) -> None:
            await asyncio.Event().wait()

        driver = ConsoleDriver(m, attempt, perform, never)
        task = asyncio.ensure_future(driver.run())
        while m.state.phase is not Phase.VM_STOPPED:
            await asyncio.sleep(0)
        driver.press(Action.START)
        while not performed:
            await asyncio.sleep(0)
        for _ in range(5):
            await asyncio.sleep(0)
        phase = m.state.phase
        driver.close()
        await asyncio.wait_for(task, 10)
        return phase, performed

    phase, performed = asyncio.run(main())
    assert performed == [Action.START] and phase is Phase.VM_STOPPED
