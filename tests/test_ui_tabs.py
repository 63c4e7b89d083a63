"""Main window tabs: one tab per VM; opening an open VM focuses its tab; sidebar search."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

pytest.importorskip("PySide6")
pytest.importorskip("qasync")

from qvmrc.controlplane.client import VM  # noqa: E402
from qvmrc.settings import ControlPlane, SavedVM, Settings, SettingsStore  # noqa: E402
from qvmrc.ui.console_tab import ConsoleTab, ConsoleTarget  # noqa: E402
from qvmrc.ui.main_window import MainWindow  # noqa: E402
from tests.support.console_fakes import FakeView  # noqa: E402
from tests.support.uiloop import run, settle  # noqa: E402


async def _never(_target: Any) -> Any:
    await asyncio.Event().wait()


class FakeClient:
    def __init__(self, vms: list[VM]) -> None:
        self.vms = vms

    async def __aenter__(self) -> FakeClient:
        return self

    async def __aexit__(self, *exc: object) -> None: ...

    async def list_vms(self) -> list[VM]:
        return self.vms


def _window(qtbot: Any, tmp_path: Any, vms: list[VM] | None = None) -> MainWindow:
    settings = Settings()
    cp = ControlPlane(url="https://cp.example", name="Lab", id="cp1",
                      vms=[SavedVM("vm-1", "web01"), SavedVM("vm-2", "db01")])
    settings.control_planes.append(cp)
    made: list[ConsoleTab] = []

    def factory(target: ConsoleTarget) -> ConsoleTab:
        tab = ConsoleTab(target, settings, resolver=_never, view=FakeView())
        made.append(tab)
        return tab

    w = MainWindow(settings, SettingsStore(tmp_path), None, tab_factory=factory,
                   client_factory=lambda cp: FakeClient(vms or []), auto_refresh=False)
    w.made = made  # type: ignore[attr-defined]
    qtbot.addWidget(w)
    return w


def test_opening_the_same_vm_twice_focuses_its_tab(qtbot, loop, tmp_path):
    w = _window(qtbot, tmp_path)

    async def scenario() -> None:
        first = w.open_saved_vm("cp1", "vm-1")
        second = w.open_saved_vm("cp1", "vm-2")
        assert w.tabs.count() == 2 and w.tabs.currentWidget() is second
        again = w.open_saved_vm("cp1", "vm-1")
        assert again is first
        assert w.tabs.count() == 2
        assert w.tabs.currentWidget() is first
        assert len(w.made) == 2  # no second console was created
        # A deep link to the same VM (same control plane, other spelling) is the same tab.
        w.tabs.setCurrentWidget(second)
        via_link = w.open_string("qvmrc://connect/?url=https%3A%2F%2Fcp.example%2F&vmId=vm-1&vmName=web01")
        assert via_link is first and w.tabs.currentWidget() is first and w.tabs.count() == 2
        await w.close_all()

    run(loop, scenario())


def test_closing_a_tab_lets_the_vm_open_again(qtbot, loop, tmp_path):
    w = _window(qtbot, tmp_path)

    async def scenario() -> None:
        first = w.open_saved_vm("cp1", "vm-1")
        w.close_tab(first)
        await settle(20)
        assert w.tabs.count() == 0 and w.stack.currentWidget() is w.welcome
        reopened = w.open_saved_vm("cp1", "vm-1")
        assert reopened is not first and w.tabs.count() == 1
        await w.close_all()

    run(loop, scenario())


def test_direct_url_targets_get_their_own_tabs(qtbot, loop, tmp_path):
    w = _window(qtbot, tmp_path)

    async def scenario() -> None:
        a = w.open_string("vnc://127.0.0.1:5901")
        b = w.open_string("vnc://127.0.0.1:5902")
        c = w.open_string("vnc://127.0.0.1:5901")
        assert a is c and a is not b and w.tabs.count() == 2
        assert w.open_string("http://not-a-console") is None
        assert w.tabs.count() == 2
        await w.close_all()

    run(loop, scenario())


def test_sidebar_search_and_live_states(qtbot, loop, tmp_path):
    w = _window(qtbot, tmp_path, vms=[VM(id="vm-1", name="web01", state="RUNNING")])

    async def scenario() -> None:
        w.search.setText("db")
        web, db = w.vm_item("cp1", "vm-1"), w.vm_item("cp1", "vm-2")
        assert web is not None and db is not None
        assert web.isHidden() and not db.isHidden()
        w.search.setText("")
        assert not web.isHidden()
        await w.refresh_states()
        assert "Running" in web.text(1)
        assert "Deleted" in db.text(1)  # the control plane no longer lists it

    run(loop, scenario())


def test_a_certificate_trusted_from_a_console_is_saved_for_next_time(qtbot, tmp_path):
    from qvmrc.settings import ControlPlane, Settings, SettingsStore

    store = SettingsStore(tmp_path)
    w = MainWindow(Settings(), store, None, auto_refresh=False)
    qtbot.addWidget(w)
    cp = ControlPlane(url="https://appliance:8443", name="appliance", pinned_pem="PEM")
    w.remember_certificate(cp)
    again = store.load()
    assert [c.pinned_pem for c in again.control_planes if c.url == "https://appliance:8443"] == ["PEM"]
    cp2 = ControlPlane(url="https://appliance:8443/", name="x", pinned_pem="PEM2")
    w.remember_certificate(cp2)
    assert [c.pinned_pem for c in store.load().control_planes] == ["PEM2"]
