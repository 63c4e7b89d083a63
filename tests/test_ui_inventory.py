"""The sidebar follows the control plane: new VMs show up, deleted ones are marked (devserver, real HTTP)."""

from __future__ import annotations

import json
from typing import Any

import pytest

pytest.importorskip("PySide6")
pytest.importorskip("qasync")

from qvmrc.controlplane.client import VM, ControlPlaneClient  # noqa: E402
from qvmrc.controlplane.devserver import DevServer, DevVM  # noqa: E402
from qvmrc.settings import ControlPlane, SavedVM, Settings, SettingsStore  # noqa: E402
from qvmrc.ui.inventory import merge_listing  # noqa: E402
from qvmrc.ui.main_window import MainWindow  # noqa: E402
from tests.support.uiloop import run  # noqa: E402
from tests.test_ui_media import shot  # noqa: E402


def _names(w: MainWindow) -> dict[str, str]:
    top = w.tree.topLevelItem(0)
    return {top.child(i).text(0): top.child(i).text(1) for i in range(top.childCount())}


def _window(qtbot: Any, tmp_path: Any, cp: ControlPlane) -> MainWindow:
    settings = Settings(control_planes=[cp])
    w = MainWindow(settings, SettingsStore(tmp_path), None,
                   client_factory=lambda c: ControlPlaneClient(c.url), auto_refresh=False)
    qtbot.addWidget(w)
    return w


def test_vms_created_later_appear_and_deleted_ones_are_marked(qtbot, loop, tmp_path):
    async def scenario() -> None:
        async with DevServer([DevVM("web", "127.0.0.1", 5999)]) as srv:
            cp = ControlPlane(url=srv.base_url, name="dev", id="cp1", vms=[SavedVM("web", "web")],
                              hidden_vms=[])
            w = _window(qtbot, tmp_path, cp)
            await w.refresh_states()
            assert _names(w) == {"web": "● Running"}

            srv.add_vm(DevVM("build-01", "127.0.0.1", 5998, state="STOPPED"))  # created in the web UI
            await w.refresh_states()
            assert _names(w) == {"web": "● Running", "build-01": "● Stopped"}
            saved = json.loads((tmp_path / "settings.json").read_text())
            assert [v["id"] for v in saved["control_planes"][0]["vms"]] == ["web", "build-01"]

            srv.remove_vm("web")  # deleted in the web UI
            await w.refresh_states()
            item = w.vm_item("cp1", "web")
            assert item is not None and item.text(1) == "● Deleted" and item.font(0).italic()
            assert "no longer lists" in item.toolTip(1)
            w.resize(900, 500)
            shot(w.sidebar, "sidebar-new-and-deleted.png")

            # Taken out by the user: it stays out although the control plane still lists it.
            w.remove_vm("cp1", "build-01")
            await w.refresh_states()
            assert "build-01" not in _names(w)
            assert w.settings.control_planes[0].hidden_vms == ["build-01"]
            await w.close_all()

    run(loop, scenario())


def test_a_pick_from_before_tracking_is_kept_and_only_newer_vms_join():
    cp = ControlPlane(url="https://cp", vms=[SavedVM("a", "a")])  # hidden_vms None: older settings
    change = merge_listing(cp, [VM("a", "a"), VM("b", "b")])
    assert [v.id for v in cp.vms] == ["a"] and cp.hidden_vms == ["b"] and change.changed
    change = merge_listing(cp, [VM("a", "a"), VM("b", "b"), VM("c", "c")])
    assert [v.id for v in cp.vms] == ["a", "c"] and change.added == ["c"]
    # A rename on the control plane follows; a hidden VM the control plane dropped is forgotten.
    change = merge_listing(cp, [VM("a", "alpha"), VM("c", "c")])
    assert cp.vms[0].name == "alpha" and change.renamed == ["a"] and cp.hidden_vms == []


def test_a_control_plane_saved_without_a_pick_shows_all_its_vms():
    cp = ControlPlane(url="https://cp")  # e.g. qvmrc add-control-plane
    merge_listing(cp, [VM("a", "a"), VM("b", "b")])
    assert [v.id for v in cp.vms] == ["a", "b"]


def test_hidden_vms_survive_a_settings_round_trip_and_bad_values_reset(tmp_path):
    store = SettingsStore(tmp_path)
    store.save(Settings(control_planes=[ControlPlane(url="https://cp", hidden_vms=["x"])]))
    assert store.load().control_planes[0].hidden_vms == ["x"]
    raw = json.loads((tmp_path / "settings.json").read_text())
    raw["control_planes"][0]["hidden_vms"] = "nope"
    (tmp_path / "settings.json").write_text(json.dumps(raw))
    assert store.load().control_planes[0].hidden_vms is None


def test_unticking_a_vm_in_the_control_plane_dialog_keeps_it_out(qtbot):
    from qvmrc.ui.settings_dialog import ControlPlaneDialog

    cp = ControlPlane(url="https://cp", vms=[SavedVM("a", "a")], hidden_vms=["old", "b"])
    dlg = ControlPlaneDialog(lambda *_: None, cp)
    qtbot.addWidget(dlg)
    dlg._add_vm_item("b", "b", "RUNNING", True)  # ticked again: shown again
    dlg._add_vm_item("c", "c", "RUNNING", False)  # unticked: stays out
    out = dlg.current_cp()
    assert [v.id for v in out.vms] == ["a", "b"] and out.hidden_vms == ["old", "c"]
    merge_listing(out, [VM("a", "a"), VM("b", "b"), VM("c", "c"), VM("d", "d")])
    assert [v.id for v in out.vms] == ["a", "b", "d"]  # only the VM created since joins
