"""The console view's keyboard side: which keys go to the VM, and when.

Not grabbed, the console keeps no key (app shortcuts work, Tab moves on;
Ctrl+G grabs). Grabbed, every key but the app's own shortcuts goes to the
guest through the KeyboardHandler, Tab and Shift+Tab included, and input
methods compose only when keys go by keysym. A mixin of ConsoleView.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import (
    QFocusEvent,
    QGuiApplication,
    QHideEvent,
    QInputMethodEvent,
    QKeyEvent,
    QKeySequence,
)

#: Grabs the keyboard (and a relative pointer) from the keyboard, as in VMware.
GRAB_SHORTCUT = QKeySequence("Ctrl+G")


class ConsoleKeysMixin:
    """Key, input-method and focus events of a ConsoleView (its state lives in the view)."""

    def _sync_input_method(self) -> None:
        """Input methods compose dead keys locally: wanted only when keys go by keysym.

        With QEMU's scancodes the guest's own layout composes, so raw keys must reach it.
        """
        s = self._session
        want = self._captured and not self._view_only and not (s is not None and s.extended_key_events)
        if self.testAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled) != want:
            self.setAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled, want)
            if self.hasFocus():
                QGuiApplication.inputMethod().update(Qt.InputMethodQuery.ImEnabled)

    def _is_app_shortcut(self, event: QKeyEvent) -> bool:
        if not self.app_shortcuts:
            return False
        seq = QKeySequence(event.keyCombination())
        return any(seq.matches(s) == QKeySequence.SequenceMatch.ExactMatch for s in self.app_shortcuts)

    def _route_key_event(self, event: QEvent) -> bool | None:
        """Keys before QWidget sees them; None: not a key event this mixin decides."""
        etype = event.type()
        if etype == QEvent.Type.ShortcutOverride:
            # Grabbed, claim every key for the guest (Ctrl+W must not close the
            # tab) except app shortcuts; not grabbed, the app keeps them all.
            assert isinstance(event, QKeyEvent)
            if self._keys_to_vm() and not self._is_app_shortcut(event):
                event.accept()
                return True
            return None
        if etype == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if self._keys_to_vm() and event.key() in (Qt.Key.Key_Tab.value, Qt.Key.Key_Backtab.value):
                # QWidget would move the focus; a grabbed VM gets Tab and Shift+Tab.
                self.keyPressEvent(event)
                return True
        return None

    def _keys_to_vm(self) -> bool:
        return self._captured and not self._view_only and self._session is not None

    def focusNextPrevChild(self, next: bool) -> bool:  # noqa: A002 - Qt's name
        if self._captured:
            return False
        return super().focusNextPrevChild(next)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if not self._keys_to_vm():
            if (self._can_grab() and self.image is not None
                    and QKeySequence(event.keyCombination()).matches(GRAB_SHORTCUT)
                    == QKeySequence.SequenceMatch.ExactMatch):
                self._grab_from_keyboard()
                event.accept()
                return
            event.ignore()  # the application's: menus, shortcuts, focus keys
            return
        self.keyboard.key_press(event)
        event.accept()

    def _grab_from_keyboard(self) -> None:
        if self._mouse.absolute:
            self.grab_input()
        else:
            self._lock_pointer()

    def keyReleaseEvent(self, event: QKeyEvent) -> None:
        if not self._keys_to_vm():
            event.ignore()
            return
        self.keyboard.key_release(event)
        event.accept()

    def inputMethodEvent(self, event: QInputMethodEvent) -> None:
        if self._keys_to_vm() and event.commitString():
            self.keyboard.commit_text(event.commitString())
        event.accept()

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        self._sync_input_method()
        self._report_focus_frame()

    def focusOutEvent(self, event: QFocusEvent) -> None:
        # Keys held now would never see their release: release them on the guest.
        self.release_input()
        super().focusOutEvent(event)
        self._report_focus_frame()

    def hideEvent(self, event: QHideEvent) -> None:
        self.release_input()
        super().hideEvent(event)

    def send_keys(self, combo: str) -> None:
        """A "Send key" menu entry (keyboard.SEND_KEY_NAMES)."""
        if not self._view_only:
            self.keyboard.send_keys(combo)

    def type_text(self, text: str, confirm: Callable[[int], bool] | None = None) -> bool:
        """"Type clipboard": see KeyboardHandler.type_text."""
        if self._view_only:
            return False
        return self.keyboard.type_text(text, confirm)

