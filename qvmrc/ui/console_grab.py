"""The window system's keyboard grab, and the system keys it cannot catch.

Qt's ``grabKeyboard`` is enough under X11 (Alt+Tab, the Super key reach the
console). Windows and macOS keep some shortcuts for themselves; there a
low-level hook (winkeys) or an event tap (mackeys) takes them while the
console is grabbed, and hands them to the keyboard handler.
"""

from __future__ import annotations

import sys
from typing import Protocol

from PySide6.QtCore import QCoreApplication, QPoint, QPointF, Qt
from PySide6.QtGui import QCursor, QGuiApplication
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


class ConsoleGrabMixin:
    """Grab and release of a ConsoleView: keys, the pointer lock, and the text that says which."""

    def grab_input(self) -> None:
        """Keys go to the VM (system shortcuts too, when enabled) until the hotkey."""
        if not self._can_grab():
            return
        if not self._captured:
            self._captured = True
            if not self.hasFocus():
                self.setFocus(Qt.FocusReason.OtherFocusReason)
            self._sync_input_method()
            self.update()
        self._grab.take()
        self._report_grab()

    def _can_grab(self) -> bool:
        # Dimmed: the overlay says the console is not live (connecting, lost).
        return not self._view_only and not self._dimmed and self._session is not None

    def release_input(self) -> None:
        """Give keyboard and pointer back to the desktop; nothing stays held on the guest."""
        self.keyboard.release_all()
        self._mouse.release_all()
        if self._locked:
            self._unlock_pointer()
        self._grab.give_back()
        if self._captured:
            self._captured = False
            self._sync_input_method()
            self.update()
        self._report_grab()

    def _report_grab(self) -> None:
        grabbed = self.grabbed
        if grabbed != self._grab_reported:
            self._grab_reported = grabbed
            self.grabChanged.emit(grabbed)
        self._update_mode_text()
        self._report_focus_frame()

    def _on_hotkey(self) -> None:
        # The focus stays here (with its frame): Tab moves on from the console.
        if self.grabbed:
            self.release_input()

    def _lock_pointer(self) -> None:
        if not self._can_grab():
            return
        self._locked = True
        self.grabMouse()
        self._mouse.forget()
        self.warp_to_centre()
        self._apply_cursor()
        self.grab_input()
        self._report_grab()

    def _unlock_pointer(self) -> None:
        self._locked = False
        self.releaseMouse()
        self._mouse.forget()
        self._apply_cursor()
        self._report_grab()

    def warp_to_centre(self) -> QPointF:
        """Put the (hidden, locked) pointer in the middle; returns where that is."""
        centre = QPoint(self.width() // 2, self.height() // 2)
        self._mouse.last_local = QPointF(centre)
        QCursor.setPos(self.mapToGlobal(centre))
        return QPointF(centre)

    def _update_mode_text(self) -> None:
        if self._view_only:
            text = QCoreApplication.translate("ConsoleView", "View only")
        elif self._captured:
            text = QCoreApplication.translate("ConsoleView", "Press {hotkey} to release").format(
                hotkey=self.keyboard.hotkey_text)
        elif not self._mouse.absolute:
            text = QCoreApplication.translate("ConsoleView", "Relative pointer — click in the console to grab")
        else:
            text = QCoreApplication.translate("ConsoleView", "Absolute pointer — click in the console to type")
        if text != self._mode_text:
            self._mode_text = text
            self.pointerModeText.emit(text)

