"""Keeping a control plane's saved VMs in step with what its ListVMs says (no Qt).

The sidebar is the user's inventory, as in VMRC's host list: a VM created on
the control plane after it was added shows up at the next refresh (and is
saved, so its name is known offline), unless the user took it out of the list
("Remove from list", or unticked it in the control plane dialog): those ids
are remembered in ``ControlPlane.hidden_vms``. A saved VM the control plane
no longer lists is not dropped: it stays, marked deleted, until the user
removes it, so a filtered or half-failed listing never costs saved VMs.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from qvmrc.controlplane.client import VM
from qvmrc.settings import ControlPlane, SavedVM

MAX_HIDDEN = 10_000


@dataclass
class InventoryChange:
    added: list[str] = field(default_factory=list)
    renamed: list[str] = field(default_factory=list)
    gone: list[str] = field(default_factory=list)
    #: The saved control plane changed (persist it).
    changed: bool = False


def merge_listing(cp: ControlPlane, listed: Iterable[VM]) -> InventoryChange:
    """Update ``cp.vms`` / ``cp.hidden_vms`` from a complete ListVMs answer."""
    vms = [vm for vm in listed if vm.id]
    by_id = {vm.id: vm for vm in vms}
    saved = {v.id for v in cp.vms}
    out = InventoryChange()
    if cp.hidden_vms is None:
        # Settings from before this was tracked: the VMs the user did not pick stay out.
        cp.hidden_vms = [vm.id for vm in vms if vm.id not in saved] if cp.vms else []
        out.changed = True
    hidden = set(cp.hidden_vms)
    for vm in vms:
        if vm.id not in saved and vm.id not in hidden:
            cp.vms.append(SavedVM(vm.id, vm.name))
            saved.add(vm.id)
            out.added.append(vm.id)
    for v in cp.vms:
        vm = by_id.get(v.id)
        if vm is None:
            out.gone.append(v.id)
        elif vm.name and vm.name != v.name:
            v.name = vm.name
            out.renamed.append(v.id)
    # Forget hidden ids the control plane no longer has (the list stays bounded).
    kept = [i for i in cp.hidden_vms if i in by_id][:MAX_HIDDEN]
    if kept != cp.hidden_vms:
        cp.hidden_vms = kept
        out.changed = True
    out.changed = out.changed or bool(out.added or out.renamed)
    return out


def hide(cp: ControlPlane, vm_id: str) -> None:
    """The user took a VM out of the sidebar: later refreshes must not bring it back."""
    cp.vms = [v for v in cp.vms if v.id != vm_id]
    hidden = cp.hidden_vms if cp.hidden_vms is not None else []
    if vm_id not in hidden:
        hidden.append(vm_id)
    cp.hidden_vms = hidden[-MAX_HIDDEN:]
