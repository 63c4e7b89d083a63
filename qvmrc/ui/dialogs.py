"""Dialogs that can be awaited from coroutines without a nested event loop.

``QDialog.exec()`` inside a coroutine would spin a second Qt loop while an
asyncio task is mid-step; qasync then re-enters tasks and breaks. These open
the dialog window-modally with ``open()`` and resolve a future when it closes.
"""

from __future__ import annotations

import asyncio

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QDialogButtonBox, QInputDialog, QLineEdit, QMessageBox, QWidget

from qvmrc.ui.a11y import name_buttons


async def _await_dialog(dialog: QMessageBox | QInputDialog) -> int:
    loop = asyncio.get_running_loop()
    fut: asyncio.Future[int] = loop.create_future()

    def done(result: int) -> None:
        if not fut.done():
            fut.set_result(result)

    dialog.finished.connect(done)
    dialog.open()
    try:
        return await fut
    finally:
        dialog.deleteLater()


async def confirm(parent: QWidget | None, title: str, text: str, ok_text: str | None = None,
                  informative: str = "") -> bool:
    """Ask a yes/no question; the safe answer (Cancel) is the default. Texts come translated."""
    box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Cancel, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)  # VM names and server texts are not markup
    if informative:
        box.setInformativeText(informative)
    ok = box.addButton(ok_text or QCoreApplication.translate("dialogs", "OK"), QMessageBox.ButtonRole.AcceptRole)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    name_buttons(box)
    await _await_dialog(box)
    return box.clickedButton() is ok


async def ask_password(parent: QWidget | None, title: str, label: str) -> str | None:
    """A masked text prompt; None when cancelled."""
    dlg = QInputDialog(parent)
    dlg.setWindowTitle(title)
    dlg.setLabelText(label)
    dlg.setTextEchoMode(QLineEdit.EchoMode.Password)
    dlg.setInputMode(QInputDialog.InputMode.TextInput)
    field = dlg.findChild(QLineEdit)
    if field is not None:  # Qt builds it with the input mode
        field.setAccessibleName(label)
    box = dlg.findChild(QDialogButtonBox)
    if box is not None:
        name_buttons(box)
    result = await _await_dialog(dlg)
    if result != QInputDialog.DialogCode.Accepted.value:
        return None
    return dlg.textValue()


def notify(parent: QWidget | None, title: str, text: str, error: bool = True) -> QMessageBox:
    """A non-blocking message box (returned so tests can inspect and close it)."""
    box = QMessageBox(QMessageBox.Icon.Warning if error else QMessageBox.Icon.Information, title, text,
                      QMessageBox.StandardButton.Ok, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)  # error texts come from servers: never markup
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    name_buttons(box)
    box.open()
    return box
