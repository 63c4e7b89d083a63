"""Power states and the VM inventory, from one ListVMs per control plane every ~10 s.

One call per control plane, not one per VM, all control planes at once; the
same answer brings in VMs created since and marks the deleted ones
(:mod:`qvmrc.ui.inventory`). The poller owns the last known states; the sidebar
paints them and open consoles react to them (a paused VM explains a frozen screen).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from qvmrc.controlplane.client import VM
from qvmrc.errors import QVMRCError
from qvmrc.settings import ControlPlane, Settings
from qvmrc.ui.inventory import merge_listing
from qvmrc.ui.sidebar import GONE

log = logging.getLogger(__name__)

REFRESH_INTERVAL_MS = 10_000


class VmPoller(QObject):
    stateChanged = Signal(str, str, str)  # control plane id, VM id, state ("NOT FOUND": deleted)
    unreachable = Signal(str, str)  # control plane id, why ("" once it answers again)
    inventoryChanged = Signal(str, object)  # control plane id, InventoryChange (saved VMs changed)

    def __init__(self, settings: Settings, client_factory: Callable[[ControlPlane], Any],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.client_factory = client_factory
        #: (control plane id, VM id) -> state, as last listed.
        self.states: dict[tuple[str, str], str] = {}
        self._refreshing = False
        self.timer = QTimer(self)
        self.timer.setInterval(REFRESH_INTERVAL_MS)
        self.timer.timeout.connect(self.refresh_soon)

    def start(self) -> None:
        self.timer.start()
        QTimer.singleShot(0, self.refresh_soon)

    def stop(self) -> None:
        self.timer.stop()

    def refresh_soon(self) -> None:
        if self.settings.control_planes and not self._refreshing:
            asyncio.ensure_future(self.refresh())

    async def refresh(self) -> None:
        """ListVMs on every control plane (concurrently); report states and inventory changes."""
        if self._refreshing:
            return
        self._refreshing = True
        try:
            cps = list(self.settings.control_planes)
            results = await asyncio.gather(*(self._list(cp) for cp in cps), return_exceptions=True)
            for cp, result in zip(cps, results, strict=True):
                if isinstance(result, BaseException):
                    msg = str(result) if isinstance(result, QVMRCError) else f"{type(result).__name__}: {result}"
                    log.info("cannot refresh %s: %s", cp.label, msg)
                    self.unreachable.emit(cp.id, msg)
                    continue
                self.unreachable.emit(cp.id, "")
                change = merge_listing(cp, result)  # new VMs join the sidebar
                if change.changed:
                    self.inventoryChanged.emit(cp.id, change)
                by_id = {vm.id: vm for vm in result}
                for saved in cp.vms:
                    vm = by_id.get(saved.id)
                    self.set_state(cp.id, saved.id, vm.state if vm else GONE)
        finally:
            self._refreshing = False

    async def _list(self, cp: ControlPlane) -> list[VM]:
        async with self.client_factory(cp) as client:
            return list(await client.list_vms())

    def set_state(self, cp_id: str, vm_id: str, state: str) -> None:
        """Record a state from a listing or from a power action's answer."""
        self.states[(cp_id, vm_id)] = state
        self.stateChanged.emit(cp_id, vm_id, state)
