"""Windows: per-user URL protocols under HKCU\\Software\\Classes (no admin rights needed).

For each scheme: the key's default value names it, an empty ``URL Protocol``
value marks it as a URL scheme, and ``shell\\open\\command`` runs
``"<exe>" "%1"``. The registry is behind a tiny interface so the same code
runs here against a fake; :class:`WinRegistry` is the thin ``winreg`` side.
"""

from __future__ import annotations

from typing import Any, Protocol

from qvmrc.handlers import SCHEMES, HandlerError

CLASSES = "Software\\Classes"


class Registry(Protocol):
    """HKEY_CURRENT_USER, string values only; ``name=""`` is a key's default value."""

    def set_value(self, path: str, name: str, value: str) -> None: ...

    def get_value(self, path: str, name: str) -> str | None: ...

    def delete_tree(self, path: str) -> None: ...


def command_line(argv: list[str]) -> str:
    """``"C:\\...\\qvmrc.exe" "%1"``: every part quoted, the link as one argument."""
    return " ".join(f'"{a}"' for a in [*argv, "%1"])


def register(argv: list[str], registry: Registry | None = None) -> list[str]:
    reg = registry if registry is not None else WinRegistry()
    command = command_line(argv)
    try:
        for scheme in SCHEMES:
            base = f"{CLASSES}\\{scheme}"
            reg.set_value(base, "", f"URL:{scheme} console link (QVMRC)")
            reg.set_value(base, "URL Protocol", "")
            reg.set_value(f"{base}\\DefaultIcon", "", f'"{argv[0]}",0')
            reg.set_value(f"{base}\\shell\\open\\command", "", command)
    except OSError as e:
        raise HandlerError(f"cannot write the registry: {e}") from None
    return [f"HKCU\\{CLASSES}\\{s} -> {command}" for s in SCHEMES]


def unregister(registry: Registry | None = None) -> list[str]:
    reg = registry if registry is not None else WinRegistry()
    out = []
    for scheme in SCHEMES:
        base = f"{CLASSES}\\{scheme}"
        command = reg.get_value(f"{base}\\shell\\open\\command", "") or ""
        if "qvmrc" not in command.lower():
            continue  # another program's handler: not ours to remove
        try:
            reg.delete_tree(base)
        except OSError as e:
            raise HandlerError(f"cannot remove HKCU\\{base}: {e}") from None
        out.append(f"removed HKCU\\{base}")
    return out or ["no QVMRC link handler was registered"]


def is_registered(registry: Registry | None = None) -> bool:
    reg = registry if registry is not None else WinRegistry()
    for scheme in SCHEMES:
        command = reg.get_value(f"{CLASSES}\\{scheme}\\shell\\open\\command", "")
        if not command or "qvmrc" not in command.lower():
            return False
    return True


class WinRegistry:
    """The real registry through ``winreg`` (pass a stand-in module to test the calls)."""

    def __init__(self, winreg: Any = None) -> None:
        if winreg is None:
            import winreg as _winreg  # type: ignore[import-not-found,unused-ignore]

            winreg = _winreg
        self.w = winreg

    def set_value(self, path: str, name: str, value: str) -> None:
        with self.w.CreateKeyEx(self.w.HKEY_CURRENT_USER, path, 0, self.w.KEY_WRITE) as key:
            self.w.SetValueEx(key, name, 0, self.w.REG_SZ, value)

    def get_value(self, path: str, name: str) -> str | None:
        try:
            with self.w.OpenKey(self.w.HKEY_CURRENT_USER, path, 0, self.w.KEY_READ) as key:
                value, _kind = self.w.QueryValueEx(key, name)
        except OSError:  # FileNotFoundError: no such key or value
            return None
        return value if isinstance(value, str) else None

    def delete_tree(self, path: str) -> None:
        """winreg.DeleteKey refuses keys with subkeys: delete depth first."""
        try:
            key = self.w.OpenKey(self.w.HKEY_CURRENT_USER, path, 0, self.w.KEY_READ)
        except FileNotFoundError:
            return
        with key:
            children = []
            i = 0
            while True:
                try:
                    children.append(self.w.EnumKey(key, i))
                except OSError:
                    break
                i += 1
        for child in children:
            self.delete_tree(f"{path}\\{child}")
        self.w.DeleteKey(self.w.HKEY_CURRENT_USER, path)
