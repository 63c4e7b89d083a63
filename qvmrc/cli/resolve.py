"""From a TARGET to what a session dials, parsed exactly as the app parses it.

The CLI and the app share one parser (:func:`qvmrc.console.target.target_from_string`)
so a target the app opens is one the CLI opens, with the same one-line errors.
"""

from __future__ import annotations

import argparse
import os
from typing import Any

from qvmrc.cli.tls import check_insecure, ssl_context
from qvmrc.errors import InvalidTarget
from qvmrc.redact import register_secret


def env_secret(var: str | None, what: str) -> str | None:
    """A secret from the environment (never from argv, where ``ps`` shows it), registered for redaction."""
    if not var:
        return None
    value = os.environ.get(var)
    if value is None:
        raise InvalidTarget(f"environment variable {var} (the {what}) is not set")
    register_secret(value)
    return value


async def resolve(args: argparse.Namespace) -> tuple[str, dict[str, Any]]:
    """TARGET -> (console URL, session option overrides); links go through their control plane."""
    from qvmrc.console.target import target_from_string

    password = env_secret(args.password_env, "VNC password")
    token = env_secret(args.token_env, "bearer token")
    # vnc:// uses no saved trust; skip reading the settings for it.
    settings = None if args.target.strip().lower().startswith("vnc://") else _saved_settings()
    target = target_from_string(args.target, settings)
    if target.from_link and token is None and target.cp is not None:
        token = _saved_token(target.cp.url)
    check_insecure(args, sends_token=target.from_link and bool(token))
    ssl_ctx = ssl_context(args, target, settings)
    extra: dict[str, Any] = {"password": password, "ssl": ssl_ctx}
    if not target.from_link:
        return target.target, extra
    from qvmrc.controlplane.console import resolve_target

    endpoint = await resolve_target(target.target, token=token, password=password, timeout=args.timeout,
                                    ssl=ssl_ctx)
    register_secret(endpoint.password)
    extra["password"] = endpoint.password
    if endpoint.ssl_context is not None:
        extra["ssl"] = endpoint.ssl_context
    return endpoint.url, extra


def _saved_settings() -> Any:
    from qvmrc.settings import SettingsStore

    return SettingsStore().load()


def _saved_token(base_url: str) -> str | None:
    """The token saved (``add-control-plane --token-env``) for a link's control plane."""
    from qvmrc.trust import saved_token

    token = saved_token(base_url)
    register_secret(token)
    return token
