"""The old qvmc client's config.toml: imported once into the sidebar, never modified, damage = warning."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from qvmrc.legacy_import import import_legacy, legacy_config_path
from qvmrc.settings import ControlPlane, SavedVM, Settings, SettingsStore
from tests.support import xvfb

ROOT = Path(__file__).resolve().parent.parent

OLD_CONFIG = """\
last_control_plane_url = "https://standby.example:8443"
window_width = 1400
window_height = 900
window_maximized = false

[display]
scale_viewport = false
show_remote_cursor = true
preferred_encoding = "zrle"
quality = 6
compression = 2

[[connections]]
id = "c1"
name = "web01"
control_plane_url = "https://cp.example:8443"
vm_id = "vm-web-01"
last_connected = "2025-01-02T03:04:05Z"
thumbnail = "iVBORw0KGgo="

[[connections]]
id = "c2"
name = "db01"
control_plane_url = "https://cp.example:8443/"
vm_id = "vm-db-01"

[[connections]]
id = "c3"
name = "lab box"
control_plane_url = "http://10.0.0.5:8080"
vm_id = "vm-lab"

[[connections]]
id = "c4"
name = "broken"
vm_id = "vm-without-url"
"""


def test_the_old_config_is_where_the_directories_crate_put_it() -> None:
    home = Path("/home/ann")
    assert legacy_config_path("linux", {}, home) == home / ".config/qvmc/config.toml"
    assert legacy_config_path("linux", {"XDG_CONFIG_HOME": "/x/cfg"}, home) == Path("/x/cfg/qvmc/config.toml")
    assert legacy_config_path("darwin", {}, home) == \
        home / "Library/Application Support/com.limiquantix.qvmc/config.toml"
    assert legacy_config_path("win32", {"APPDATA": "C:/Users/ann/AppData/Roaming"}, home) == \
        Path("C:/Users/ann/AppData/Roaming/limiquantix/qvmc/config/config.toml")


def test_connections_are_grouped_by_control_plane_and_display_settings_mapped(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(OLD_CONFIG)
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    settings = Settings()
    settings.control_planes.append(ControlPlane(url="https://CP.example:8443", name="Prod", id="cp-prod",
                                                vms=[SavedVM("vm-web-01", "web01 (mine)")]))
    result = import_legacy(settings, path)
    assert result is not None and result.warning is None
    by_url = {cp.url: cp for cp in settings.control_planes}
    # the existing control plane gets db01 (web01 was already there, its name is kept)
    assert [(v.id, v.name) for v in by_url["https://CP.example:8443"].vms] == [
        ("vm-web-01", "web01 (mine)"), ("vm-db-01", "db01")]
    assert [(v.id, v.name) for v in by_url["http://10.0.0.5:8080"].vms] == [("vm-lab", "lab box")]
    assert by_url["https://standby.example:8443"].vms == []
    assert len(settings.control_planes) == 3
    assert (settings.scale_mode, settings.preferred_encoding) == ("1:1", "zrle")
    assert (settings.jpeg_quality, settings.compress_level) == (6, 2)
    assert result.vms == 2
    summary = result.summary()
    assert "imported 2 saved VM(s)" in summary and "window size" in summary and "1 connection(s)" in summary
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before  # the old file is left as it was


@pytest.mark.parametrize("text", ["connections = [ {", "\x00\x01binary", "[[connections]]\nvm_id = 5\n"])
def test_a_damaged_old_file_is_a_warning_and_changes_nothing(tmp_path: Path, text: str) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(text.encode("latin-1"))
    settings = Settings()
    result = import_legacy(settings, path)
    assert result is not None
    if result.warning:
        assert "\n" not in result.warning and str(path) in result.warning
    assert settings.control_planes == []


def test_no_old_file_means_no_import(tmp_path: Path) -> None:
    assert import_legacy(Settings(), tmp_path / "missing.toml") is None


def test_the_import_runs_once_and_its_vms_show_in_the_sidebar(qtbot, tmp_path: Path, monkeypatch,
                                                             caplog) -> None:
    from qvmrc.ui.main_window import MainWindow
    from qvmrc.ui.startup import prepare

    cfg = tmp_path / "xdg"
    (cfg / "qvmc").mkdir(parents=True)
    (cfg / "qvmc" / "config.toml").write_text(OLD_CONFIG)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(cfg))
    monkeypatch.setattr(sys, "platform", "linux")
    store = SettingsStore(tmp_path / "qvmrc")
    settings = store.load()
    with caplog.at_level(logging.INFO):
        note = prepare(settings, store)
    assert note and "imported 3 saved VM(s) on 3 control plane(s)" in note
    assert any("imported 3 saved VM(s)" in r.getMessage() for r in caplog.records)

    window = MainWindow(settings, store, None, auto_refresh=False)
    qtbot.addWidget(window)
    tree = {window.tree.topLevelItem(i).text(0): [window.tree.topLevelItem(i).child(j).text(0)
                                                  for j in range(window.tree.topLevelItem(i).childCount())]
            for i in range(window.tree.topLevelItemCount())}
    assert tree["https://cp.example:8443"] == ["web01", "db01"]
    assert tree["http://10.0.0.5:8080"] == ["lab box"]

    again = store.load()
    assert again.legacy_imported is True
    assert prepare(again, store) is None  # once only: a VM removed later does not come back
    assert sum(len(cp.vms) for cp in again.control_planes) == 3


def test_the_app_imports_the_old_config_on_its_first_start(tmp_path: Path) -> None:
    """For real: the app as a process, with an old qvmc config in its XDG config home."""
    xdg = tmp_path / "xdg"
    (xdg / "qvmc").mkdir(parents=True)
    (xdg / "qvmc" / "config.toml").write_text(OLD_CONFIG)
    config = tmp_path / "qvmrc"
    env = {**os.environ, "XDG_CONFIG_HOME": str(xdg), "QVMRC_CONFIG_DIR": str(config),
           "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    log = tmp_path / "app.log"
    with open(log, "wb") as fh:
        app = subprocess.Popen([sys.executable, "-m", "qvmrc", "open", "-v"], env=env, stdout=fh,
                               stderr=subprocess.STDOUT)
    try:
        xvfb.wait_for(lambda: "from the old qvmc client" in log.read_text(errors="replace"), "the import")
    finally:
        app.terminate()
        app.wait(15)
    saved = json.loads((config / "settings.json").read_text())
    assert saved["legacy_imported"] is True
    assert {cp["url"]: [v["id"] for v in cp["vms"]] for cp in saved["control_planes"]} == {
        "https://cp.example:8443": ["vm-web-01", "vm-db-01"], "http://10.0.0.5:8080": ["vm-lab"],
        "https://standby.example:8443": []}
    assert "imported 3 saved VM(s)" in (config / "logs" / "qvmrc.log").read_text()
