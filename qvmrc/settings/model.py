"""What QVMRC remembers: preferences, saved control planes and VMs, recent consoles.

Parsing is forgiving on purpose: a single bad value resets only that value, so one
typo in settings.json never costs the user their saved VMs.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from qvmrc.errors import InvalidTarget
from qvmrc.keycombos import canonical as canonical_combo
from qvmrc.keylayouts import LAYOUTS
from qvmrc.redact import redact_url
from qvmrc.rfb.encodings.numbers import DEFAULT_ENCODINGS, PIXEL_ENCODINGS

SCALE_MODES = ("fit", "fill", "1:1")
THEMES = ("light", "dark")
SECRET_FALLBACKS = ("", "session", "file")
#: Release hotkeys offered in Preferences: modifiers only, so the VM never misses a key.
RELEASE_HOTKEYS = ("Ctrl+Alt", "Ctrl+Alt+Shift", "Ctrl+Shift", "Ctrl+Meta", "Right Ctrl")


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


