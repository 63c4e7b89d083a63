"""Carry the old qvmc client's saved VMs over, once, without touching its file.

qvmc (Rust) kept ``config.toml`` in the ``directories`` crate's project folder
for ``("com", "limiquantix", "qvmc")``. Its connections become saved VMs,
grouped by control plane; display settings that have a counterpart here are
mapped. A damaged file gives one warning and changes nothing. No Qt here.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from qvmrc.rfb.encodings.numbers import PIXEL_ENCODINGS
from qvmrc.settings import ControlPlane, SavedVM, Settings

log = logging.getLogger(__name__)

MAX_FILE = 4 * 1024 * 1024  # a real config is a few KiB; a huge one is not a config


def legacy_config_path(platform: str = sys.platform, env: Mapping[str, str] | None = None,
                       home: Path | None = None) -> Path:
    """Where qvmc's ProjectDirs("com", "limiquantix", "qvmc").config_dir() + config.toml is."""
    env = os.environ if env is None else env
    home = home if home is not None else Path(env.get("HOME") or Path.home())
    if platform == "win32":
        appdata = Path(env.get("APPDATA") or home / "AppData" / "Roaming")
        return appdata / "limiquantix" / "qvmc" / "config" / "config.toml"
    if platform == "darwin":
        return home / "Library" / "Application Support" / "com.limiquantix.qvmc" / "config.toml"
    xdg = env.get("XDG_CONFIG_HOME")
    base = Path(xdg) if xdg and Path(xdg).is_absolute() else home / ".config"
    return base / "qvmc" / "config.toml"


@dataclass
class ImportResult:
    """What happened, for the log and one line in the window."""

    path: Path
    control_planes: int = 0
    vms: int = 0
    settings: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    warning: str | None = None

    def summary(self) -> str:
        if self.warning:
            return self.warning
        parts = [f"imported {self.vms} saved VM(s) on {self.control_planes} control plane(s) "
                 f"from the old qvmc client ({self.path})"]
        if self.settings:
            parts.append("settings: " + ", ".join(self.settings))
        if self.skipped:
            parts.append("not carried over: " + ", ".join(self.skipped))
        return "; ".join(parts)


def _load_toml(data: bytes) -> dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    return tomllib.loads(data.decode("utf-8"))


def _url_key(url: str) -> str:
    return url.strip().rstrip("/").lower()


def _valid_url(url: Any) -> bool:
    if not isinstance(url, str) or not url.strip():
        return False
    try:
        p = urlsplit(url.strip())
    except ValueError:
        return False
    return p.scheme.lower() in ("http", "https") and bool(p.netloc)


def import_legacy(settings: Settings, path: Path | None = None) -> ImportResult | None:
    """Merge qvmc's config into ``settings`` (in place). None when there is no old file.

    The caller saves the settings and marks the import done; this never writes.
    """
    path = path or legacy_config_path()
    result = ImportResult(path)
    try:
        if not path.is_file():
            return None
        if path.stat().st_size > MAX_FILE:
            raise ValueError(f"{path.stat().st_size} bytes is too large for a config file")
        data = _load_toml(path.read_bytes())
    except OSError as e:
        result.warning = f"cannot read the old qvmc config {path}: {e.strerror or e}"
        return result
    except (ValueError, UnicodeDecodeError) as e:  # tomllib.TOMLDecodeError is a ValueError
        result.warning = f"the old qvmc config {path} is damaged and was not imported ({_short(e)})"
        return result

    by_url = {_url_key(cp.url): cp for cp in settings.control_planes}
    touched: set[str] = set()
    connections = data.get("connections")
    bad = 0
    for raw in connections if isinstance(connections, list) else []:
        if not isinstance(raw, dict) or not _valid_url(raw.get("control_plane_url")) \
                or not isinstance(raw.get("vm_id"), str) or not raw["vm_id"].strip():
            bad += 1
            continue
        url = raw["control_plane_url"].strip()
        cp = by_url.get(_url_key(url))
        if cp is None:
            cp = ControlPlane(url=url.rstrip("/"))
            settings.control_planes.append(cp)
            by_url[_url_key(url)] = cp
        vm_id = raw["vm_id"].strip()
        name = raw.get("name")
        if cp.find_vm(vm_id) is None:
            cp.vms.append(SavedVM(vm_id, name.strip() if isinstance(name, str) else ""))
            result.vms += 1
            touched.add(cp.id)
    result.control_planes = len(touched)
    if bad:
        result.skipped.append(f"{bad} connection(s) without a control plane URL or VM id")
    if connections is not None and not isinstance(connections, list):
        result.skipped.append("'connections' (not a list)")

    last = data.get("last_control_plane_url")
    if isinstance(last, str) and _valid_url(last) and _url_key(last) not in by_url:
        settings.control_planes.append(ControlPlane(url=last.strip().rstrip("/")))
        result.control_planes += 1

    _map_display(data.get("display"), settings, result)
    if any(k in data for k in ("window_width", "window_height", "window_maximized")):
        result.skipped.append("window size (QVMRC sizes its window to the screen)")
    return result


def _map_display(display: Any, settings: Settings, result: ImportResult) -> None:
    if not isinstance(display, dict):
        return
    scale = display.get("scale_viewport")
    if isinstance(scale, bool):
        settings.scale_mode = "fit" if scale else "1:1"
        result.settings.append(f"scale {settings.scale_mode}")
    enc = display.get("preferred_encoding")
    if isinstance(enc, str) and enc.strip().lower() in PIXEL_ENCODINGS:
        settings.preferred_encoding = enc.strip().lower()
        result.settings.append(f"encoding {settings.preferred_encoding}")
    for key, attr in (("quality", "jpeg_quality"), ("compression", "compress_level")):
        value = display.get(key)
        if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 9:
            setattr(settings, attr, value)
            result.settings.append(f"{attr.replace('_', ' ')} {value}")
    if "show_remote_cursor" in display:
        result.skipped.append("show_remote_cursor (no counterpart)")


def _short(e: BaseException) -> str:
    return " ".join(str(e).split())[:160]
