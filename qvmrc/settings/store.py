"""settings.json on disk: loaded leniently, written atomically.

A corrupt file is backed up and replaced by defaults with one warning; writes go
through a unique temporary file, fsync and replace, so two writers or a crash never
leave half a file behind.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import tempfile
import time
from pathlib import Path

from qvmrc.settings.model import Settings, settings_from_json

log = logging.getLogger(__name__)

APP_DIR_NAME = "qvmrc"
SETTINGS_FILE = "settings.json"


def config_dir() -> Path:
    """Where QVMRC keeps its files: $QVMRC_CONFIG_DIR, else the platform's user config dir."""
    from qvmrc.paths import config_dir as _config_dir

    return _config_dir()


class SettingsStore:
    """Loads and saves ``settings.json``; remembers the warning a bad file caused."""

    def __init__(self, directory: Path | str | None = None) -> None:
        self.dir = Path(directory) if directory is not None else config_dir()
        self.path = self.dir / SETTINGS_FILE
        self.warning: str | None = None

    def load(self) -> Settings:
        self.warning = None
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return Settings()
        except OSError as e:
            self.warning = f"cannot read {self.path}: {e.strerror or e}; using defaults"
            log.warning("%s", self.warning)
            return Settings()
        try:
            data = json.loads(text)
            settings, reset = settings_from_json(data)
        except (ValueError, UnicodeDecodeError) as e:
            backup = self._backup()
            where = f"; the old file is saved as {backup.name}" if backup else ""
            self.warning = f"the settings file was unreadable ({_short(e)}); starting with defaults{where}"
            log.warning("%s", self.warning)
            return Settings()
        if reset:
            self.warning = f"ignored invalid settings: {', '.join(reset)} (back to defaults)"
            log.warning("%s", self.warning)
        return settings

    def _backup(self) -> Path | None:
        stamp = time.strftime("%Y%m%d-%H%M%S")
        backup = self.path.with_name(f"{SETTINGS_FILE}.corrupt-{stamp}")
        n = 1
        while backup.exists():
            backup = self.path.with_name(f"{SETTINGS_FILE}.corrupt-{stamp}-{n}")
            n += 1
        try:
            os.replace(self.path, backup)
        except OSError:
            return None
        return backup

    def save(self, settings: Settings) -> None:
        """Atomic: a crash or a second process never leaves half a file (see atomic_write)."""
        atomic_write(self.path, json.dumps(settings.to_json(), indent=2, sort_keys=True) + "\n")


def atomic_write(path: Path, text: str, mode: int = 0o644) -> None:
    """Write a whole file or nothing: a unique temp file beside it, fsync, then replace.

    The temp name is unique per writer, so two processes saving at once never
    write into one temp file; the reader sees either one complete version or
    the other (the last replace wins), never a truncated mix.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _short(e: BaseException) -> str:
    return " ".join(str(e).split())[:120]


