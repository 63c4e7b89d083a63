"""The console's "Send key" menu: built-in combos, the user's own, the guest layout.

The user's combinations and the guest layout live in Settings (shared by all
tabs); the menu says when it changed them (``settingsEdited``) so the window
saves. Parsing and the key tables are qvmrc.keycombos / qvmrc.keylayouts.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QMenu,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from qvmrc import keycombos
from qvmrc.i18n import QT_TRANSLATE_NOOP
from qvmrc.keylayouts import LAYOUTS
from qvmrc.settings import MAX_CUSTOM_KEYS, Settings
from qvmrc.ui.a11y import name_buttons

log = logging.getLogger(__name__)


class KeyComboDialog(QDialog):
    """Type a combination ("Ctrl+Alt+F2"), see at once whether it is valid, send it,
    and keep it in the menu; saved combinations can be removed here too."""

    def __init__(self, saved: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Send key combination"))
        self.saved = list(saved)
        lay = QVBoxLayout(self)
        lay.addWidget(QLabel(self.tr("Keys joined by '+', pressed in order and released in reverse,\n"
                                     "e.g. Ctrl+Alt+F2, Win+R, Ctrl+Shift+Esc:")))
        self.edit = QLineEdit()
        self.edit.setAccessibleName(self.tr("Key combination"))
        self.edit.setPlaceholderText(self.tr("Ctrl+Alt+F2"))
        self.edit.setMaxLength(keycombos.MAX_COMBO_TEXT)
        lay.addWidget(self.edit)
        self.status = QLabel()
        self.status.setWordWrap(True)
        lay.addWidget(self.status)
        self.keep = QCheckBox(self.tr("Keep in the Send key menu"))
        self.keep.setChecked(True)
        self.keep.setAccessibleName(self.tr("Keep in the Send key menu"))
        lay.addWidget(self.keep)
        lay.addWidget(QLabel(self.tr("Saved combinations:")))
        row = QHBoxLayout()
        self.list = QListWidget()
        self.list.setAccessibleName(self.tr("Saved combinations"))
        self.list.addItems(self.saved)
        row.addWidget(self.list)
        self.remove = QPushButton(self.tr("Remove"))
        self.remove.setAccessibleName(self.tr("Remove the saved combination"))
        self.remove.clicked.connect(self._remove)
        row.addWidget(self.remove, 0, Qt.AlignmentFlag.AlignTop)
        lay.addLayout(row)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.send = self.buttons.addButton(self.tr("Send"), QDialogButtonBox.ButtonRole.AcceptRole)
        name_buttons(self.buttons)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        lay.addWidget(self.buttons)
        self.edit.textChanged.connect(self._check)
        self.list.currentTextChanged.connect(lambda t: t and self.edit.setText(t))
        self._check("")

    def _check(self, text: str) -> None:
        try:
            name = keycombos.canonical(text)
        except keycombos.BadCombo as e:
            self.combo = ""
            self.status.setText(str(e)[:1].upper() + str(e)[1:] + "." if text.strip() else "")
        else:
            self.combo = name
            self.status.setText(self.tr("Sends {0}").format(name))
        self.send.setEnabled(bool(self.combo))

    def _remove(self) -> None:
        row = self.list.currentRow()
        if row >= 0:
            self.list.takeItem(row)
            del self.saved[row]

    def result_saved(self) -> list[str]:
        """The saved list after this dialog: removals, and the new combo when kept."""
        out = list(self.saved)
        if self.result() == QDialog.DialogCode.Accepted and self.combo and self.keep.isChecked() \
                and self.combo not in out and self.combo not in keycombos.BUILTIN:
            out.append(self.combo)
        return out[-MAX_CUSTOM_KEYS:]


class SendKeyMenu(QMenu):
    """Built-in combos, the user's own, "Custom…", and the guest layout for typing."""

    settingsEdited = Signal()
    layoutChanged = Signal(str)

    def __init__(self, settings: Settings, send: Callable[[str], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self._send = send
        self.dialog: KeyComboDialog | None = None
        self.aboutToShow.connect(self.rebuild)  # another tab may have saved a combination
        self.rebuild()

    def rebuild(self) -> None:
        self.clear()
        for name in keycombos.BUILTIN:
            self.addAction(name).triggered.connect(lambda _=False, c=name: self._send(c))
        if self.settings.custom_keys:
            self.addSeparator()
            for name in self.settings.custom_keys:
                self.addAction(name).triggered.connect(lambda _=False, c=name: self._send(c))
        self.addSeparator()
        self.custom_action = self.addAction(self.tr("Custom…"))
        self.custom_action.triggered.connect(self.open_custom)
        layouts = self.addMenu(self.tr("Guest keyboard layout (Type clipboard)"))
        group = QActionGroup(layouts)
        self.layout_actions = {}
        for key, layout in LAYOUTS.items():
            a = layouts.addAction(layout.label)
            a.setCheckable(True)
            a.setChecked(key == self.settings.guest_layout)
            a.triggered.connect(lambda _=False, k=key: self.set_layout(k))
            group.addAction(a)
            self.layout_actions[key] = a

    def set_layout(self, key: str) -> None:
        if key not in LAYOUTS or key == self.settings.guest_layout:
            return
        self.settings.guest_layout = key
        self.layoutChanged.emit(key)
        self.settingsEdited.emit()

    def open_custom(self) -> None:
        dlg = self.dialog = KeyComboDialog(self.settings.custom_keys, self.parentWidget())
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.finished.connect(lambda _r: self._custom_done(dlg))
        dlg.open()

    def _custom_done(self, dlg: KeyComboDialog) -> None:
        saved = dlg.result_saved()
        if saved != self.settings.custom_keys:
            self.settings.custom_keys = saved
            self.settingsEdited.emit()
        self.rebuild()
        if dlg.result() == QDialog.DialogCode.Accepted and dlg.combo:
            self._send(dlg.combo)
        self.dialog = None


def cursor_actions(parent: QWidget, settings: Settings, changed: Callable[[], None]) -> list[QAction]:
    """View menu toggles: "Show local cursor" and "Dot when the server hides its cursor"."""
    out = []
    for attr, text, tip in (
            ("show_local_cursor", QT_TRANSLATE_NOOP("cursor_actions", "Show &local cursor"),
             QT_TRANSLATE_NOOP("cursor_actions", "Draw the pointer locally (the server's cursor shape); "
                                                 "off: only what the guest paints")),
            ("dot_cursor", QT_TRANSLATE_NOOP("cursor_actions", "&Dot when the guest hides its cursor"),
             QT_TRANSLATE_NOOP("cursor_actions", "Show a small dot instead of nothing when the server "
                                                 "sends an empty cursor"))):
        a = QAction(QCoreApplication.translate("cursor_actions", text), parent)
        a.setCheckable(True)
        a.setChecked(getattr(settings, attr))
        a.setToolTip(QCoreApplication.translate("cursor_actions", tip))

        def toggled(on: bool, attr: str = attr) -> None:
            if getattr(settings, attr) != on:
                setattr(settings, attr, on)
                changed()
        a.toggled.connect(toggled)
        out.append(a)
    return out
