"""The panel over a console that is not live: what is happening, and what the user can do."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from qvmrc.ui.console_area import ConsoleArea
from qvmrc.ui.console_view import ConsoleView


def _button_labels() -> tuple[tuple[str, str], ...]:
    """(key, label) of every overlay button; the keys are qvmrc.console.Action values."""
    # Spelled out in full: lupdate reads an alias of translate() as tr(source, comment).
    return (("start", QCoreApplication.translate("StateOverlay", "Start VM")),
            ("resume", QCoreApplication.translate("StateOverlay", "Resume VM")),
            ("trust", QCoreApplication.translate("StateOverlay", "Trust this certificate…")),
            ("retry", QCoreApplication.translate("StateOverlay", "Retry now")),
            ("reconnect", QCoreApplication.translate("StateOverlay", "Reconnect")),
            ("cancel", QCoreApplication.translate("StateOverlay", "Cancel")))


class StateOverlay(QFrame):
    """The centred panel over the (dimmed) console: what is happening and what you can do."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("stateOverlay")
        self.setStyleSheet(
            "#stateOverlay { background: rgba(20, 24, 32, 225); border: 1px solid rgba(255,255,255,60);"
            " border-radius: 10px; }"
            "#stateOverlay QLabel { color: #f0f2f6; background: transparent; }"
            "#stateOverlay QPushButton { padding: 5px 16px; }")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(24, 18, 24, 18)
        self.title = QLabel()
        f = self.title.font()
        f.setPointSizeF(f.pointSizeF() * 1.35)
        f.setBold(True)
        self.title.setFont(f)
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title.setWordWrap(True)
        self.detail = QLabel()
        # Server and proxy texts land here: never let them be read as rich text.
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.detail.setTextFormat(Qt.TextFormat.PlainText)
        self.detail.setWordWrap(True)
        self.detail.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        lay.addWidget(self.title)
        lay.addWidget(self.detail)
        row = QHBoxLayout()
        row.addStretch(1)
        self.buttons: dict[str, QPushButton] = {}
        for key, label in _button_labels():
            b = QPushButton(label)
            b.setObjectName(f"overlay_{key}")
            b.setAccessibleName(label)
            b.hide()
            self.buttons[key] = b
            row.addWidget(b)
        row.addStretch(1)
        lay.addLayout(row)
        self.hide()

    def show_state(self, title: str, detail: str = "", buttons: tuple[str, ...] = ()) -> None:
        self.title.setText(title)
        self.detail.setText(detail)
        self.detail.setVisible(bool(detail))
        for k, b in self.buttons.items():
            b.setVisible(k in buttons)
        self.show()
        self.raise_()
        self.reposition()

    def reposition(self) -> None:
        p = self.parentWidget()
        if p is None:
            return
        width = min(max(360, p.width() // 2), max(200, p.width() - 40))
        self.setFixedWidth(width)
        # Wrapped labels need their height for this width (adjustSize alone clips long texts).
        lay = self.layout()
        self.setFixedHeight(lay.totalHeightForWidth(width) if lay.hasHeightForWidth() else self.sizeHint().height())
        self.move((p.width() - self.width()) // 2, (p.height() - self.height()) // 2)

    def text(self) -> str:
        return self.title.text() + ("\n" + self.detail.text() if self.detail.text() else "")


class OverlaidConsole(QWidget):
    """The view in its scroll area, with the overlay kept centred over it."""

    def __init__(self, view: ConsoleView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        # A scroll area gives 1:1 mode its scroll bars.
        self.scroll = ConsoleArea(view, self)
        lay.addWidget(self.scroll)
        self.overlay = StateOverlay(self)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.overlay.reposition()
