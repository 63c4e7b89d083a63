"""Which control planes the user trusts: the ones saved in the settings.

A deep link can come from any web page, so a link whose control plane (or
Quantix host) is not saved is a request the user confirms; a saved one is
trusted (its links open without a question, its consoles may share the
clipboard). ``qvmrc add-control-plane`` saves one from a script. No Qt here.
"""

from __future__ import annotations

import ssl
from urllib.parse import urlsplit

from qvmrc.controlplane.deeplink import _check_base_url
from qvmrc.errors import InvalidTarget
from qvmrc.settings import ControlPlane, SecretStore, Settings, SettingsStore, token_key

_DEFAULT_PORTS = {"http": 80, "https": 443}


def base_url_key(url: str) -> tuple[str, str, int, str] | None:
    """What makes two control plane URLs the same: scheme, host, port, path (no trailing /)."""
    try:
        p = urlsplit(url.strip())
        port = p.port or _DEFAULT_PORTS.get(p.scheme.lower(), 0)
    except ValueError:
        return None
    if not p.hostname:
        return None
    return p.scheme.lower(), p.hostname.lower().rstrip("."), port, p.path.rstrip("/")


def find_saved(settings: Settings | None, url: str) -> ControlPlane | None:
    """The saved control plane at ``url`` (default ports and a trailing / ignored), or None."""
    key = base_url_key(url)
    if settings is None or key is None:
        return None
    return next((c for c in settings.control_planes if base_url_key(c.url) == key), None)


def normalise_control_plane_url(url: str) -> str:
    """``https://host[:port][/prefix]`` checked like a link's url (no userinfo, query, fragment)."""
    try:
        return _check_base_url(url.strip())
    except InvalidTarget as e:
        raise InvalidTarget(str(e).replace("invalid console link: ", "invalid control plane URL: ")) from None


class NoKeyring(InvalidTarget):
    """A token was given where no keyring works and the user chose no file."""


def add_control_plane(url: str, *, name: str = "", token: str | None = None,
                      store: SettingsStore | None = None, secrets: SecretStore | None = None,
                      token_file: bool = False) -> ControlPlane:
    """Save a control plane as trusted (or update the saved one at that URL); returns it.

    The token goes to the OS keyring; where none works, only to the 0600 file when
    the user chose it (``token_file``, or earlier in the app), never silently and
    never to settings.json.
    """
    base = normalise_control_plane_url(url)
    store = store or SettingsStore()
    settings = store.load()
    if secrets is None:
        secrets = _secrets_for(store, settings)
    if token is not None and secrets.backend == "memory":
        if not token_file:
            raise NoKeyring(f"no system keyring works here, so the token cannot be kept safely; "
                            f"add --token-file to keep it in {secrets.path} (mode 0600, NOT encrypted)")
        secrets.choose("file")
        settings.secret_storage = "file"
    cp = find_saved(settings, base)
    if cp is None:
        cp = ControlPlane(url=base, name=name)
        settings.control_planes.append(cp)
    elif name:
        cp.name = name
    if token is not None:
        secrets.set(token_key(cp), token)
    store.save(settings)
    return cp


def _secrets_for(store: SettingsStore, settings: Settings) -> SecretStore:
    """The secret store as the app would use it: keyring, else the user's earlier choice."""
    return SecretStore(store.dir, fallback=settings.secret_storage or None)


def saved_token(url: str, store: SettingsStore | None = None,
                secrets: SecretStore | None = None) -> str | None:
    """The token saved for the control plane at ``url``, if it is saved and has one."""
    store = store or SettingsStore()
    settings = store.load()
    cp = find_saved(settings, url)
    if cp is None:
        return None
    return (secrets or _secrets_for(store, settings)).get(token_key(cp))


def tls_for(url: str, settings: Settings | None, cp: ControlPlane | None = None) -> ssl.SSLContext | None:
    """The TLS trust the user chose for a server (see qvmrc.certs); None: the OS store.

    In order: the saved control plane's pin (or its "verify off"), a pin saved for
    this ``host:port`` (an ad-hoc wss:// server trusted from a console), the CA
    file from the settings.
    """
    from qvmrc import certs

    if cp is not None and (cp.pinned_pem or not cp.verify_tls):
        return certs.context_for(pinned_pem=cp.pinned_pem or None, verify=cp.verify_tls)
    pins = settings.pinned_certificates if settings is not None else {}
    pin = pins.get(certs.host_key(url)) if url.lower().startswith(("https://", "wss://")) else None
    ca_file = settings.ca_file if settings is not None else ""
    if pin or ca_file:
        return certs.context_for(pin=pin, ca_file=ca_file or None)
    return None


def saved_tls(target: str, store: SettingsStore | None = None) -> ssl.SSLContext | None:
    """For the CLI: what the app would trust for ``target`` (a link or a wss:// URL)."""
    from qvmrc.controlplane.deeplink import is_deep_link, parse_deep_link

    settings = (store or SettingsStore()).load()
    if is_deep_link(target):
        base = parse_deep_link(target).base_url
        return tls_for(base, settings, find_saved(settings, base))
    return tls_for(target, settings)
