"""Preferences and the add-control-plane dialog, the latter against the real dev control plane."""

from __future__ import annotations

from typing import Any

import pytest

pytest.importorskip("PySide6")
pytest.importorskip("qasync")

from PySide6.QtCore import Qt  # noqa: E402

from qvmrc.controlplane.devserver import DevServer, DevVM  # noqa: E402
from qvmrc.settings import ControlPlane, SecretStore, Settings, SettingsStore, token_key  # noqa: E402
from qvmrc.ui.main_window import MainWindow  # noqa: E402
from qvmrc.ui.settings_dialog import ControlPlaneDialog, SettingsDialog  # noqa: E402
from tests.support.uiloop import run  # noqa: E402


def _pick(combo: Any, data: Any) -> None:
    i = combo.findData(data)
    assert i >= 0, data
    combo.setCurrentIndex(i)


# ------------------------------------------------------------------ Preferences

def test_preferences_show_the_current_settings(qtbot):
    s = Settings(preferred_encoding="zrle", jpeg_quality=3, compress_level=None, scale_mode="1:1",
                 smooth_scaling=False, reconnect=False, clipboard_sync=False, theme_follows_os=False,
                 theme="dark")
    dlg = SettingsDialog(s)
    qtbot.addWidget(dlg)
    assert dlg.encoding.currentData() == "zrle"
    assert dlg.jpeg.currentData() == 3
    assert dlg.compress.currentData() is None
    assert dlg.scale.currentData() == "1:1"
    assert not dlg.smooth.isChecked() and not dlg.reconnect.isChecked() and not dlg.clipboard.isChecked()
    assert dlg.theme.currentData() == "dark" and dlg.theme.isEnabled()
    dlg.follow_os.setChecked(True)
    assert not dlg.theme.isEnabled()  # the OS decides


def test_preferences_edit_a_copy_and_leave_control_planes_alone(qtbot):
    s = Settings()
    s.control_planes.append(ControlPlane(url="https://cp.example", name="Lab"))
    dlg = SettingsDialog(s)
    qtbot.addWidget(dlg)
    _pick(dlg.encoding, "hextile")
    _pick(dlg.jpeg, None)
    _pick(dlg.compress, 9)
    _pick(dlg.scale, "fill")
    dlg.clipboard.setChecked(False)
    new = dlg.result_settings()
    assert (new.preferred_encoding, new.jpeg_quality, new.compress_level, new.scale_mode) == (
        "hextile", None, 9, "fill")
    assert new.clipboard_sync is False
    assert s.preferred_encoding != "hextile" and s.clipboard_sync is True  # the original is untouched
    assert [c.url for c in new.control_planes] == ["https://cp.example"]


def test_accepted_preferences_are_saved_and_survive_a_restart(qtbot, tmp_path):
    store = SettingsStore(tmp_path)
    settings = Settings()
    settings.control_planes.append(ControlPlane(url="https://cp.example", name="Lab"))
    w = MainWindow(settings, store, None, auto_refresh=False)
    qtbot.addWidget(w)
    dlg = SettingsDialog(w.settings, w)
    qtbot.addWidget(dlg)
    _pick(dlg.encoding, "zrle")
    _pick(dlg.jpeg, 8)
    dlg.reconnect.setChecked(False)
    w.apply_settings(dlg.result_settings())
    again = store.load()
    assert (again.preferred_encoding, again.jpeg_quality, again.reconnect) == ("zrle", 8, False)
    assert [c.url for c in again.control_planes] == ["https://cp.example"]
    # The encoding choice reaches the next connection's SetEncodings.
    assert again.encodings()[:2] == ("copyrect", "zrle")


# ------------------------------------------------------------------ control plane dialog

def _client_factory(cp: ControlPlane, token: str | None) -> Any:
    from qvmrc.controlplane.client import ControlPlaneClient

    return ControlPlaneClient(cp.url, token=token)


@pytest.fixture
def plane(loop):
    srv = DevServer([DevVM("web01", "127.0.0.1", 1, id="vm-web"),
                     DevVM("db01", "127.0.0.1", 1, id="vm-db", state="STOPPED")], token="tok-SECRET")
    run(loop, srv.start())
    yield srv
    run(loop, srv.close())


def test_a_url_without_scheme_is_refused_with_a_sentence(qtbot, loop):
    dlg = ControlPlaneDialog(_client_factory)
    qtbot.addWidget(dlg)
    dlg.url.setText("cp.example:8443")
    assert run(loop, dlg.load_vms()) is False
    assert dlg.message.text() == "The URL must start with http:// or https://"
    dlg._accept()
    assert dlg.result() != dlg.DialogCode.Accepted.value


def test_a_wrong_token_is_reported_in_one_line(qtbot, loop, plane):
    dlg = ControlPlaneDialog(_client_factory)
    qtbot.addWidget(dlg)
    dlg.url.setText(plane.base_url)
    dlg.token.setText("wrong")
    assert run(loop, dlg.load_vms()) is False
    text = dlg.message.text()
    assert "token" in text.lower() and "\n" not in text and "Traceback" not in text
    assert "wrong" not in text  # the token itself is never shown
    assert dlg.vm_list.count() == 0


def test_load_vms_lists_the_control_plane_and_the_ticked_ones_are_saved(qtbot, loop, plane, tmp_path):
    dlg = ControlPlaneDialog(_client_factory)
    qtbot.addWidget(dlg)
    dlg.url.setText(plane.base_url + "/")
    dlg.name.setText("Lab")
    dlg.token.setText("tok-SECRET")
    assert run(loop, dlg.load_vms()) is True
    rows = {dlg.vm_list.item(i).data(Qt.ItemDataRole.UserRole)[0]: dlg.vm_list.item(i)
            for i in range(dlg.vm_list.count())}
    assert set(rows) == {"vm-web", "vm-db"}
    assert "[STOPPED]" in rows["vm-db"].text()
    assert all(r.checkState() == Qt.CheckState.Checked for r in rows.values())  # all, at first
    rows["vm-db"].setCheckState(Qt.CheckState.Unchecked)
    cp = dlg.current_cp()
    assert cp.url == plane.base_url and cp.name == "Lab"
    assert [(v.id, v.name) for v in cp.vms] == [("vm-web", "web01")]

    store, secrets = SettingsStore(tmp_path), SecretStore(tmp_path, use_keyring=False)
    w = MainWindow(Settings(), store, secrets, auto_refresh=False)
    qtbot.addWidget(w)
    w.save_control_plane(cp, dlg.current_token())
    assert w.vm_item(cp.id, "vm-web") is not None and w.vm_item(cp.id, "vm-db") is None
    saved = (tmp_path / "settings.json").read_text(encoding="utf-8")
    assert "vm-web" in saved and "tok-SECRET" not in saved
    assert SecretStore(tmp_path, use_keyring=False).get(token_key(cp)) == "tok-SECRET"


def test_editing_keeps_earlier_choices_ticked(qtbot, loop, plane):
    from qvmrc.settings import SavedVM

    cp = ControlPlane(url=plane.base_url, name="Lab", vms=[SavedVM("vm-db", "db01")])
    dlg = ControlPlaneDialog(_client_factory, cp, "tok-SECRET")
    qtbot.addWidget(dlg)
    assert dlg.windowTitle() == "Edit control plane"
    assert run(loop, dlg.load_vms()) is True
    ticked = [v.id for v in dlg.current_cp().vms]
    assert ticked == ["vm-db"]  # web01 is offered but not ticked: the user had left it out
    assert dlg.vm_list.count() == 2
