"""macOS: the app bundle's Info.plist declares the URL schemes; LaunchServices does the rest.

There is nothing to write per user: macOS registers a bundle's
``CFBundleURLTypes`` when the app is copied to /Applications (or first run).
The link then arrives as a QFileOpenEvent (see ``qvmrc.ui.file_open``). The
Info.plist is built here so the PyInstaller spec and the tests share it.
"""

from __future__ import annotations

import plistlib
from pathlib import Path
from typing import Any

from qvmrc.handlers import SCHEMES

BUNDLE_ID = "com.limiquantix.qvmrc"
LSREGISTER = ("/System/Library/Frameworks/CoreServices.framework/Frameworks/LaunchServices.framework/"
              "Support/lsregister")


def info_plist(version: str) -> dict[str, Any]:
    """The keys QVMRC.app needs beyond what PyInstaller writes."""
    return {
        "CFBundleName": "QVMRC",
        "CFBundleDisplayName": "QVMRC",
        "CFBundleIdentifier": BUNDLE_ID,
        "CFBundleShortVersionString": version,
        "CFBundleVersion": version,
        "CFBundleIconFile": "qvmrc.icns",
        "LSMinimumSystemVersion": "11.0",
        "NSHighResolutionCapable": True,
        "NSPrincipalClass": "NSApplication",
        "CFBundleURLTypes": [
            {"CFBundleURLName": f"{BUNDLE_ID}.{scheme}", "CFBundleURLSchemes": [scheme],
             "CFBundleTypeRole": "Viewer"}
            for scheme in SCHEMES
        ],
    }


def write_info_plist(path: Path, version: str, base: dict[str, Any] | None = None) -> None:
    data = dict(base or {})
    data.update(info_plist(version))
    with open(path, "wb") as fh:
        plistlib.dump(data, fh)


def url_schemes(plist: dict[str, Any]) -> list[str]:
    return [s for t in plist.get("CFBundleURLTypes", []) for s in t.get("CFBundleURLSchemes", [])]


def register_message() -> list[str]:
    return [
        "On macOS, QVMRC.app declares qvmrc:// and qvmc:// in its Info.plist: macOS sends those",
        "links to it once the app is in /Applications (or has been opened once).",
        f"If another app took them, run: {LSREGISTER} -f /Applications/QVMRC.app",
    ]


def unregister_message() -> list[str]:
    return ["On macOS the links belong to QVMRC.app as long as it is installed: move it to the "
            "Trash to unregister them."]
