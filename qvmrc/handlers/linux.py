"""Linux (freedesktop): a .desktop file in $XDG_DATA_HOME/applications and xdg-mime defaults.

``xdg-open`` (also without a desktop environment, in its generic mode) looks up
``x-scheme-handler/qvmrc`` in ``$XDG_CONFIG_HOME/mimeapps.list`` and runs the
desktop file's ``Exec`` with ``%u`` replaced by the link.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Mapping
from importlib.resources import files
from pathlib import Path

from qvmrc.handlers import SCHEMES, HandlerError

DESKTOP_ID = "qvmrc.desktop"
MARKER = "X-QVMRC-Registered=true"
MIME_TYPES = tuple(f"x-scheme-handler/{s}" for s in SCHEMES)


def _home(env: Mapping[str, str]) -> Path:
    return Path(env.get("HOME") or Path.home())


def data_home(env: Mapping[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    return Path(env.get("XDG_DATA_HOME") or _home(env) / ".local" / "share")


def config_home(env: Mapping[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    return Path(env.get("XDG_CONFIG_HOME") or _home(env) / ".config")


def exec_quote(arg: str) -> str:
    """Quote one Exec argument as the Desktop Entry spec asks (reserved characters in "...")."""
    if arg and not any(c in arg for c in " \t\n\"'\\><~|&;$*?#()`"):
        return arg
    escaped = "".join("\\" + c if c in '"`$\\' else c for c in arg)
    return f'"{escaped}"'


def desktop_entry(argv: list[str], *, icon: str = "qvmrc", marker: bool = True) -> str:
    """The desktop file: both schemes, the app's own icon; ``%`` in a path doubled per the spec."""
    command = " ".join(exec_quote(a).replace("%", "%%") for a in argv)
    lines = [
        "[Desktop Entry]",
        "Type=Application",
        "Name=QVMRC",
        "GenericName=Virtual machine console",
        "Comment=Console for LimiQuantix virtual machines",
        f"Exec={command} %u",
        f"Icon={icon}",
        "Terminal=false",
        "Categories=Network;RemoteAccess;",
        "MimeType=" + "".join(f"{m};" for m in MIME_TYPES),
        "StartupWMClass=qvmrc",
    ]
    if marker:
        lines.append(MARKER)
    return "\n".join(lines) + "\n"


def _run(cmd: list[str], env: Mapping[str, str] | None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, env=None if env is None else dict(env), capture_output=True, text=True,
                          timeout=30, check=False)


def register(argv: list[str], env: Mapping[str, str] | None = None) -> list[str]:
    apps = data_home(env) / "applications"
    desktop = apps / DESKTOP_ID
    out = []
    try:
        apps.mkdir(parents=True, exist_ok=True)
        tmp = desktop.with_name(f".{DESKTOP_ID}.{os.getpid()}.tmp")
        tmp.write_text(desktop_entry(argv), encoding="utf-8")
        os.replace(tmp, desktop)
        _install_icon(data_home(env))
    except OSError as e:
        raise HandlerError(f"cannot write {desktop}: {e.strerror or e}") from None
    out.append(f"wrote {desktop}")
    if shutil.which("xdg-mime"):
        result = _run(["xdg-mime", "default", DESKTOP_ID, *MIME_TYPES], env)
        if result.returncode != 0:
            raise HandlerError(f"xdg-mime default failed: {' '.join(result.stderr.split())[:200]}")
    else:
        _set_defaults(config_home(env) / "mimeapps.list", add=True)
    out.append(f"qvmrc:// and qvmc:// links now open {' '.join(argv)}")
    if shutil.which("update-desktop-database"):
        _run(["update-desktop-database", str(apps)], env)
    return out


def unregister(env: Mapping[str, str] | None = None) -> list[str]:
    desktop = data_home(env) / "applications" / DESKTOP_ID
    out = []
    try:
        if desktop.is_file() and MARKER in desktop.read_text(encoding="utf-8", errors="replace"):
            desktop.unlink()
            out.append(f"removed {desktop}")
        _set_defaults(config_home(env) / "mimeapps.list", add=False)
    except OSError as e:
        raise HandlerError(f"cannot unregister: {e.strerror or e}") from None
    if shutil.which("update-desktop-database") and desktop.parent.is_dir():
        _run(["update-desktop-database", str(desktop.parent)], env)
    out.append("qvmrc:// and qvmc:// links are no longer sent to QVMRC (for this user)")
    return out


def is_registered(env: Mapping[str, str] | None = None) -> bool:
    """Does ``xdg-mime`` name a QVMRC desktop file for both schemes (ours or the .deb's)?"""
    if shutil.which("xdg-mime"):
        for mime in MIME_TYPES:
            try:
                result = _run(["xdg-mime", "query", "default", mime], env)
            except (OSError, subprocess.SubprocessError):
                return False
            if "qvmrc" not in result.stdout.lower():
                return False
        return True
    return all(f"{m}={DESKTOP_ID}" in _read(config_home(env) / "mimeapps.list") for m in MIME_TYPES)


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def _set_defaults(path: Path, *, add: bool) -> None:
    """Edit ``[Default Applications]`` of mimeapps.list line by line (keeps the rest as it was)."""
    lines = _read(path).splitlines()
    kept: list[str] = []
    section = ""
    for line in lines:
        stripped = line.strip()
        if stripped.startswith("[") and stripped.endswith("]"):
            section = stripped
        elif section in ("[Default Applications]", "[Added Associations]") and \
                stripped.split("=", 1)[0].strip() in MIME_TYPES:
            values = [v for v in stripped.split("=", 1)[1].split(";") if v and v != DESKTOP_ID]
            if values and section == "[Added Associations]":
                kept.append(f"{stripped.split('=', 1)[0]}={';'.join(values)};")
            continue
        kept.append(line)
    if add:
        if "[Default Applications]" not in (s.strip() for s in kept):
            kept.append("[Default Applications]")
        i = [s.strip() for s in kept].index("[Default Applications]") + 1
        kept[i:i] = [f"{m}={DESKTOP_ID}" for m in MIME_TYPES]
    if not kept and not path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text("\n".join(kept) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def _install_icon(data: Path) -> None:
    icon = files("qvmrc") / "resources" / "qvmrc.svg"
    if not icon.is_file():
        return
    target = data / "icons" / "hicolor" / "scalable" / "apps" / "qvmrc.svg"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(icon.read_bytes())
