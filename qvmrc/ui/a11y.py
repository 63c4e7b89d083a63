"""Accessible names for buttons Qt makes itself (a dialog's OK / Cancel / Close).

Their text is already translated (Qt's own catalogue for standard buttons, tr()
for ours); the name is that text without the mnemonic ampersand.
"""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractButton, QDialogButtonBox, QMessageBox


def plain(text: str) -> str:
    """"&Connect" -> "Connect"; a literal "&&" stays one "&"."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


def name_buttons(box: QDialogButtonBox | QMessageBox) -> None:
    """Give each button of ``box`` that has no accessible name its visible text as one."""
    for b in box.buttons():
        if isinstance(b, QAbstractButton) and not b.accessibleName():
            b.setAccessibleName(plain(b.text()))
