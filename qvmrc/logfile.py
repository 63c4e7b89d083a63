"""The app's log file: rotating, in the platform's log folder, secrets scrubbed like every handler.

Support asks for it when the debug panel's last lines are not enough (a crash,
a problem before the window opened); "Copy diagnostics" and Help › About say
where it is.
"""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

from qvmrc.paths import log_file

MAX_BYTES = 1024 * 1024
BACKUPS = 3
FORMAT = "%(asctime)s %(process)d %(levelname)-7s %(name)s: %(message)s"

_installed: logging.Handler | None = None


def install(level: int = logging.INFO, path: Path | None = None) -> Path | None:
    """Add the file handler to the root logger (once); None when the folder is not writable."""
    global _installed
    from qvmrc.ui.logscrub import scrubber

    if _installed is not None:
        return current()
    path = path or log_file()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUPS,
                                                       encoding="utf-8", delay=True)
    except OSError as e:
        logging.getLogger(__name__).warning("no log file (%s): %s", path, e.strerror or e)
        return None
    handler.setLevel(level)
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.addFilter(scrubber())
    logging.getLogger().addHandler(handler)
    _installed = handler
    return path


def current() -> Path | None:
    """The file being written, if any."""
    if isinstance(_installed, logging.handlers.RotatingFileHandler):
        return Path(_installed.baseFilename)
    return None


def uninstall() -> None:
    global _installed
    if _installed is not None:
        logging.getLogger().removeHandler(_installed)
        _installed.close()
        _installed = None
