"""Help › Keyboard shortcuts and Help › About: where things are, in words a user can paste.

About lists the versions and the folders (config, log file) support asks for,
with a button that copies all of it.
"""

from __future__ import annotations

import platform
import sys

import PySide6
from PySide6.QtCore import Qt, qVersion
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

#: (keys, what they do): the app's own shortcuts and the console's keys.
SHORTCUTS: tuple[tuple[str, str], ...] = (
    ("Ctrl+O", "Open a console (address or qvmrc:// link)"),
    ("Ctrl+,", "Preferences"),
    ("Ctrl+Q", "Quit"),
    ("Ctrl+Shift+B", "Show or hide the sidebar"),
    ("F11", "Fullscreen console (also while the keyboard is grabbed)"),
    ("Ctrl+Shift+D", "Debug panel: log, statistics, Copy diagnostics, Record session"),
    ("Click in the console", "Grab the keyboard (and the pointer when the VM's pointer is relative)"),
    ("Ctrl+Alt (press and release)", "Release the keyboard and pointer grab"),
    ("Send key (console toolbar)", "Ctrl+Alt+Del, Ctrl+Alt+Backspace, Ctrl+Alt+F1…F12 to the VM"),
    ("Double-click a VM", "Open its console in a tab (or focus the open one)"),
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
        self.setWindowTitle("About QVMRC")
        self.setObjectName("aboutDialog")
        lay = QVBoxLayout(self)
        title = QLabel(f"<h2>QVMRC {__version__}</h2><p>Console for LimiQuantix virtual machines.</p>")
        title.setTextFormat(Qt.TextFormat.RichText)
        lay.addWidget(title)
        rows = "".join(f"<tr><td><b>{k}</b>&nbsp;&nbsp;</td><td>{_html(v)}</td></tr>" for k, v in about_info())
        self.details = QLabel(f"<table>{rows}</table>")
        self.details.setTextFormat(Qt.TextFormat.RichText)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        lay.addWidget(self.details)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = QPushButton("Copy")
        self.copy_button.setToolTip("Copy versions and folders (for a support ticket)")
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.clicked.connect(self.copy)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(about_text())
        self.copy_button.setText("Copied")


class ShortcutsDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        self.setObjectName("shortcutsDialog")
        lay = QVBoxLayout(self)
        self.table = QTableWidget(len(SHORTCUTS), 2)
        self.table.setHorizontalHeaderLabels(["Keys", "Action"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for row, (keys, what) in enumerate(SHORTCUTS):
            self.table.setItem(row, 0, QTableWidgetItem(keys))
            self.table.setItem(row, 1, QTableWidgetItem(what))
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setStretchLastSection(True)
        lay.addWidget(self.table)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
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
