"""Persisted preferences, saved control planes and VMs, and the tokens kept apart from them.

Plain settings live in ``settings.json`` in the user's config directory (no Qt
needed, so the file is easy to read in a bug report and to test). Tokens never
go there: they go to the system keyring when one works, else where the user
chose (memory only, or ``secrets.json`` created with mode 0600). A corrupt settings file is
backed up and replaced by defaults with one warning; a single bad value only
resets that value, so one typo never costs the user their saved VMs.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from qvmrc.errors import InvalidTarget
from qvmrc.keycombos import canonical as canonical_combo
from qvmrc.keylayouts import LAYOUTS
from qvmrc.redact import redact_url
from qvmrc.rfb.encodings.numbers import DEFAULT_ENCODINGS, PIXEL_ENCODINGS

log = logging.getLogger(__name__)

APP_DIR_NAME = "qvmrc"
SETTINGS_FILE = "settings.json"
SECRETS_FILE = "secrets.json"
KEYRING_SERVICE = "qvmrc"
SCALE_MODES = ("fit", "fill", "1:1")
THEMES = ("light", "dark")
SECRET_FALLBACKS = ("", "session", "file")
KEYRING_PROBE_SECONDS = 3.0
#: Release hotkeys offered in Preferences: modifiers only, so the VM never misses a key.
RELEASE_HOTKEYS = ("Ctrl+Alt", "Ctrl+Alt+Shift", "Ctrl+Shift", "Ctrl+Meta", "Right Ctrl")


def config_dir() -> Path:
    """Where QVMRC keeps its files: $QVMRC_CONFIG_DIR, else the platform's user config dir."""
    from qvmrc.paths import config_dir as _config_dir

    return _config_dir()


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
    #: VMs the user took out of the sidebar (qvmrc.ui.inventory); None: not tracked yet.
    hidden_vms: list[str] | None = None

    @property
    def label(self) -> str:
        return self.name or display_url(self.url)

    def find_vm(self, vm_id: str) -> SavedVM | None:
        return next((v for v in self.vms if v.id == vm_id), None)


@dataclass
class RecentTarget:
    """A console the user opened with "Connect to…" (qvmrc.ui.recents). No secrets:
    ``target`` is redacted (no user:password@, no password=), passwords are never kept."""

    target: str
    title: str = ""
    view_only: bool = False
    ca_file: str = ""  # a CA (PEM) to verify a wss:// server with
    fingerprint: str = ""  # or the SHA-256 of the one certificate the user accepted

    @property
    def label(self) -> str:
        return self.title or self.target


MAX_RECENT_TARGETS = 10


@dataclass
class Settings:
    """Everything the user can change. Defaults are what a new user gets."""

    preferred_encoding: str = "tight"
    jpeg_quality: int | None = None  # None: lossless only
    compress_level: int | None = None  # None: the server's default
    scale_mode: str = "fit"
    smooth_scaling: bool = True
    release_hotkey: str = "Ctrl+Alt"  # gives the keyboard back from a grabbed console
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
    # first-start questions and one-time steps (qvmrc.ui.startup)
    link_handler_asked: bool = False
    legacy_imported: bool = False
    secret_storage: str = ""  # where tokens go when no keyring works: "", "session" or "file"
    # ISO paths (on the platform's storage) mounted lately, newest first (qvmrc.ui.media).
    recent_isos: list[str] = field(default_factory=list)
    # Consoles opened with File › Connect to…, newest first (File › Recent).
    recent_targets: list[RecentTarget] = field(default_factory=list)
    # Keys and pointer (qvmrc.keycombos, qvmrc.keylayouts)
    custom_keys: list[str] = field(default_factory=list)  # the user's own "Send key" combinations
    guest_layout: str = "us"  # the guests' keyboard layout, for "Type clipboard"
    show_local_cursor: bool = True
    dot_cursor: bool = False  # a dot when the server hides its cursor (noVNC's "show dot", off there too)

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
            cp["hidden_vms"] = len(cp.get("hidden_vms") or [])
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
    "release_hotkey": lambda v: v if v in RELEASE_HOTKEYS else _bad(),
    "reconnect": lambda v: v if isinstance(v, bool) else _bad(),
    "clipboard_sync": lambda v: v if isinstance(v, bool) else _bad(),
    "theme_follows_os": lambda v: v if isinstance(v, bool) else _bad(),
    "theme": lambda v: v if v in THEMES else _bad(),
    "show_sidebar": lambda v: v if isinstance(v, bool) else _bad(),
    "vnc_ca_file": lambda v: v if isinstance(v, str) and len(v) < 4096 else _bad(),
    "vnc_username": lambda v: v if isinstance(v, str) and len(v) < 256 else _bad(),
    "ca_file": lambda v: v if isinstance(v, str) and len(v) < 4096 else _bad(),
    "pinned_certificates": lambda v: _pins(v),
    "link_handler_asked": lambda v: v if isinstance(v, bool) else _bad(),
    "legacy_imported": lambda v: v if isinstance(v, bool) else _bad(),
    "secret_storage": lambda v: v if v in SECRET_FALLBACKS else _bad(),
    "recent_isos": lambda v: _text_list(v, 10, 4096),
    "recent_targets": lambda v: _recent_targets(v),
    "custom_keys": lambda v: _custom_keys(v),
    "guest_layout": lambda v: v if v in LAYOUTS else _bad(),
    "show_local_cursor": lambda v: v if isinstance(v, bool) else _bad(),
    "dot_cursor": lambda v: v if isinstance(v, bool) else _bad(),
}


def _recent_targets(value: Any) -> list[RecentTarget]:
    if not isinstance(value, list):
        raise ValueError("not a list")
    out: list[RecentTarget] = []
    for raw in value[:MAX_RECENT_TARGETS]:
        if not isinstance(raw, dict) or not isinstance(raw.get("target"), str) or not raw["target"]:
            raise ValueError("a recent target needs a target")
        texts = {k: raw.get(k, "") for k in ("title", "ca_file", "fingerprint")}
        if not all(isinstance(t, str) and len(t) < 4096 for t in texts.values()) or len(raw["target"]) > 4096:
            raise ValueError("bad recent target")
        # Whatever an older or edited file holds, no secret comes back in.
        out.append(RecentTarget(target=redact_url(raw["target"]), view_only=raw.get("view_only") is True,
                                **texts))
    return out


def _text_list(value: Any, count: int, length: int) -> list[str]:
    """A list of short, non-empty strings; longer lists are cut, anything else is invalid."""
    if not isinstance(value, list) or not all(isinstance(x, str) and 0 < len(x) <= length for x in value):
        raise ValueError("not a list of texts")
    return list(value[:count])


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


MAX_CUSTOM_KEYS = 30


def _custom_keys(value: Any) -> list[str]:
    """The saved combinations, canonical and each once; any that does not parse resets the list."""
    if not isinstance(value, list) or len(value) > MAX_CUSTOM_KEYS:
        raise ValueError("not a list of key combinations")
    out: list[str] = []
    for item in value:
        name = canonical_combo(item)  # BadCombo is a ValueError
        if name not in out:
            out.append(name)
    return out


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
    hidden = raw.get("hidden_vms")
    if isinstance(hidden, list):
        cp.hidden_vms = [h for h in hidden if isinstance(h, str) and h][:10_000]
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


# ----------------------------------------------------------------- secrets


class SecretStore:
    """Tokens by key: the OS keyring when one works, else what the user chose.

    Without a working keyring nothing is written until the user decides
    (``fallback``): ``"session"`` keeps tokens in memory until quit, ``"file"``
    writes a 0600 ``secrets.json`` beside the settings, which the user was told
    is not encrypted. Undecided, tokens are held in memory and
    ``on_needs_choice`` is called so the app can ask; never a silent plaintext
    file. ``use_keyring=False`` (tests, a keyring that keeps prompting) is an
    explicit choice of the file. The keyring is probed lazily, in a thread with
    a time limit: a Secret Service that never answers must not hang a start.
    """

    def __init__(self, directory: Path | str | None = None, use_keyring: bool | None = None,
                 fallback: str | None = None) -> None:
        self.dir = Path(directory) if directory is not None else config_dir()
        self.path = self.dir / SECRETS_FILE
        self.fallback = fallback if fallback is not None else ("file" if use_keyring is False else "")
        self._session: dict[str, str] = {}
        self._keyring: Any = None
        self._probed = use_keyring is False
        self.needs_choice = False
        self.on_needs_choice: Callable[[], None] | None = None

    def _ring(self) -> Any:
        if not self._probed:
            self._probed = True
            self._keyring = _usable_keyring()
        return self._keyring

    @property
    def backend(self) -> str:
        """"keyring", "file", "session" (chosen) or "memory" (no keyring, not chosen yet)."""
        if self._ring() is not None:
            return "keyring"
        return self.fallback or "memory"

    def _lost_keyring(self, e: BaseException) -> None:
        log.warning("keyring unavailable (%s); tokens stay in memory unless you choose a file",
                    type(e).__name__)
        self._keyring = None

    def get(self, key: str) -> str | None:
        ring = self._ring()
        if ring is not None:
            try:
                value = ring.get_password(KEYRING_SERVICE, key)
                if value is not None:
                    return str(value)
            except Exception as e:  # any keyring backend failure
                self._lost_keyring(e)
        if key in self._session:
            return self._session[key]
        return self._read_file().get(key)  # a file the user chose (now or in an earlier version)

    def set(self, key: str, value: str | None) -> None:
        if not value:
            self.delete(key)
            return
        ring = self._ring()
        if ring is not None:
            try:
                ring.set_password(KEYRING_SERVICE, key, value)
                self._session.pop(key, None)
                self._delete_from_file(key)
                return
            except Exception as e:
                self._lost_keyring(e)
        if self.fallback == "file":
            data = self._read_file()
            data[key] = value
            self._write_file(data)
            return
        self._session[key] = value
        if not self.fallback:
            self.needs_choice = True
            if self.on_needs_choice is not None:
                self.on_needs_choice()

    def choose(self, fallback: str) -> None:
        """The user's answer: "file" moves the tokens held in memory into the 0600 file."""
        if fallback not in ("session", "file"):
            raise ValueError(f"unknown secret storage {fallback!r}")
        self.fallback = fallback
        self.needs_choice = False
        if fallback == "file" and self._session:
            data = self._read_file()
            data.update(self._session)
            self._write_file(data)
            self._session.clear()

    def delete(self, key: str) -> None:
        ring = self._ring()
        if ring is not None:
            with contextlib.suppress(Exception):
                ring.delete_password(KEYRING_SERVICE, key)
        self._session.pop(key, None)
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
        if not data and not self.path.exists():
            return
        atomic_write(self.path, json.dumps(data), mode=0o600)

    def keys(self) -> Iterator[str]:
        yield from self._session
        yield from self._read_file()


def token_key(cp: ControlPlane) -> str:
    return f"token:{cp.id}"


def _usable_keyring(timeout: float = KEYRING_PROBE_SECONDS) -> Any:
    """The keyring module when its backend is a real one, else None; never waits longer than
    ``timeout`` (a D-Bus that accepts the call and never answers is not a keyring)."""
    result: list[Any] = []

    def probe() -> None:
        result.append(_probe_keyring())

    t = threading.Thread(target=probe, name="keyring-probe", daemon=True)
    t.start()
    t.join(timeout)
    if t.is_alive():
        log.warning("the system keyring did not answer within %g s; not using it", timeout)
        return None
    return result[0] if result else None


def _probe_keyring() -> Any:
    try:
        import keyring
        from keyring.backends import fail
    except Exception:  # not installed or broken
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
    try:
        if float(getattr(backend, "priority", 1)) <= 0:  # keyring's own "not usable here" mark
            return None
    except Exception:
        return None
    return keyring
