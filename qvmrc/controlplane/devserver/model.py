"""The dev control plane's VMs, kept as the LimiQuantix backend keeps and writes them.

Power states, console refusal codes and CD/DVD drives follow the real backend so
that a client tested here behaves the same against an appliance.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from qvmrc.errors import InvalidTarget

HOST = "127.0.0.1"
STATES = ("RUNNING", "STOPPED", "PAUSED", "SUSPENDED", "CRASHED", "MIGRATING", "PROVISIONING",
          "LOST", "TERMINATED", "UNKNOWN")
# The console proxy's refusal codes and their HTTP statuses, as the Go backend sends them.
CONSOLE_ERRORS = {
    "VM_NOT_FOUND": 404, "VM_NOT_RUNNING": 412, "NODE_NOT_ASSIGNED": 412, "NODE_NOT_FOUND": 404,
    "NODE_UNREACHABLE": 503, "VM_NOT_ON_NODE": 409, "INTERNAL_ERROR": 500,
}
# A message per code in the backend's style (a sentence, not the code re-cased).
CONSOLE_MESSAGES = {
    "VM_NOT_FOUND": "VM not found", "VM_NOT_RUNNING": "VM is not running",
    "NODE_NOT_ASSIGNED": "VM is not assigned to a node", "NODE_NOT_FOUND": "The VM's node was not found",
    "NODE_UNREACHABLE": "Cannot reach the VM's console on its node",
    "VM_NOT_ON_NODE": "The VM is not running on its assigned node",
    "INTERNAL_ERROR": "Internal error while opening the console",
}
DEFAULT_NODE = "node-dev-1"
ISO_DIR = "/var/lib/limiquantix/isos"
#: The dev platform's ISO library (what MountISO can find on "storage").
DEFAULT_ISOS = (f"{ISO_DIR}/debian-12.7.0-amd64-netinst.iso", f"{ISO_DIR}/ubuntu-24.04.1-live-server-amd64.iso",
                f"{ISO_DIR}/virtio-win-0.1.262.iso")


@dataclass
class DevVM:
    """One VM of the dev control plane and the VNC server behind its console.

    ``node_id`` empty simulates NODE_NOT_ASSIGNED; ``fault`` forces any other
    refusal code on the console route (to test how clients show them).
    """

    name: str
    host: str
    port: int
    id: str = ""
    password: str | None = field(default=None, repr=False)
    state: str = "RUNNING"
    node_id: str = DEFAULT_NODE
    fault: str | None = None
    description: str = ""
    last_stop_force: bool | None = None
    #: CD/DVD drives in order: drive id -> ISO path ("" = no media).
    cdroms: dict[str, str] = field(default_factory=lambda: {"cdrom-1": ""})

    def __post_init__(self) -> None:
        self.id = self.id or self.name
        if not self.description:
            self.description = f"dev VM on vnc://{self.host}:{self.port}"

    def to_json(self) -> dict[str, Any]:
        """As the backend writes it: lowerCamelCase, zero values omitted."""
        status = {k: v for k, v in (("state", self.state if self.state != "UNKNOWN" else ""),
                                    ("nodeId", self.node_id)) if v}
        if self.state == "CRASHED":
            status["errorMessage"] = "guest crashed (simulated)"
        out: dict[str, Any] = {"id": self.id, "name": self.name, "description": self.description}
        cdroms = [{"id": cid, "isoPath": iso, "connected": True} if iso else {"id": cid}
                  for cid, iso in self.cdroms.items()]
        if cdroms:
            out["spec"] = {"cdroms": cdroms}
        if status:
            out["status"] = status
        return out


def parse_vm_spec(spec: str) -> DevVM:
    """``name=vnc://host:port[,password=...,state=STOPPED,id=...,node=...,fault=CODE,cdroms=N]``."""
    head, *opts = spec.split(",")
    name, sep, target = head.partition("=")
    if not sep or not name.strip():
        raise InvalidTarget(f"--vm {spec!r}: expected NAME=vnc://HOST:PORT[,key=value...]")
    parts = urlsplit(target.strip())
    try:
        port = parts.port
    except ValueError:
        port = None
    if parts.scheme != "vnc" or not parts.hostname or port is None:
        raise InvalidTarget(f"--vm {spec!r}: the target must be vnc://HOST:PORT")
    vm = DevVM(name=name.strip(), host=parts.hostname, port=port)
    for opt in opts:
        key, sep, value = opt.partition("=")
        key = key.strip()
        if not sep:
            raise InvalidTarget(f"--vm {spec!r}: option {opt!r} is not key=value")
        if key == "password":
            vm.password = value or None
        elif key == "state":
            value = value.strip().upper()
            if value not in STATES:
                raise InvalidTarget(f"--vm {spec!r}: state must be one of {', '.join(STATES)}")
            vm.state = value
        elif key == "id":
            vm.id = value.strip() or vm.name
        elif key == "node":
            vm.node_id = value.strip()
        elif key == "fault":
            value = value.strip().upper()
            if value not in CONSOLE_ERRORS:
                raise InvalidTarget(f"--vm {spec!r}: fault must be one of {', '.join(CONSOLE_ERRORS)}")
            vm.fault = value
        elif key == "cdroms":
            if not value.strip().isdigit() or int(value) > 8:
                raise InvalidTarget(f"--vm {spec!r}: cdroms must be a number of drives 0-8")
            vm.cdroms = {f"cdrom-{i + 1}": "" for i in range(int(value))}
        else:
            raise InvalidTarget(f"--vm {spec!r}: unknown option {key!r}")
    return vm


def unused_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (bound, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])
