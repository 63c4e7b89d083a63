"""The toolbar that slides in at the top edge of a fullscreen console (as VMRC and virt-viewer).

Hidden above the screen; the pointer touching the top edge slides it in, and
leaving it slides it out again. It holds what a fullscreen user cannot reach
otherwise: leave fullscreen, Ctrl+Alt+Del, release the grab, and the zoom.
While a relative pointer is grabbed the pointer never reaches the edge: the
release hotkey comes first, as in VMware.
"""

from __future__ import annotations

from PySide6.QtCore import (
    QCoreApplication,
    QEasingCurve,
    QEvent,
    QObject,
    QPoint,
    QPropertyAnimation,
    Qt,
    Signal,
)
from PySide6.QtGui import QCursor, QMouseEvent
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QWidget,
)

from qvmrc.ui.zoom import SCALE_CHOICES

#: The pointer this close to the top edge (logical pixels) reveals the bar.
HOT_EDGE = 2
#: Below the bar by this much, the bar slides away.
LEAVE_MARGIN = 24
SLIDE_MS = 160


class FullscreenBar(QFrame):
    leaveRequested = Signal()
    ctrlAltDelRequested = Signal()
    releaseRequested = Signal()
    zoomChosen = Signal(str)

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("fullscreenBar")
        self.setStyleSheet(
            "#fullscreenBar { background: rgba(28, 32, 40, 235); border: 1px solid rgba(255,255,255,50);"
            " border-top: none; border-bottom-left-radius: 8px; border-bottom-right-radius: 8px; }"
            "#fullscreenBar QLabel { color: #f0f2f6; }")
        self.setAccessibleName(self.tr("Fullscreen toolbar"))
        lay = QHBoxLayout(self)
        lay.setContentsMargins(10, 4, 10, 6)
        self.title = QLabel()
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        lay.addWidget(self.title)
        lay.addSpacing(12)
        self.cad_button = QPushButton(self.tr("Ctrl+Alt+Del"))
        self.cad_button.setAccessibleName(self.tr("Send Ctrl+Alt+Del"))
        self.cad_button.clicked.connect(self.ctrlAltDelRequested.emit)
        self.release_button = QPushButton(self.tr("Release grab"))
        self.release_button.setAccessibleName(self.tr("Release grab"))
        self.release_button.clicked.connect(self.releaseRequested.emit)
        self.zoom_box = QComboBox()
        self.zoom_box.setAccessibleName(self.tr("Zoom"))
        for label, mode in SCALE_CHOICES:
            self.zoom_box.addItem(QCoreApplication.translate("Zoom", label), mode)
        self.zoom_box.activated.connect(lambda i: self.zoomChosen.emit(self.zoom_box.itemData(i)))
        self.leave_button = QPushButton(self.tr("Leave fullscreen"))
        self.leave_button.setAccessibleName(self.tr("Leave fullscreen"))
        self.leave_button.clicked.connect(self.leaveRequested.emit)
        for w in (self.cad_button, self.release_button):
            w.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            lay.addWidget(w)
        lay.addWidget(QLabel(self.tr("Zoom")))
        lay.addWidget(self.zoom_box)
        self.leave_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        lay.addWidget(self.leave_button)
        self._anim = QPropertyAnimation(self, b"pos", self)
        self._anim.setDuration(SLIDE_MS)
        self._anim.setEasingCurve(QEasingCurve.Type.OutCubic)
        self._active = False
        self.revealed = False
        self.hide()

    # ---------------------------------------------------------------- life

    def activate(self, title: str, zoom_mode: str) -> None:
        """Fullscreen began: watch the pointer (the bar stays hidden until the edge)."""
        self.title.setText(title)
        self.set_zoom(zoom_mode)
        self.adjustSize()
        self._active = True
        self.revealed = False
        self._anim.stop()
        self.move(self._x(), -self.height())
        self.show()
        self.raise_()
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    def deactivate(self) -> None:
        self._active = False
        self.revealed = False
        self._anim.stop()
        self.hide()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)

    @property
    def active(self) -> bool:
        return self._active

    def set_zoom(self, mode: str) -> None:
        i = self.zoom_box.findData(mode)
        if i >= 0:
            self.zoom_box.setCurrentIndex(i)

    # ------------------------------------------------------------- sliding

    def _x(self) -> int:
        p = self.parentWidget()
        return max(0, ((p.width() if p is not None else self.width()) - self.width()) // 2)

    def slide_in(self) -> None:
        if self.revealed:
            return
        self.revealed = True
        self.raise_()
        self._slide(0)

    def slide_out(self) -> None:
        if not self.revealed:
            return
        self.revealed = False
        self._slide(-self.height())

    def _slide(self, y: int) -> None:
        self._anim.stop()
        self._anim.setStartValue(self.pos())
        self._anim.setEndValue(QPoint(self._x(), y))
        self._anim.start()

    def pointer_at(self, y: float, inside_bar: bool) -> None:
        """The pointer is at window height ``y``: reveal at the edge, hide once it left."""
        if not self._active:
            return
        if y <= HOT_EDGE:
            self.slide_in()
        elif self.revealed and not inside_bar and y > self.height() + LEAVE_MARGIN and not self._menu_open():
            self.slide_out()

    def _menu_open(self) -> bool:
        return self.zoom_box.view().isVisible()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self._active and watched is self.parentWidget() and event.type() == QEvent.Type.Resize:
            self._anim.stop()  # the window became fullscreen (or changed screen): stay centred
            self.move(self._x(), 0 if self.revealed else -self.height())
        if self._active and event.type() == QEvent.Type.MouseMove and isinstance(event, QMouseEvent):
            window = self.parentWidget()
            if window is not None:
                pos = window.mapFromGlobal(event.globalPosition().toPoint())
                inside = self.geometry().contains(pos)
                self.pointer_at(pos.y(), inside)
        return False

    def check_pointer(self) -> None:
        """Where the pointer is now (for a bar activated with the pointer already at the top)."""
        window = self.parentWidget()
        if window is not None:
            pos = window.mapFromGlobal(QCursor.pos())
            self.pointer_at(pos.y(), self.geometry().contains(pos))
