"""Session statistics: latencies measured from the right moment, numbers per connection.

The session's clock is replaced by one the test sets, so the latencies are
exact numbers, not timings of this machine.
"""

from __future__ import annotations

import asyncio

import pytest

from qvmrc import session as session_module
from qvmrc.demo import DemoServer
from qvmrc.session import Session, SessionOptions, SessionStats
from tests.test_session import Recorder, run_until, stop


class Clock:
    def __init__(self, t: float) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t


@pytest.fixture
def clock(monkeypatch):
    c = Clock(1000.0)

    class FakeTime:
        monotonic = c
        perf_counter = staticmethod(session_module.time.perf_counter)

    monkeypatch.setattr(session_module, "time", FakeTime)
    return c


async def _settled(demo: DemoServer, rec: Recorder, s: Session) -> asyncio.Task:
    task = await run_until(s, rec.first.is_set)
    # One more complete update after the first, so a request is outstanding and timed.
    n = s.stats.updates
    demo.screen.key(True, ord("a"))
    await run_until_cond(lambda: s.stats.updates > n)
    return task


async def run_until_cond(cond, timeout: float = 10.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not cond():
        assert loop.time() < deadline, "timed out"
        await asyncio.sleep(0.01)


async def test_update_latency_runs_from_the_request_to_the_complete_update(clock):
    async with DemoServer(now=lambda: 0.0) as demo:  # a frozen clock bar: no stray updates
        rec = Recorder()
        s = Session(f"vnc://127.0.0.1:{demo.port}", SessionOptions(threaded_decode=False), rec)
        task = await _settled(demo, rec, s)
        # The next request went out at 1000.0; the screen changes 2.5 s later.
        n = s.stats.updates
        clock.t = 1002.5
        demo.screen.key(True, ord("b"))
        await run_until_cond(lambda: s.stats.updates > n)
        assert s.stats.last_update_latency_ms == pytest.approx(2500.0)
        await stop(s, task)


async def test_input_latency_runs_from_the_event_to_the_transport_write(clock):
    async with DemoServer(now=lambda: 0.0) as demo:
        rec = Recorder()
        s = Session(f"vnc://127.0.0.1:{demo.port}", SessionOptions(threaded_decode=False), rec)
        task = await _settled(demo, rec, s)
        clock.t = 2000.0
        s.key_event(ord("x"), True)
        s.key_event(ord("x"), False)  # queued with the first: one write, timed from the first
        clock.t = 2000.125  # the writer has not run yet: no await since the events
        await s.flush()
        assert s.stats.last_input_latency_ms == pytest.approx(125.0)
        assert s.stats.inputs_written == 1
        await run_until_cond(lambda: demo.typed_text.endswith("x"))
        await stop(s, task)


async def test_statistics_start_afresh_with_each_connection_and_end_with_it():
    async with DemoServer() as demo:
        rec = Recorder()
        s = Session(f"vnc://127.0.0.1:{demo.port}", SessionOptions(), rec)
        task = await run_until(s, rec.first.is_set)
        first = s.stats
        assert first.live and first.updates >= 1
        await stop(s, task)
        assert not s.stats.live  # the panel shows dashes, not these numbers, from now on
        rec.first.clear()
        task = await run_until(s, lambda: s.stats is not first and s.stats.live)
        assert s.stats.updates <= first.updates or s.stats.bytes_received < first.bytes_received + 1
        assert s.stats.max_input_latency_ms == 0.0 and s.stats.inputs_written == 0
        await stop(s, task)


def test_an_update_before_any_request_has_no_latency():
    st = SessionStats()
    st.update_received(5.0, 100)
    assert st.last_update_latency_ms == 0.0
    st.update_requested(5.0)
    st.update_received(5.25, 100)
    assert st.last_update_latency_ms == pytest.approx(250.0)
