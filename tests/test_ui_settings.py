"""Settings persistence: round trip, corrupt files, tokens kept apart with 0600."""

from __future__ import annotations

import json
import os
import stat

from qvmrc.settings import (
    ControlPlane,
    SavedVM,
    SecretStore,
    Settings,
    SettingsStore,
    token_key,
)


def _sample() -> Settings:
    s = Settings(preferred_encoding="zrle", jpeg_quality=7, compress_level=3, scale_mode="1:1",
                 smooth_scaling=False, reconnect=False, clipboard_sync=False, theme_follows_os=False,
                 theme="dark")
    s.control_planes.append(ControlPlane(url="https://cp.example:8443", name="Lab",
                                         vms=[SavedVM("vm-1", "web01"), SavedVM("vm-2", "db01")]))
    return s


def test_settings_round_trip_through_the_file(tmp_path):
    store = SettingsStore(tmp_path)
    original = _sample()
    store.save(original)
    loaded = SettingsStore(tmp_path).load()
    assert loaded == original
    assert store.warning is None
    assert loaded.encodings()[:2] == ("copyrect", "zrle")


def test_missing_file_gives_defaults_without_warning(tmp_path):
    store = SettingsStore(tmp_path / "nothing-here")
    assert store.load() == Settings()
    assert store.warning is None


def test_corrupt_file_is_backed_up_and_replaced_by_defaults(tmp_path):
    path = tmp_path / "settings.json"
    path.write_text('{"scale_mode": "fill", ', encoding="utf-8")
    store = SettingsStore(tmp_path)
    settings = store.load()
    assert settings == Settings()
    assert store.warning and "unreadable" in store.warning and "\n" not in store.warning
    backups = list(tmp_path.glob("settings.json.corrupt-*"))
    assert len(backups) == 1
    assert backups[0].read_text(encoding="utf-8") == '{"scale_mode": "fill", '
    # Saving afterwards works and does not touch the backup.
    store.save(settings)
    assert json.loads(path.read_text(encoding="utf-8"))["scale_mode"] == "fit"
    assert backups[0].exists()


def test_one_bad_value_resets_only_that_value(tmp_path):
    good = _sample().to_json()
    good["jpeg_quality"] = "very high"
    good["scale_mode"] = 42
    good["control_planes"].append({"name": "no url"})
    (tmp_path / "settings.json").write_text(json.dumps(good), encoding="utf-8")
    store = SettingsStore(tmp_path)
    s = store.load()
    assert s.jpeg_quality is None and s.scale_mode == "fit"  # reset to defaults
    assert s.preferred_encoding == "zrle" and s.compress_level == 3 and s.theme == "dark"
    assert [c.label for c in s.control_planes] == ["Lab"]
    assert [v.id for v in s.control_planes[0].vms] == ["vm-1", "vm-2"]
    assert store.warning and "jpeg_quality" in store.warning and "scale_mode" in store.warning
    assert not list(tmp_path.glob("settings.json.corrupt-*"))


def test_a_file_that_is_not_an_object_is_treated_as_corrupt(tmp_path):
    (tmp_path / "settings.json").write_text("[1, 2, 3]", encoding="utf-8")
    store = SettingsStore(tmp_path)
    assert store.load() == Settings()
    assert store.warning
    assert list(tmp_path.glob("settings.json.corrupt-*"))


def test_tokens_live_in_a_private_file_never_in_settings(tmp_path):
    store = SettingsStore(tmp_path)
    secrets = SecretStore(tmp_path, use_keyring=False)
    s = _sample()
    cp = s.control_planes[0]
    secrets.set(token_key(cp), "tok-SECRET-123")
    store.save(s)
    assert "tok-SECRET-123" not in (tmp_path / "settings.json").read_text(encoding="utf-8")
    mode = stat.S_IMODE(os.stat(tmp_path / "secrets.json").st_mode)
    assert mode == 0o600
    again = SecretStore(tmp_path, use_keyring=False)
    assert again.get(token_key(cp)) == "tok-SECRET-123"
    again.set(token_key(cp), None)
    assert SecretStore(tmp_path, use_keyring=False).get(token_key(cp)) is None


def test_redacted_settings_hide_url_credentials_and_secret_keys():
    s = _sample()
    s.control_planes[0].url = "https://admin:pw@cp.example/api?token=abc"
    red = s.redacted()
    text = json.dumps(red)
    assert "admin" not in text and "pw@" not in text and "abc" not in text
    assert red["control_planes"][0]["url"] == "https://cp.example/api"
