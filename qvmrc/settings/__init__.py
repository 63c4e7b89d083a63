"""Persisted preferences, saved control planes and VMs, and the tokens kept apart from them.

Plain settings live in ``settings.json`` (no Qt needed, so the CLI, the console model
and a bug report can all read it); tokens live in the keyring or where the user chose.
"""

from qvmrc.settings.model import (
    MAX_CUSTOM_KEYS,
    MAX_RECENT_TARGETS,
    RELEASE_HOTKEYS,
    SCALE_MODES,
    SECRET_FALLBACKS,
    THEMES,
    ControlPlane,
    RecentTarget,
    SavedVM,
    Settings,
    display_url,
    settings_from_json,
)
from qvmrc.settings.secrets import SecretStore, token_key
from qvmrc.settings.store import SETTINGS_FILE, SettingsStore, atomic_write, config_dir

__all__ = [
    "MAX_CUSTOM_KEYS", "MAX_RECENT_TARGETS", "RELEASE_HOTKEYS", "SCALE_MODES", "SECRET_FALLBACKS",
    "SETTINGS_FILE", "THEMES", "ControlPlane", "RecentTarget", "SavedVM", "SecretStore", "Settings",
    "SettingsStore", "atomic_write", "config_dir", "display_url", "settings_from_json", "token_key",
]
