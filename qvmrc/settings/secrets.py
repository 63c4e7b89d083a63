"""API tokens, kept apart from settings.json.

They go to the system keyring when one works, else where the user chose (memory
only, or ``secrets.json`` created with mode 0600), never into the settings file.
"""

from __future__ import annotations

import contextlib
import json
import logging
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from qvmrc.settings.model import ControlPlane
from qvmrc.settings.store import atomic_write, config_dir

log = logging.getLogger(__name__)

SECRETS_FILE = "secrets.json"
KEYRING_SERVICE = "qvmrc"
KEYRING_PROBE_SECONDS = 3.0


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
