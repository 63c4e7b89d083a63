"""Where QVMRC keeps its files, per platform (platformdirs), with one override for tests and labs.

``QVMRC_CONFIG_DIR`` moves everything (settings, secrets file, logs) into one
folder, so a second, independent instance, a test or a throwaway profile never
touches the user's real files. No Qt here: the headless commands use it too.
"""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "qvmrc"
LOG_FILE = "qvmrc.log"


def config_dir() -> Path:
    """$QVMRC_CONFIG_DIR, else the platform's per-user config folder (~/.config/qvmrc on Linux)."""
    override = os.environ.get("QVMRC_CONFIG_DIR")
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False, roaming=True))


def log_dir() -> Path:
    """$QVMRC_CONFIG_DIR/logs, else the platform's per-user log folder
    (~/.local/state/qvmrc/log, ~/Library/Logs/qvmrc, %LOCALAPPDATA%\\qvmrc\\Logs)."""
    override = os.environ.get("QVMRC_CONFIG_DIR")
    if override:
        return Path(override) / "logs"
    import platformdirs

    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))


def log_file() -> Path:
    return log_dir() / LOG_FILE
