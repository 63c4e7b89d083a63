"""The sidebar: saved control planes and their VMs, with a filter and a right-click menu.

It only shows and asks: every action leaves as a signal, so the window decides
what opening, editing or powering a VM means, and the sidebar can be tested (and
translated) on its own. Power states come from the poller through ``states``.
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLineEdit,
    QMenu,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from qvmrc.settings import Settings
from qvmrc.ui.power import ACTIONS, available

ROLE = Qt.ItemDataRole.UserRole
GONE = "NOT FOUND"
STATE_COLOURS = {"RUNNING": "#2e9d4f", "STOPPED": "#8a8f98", "PAUSED": "#d49a17", "SUSPENDED": "#d49a17",
                 "CRASHED": "#d0453a", "MIGRATING": "#3b82c4", "PROVISIONING": "#3b82c4",
                 GONE: "#d0453a", "UNREACHABLE": "#d0453a"}


class Sidebar(QWidget):
    openRequested = Signal(str, str)  # control plane id, VM id
    powerRequested = Signal(str, str, str)  # control plane id, VM id, power action key
    removeVmRequested = Signal(str, str)
    addControlPlaneRequested = Signal()
    connectRequested = Signal()
    refreshRequested = Signal()
    editControlPlaneRequested = Signal(str)
    removeControlPlaneRequested = Signal(str)

    def __init__(self, settings: Settings, states: Mapping[tuple[str, str], str],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.states = states
        self.setObjectName("sidebar")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 0, 6)
        top = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Search VMs"))
        self.search.setAccessibleName(self.tr("Search VMs"))
        self.search.setAccessibleDescription(self.tr("Shows only the VMs and control planes whose name "
                                                     "or id contains this text"))
        self.search.setClearButtonEnabled(True)
        for clear in self.search.findChildren(QToolButton):  # Qt's own clear button has no name
            clear.setAccessibleName(self.tr("Clear search"))
        self.search.textChanged.connect(self.apply_filter)
        self.add_button = QToolButton()
        self.add_button.setText("+")
        self.add_button.setToolTip(self.tr("Add a control plane or open a console"))
        self.add_button.setAccessibleName(self.tr("Add a control plane or open a console"))
        self.add_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.add_button)
        menu.addAction(self.tr("Add control plane…"), self.addControlPlaneRequested.emit)
        menu.addAction(self.tr("Connect to…"), self.connectRequested.emit)
        self.add_button.setMenu(menu)
        top.addWidget(self.search, 1)
        top.addWidget(self.add_button)
        lay.addLayout(top)
        self.tree = QTreeWidget()
        self.tree.setAccessibleName(self.tr("Control planes and VMs"))
        self.tree.setAccessibleDescription(self.tr("Enter opens the console of the selected VM; "
                                                   "the context menu has power and edit actions"))
        self.tree.setHeaderLabels([self.tr("Name"), self.tr("State")])
        self.tree.setRootIsDecorated(True)
        self.tree.setUniformRowHeights(True)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setAccessibleName(self.tr("Columns of the VM list"))
        header.setSectionResizeMode(0, header.ResizeMode.Stretch)
        header.setSectionResizeMode(1, header.ResizeMode.ResizeToContents)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._context_menu)
        self.tree.itemActivated.connect(self._activated)
        lay.addWidget(self.tree, 1)

    def state_label(self, state: str) -> str:
        """The state as shown; a state this version does not know is shown verbatim."""
        labels = {"RUNNING": self.tr("Running"), "STOPPED": self.tr("Stopped"), "PAUSED": self.tr("Paused"),
                  "SUSPENDED": self.tr("Suspended"), "CRASHED": self.tr("Crashed"),
                  "MIGRATING": self.tr("Migrating"), "PROVISIONING": self.tr("Provisioning"),
                  "UNKNOWN": self.tr("Unknown"), GONE: self.tr("Deleted")}
        return labels.get(state, state)

    def rebuild(self) -> None:
        """Redraw from the settings (after control planes or their VMs changed)."""
        self.tree.clear()
        for cp in self.settings.control_planes:
            top = QTreeWidgetItem([cp.label, ""])
            top.setData(0, ROLE, ("cp", cp.id, ""))
            top.setToolTip(0, cp.url)
            f = top.font(0)
            f.setBold(True)
            top.setFont(0, f)
            self.tree.addTopLevelItem(top)
            for vm in cp.vms:
                item = QTreeWidgetItem([vm.label, ""])
                item.setData(0, ROLE, ("vm", cp.id, vm.id))
                item.setToolTip(0, f"{vm.label}\n{vm.id}")
                top.addChild(item)
                self.paint_state(item, self.states.get((cp.id, vm.id), ""))
            top.setExpanded(True)
        self.apply_filter(self.search.text())

    def paint_state(self, item: QTreeWidgetItem, state: str) -> None:
        gone = state == GONE
        shown = self.state_label(state) if state else ""
        item.setText(1, ("● " + shown) if shown else "")
        item.setForeground(1, QBrush(QColor(STATE_COLOURS.get(state, "#8a8f98"))))
        f = item.font(0)
        f.setItalic(gone)
        item.setFont(0, f)
        item.setToolTip(1, self.tr("The control plane no longer lists this VM; right-click › Remove from list")
                        if gone else "")

    def set_vm_state(self, cp_id: str, vm_id: str, state: str) -> None:
        item = self.vm_item(cp_id, vm_id)
        if item is not None:
            self.paint_state(item, state)

    def set_unreachable(self, cp_id: str, reason: str) -> None:
        """Mark a control plane whose listing failed (``reason`` in the tooltip); "" clears it."""
        top = self.cp_item(cp_id)
        if top is None:
            return
        top.setText(1, self.tr("unreachable") if reason else "")
        top.setToolTip(1, reason)
        if reason:
            top.setForeground(1, QBrush(QColor(STATE_COLOURS["UNREACHABLE"])))

    def rename(self, cp_id: str, vm_id: str, label: str) -> None:
        item = self.vm_item(cp_id, vm_id)
        if item is not None:
            item.setText(0, label)

    def _tops(self) -> list[QTreeWidgetItem]:
        return [t for i in range(self.tree.topLevelItemCount()) if (t := self.tree.topLevelItem(i)) is not None]

    @staticmethod
    def _children(top: QTreeWidgetItem) -> list[QTreeWidgetItem]:
        return [c for j in range(top.childCount()) if (c := top.child(j)) is not None]

    def cp_item(self, cp_id: str) -> QTreeWidgetItem | None:
        return next((t for t in self._tops() if t.data(0, ROLE)[1] == cp_id), None)

    def vm_item(self, cp_id: str, vm_id: str) -> QTreeWidgetItem | None:
        top = self.cp_item(cp_id)
        if top is None:
            return None
        return next((c for c in self._children(top) if c.data(0, ROLE) == ("vm", cp_id, vm_id)), None)

    def apply_filter(self, text: str) -> None:
        """A control plane whose name matches shows all its VMs; else only the matching VMs."""
        needle = text.strip().lower()
        for top in self._tops():
            cp_match = bool(needle) and needle in top.text(0).lower()
            any_child = False
            for child in self._children(top):
                _, _, vm_id = child.data(0, ROLE)
                match = not needle or cp_match or needle in child.text(0).lower() or needle in vm_id.lower()
                child.setHidden(not match)
                any_child = any_child or match
            top.setHidden(bool(needle) and not (cp_match or any_child))

    def _activated(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        kind, cp_id, vm_id = item.data(0, ROLE)
        if kind == "vm":
            self.openRequested.emit(cp_id, vm_id)

    def context_menu_for(self, item: QTreeWidgetItem | None) -> QMenu | None:
        """The right-click menu of ``item`` (None: the empty area below the tree)."""
        menu = QMenu(self)
        if item is None:
            menu.addAction(self.tr("Add control plane…"), self.addControlPlaneRequested.emit)
            return menu
        kind, cp_id, vm_id = item.data(0, ROLE)
        if self.settings.find_control_plane(cp_id) is None:
            return None
        if kind == "vm":
            menu.addAction(self.tr("Open console"), lambda: self.openRequested.emit(cp_id, vm_id))
            menu.addSeparator()
            state = self.states.get((cp_id, vm_id), "UNKNOWN")
            for key, action in ACTIONS.items():
                a = menu.addAction(action.label + ("…" if action.confirm else ""))
                a.setEnabled(available(key, state))
                a.triggered.connect(lambda _=False, k=key: self.powerRequested.emit(cp_id, vm_id, k))
            menu.addSeparator()
            menu.addAction(self.tr("Remove from list"), lambda: self.removeVmRequested.emit(cp_id, vm_id))
        else:
            menu.addAction(self.tr("Refresh"), self.refreshRequested.emit)
            menu.addAction(self.tr("Edit…"), lambda: self.editControlPlaneRequested.emit(cp_id))
            menu.addAction(self.tr("Remove…"), lambda: self.removeControlPlaneRequested.emit(cp_id))
        return menu

    def _context_menu(self, pos: QPoint) -> None:
        menu = self.context_menu_for(self.tree.itemAt(pos))
        if menu is not None:
            menu.exec(self.tree.viewport().mapToGlobal(pos))
            menu.deleteLater()
