"""The window system's keyboard grab, and the system keys it cannot catch.

Qt's ``grabKeyboard`` is enough under X11 (Alt+Tab, the Super key reach the
console). Windows and macOS keep some shortcuts for themselves; there a
low-level hook (winkeys) or an event tap (mackeys) takes them while the
console is grabbed, and hands them to the keyboard handler.
"""

from __future__ import annotations

import sys
from typing import Protocol

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

from qvmrc.ui.systemkeys import Deliver

#: Windows and macOS need a hook / event tap besides Qt's grab for system keys.
SYSTEM_KEY_HOOKS = sys.platform in ("win32", "darwin")


class SystemKeyHook(Protocol):
    def uninstall(self) -> None: ...


def install_system_key_hook(window: QWidget, system_key: Deliver) -> SystemKeyHook | None:
    """Windows key, Alt+Tab (winkeys) or Cmd+Tab, Cmd+Space (mackeys) go to the guest too."""
    if sys.platform == "win32":
        from qvmrc.ui.winkeys import SystemKeyHook as WinHook
        from qvmrc.ui.winkeys import foreground_is, install_windows_hook

        handle = int(window.winId())
        win_hook = WinHook(system_key, lambda: foreground_is(handle))
        return win_hook if install_windows_hook(win_hook) else None
    from qvmrc.ui.mackeys import MacSystemKeyHook, install_mac_tap

    def in_front() -> bool:
        return QGuiApplication.applicationState() == Qt.ApplicationState.ApplicationActive

    mac_hook = MacSystemKeyHook(system_key, in_front)
    return mac_hook if install_mac_tap(mac_hook) else None


class KeyboardGrab:
    """Holds (or not) the keyboard grab of one widget, plus the platform hook."""

    def __init__(self, widget: QWidget, system_key: Deliver) -> None:
        self._widget = widget
        self._system_key = system_key
        self.enabled = True
        self.held = False
        self._hook: SystemKeyHook | None = None

    def take(self) -> None:
        if not self.enabled or self.held:
            return
        self._widget.grabKeyboard()
        self.held = True
        if SYSTEM_KEY_HOOKS and self._hook is None:
            self._hook = install_system_key_hook(self._widget.window(), self._system_key)

    def give_back(self) -> None:
        if self._hook is not None:
            self._hook.uninstall()
            self._hook = None
        if self.held:
            self._widget.releaseKeyboard()
            self.held = False
