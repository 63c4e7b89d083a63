"""Persisted preferences, saved control planes and VMs, and the tokens kept apart from them.

Plain settings live in ``settings.json`` in the user's config directory (no Qt
needed, so the file is easy to read in a bug report and to test). Tokens never
go there: they go to the system keyring when the ``keyring`` package works,
else to ``secrets.json`` created with mode 0600. A corrupt settings file is
backed up and replaced by defaults with one warning; a single bad value only
resets that value, so one typo never costs the user their saved VMs.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from qvmrc.errors import InvalidTarget
from qvmrc.redact import redact_url
from qvmrc.rfb.encodings.numbers import DEFAULT_ENCODINGS, PIXEL_ENCODINGS

log = logging.getLogger(__name__)

APP_DIR_NAME = "qvmrc"
SETTINGS_FILE = "settings.json"
SECRETS_FILE = "secrets.json"
KEYRING_SERVICE = "qvmrc"
SCALE_MODES = ("fit", "fill", "1:1")
THEMES = ("light", "dark")


def config_dir() -> Path:
    """Where QVMRC keeps its files: $QVMRC_CONFIG_DIR, else the platform's user config dir."""
    override = os.environ.get("QVMRC_CONFIG_DIR")
    if override:
        return Path(override)
    if sys.platform == "win32":
        base = Path(os.environ.get("APPDATA") or Path.home() / "AppData" / "Roaming")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return base / APP_DIR_NAME


# ------------------------------------------------------------------- model


@dataclass
class SavedVM:
    id: str
    name: str = ""

    @property
    def label(self) -> str:
        return self.name or self.id


@dataclass
class ControlPlane:
    """A control plane the user added; its token lives in the SecretStore under ``id``."""

    url: str
    name: str = ""
    id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    verify_tls: bool = True
    pinned_pem: str = ""  # a certificate the user chose to trust (public, not a secret)
    vms: list[SavedVM] = field(default_factory=list)

    @property
    def label(self) -> str:
        return self.name or display_url(self.url)

    def find_vm(self, vm_id: str) -> SavedVM | None:
        return next((v for v in self.vms if v.id == vm_id), None)


@dataclass
class Settings:
    """Everything the user can change. Defaults are what a new user gets."""

    preferred_encoding: str = "tight"
    jpeg_quality: int | None = None  # None: lossless only
    compress_level: int | None = None  # None: the server's default
    scale_mode: str = "fit"
    smooth_scaling: bool = True
    reconnect: bool = True
    clipboard_sync: bool = True
    theme_follows_os: bool = True
    theme: str = "light"  # used when not following the OS
    show_sidebar: bool = True
    # VeNCrypt: the CA (PEM) that signed the hypervisors' VNC certificates, and
    # the username for its Plain subtypes. Public, not secrets.
    vnc_ca_file: str = ""
    vnc_username: str = ""
    # TLS for https/wss (see qvmrc.certs): a CA file trusted besides the OS's
    # store, and certificates the user trusted for ad-hoc wss:// servers
    # ("host:port" -> SHA-256 fingerprint). Public, not secrets.
    ca_file: str = ""
    pinned_certificates: dict[str, str] = field(default_factory=dict)
    control_planes: list[ControlPlane] = field(default_factory=list)

    def encodings(self) -> tuple[str, ...]:
        """The encoding list a session offers: the preferred one first, then our default order."""
        pref = self.preferred_encoding
        rest = tuple(e for e in DEFAULT_ENCODINGS if e != pref)
        if pref == "copyrect" or pref not in PIXEL_ENCODINGS:
            return DEFAULT_ENCODINGS
        # CopyRect is cheap and never replaces a real encoding: keep it first.
        return ("copyrect", pref, *tuple(e for e in rest if e != "copyrect"))

    def find_control_plane(self, cp_id: str) -> ControlPlane | None:
        return next((c for c in self.control_planes if c.id == cp_id), None)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    def redacted(self) -> dict[str, Any]:
        """For diagnostics: no secrets (there should be none here anyway), no URL credentials."""
        data = self.to_json()
        for cp in data["control_planes"]:
            cp["url"] = display_url(cp["url"])
            cp["pinned_pem"] = "(set)" if cp.get("pinned_pem") else ""
            cp["vms"] = len(cp["vms"])
        return _drop_secret_keys(data)


#: A URL fit to show: the one redactor (qvmrc.redact), under its old name here.
display_url = redact_url


_SECRET_WORDS = ("token", "password", "passwd", "secret", "authorization", "cookie", "key")


def _drop_secret_keys(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: ("(removed)" if any(w in str(k).lower() for w in _SECRET_WORDS) else _drop_secret_keys(v))
                for k, v in value.items()}
    if isinstance(value, list):
        return [_drop_secret_keys(v) for v in value]
    return value


# --------------------------------------------------------------- validation


def _want(value: Any, kind: type | tuple[type, ...]) -> bool:
    if kind is int or (isinstance(kind, tuple) and int in kind):
        if isinstance(value, bool):
            return False
    return isinstance(value, kind)


def _level(value: Any) -> int | None:
    if value is None:
        return None
    if _want(value, int) and 0 <= value <= 9:
        return int(value)
    raise ValueError("not a level 0-9")


_CHECKS: dict[str, Any] = {
    "preferred_encoding": lambda v: v if v in PIXEL_ENCODINGS else _bad(),
    "jpeg_quality": _level,
    "compress_level": _level,
    "scale_mode": lambda v: v if v in SCALE_MODES else _bad(),
    "smooth_scaling": lambda v: v if isinstance(v, bool) else _bad(),
    "reconnect": lambda v: v if isinstance(v, bool) else _bad(),
    "clipboard_sync": lambda v: v if isinstance(v, bool) else _bad(),
    "theme_follows_os": lambda v: v if isinstance(v, bool) else _bad(),
    "theme": lambda v: v if v in THEMES else _bad(),
    "show_sidebar": lambda v: v if isinstance(v, bool) else _bad(),
    "vnc_ca_file": lambda v: v if isinstance(v, str) and len(v) < 4096 else _bad(),
    "vnc_username": lambda v: v if isinstance(v, str) and len(v) < 256 else _bad(),
    "ca_file": lambda v: v if isinstance(v, str) and len(v) < 4096 else _bad(),
    "pinned_certificates": lambda v: _pins(v),
}


def _pins(v: Any) -> dict[str, str]:
    from qvmrc.certs import normalise_fingerprint

    if not isinstance(v, dict) or len(v) > 1000:
        raise ValueError("bad pins")
    try:
        return {str(k)[:300]: normalise_fingerprint(str(fp)) for k, fp in v.items()}
    except InvalidTarget:
        raise ValueError("bad pin") from None


def _bad() -> Any:
    raise ValueError("bad value")


def _parse_control_plane(raw: Any) -> ControlPlane:
    if not isinstance(raw, dict) or not isinstance(raw.get("url"), str) or not raw["url"]:
        raise ValueError("a control plane needs a url")
    vms: list[SavedVM] = []
    for v in raw.get("vms") or []:
        if isinstance(v, dict) and isinstance(v.get("id"), str) and v["id"]:
            vms.append(SavedVM(id=v["id"], name=str(v.get("name") or "")))
    cp = ControlPlane(url=raw["url"], name=str(raw.get("name") or ""), vms=vms,
                      verify_tls=bool(raw.get("verify_tls", True)),
                      pinned_pem=str(raw.get("pinned_pem") or ""))
    if isinstance(raw.get("id"), str) and raw["id"]:
        cp.id = raw["id"]
    return cp


def settings_from_json(data: Any) -> tuple[Settings, list[str]]:
    """Build Settings from parsed JSON; returns the names of values that were reset."""
    s = Settings()
    reset: list[str] = []
    if not isinstance(data, dict):
        raise ValueError("the settings file does not hold a JSON object")
    for f in fields(Settings):
        if f.name not in data:
            continue
        raw = data[f.name]
        if f.name == "control_planes":
            if not isinstance(raw, list):
                reset.append(f.name)
                continue
            for i, item in enumerate(raw):
                try:
                    s.control_planes.append(_parse_control_plane(item))
                except ValueError:
                    reset.append(f"control_planes[{i}]")
            continue
        try:
            setattr(s, f.name, _CHECKS[f.name](raw))
        except (ValueError, TypeError):
            reset.append(f.name)
    return s, reset


# ------------------------------------------------------------------- store


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
        """Atomic write (temp file + rename) so a crash never leaves half a file."""
        self.dir.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(self.path.name + ".tmp")
        tmp.write_text(json.dumps(settings.to_json(), indent=2, sort_keys=True) + "\n", encoding="utf-8")
        os.replace(tmp, self.path)


def _short(e: BaseException) -> str:
    return " ".join(str(e).split())[:120]


# ----------------------------------------------------------------- secrets


class SecretStore:
    """Tokens by key: the keyring when usable, else a 0600 JSON file next to the settings.

    ``use_keyring=False`` forces the file (tests, or a keyring that keeps
    prompting); ``None`` tries the keyring and falls back silently.
    """

    def __init__(self, directory: Path | str | None = None, use_keyring: bool | None = None) -> None:
        self.dir = Path(directory) if directory is not None else config_dir()
        self.path = self.dir / SECRETS_FILE
        self._keyring: Any = None
        if use_keyring is not False:
            self._keyring = _usable_keyring()

    @property
    def backend(self) -> str:
        return "keyring" if self._keyring is not None else "file"

    def get(self, key: str) -> str | None:
        if self._keyring is not None:
            try:
                value = self._keyring.get_password(KEYRING_SERVICE, key)
                if value is not None:
                    return str(value)
            except Exception as e:  # any keyring backend failure: fall back
                log.warning("keyring unavailable (%s); using the secrets file", type(e).__name__)
                self._keyring = None
        return self._read_file().get(key)

    def set(self, key: str, value: str | None) -> None:
        if not value:
            self.delete(key)
            return
        if self._keyring is not None:
            try:
                self._keyring.set_password(KEYRING_SERVICE, key, value)
                self._delete_from_file(key)
                return
            except Exception as e:
                log.warning("keyring unavailable (%s); using the secrets file", type(e).__name__)
                self._keyring = None
        data = self._read_file()
        data[key] = value
        self._write_file(data)

    def delete(self, key: str) -> None:
        if self._keyring is not None:
            with contextlib.suppress(Exception):
                self._keyring.delete_password(KEYRING_SERVICE, key)
        self._delete_from_file(key)

    def _delete_from_file(self, key: str) -> None:
        data = self._read_file()
        if key in data:
            del data[key]
            self._write_file(data)

    def _read_file(self) -> dict[str, str]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError, UnicodeDecodeError):
            log.warning("the secrets file %s is unreadable; saved tokens are ignored", self.path)
            return {}
        if not isinstance(data, dict):
            return {}
        return {str(k): v for k, v in data.items() if isinstance(v, str)}

    def _write_file(self, data: dict[str, str]) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(self.path.name + ".tmp")
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh)
        os.replace(tmp, self.path)
        with contextlib.suppress(OSError):
            os.chmod(self.path, 0o600)

    def keys(self) -> Iterator[str]:
        yield from self._read_file()


def token_key(cp: ControlPlane) -> str:
    return f"token:{cp.id}"


def _usable_keyring() -> Any:
    try:
        import keyring  # type: ignore[import-not-found]
        from keyring.backends import fail  # type: ignore[import-not-found]
    except Exception:  # not installed or broken: use the file
        return None
    try:
        backend = keyring.get_keyring()
    except Exception:
        return None
    name = type(backend).__module__ + "." + type(backend).__name__
    if isinstance(backend, fail.Keyring) or "null" in name.lower():
        return None
    if "chainer" in name.lower() and not getattr(backend, "backends", None):
        return None
    return keyring
