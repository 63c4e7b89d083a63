"""The main window's parts on their own: sidebar menus and states, the poller, names and translations."""

from __future__ import annotations

from typing import Any

import pytest

pytest.importorskip("PySide6")
pytest.importorskip("qasync")

from PySide6.QtCore import QCoreApplication, QTranslator  # noqa: E402
from PySide6.QtWidgets import QAbstractButton, QAbstractItemView, QLineEdit, QMenu, QTabBar  # noqa: E402

from qvmrc.controlplane.client import VM  # noqa: E402
from qvmrc.errors import ControlPlaneError  # noqa: E402
from qvmrc.settings import ControlPlane, SavedVM, Settings, SettingsStore  # noqa: E402
from qvmrc.ui.main_window import MainWindow  # noqa: E402
from qvmrc.ui.sidebar import Sidebar  # noqa: E402
from tests.support.uiloop import run  # noqa: E402


def _settings() -> Settings:
    return Settings(control_planes=[ControlPlane(url="https://cp.example", name="Lab", id="cp1",
                                                 vms=[SavedVM("vm-1", "web01")], hidden_vms=[])])


def _sidebar(qtbot: Any, states: dict[tuple[str, str], str]) -> Sidebar:
    sb = Sidebar(_settings(), states)
    qtbot.addWidget(sb)
    sb.rebuild()
    return sb


def _action(menu: QMenu, text: str) -> Any:
    return next(a for a in menu.actions() if a.text() == text)


def test_a_vms_menu_offers_the_power_actions_its_state_allows_and_names_the_vm_in_each_request(qtbot):
    sb = _sidebar(qtbot, {("cp1", "vm-1"): "STOPPED"})
    menu = sb.context_menu_for(sb.vm_item("cp1", "vm-1"))
    assert menu is not None
    assert _action(menu, "Start").isEnabled() and not _action(menu, "Shut down").isEnabled()
    asked: list[tuple[str, ...]] = []
    sb.powerRequested.connect(lambda *a: asked.append(("power", *a)))
    sb.openRequested.connect(lambda *a: asked.append(("open", *a)))
    sb.removeVmRequested.connect(lambda *a: asked.append(("remove", *a)))
    for text in ("Start", "Open console", "Remove from list"):
        _action(menu, text).trigger()
    assert asked == [("power", "cp1", "vm-1", "start"), ("open", "cp1", "vm-1"), ("remove", "cp1", "vm-1")]


def test_a_control_planes_menu_refreshes_edits_and_removes_it(qtbot):
    sb = _sidebar(qtbot, {})
    menu = sb.context_menu_for(sb.cp_item("cp1"))
    assert menu is not None
    asked: list[tuple[str, ...]] = []
    sb.refreshRequested.connect(lambda: asked.append(("refresh",)))
    sb.editControlPlaneRequested.connect(lambda cp: asked.append(("edit", cp)))
    sb.removeControlPlaneRequested.connect(lambda cp: asked.append(("remove", cp)))
    for text in ("Refresh", "Edit…", "Remove…"):
        _action(menu, text).trigger()
    assert asked == [("refresh",), ("edit", "cp1"), ("remove", "cp1")]
    empty = sb.context_menu_for(None)
    assert empty is not None and [a.text() for a in empty.actions()] == ["Add control plane…"]


def test_a_state_this_version_does_not_know_is_shown_verbatim(qtbot):
    sb = _sidebar(qtbot, {})
    sb.set_vm_state("cp1", "vm-1", "HIBERNATING")
    item = sb.vm_item("cp1", "vm-1")
    assert item is not None and item.text(1) == "● HIBERNATING"
    sb.set_vm_state("cp1", "vm-1", "PAUSED")
    assert item.text(1) == "● Paused"


class FlakyClient:
    fail = True

    async def __aenter__(self) -> FlakyClient:
        return self

    async def __aexit__(self, *exc: object) -> None: ...

    async def list_vms(self) -> list[VM]:
        if FlakyClient.fail:
            raise ControlPlaneError("unavailable", "cannot reach https://cp.example: connection refused")
        return [VM(id="vm-1", name="web01", state="RUNNING")]


def test_an_unreachable_control_plane_says_why_until_it_answers_again(qtbot, loop, tmp_path):
    w = MainWindow(_settings(), SettingsStore(tmp_path), None, client_factory=lambda cp: FlakyClient(),
                   auto_refresh=False)
    qtbot.addWidget(w)
    top = w.sidebar.cp_item("cp1")
    assert top is not None

    async def scenario() -> None:
        FlakyClient.fail = True
        await w.refresh_states()
        assert top.text(1) == "unreachable" and "connection refused" in top.toolTip(1)
        FlakyClient.fail = False
        await w.refresh_states()
        assert top.text(1) == "" and top.toolTip(1) == ""
        assert w.vm_states[("cp1", "vm-1")] == "RUNNING"

    run(loop, scenario())


def test_every_control_of_the_sidebar_and_the_tab_bar_has_an_accessible_name(qtbot, tmp_path):
    w = MainWindow(_settings(), SettingsStore(tmp_path), None, auto_refresh=False)
    qtbot.addWidget(w)
    controls = [c for kind in (QAbstractButton, QLineEdit, QAbstractItemView)
                for c in w.sidebar.findChildren(kind)]
    controls += [w.tabs, w.tabs.findChild(QTabBar)]
    assert len(controls) >= 5
    unnamed = [type(c).__name__ for c in controls if not c.accessibleName()]
    assert unnamed == []


class Marking(QTranslator):
    """Wraps every text of the window's parts in « » so an untranslated one stands out."""

    CONTEXTS = {"MainWindow", "Sidebar", "WindowMenus", "RecentMenu", "FullscreenController", "ConsoleTabs",
                "ControlPlaneEditor"}

    def translate(self, context: str, source: str, disambiguation: str | None = None, n: int = -1) -> str:
        return f"«{source}»" if context in self.CONTEXTS else ""


def test_the_windows_texts_go_through_the_translator_under_their_class(qtbot, tmp_path):
    marking = Marking()
    QCoreApplication.installTranslator(marking)
    try:
        w = MainWindow(_settings(), SettingsStore(tmp_path), None, auto_refresh=False)
        qtbot.addWidget(w)
        menus = [a.text() for a in w.menuBar().actions()]
        assert menus == ["«&File»", "«&View»", "«&Help»"]
        assert w.search.placeholderText() == "«Search VMs»"
        assert w.tree.headerItem().text(0) == "«Name»"
        assert w.recent_menu.actions()[0].text() == "«No recent consoles»"
        assert w.monitor_menu.actions()[0].text() == "«This window's screen»"
        assert w.tabs.tabBar().accessibleName() == "«Open consoles»"
        w.sidebar.set_vm_state("cp1", "vm-1", "NOT FOUND")
        assert w.vm_item("cp1", "vm-1").text(1) == "● «Deleted»"  # type: ignore[union-attr]
    finally:
        QCoreApplication.removeTranslator(marking)
