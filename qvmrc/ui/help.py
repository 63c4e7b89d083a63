"""Help › Keyboard shortcuts and Help › About: where things are, in words a user can paste.

About lists the versions and the folders (config, log file) support asks for,
with a button that copies all of it.
"""

from __future__ import annotations

import platform
import sys

import PySide6
from PySide6.QtCore import QCoreApplication, Qt, qVersion
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from qvmrc import __version__
from qvmrc.i18n import QT_TRANSLATE_NOOP
from qvmrc.ui.a11y import name_buttons

#: (keys, what they do): the app's own shortcuts and the console's keys.
SHORTCUTS: tuple[tuple[str, str], ...] = (
    # Shown through QCoreApplication.translate("ShortcutsDialog", text).
    ("Ctrl+O", QT_TRANSLATE_NOOP("ShortcutsDialog", "Open a console (address or qvmrc:// link)")),
    ("Ctrl+,", QT_TRANSLATE_NOOP("ShortcutsDialog", "Preferences")),
    ("Ctrl+Q", QT_TRANSLATE_NOOP("ShortcutsDialog", "Quit")),
    ("Ctrl+Shift+B", QT_TRANSLATE_NOOP("ShortcutsDialog", "Show or hide the sidebar")),
    ("F11", QT_TRANSLATE_NOOP("ShortcutsDialog", "Fullscreen console (also while the keyboard is grabbed)")),
    ("Ctrl+Shift+D", QT_TRANSLATE_NOOP("ShortcutsDialog", "Debug panel: log, statistics, Copy diagnostics, Record session")),
    (QT_TRANSLATE_NOOP("ShortcutsDialog", "Click in the console"),
     QT_TRANSLATE_NOOP("ShortcutsDialog", "Grab the keyboard (and the pointer when the VM's pointer is relative)")),
    (QT_TRANSLATE_NOOP("ShortcutsDialog", "Ctrl+Alt (press and release)"),
     QT_TRANSLATE_NOOP("ShortcutsDialog", "Release the keyboard and pointer grab")),
    (QT_TRANSLATE_NOOP("ShortcutsDialog", "Send key (console toolbar)"),
     QT_TRANSLATE_NOOP("ShortcutsDialog", "Ctrl+Alt+Del, Ctrl+Alt+Backspace, Ctrl+Alt+F1…F12 to the VM")),
    (QT_TRANSLATE_NOOP("ShortcutsDialog", "Double-click a VM"),
     QT_TRANSLATE_NOOP("ShortcutsDialog", "Open its console in a tab (or focus the open one)")),
)


def about_info() -> list[tuple[str, str]]:
    """What About shows, in order; also what its Copy button copies."""
    from qvmrc import logfile
    from qvmrc.paths import config_dir, log_file

    log_path = logfile.current() or log_file()
    return [
        ("QVMRC", __version__),
        ("Qt", qVersion()),
        ("PySide6", PySide6.__version__),
        ("Python", platform.python_version()),
        ("OS", f"{platform.platform()} ({platform.machine()})"),
        ("Qt platform", QGuiApplication.platformName() if QGuiApplication.instance() else "-"),
        ("Config folder", str(config_dir())),
        ("Log file", str(log_path)),
        ("Program", sys.executable),
    ]


def about_text() -> str:
    return "\n".join(f"{k}: {v}" for k, v in about_info()) + "\n"


class AboutDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("About QVMRC"))
        self.setObjectName("aboutDialog")
        lay = QVBoxLayout(self)
        tagline = self.tr("Console for LimiQuantix virtual machines.")
        title = QLabel(f"<h2>QVMRC {__version__}</h2><p>{_html(tagline)}</p>")
        title.setTextFormat(Qt.TextFormat.RichText)
        lay.addWidget(title)
        rows = "".join(f"<tr><td><b>{k}</b>&nbsp;&nbsp;</td><td>{_html(v)}</td></tr>" for k, v in about_info())
        self.details = QLabel(f"<table>{rows}</table>")
        self.details.setTextFormat(Qt.TextFormat.RichText)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        lay.addWidget(self.details)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = QPushButton(self.tr("Copy"))
        self.copy_button.setAccessibleName(self.tr("Copy versions and folders"))
        self.copy_button.setToolTip(self.tr("Copy versions and folders (for a support ticket)"))
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.clicked.connect(self.copy)
        name_buttons(buttons)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(about_text())
        self.copy_button.setText(self.tr("Copied"))


class ShortcutsDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Keyboard shortcuts"))
        self.setObjectName("shortcutsDialog")
        lay = QVBoxLayout(self)
        self.table = QTableWidget(len(SHORTCUTS), 2)
        self.table.setHorizontalHeaderLabels([self.tr("Keys"), self.tr("Action")])
        self.table.setAccessibleName(self.tr("Keyboard shortcuts"))
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for row, (keys, what) in enumerate(SHORTCUTS):
            self.table.setItem(row, 0, QTableWidgetItem(QCoreApplication.translate("ShortcutsDialog", keys)))
            self.table.setItem(row, 1, QTableWidgetItem(QCoreApplication.translate("ShortcutsDialog", what)))
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setStretchLastSection(True)
        lay.addWidget(self.table)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        name_buttons(buttons)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        self.resize(640, 380)


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def show_about(parent: QWidget | None) -> AboutDialog:
    dlg = AboutDialog(parent)
    dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dlg.open()
    return dlg


def show_shortcuts(parent: QWidget | None) -> ShortcutsDialog:
    dlg = ShortcutsDialog(parent)
    dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dlg.open()
    return dlg
