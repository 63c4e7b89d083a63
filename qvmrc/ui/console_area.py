"""The scroll area around a console view: scroll bars in 1:1, and the focus frame."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QFrame, QScrollArea, QWidget

from qvmrc.ui.console_view import ConsoleView

# The focus frame around a console that has the focus but not the keyboard.
FOCUS_FRAME_WIDTH = 3


class ConsoleArea(QScrollArea):
    """A scroll area around a ConsoleView: scroll bars in 1:1 when the screen is larger.

    In fit and fill the view simply fills the area. Its frame is the console's
    focus frame: black, in the highlight colour while the view has the focus
    but not the keyboard, so the frame never covers a pixel of the VM.
    """

    def __init__(self, view: ConsoleView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view = view
        self.setWidget(view)
        self.setWidgetResizable(True)
        view.update_min_size()
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setFrameShape(QFrame.Shape.Box)
        self.setFrameShadow(QFrame.Shadow.Plain)
        self.setLineWidth(FOCUS_FRAME_WIDTH)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        pal = self.viewport().palette()
        pal.setColor(QPalette.ColorRole.Window, QColor(0, 0, 0))
        self.viewport().setPalette(pal)
        self.viewport().setAutoFillBackground(True)
        self.set_focus_frame(view.shows_focus_frame)
        view.focusFrameChanged.connect(self.set_focus_frame)

    @property
    def focus_frame_colour(self) -> QColor:
        return self.palette().color(QPalette.ColorRole.WindowText)

    def set_focus_frame(self, on: bool) -> None:
        colour = (self.palette().color(QPalette.ColorGroup.Active, QPalette.ColorRole.Highlight)
                  if on else QColor(0, 0, 0))
        pal = self.palette()
        for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
            pal.setColor(group, QPalette.ColorRole.WindowText, colour)
        self.setPalette(pal)
        self.update()
