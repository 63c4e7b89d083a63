"""Known-bad Qt for Python releases, checked once at start.

pyproject.toml keeps these out of a normal install, but a user can still get one
(an older lock, a distribution package, `pip install -U`). A clear line naming the
version and the fix beats a "Fatal Python error" minutes later.
"""

from __future__ import annotations

#: version -> what goes wrong with it
KNOWN_BAD: dict[str, str] = {
    "6.12.0": "it loses references to None, True and False on every repaint and the app "
              "aborts within minutes",
}

FIX = "pip install 'PySide6-Essentials>=6.8,<6.12'"


def toolkit_problem(version: str) -> str | None:
    """One sentence for a known-bad PySide6 ``version``, else None."""
    why = KNOWN_BAD.get(version.strip())
    if why is None:
        return None
    return f"PySide6 {version} is known to crash QVMRC ({why}); install a supported version: {FIX}"
