"""One console's state and the reconnect machine, without Qt and without asyncio.

The tab drives it: it reports what happened (an attempt started, the session's
state, how the attempt ended, a button, time passing, the VM's power state from
the sidebar) and asks for the :class:`Plan` (connect now, or wait). Every
change produces a :class:`ConsoleState`, which the tab renders as the overlay
and its buttons. Keeping the decisions here lets a test walk every path in
microseconds and keeps the texts in one place.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from qvmrc.console.failures import Failure, FailureKind, classify

#: How often a stopped or paused VM is checked again when nobody tells us it changed.
RECHECK_S = 10.0
#: A console that has worked gets a few tries at a "permanent" code (a VM
#: being migrated is briefly on no node) before it fails for good.
PERMANENT_RETRIES = 3

_STOPPED_STATES = frozenset({"STOPPED", "CRASHED", "SUSPENDED", "TERMINATED"})
_PAUSED_STATES = frozenset({"PAUSED"})


class Phase(enum.Enum):
    CONNECTING = "connecting"
    AUTHENTICATING = "authenticating"
    CONNECTED = "connected"
    RETRYING = "retrying"  # waiting for the next automatic attempt
    DISCONNECTED = "disconnected"  # no automatic attempts (cancelled or reconnect off)
    FAILED = "failed"  # for good: only the user can fix it
    UNTRUSTED = "untrusted"  # the server's certificate is not trusted
    AUTH_FAILED = "auth-failed"
    VM_STOPPED = "vm-stopped"
    VM_PAUSED = "vm-paused"
    BUSY = "busy"  # a power action or the trust dialog is under way


class Action(enum.Enum):
    """The overlay's buttons."""

    START = "start"
    RESUME = "resume"
    TRUST = "trust"
    RETRY = "retry"
    RECONNECT = "reconnect"
    CANCEL = "cancel"


class Outcome(enum.Enum):
    """How one connection attempt ended."""

    LOST = "lost"  # it connected, then the connection ended
    FAILED = "failed"  # it never connected (see the Failure)
    RESTART = "restart"  # the user asked for a fresh connection (settings, recording, trust)
    CLOSED = "closed"  # the tab is closing


@dataclass(frozen=True)
class ConsoleState:
    """What the overlay shows. ``code`` is the backend's code verbatim; ``live`` means
    the console is connected underneath (a paused VM still shows its last picture)."""

    phase: Phase
    title: str
    reason: str = ""
    code: str = ""
    advice: str = ""
    actions: tuple[Action, ...] = ()
    attempt: int = 0
    retry_in: float | None = None
    live: bool = False

    @property
    def overlay(self) -> bool:
        return self.phase is not Phase.CONNECTED

    @property
    def detail(self) -> str:
        lines = [self.reason]
        if self.code:
            lines.append(f"Code: {self.code}")
        lines.append(self.advice)
        return "\n".join(line for line in lines if line)

    @property
    def text(self) -> str:
        return self.title + (f"\n{self.detail}" if self.detail else "")


@dataclass(frozen=True)
class Plan:
    """What the driver does next: connect now, or wait ``wait`` seconds (None: until
    an action or a power change) and then report :meth:`ConsoleModel.waited`."""

    connect: bool = False
    wait: float | None = None


CONNECT = Plan(connect=True)
WAIT_FOR_USER = Plan()

Delays = Callable[[], Iterator[float]]


def _default_delays() -> Iterator[float]:
    from qvmrc.session import backoff_delays

    delays: Iterator[float] = backoff_delays()
    return delays


class ConsoleModel:
    """The state machine of one console tab.

    ``where`` names the console in texts; ``can_power`` whether Start/Resume can be
    offered (a control plane and a power controller); ``can_trust`` whether the
    trust flow can run; ``reconnect`` the user's setting.
    """

    def __init__(self, where: str, *, can_power: bool = False, can_trust: bool = True,
                 reconnect: bool = True, delays: Delays | None = None,
                 on_change: Callable[[ConsoleState], None] | None = None) -> None:
        self.where = where
        self.can_power = can_power
        self.can_trust = can_trust
        self.reconnect = reconnect
        self._delays_factory = delays or _default_delays
        self._delays = self._delays_factory()
        self.on_change = on_change
        self.retry = 0  # automatic attempts since the last good connection
        self.ever_connected = False
        self.power = ""  # the VM's power state as last reported ("" unknown)
        self.last_failure: Failure | None = None
        self._permanent_seen = 0
        self._remaining = 0.0
        self._quiet = False  # a recheck of a stopped VM: keep showing "stopped"
        self.plan: Plan = CONNECT
        self.state = ConsoleState(Phase.CONNECTING, "Connecting…", where)

    # ------------------------------------------------------------ output

    def _set(self, state: ConsoleState, plan: Plan | None = None) -> Plan:
        if plan is not None:
            self.plan = plan
        if state != self.state:
            self.state = state
            if self.on_change is not None:
                self.on_change(state)
        return self.plan

    def _reset_backoff(self) -> None:
        self._delays = self._delays_factory()
        self.retry = 0

    # ------------------------------------------------------------ inputs

    def attempt_started(self) -> None:
        if self._quiet:
            return
        self._set(ConsoleState(Phase.CONNECTING, "Connecting…", self.where, attempt=self.retry))

    def authenticating(self) -> None:
        if not self._quiet:
            self._set(ConsoleState(Phase.AUTHENTICATING, "Authenticating…", self.where, attempt=self.retry))

    def connected(self, detail: str = "") -> None:
        self.ever_connected = True
        self._quiet = False
        self._permanent_seen = 0
        self.last_failure = None
        self._reset_backoff()
        if self.power in _PAUSED_STATES:
            self._set(self._paused_state(live=True), WAIT_FOR_USER)
            return
        self._set(ConsoleState(Phase.CONNECTED, "Connected", detail or self.where), WAIT_FOR_USER)

    def attempt_ended(self, outcome: Outcome, error: BaseException | None = None,
                      failure: Failure | None = None) -> Plan:
        """The attempt is over: decide between connecting again, waiting, and asking the user."""
        if outcome is Outcome.CLOSED:
            return self._set(self.state, WAIT_FOR_USER)
        if outcome is Outcome.RESTART:
            self._quiet = False
            return self._set(self.state, CONNECT)
        failure = failure or classify(error)
        self.last_failure = failure
        kind = failure.kind
        if outcome is Outcome.LOST and kind is FailureKind.TRANSIENT and self.power in _STOPPED_STATES:
            kind = FailureKind.VM_STOPPED
        if kind is FailureKind.VM_STOPPED or kind is FailureKind.VM_PAUSED:
            if kind is FailureKind.VM_STOPPED and self.power in _PAUSED_STATES:
                kind = FailureKind.VM_PAUSED
            self._reset_backoff()
            self._quiet = True
            st = self._paused_state() if kind is FailureKind.VM_PAUSED else self._stopped_state()
            return self._set(st, Plan(wait=RECHECK_S))
        self._quiet = False
        if kind is FailureKind.AUTH:
            self._reset_backoff()
            return self._set(ConsoleState(Phase.AUTH_FAILED, "Authentication failed", failure.reason,
                                          advice=failure.advice, actions=(Action.RETRY,)), WAIT_FOR_USER)
        if kind is FailureKind.UNTRUSTED:
            self._reset_backoff()
            actions = (Action.TRUST, Action.RETRY) if self.can_trust else (Action.RETRY,)
            reason = failure.reason
            if failure.fingerprint and failure.fingerprint not in reason:
                fp = failure.fingerprint
                half = fp[:48].rstrip(":") + "\n" + fp[48:] if len(fp) == 95 else fp  # two lines that fit
                reason += f"\nIt presents the certificate with SHA-256 fingerprint\n{half}"
            return self._set(ConsoleState(Phase.UNTRUSTED, "The server's certificate is not trusted",
                                          reason, advice=failure.advice, actions=actions), WAIT_FOR_USER)
        if kind is FailureKind.PERMANENT:
            self._permanent_seen += 1
            if not self.ever_connected or self._permanent_seen > PERMANENT_RETRIES:
                return self._fail_for_good(failure)
        return self._schedule_retry(failure)

    def waited(self, seconds: float) -> Plan:
        """``seconds`` of a planned wait have passed."""
        ph = self.state.phase
        if ph is Phase.RETRYING:
            self._remaining -= seconds
            if self._remaining <= 1e-6:
                return self._set(self.state, CONNECT)
            return self._set(self._retrying_state(), Plan(wait=self._step()))
        if ph in (Phase.VM_STOPPED, Phase.VM_PAUSED) and not self.state.live:
            return self._set(self.state, CONNECT)  # a quiet recheck
        return self.plan

    def user(self, action: Action) -> Plan:
        """An overlay button (Start/Resume/Trust after the driver has done its part)."""
        if action is Action.CANCEL:
            if self.state.phase is not Phase.RETRYING:
                return self.plan
            reason = "Reconnecting was cancelled."
            if self.last_failure is not None:
                reason += f" {self.last_failure.reason}"
            code = self.last_failure.code if self.last_failure else ""
            self._reset_backoff()
            return self._set(ConsoleState(Phase.DISCONNECTED, "Disconnected", reason, code,
                                          actions=(Action.RECONNECT,)), WAIT_FOR_USER)
        if self.state.live and action is not Action.RESUME:
            return self.plan  # connected underneath: nothing to reconnect
        if self.state.phase is not Phase.RETRYING:
            self._reset_backoff()
        self._quiet = False
        return self._set(self.state, CONNECT)

    def busy(self, title: str) -> None:
        """A power action or the trust flow runs: show it, keep the plan."""
        self._set(ConsoleState(Phase.BUSY, title, self.where, live=self.state.live))

    def restore(self, state: ConsoleState) -> None:
        """Show ``state`` again (a power action or trust was declined or failed)."""
        self._set(state)

    def power_state(self, state: str) -> Plan:
        """The VM's power state from the sidebar's poller or a power action."""
        state = (state or "").upper()
        if state == self.power:
            return self.plan
        self.power = state
        ph = self.state.phase
        if state in _PAUSED_STATES:
            if ph is Phase.CONNECTED:
                return self._set(self._paused_state(live=True), WAIT_FOR_USER)
            if ph in (Phase.RETRYING, Phase.VM_STOPPED, Phase.FAILED, Phase.DISCONNECTED):
                self._quiet = True
                return self._set(self._paused_state(), Plan(wait=RECHECK_S))
            return self.plan
        if state in _STOPPED_STATES:
            if ph in (Phase.RETRYING, Phase.VM_PAUSED, Phase.DISCONNECTED) and not self.state.live:
                self._quiet = True
                self._reset_backoff()
                return self._set(self._stopped_state(), Plan(wait=RECHECK_S))
            if self.state.live:  # paused, then stopped: the session ends by itself
                return self._set(self._stopped_state(live=True), WAIT_FOR_USER)
            return self.plan
        if state == "RUNNING":
            if self.state.live:
                return self._set(ConsoleState(Phase.CONNECTED, "Connected", self.where), WAIT_FOR_USER)
            if ph in (Phase.VM_STOPPED, Phase.VM_PAUSED):
                self._quiet = False
                self._reset_backoff()
                return self._set(ConsoleState(Phase.CONNECTING, "Connecting…", self.where), CONNECT)
        return self.plan

    # ------------------------------------------------------------ states

    def _fail_for_good(self, failure: Failure) -> Plan:
        self._reset_backoff()
        return self._set(ConsoleState(Phase.FAILED, "Cannot open this console", failure.reason, failure.code,
                                      failure.advice, actions=(Action.RETRY,)), WAIT_FOR_USER)

    def _schedule_retry(self, failure: Failure) -> Plan:
        if not self.reconnect:
            self._reset_backoff()
            return self._set(ConsoleState(Phase.DISCONNECTED, "Disconnected", failure.reason, failure.code,
                                          failure.advice, actions=(Action.RECONNECT,)), WAIT_FOR_USER)
        self.retry += 1
        delay = next(self._delays)
        if failure.retry_after is not None:
            delay = max(delay, failure.retry_after)
        self._remaining = delay
        return self._set(self._retrying_state(), Plan(wait=self._step()))

    def _step(self) -> float:
        """Wait until the shown whole second changes (a countdown the user can read)."""
        n = max(1, math.ceil(self._remaining - 1e-6))
        return self._remaining - (n - 1) if self._remaining > n - 1 else self._remaining

    def _retrying_state(self) -> ConsoleState:
        f = self.last_failure or classify(None)
        n = max(1, math.ceil(self._remaining - 1e-6))
        title = (f"Disconnected — reconnecting in {n} s (attempt {self.retry})" if self.ever_connected
                 else f"Cannot connect — retrying in {n} s (attempt {self.retry})")
        return ConsoleState(Phase.RETRYING, title, f.reason, f.code, f.advice,
                            actions=(Action.RETRY, Action.CANCEL), attempt=self.retry,
                            retry_in=self._remaining)

    def _stopped_state(self, live: bool = False) -> ConsoleState:
        f = self.last_failure
        reason = f.reason if f is not None and f.kind is FailureKind.VM_STOPPED else ""
        code = f.code if f is not None and f.kind is FailureKind.VM_STOPPED else ""
        if self.power and self.power != "STOPPED" and self.power in _STOPPED_STATES:
            reason = reason or f"Its power state is {self.power}."
        actions = (Action.START, Action.RETRY) if self.can_power else (Action.RETRY,)
        advice = ("Start it to use the console." if self.can_power
                  else "Start it from the web UI; the console connects when it runs.")
        return ConsoleState(Phase.VM_STOPPED, "VM is stopped", reason, code, advice, actions, live=live)

    def _paused_state(self, live: bool = False) -> ConsoleState:
        f = self.last_failure
        reason = f.reason if f is not None and f.kind in (FailureKind.VM_PAUSED, FailureKind.VM_STOPPED) \
            and not live else ""
        code = f.code if reason and f is not None else ""
        actions: tuple[Action, ...] = (Action.RESUME,) if self.can_power else ()
        if not live:
            actions += (Action.RETRY,)
        advice = ("Resume it to use the console." if self.can_power
                  else "Resume it from the web UI; the console follows.")
        return ConsoleState(Phase.VM_PAUSED, "VM is paused", reason, code, advice, actions, live=live)
