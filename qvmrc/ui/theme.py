"""Light or dark: follow the OS colour scheme, or the user's choice in Preferences."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from qvmrc.settings import Settings


def apply_theme(settings: Settings) -> None:
    """Follow the OS colour scheme, or force light/dark (Qt 6.8+; older Qt just follows the OS)."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return
    hints = app.styleHints()
    if not hasattr(hints, "setColorScheme"):
        return
    if settings.theme_follows_os:
        hints.unsetColorScheme() if hasattr(hints, "unsetColorScheme") else hints.setColorScheme(
            Qt.ColorScheme.Unknown)
    else:
        hints.setColorScheme(Qt.ColorScheme.Dark if settings.theme == "dark" else Qt.ColorScheme.Light)
