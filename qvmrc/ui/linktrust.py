"""Asking before a link connects anywhere new.

A ``qvmrc://`` link can come from any web page. When its control plane (or
Quantix host) is not saved, the user sees where it leads and chooses: connect
once, always allow that control plane (it is saved), or cancel. Everything a
link names is shown as plain text, so a VM name cannot inject rich text.
"""

from __future__ import annotations

import enum

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QCheckBox, QLabel, QMessageBox, QWidget

from qvmrc.redact import redact_url, strip_control
from qvmrc.ui.a11y import name_buttons
from qvmrc.ui.dialogs import _await_dialog

MAX_SHOWN = 120


class LinkDecision(enum.Enum):
    CANCEL = "cancel"
    ONCE = "once"
    ALWAYS = "always"


def _shown(text: str) -> str:
    text = " ".join(strip_control(text).split())
    return text if len(text) <= MAX_SHOWN else text[:MAX_SHOWN - 1] + "…"


def link_question(base_url: str, vm_id: str, vm_name: str | None,
                  fullscreen: bool) -> tuple[str, str]:
    """(text, informative text) of the question, plain text."""
    where = _shown(redact_url(base_url))
    vm = f"“{_shown(vm_name)}” ({_shown(vm_id)})" if vm_name and vm_name != vm_id else f"“{_shown(vm_id)}”"
    text = QCoreApplication.translate("LinkDialog", "A link asks to open the console of the VM {0} on\n\n{1}\n\n"
                            "This control plane is not one of your saved ones.").format(vm, where)
    info = QCoreApplication.translate("LinkDialog", "Connect only if you expected this link: the console sees your keyboard and "
                            "mouse while you use it.")
    if fullscreen:
        info += " " + QCoreApplication.translate("LinkDialog", "The link also asks for fullscreen.")
    return text, info


class LinkDialog(QMessageBox):
    """The question. Holds its own check box (PySide does not keep it alive for us)."""

    def __init__(self, parent: QWidget | None, text: str, info: str) -> None:
        super().__init__(QMessageBox.Icon.Question, QCoreApplication.translate("LinkDialog", "Open this console?"), text,
                         QMessageBox.StandardButton.Cancel, parent)
        self.setObjectName("linkConfirm")
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setInformativeText(info)
        self.connect_button = self.addButton(self.tr("&Connect"), QMessageBox.ButtonRole.AcceptRole)
        self.connect_button.setAccessibleName(self.tr("Connect"))
        self.connect_button.setObjectName("linkConnect")
        self.setDefaultButton(QMessageBox.StandardButton.Cancel)
        name_buttons(self)
        self.always = QCheckBox(self.tr("&Always allow this control plane (save it)"))
        self.always.setAccessibleName(self.tr("Always allow this control plane"))
        self.always.setObjectName("linkAlways")
        self.setCheckBox(self.always)
        for label in self.findChildren(QLabel):  # the informative text is a label of its own
            label.setTextFormat(Qt.TextFormat.PlainText)

    def decision(self) -> LinkDecision:
        if self.clickedButton() is not self.connect_button:
            return LinkDecision.CANCEL
        return LinkDecision.ALWAYS if self.always.isChecked() else LinkDecision.ONCE


def build_link_dialog(parent: QWidget | None, base_url: str, vm_id: str, vm_name: str | None,
                      fullscreen: bool) -> LinkDialog:
    return LinkDialog(parent, *link_question(base_url, vm_id, vm_name, fullscreen))


async def confirm_link(parent: QWidget | None, base_url: str, vm_id: str, vm_name: str | None,
                       fullscreen: bool) -> LinkDecision:
    """Ask; Cancel is the default answer (Enter or Escape never connects)."""
    box = build_link_dialog(parent, base_url, vm_id, vm_name, fullscreen)
    await _await_dialog(box)
    return box.decision()
