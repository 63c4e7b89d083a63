"""The console tab's toolbar and status bar: what each button is, and what it calls.

A mixin of ConsoleTab (it builds widgets the tab's methods and tests reach as
attributes); the behaviour behind each button stays in the tab.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QComboBox,
    QLabel,
    QMenu,
    QSizePolicy,
    QStatusBar,
    QToolBar,
    QToolButton,
)

from qvmrc.ui.key_menu import SendKeyMenu
from qvmrc.ui.power import ACTIONS
from qvmrc.ui.quality_menu import Quality, QualityMenu
from qvmrc.ui.zoom import SCALE_CHOICES

SCALE_LABELS = SCALE_CHOICES


class ConsoleToolbarMixin:
    """Builds ``self.toolbar``'s buttons and ``self.status``'s labels for a ConsoleTab."""

    def _build_toolbar(self) -> QToolBar:
        tb = QToolBar()
        tb.setObjectName("consoleToolbar")
        tb.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        tb.addWidget(QLabel(QCoreApplication.translate("ConsoleToolbar", " Scale ")))
        self.scale_box = QComboBox()
        self.scale_box.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.scale_box.setAccessibleName(QCoreApplication.translate("ConsoleToolbar", "Scale"))
        for label, mode in SCALE_LABELS:
            self.scale_box.addItem(QCoreApplication.translate("Zoom", label), mode)
        self.scale_box.setCurrentIndex(max(0, self.scale_box.findData(self.settings.scale_mode)))
        self.scale_box.currentIndexChanged.connect(lambda _: self.set_scale_mode(self.scale_box.currentData()))
        tb.addWidget(self.scale_box)
        self.smooth_action = tb.addAction(QCoreApplication.translate("ConsoleToolbar", "Smooth"))
        self.smooth_action.setCheckable(True)
        self.smooth_action.setChecked(self.settings.smooth_scaling)
        self.smooth_action.setToolTip(QCoreApplication.translate("ConsoleToolbar",
                "Smooth scaling (off: sharp pixels)"))
        self.smooth_action.toggled.connect(self._set_smooth)
        self.fullscreen_action = tb.addAction(QCoreApplication.translate("ConsoleToolbar",
                "Fullscreen"))
        self.fullscreen_action.setToolTip(QCoreApplication.translate("ConsoleToolbar",
                "Fullscreen (F11)"))
        self.fullscreen_action.triggered.connect(self.fullscreenRequested.emit)
        self._build_display_actions(tb)
        tb.addSeparator()

        self.keys_button = QToolButton()
        self.keys_button.setText(QCoreApplication.translate("ConsoleToolbar", "Send key"))
        self.keys_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.keys_button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.keys_menu = SendKeyMenu(self.settings, self.send_keys, self.keys_button)
        self.keys_menu.settingsEdited.connect(self.settingsChanged.emit)
        self.keys_menu.layoutChanged.connect(self._apply_keys)
        self.keys_button.setMenu(self.keys_menu)
        tb.addWidget(self.keys_button)
        self.type_action = tb.addAction(QCoreApplication.translate("ConsoleToolbar",
                "Type clipboard"))
        self.type_action.setToolTip(QCoreApplication.translate("ConsoleToolbar",
                "Type the local clipboard's text as key presses (for BIOS and installers)"))
        self.type_action.triggered.connect(self._type_clipboard_clicked)
        self.view_only_action = tb.addAction(QCoreApplication.translate("ConsoleToolbar",
                "View only"))
        self.view_only_action.setCheckable(True)
        self.view_only_action.setToolTip(QCoreApplication.translate("ConsoleToolbar",
                "Send no keyboard or mouse input"))
        self.view_only_action.toggled.connect(self._set_view_only)
        tb.addSeparator()

        self.power_button = QToolButton()
        self.power_button.setText(QCoreApplication.translate("ConsoleToolbar", "Power"))
        self.power_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.power_button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.power_menu = QMenu(self.power_button)
        self.power_actions: dict[str, QAction] = {}
        for key, action in ACTIONS.items():
            a = self.power_menu.addAction(action.label + ("…" if action.confirm else ""))
            a.triggered.connect(lambda _=False, k=key: self._power_clicked(k))
            self.power_actions[key] = a
        self.power_menu.aboutToShow.connect(self._update_power_menu)
        self.power_button.setMenu(self.power_menu)
        self.power_button.setEnabled(self.target.has_control_plane and self.power is not None)
        if not self.power_button.isEnabled():
            self.power_button.setToolTip(QCoreApplication.translate("ConsoleToolbar",
                    "Power actions need a control plane (this console was opened by URL)"))
        tb.addWidget(self.power_button)
        from qvmrc.ui.media import media_button_for

        self.media_button = media_button_for(self)
        tb.addWidget(self.media_button)
        tb.addSeparator()
        self.screenshot_action = tb.addAction(QCoreApplication.translate("ConsoleToolbar",
                "Screenshot…"))
        self.screenshot_action.setToolTip(QCoreApplication.translate("ConsoleToolbar",
                "Save the console as a PNG"))
        self.screenshot_action.triggered.connect(self._screenshot_clicked)
        self.copy_screenshot_action = tb.addAction(QCoreApplication.translate("ConsoleToolbar",
                "Copy screenshot"))
        self.copy_screenshot_action.setToolTip(QCoreApplication.translate("ConsoleToolbar",
                "Copy the console's picture to the clipboard"))
        self.copy_screenshot_action.triggered.connect(self.copy_screenshot)
        self.record_action = tb.addAction(QCoreApplication.translate("ConsoleToolbar", "Record"))
        self.record_action.setCheckable(True)
        self.record_action.setToolTip(QCoreApplication.translate("ConsoleToolbar",
                "Record the session to an FBS file for a bug report"))
        self.record_action.triggered.connect(self._record_clicked)
        for a in tb.actions():  # reachable with Tab; a click still leaves the focus alone
            w = tb.widgetForAction(a)
            if isinstance(w, QToolButton):
                w.setFocusPolicy(Qt.FocusPolicy.TabFocus)
                if not w.accessibleName():
                    w.setAccessibleName(w.text())
        return tb

    def _build_display_actions(self, tb: QToolBar) -> None:
        """The Display menu: fit window to guest, resize the guest to the window, quality."""
        self.display_button = QToolButton()
        self.display_button.setText(QCoreApplication.translate("ConsoleToolbar", "Display"))
        self.display_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.display_button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.display_menu = QMenu(self.display_button)
        self.fit_window_action = self.display_menu.addAction(QCoreApplication.translate("ConsoleToolbar",
                "Fit window to guest"))
        self.fit_window_action.setToolTip(QCoreApplication.translate("ConsoleToolbar",
                "Resize the window so the console shows at 100%"))
        self.fit_window_action.triggered.connect(self.fit_window_to_guest)
        self.remote_resize_action = self.display_menu.addAction(QCoreApplication.translate("ConsoleToolbar",
                "Resize guest to window"))
        self.remote_resize_action.setCheckable(True)
        self.remote_resize_action.setToolTip(QCoreApplication.translate("ConsoleToolbar",
                "Resize the guest's screen to the window (when the server allows it)"))
        self.remote_resize_action.toggled.connect(self.set_remote_resize)
        self.display_menu.setToolTipsVisible(True)
        self.quality_menu = QualityMenu(Quality(tuple(self.settings.encodings()), self.settings.jpeg_quality,
                                                self.settings.compress_level), self.display_menu)
        self.quality_menu.setToolTip(QCoreApplication.translate("ConsoleToolbar",
                "Encoding, JPEG quality and compression for this console, applied now"))
        self.quality_menu.changed.connect(self.set_quality)
        self.display_menu.addMenu(self.quality_menu)
        self.display_button.setMenu(self.display_menu)
        tb.addWidget(self.display_button)

    def _build_status(self) -> QStatusBar:
        sb = QStatusBar()
        sb.setSizeGripEnabled(False)
        self.state_label = QLabel("")
        # Long error texts must not widen the window: let the label be clipped
        # (the full text is in the overlay and the tooltip).
        self.state_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.state_label.setMinimumWidth(0)
        self.size_label = QLabel("")
        self.pointer_label = QLabel("")
        sb.addWidget(self.state_label, 1)
        for w in (self.pointer_label, self.size_label):
            w.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
            sb.addPermanentWidget(w)
        return sb

