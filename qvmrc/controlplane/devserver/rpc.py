"""VMService over Connect-RPC, answered the way the LimiQuantix backend answers it.

Same checks in the same order with the same codes, so a client's error handling
is exercised for real: unary calls are JSON POSTs, errors are ``{"code","message"}``
keyed off ``code``, and power and media calls refuse what the backend refuses.
"""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from qvmrc.controlplane.client import SERVICE
from qvmrc.controlplane.devserver.model import HOST, DevVM


class RPCError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    return web.Response(status=status, text=json.dumps(data), content_type="application/json",
                        headers=headers)


class VMService:
    """The RPC methods QVMRC calls, over the server's VMs and ISO library (shared, not copied)."""

    def __init__(self, vms: dict[str, DevVM], isos: set[str], *, token: str | None,
                 getconsole_port: int) -> None:
        self.vms = vms
        self.isos = isos
        self.token = token
        self.getconsole_port = getconsole_port

    async def handle(self, request: web.Request) -> web.Response:
        try:
            if request.method != "POST":
                raise RPCError(405, "unimplemented", "Connect unary calls must be POST")
            if self.token and request.headers.get("Authorization") != f"Bearer {self.token}":
                raise RPCError(401, "unauthenticated", "missing or invalid bearer token")
            handler = getattr(self, "_m_" + request.match_info["method"], None)
            if handler is None:
                raise RPCError(404, "unimplemented",
                               f"{SERVICE}/{request.match_info['method']} is not implemented")
            if request.content_type != "application/json":
                raise RPCError(415, "invalid_argument", "content type must be application/json")
            try:
                body = json.loads(await request.read() or b"{}")
            except ValueError:
                raise RPCError(400, "invalid_argument", "request body is not valid JSON") from None
            if not isinstance(body, dict):
                raise RPCError(400, "invalid_argument", "request body must be a JSON object")
            return json_response(handler(body))
        except RPCError as e:
            return json_response({"code": e.code, "message": e.message}, e.status)

    def _vm(self, body: dict[str, Any], key: str = "id") -> DevVM:
        vm_id = body.get(key)
        if not isinstance(vm_id, str) or not vm_id:
            raise RPCError(400, "invalid_argument", f"{key} is required")
        vm = self.vms.get(vm_id)
        if vm is None:
            raise RPCError(404, "not_found", f"VM {vm_id} not found")
        return vm

    def _m_ListVMs(self, body: dict[str, Any]) -> dict[str, Any]:
        size = body.get("pageSize") or 50
        token = body.get("pageToken") or "0"
        try:
            size, start = max(1, min(int(size), 1000)), int(token)
        except (TypeError, ValueError):
            raise RPCError(400, "invalid_argument", "invalid page size or page token") from None
        vms = list(self.vms.values())
        if not 0 <= start <= len(vms):
            raise RPCError(400, "invalid_argument", "invalid page token")
        out: dict[str, Any] = {"vms": [v.to_json() for v in vms[start:start + size]]}
        if start + size < len(vms):
            out["nextPageToken"] = str(start + size)
        if vms:
            out["totalCount"] = len(vms)
        return out

    def _m_GetVM(self, body: dict[str, Any]) -> dict[str, Any]:
        return self._vm(body).to_json()

    def _m_GetConsole(self, body: dict[str, Any]) -> dict[str, Any]:
        vm = self._vm(body, "vmId")
        # The hypervisor's view of the VNC server, as the backend answers it: never to be dialed.
        out: dict[str, Any] = {"consoleType": "CONSOLE_TYPE_VNC", "host": HOST,
                               "port": self.getconsole_port}
        if vm.password:
            out["password"] = vm.password
        return out

    def _power(self, body: dict[str, Any], allowed: tuple[str, ...], new: str, why: str) -> dict[str, Any]:
        vm = self._vm(body)
        if vm.state not in allowed:
            raise RPCError(400, "failed_precondition", f"VM {vm.name} is {vm.state.lower()}: {why}")
        vm.state = new
        return vm.to_json()

    def _m_StartVM(self, body: dict[str, Any]) -> dict[str, Any]:
        return self._power(body, ("STOPPED", "CRASHED", "UNKNOWN"), "RUNNING", "cannot start it")

    def _m_StopVM(self, body: dict[str, Any]) -> dict[str, Any]:
        out = self._power(body, ("RUNNING", "PAUSED", "CRASHED"), "STOPPED", "cannot stop it")
        self.vms[body["id"]].last_stop_force = bool(body.get("force"))
        return out

    def _m_RebootVM(self, body: dict[str, Any]) -> dict[str, Any]:
        return self._power(body, ("RUNNING",), "RUNNING", "only a running VM can reboot")

    def _m_PauseVM(self, body: dict[str, Any]) -> dict[str, Any]:
        return self._power(body, ("RUNNING",), "PAUSED", "only a running VM can pause")

    def _m_ResumeVM(self, body: dict[str, Any]) -> dict[str, Any]:
        return self._power(body, ("PAUSED",), "RUNNING", "only a paused VM can resume")

    # -- CD/DVD media: the backend's checks, in its order, with its codes -------

    def _cdrom(self, body: dict[str, Any], need_path: bool) -> tuple[DevVM, str, str]:
        vm_id, cdrom_id, iso = body.get("vmId"), body.get("cdromId"), body.get("isoPath")
        for value, what in ((vm_id, "VM ID"), (cdrom_id, "CD-ROM ID"), *(((iso, "ISO path"),) if need_path else ())):
            if not isinstance(value, str) or not value:
                raise RPCError(400, "invalid_argument", f"{what} is required")
        vm = self.vms.get(vm_id)  # type: ignore[arg-type]
        if vm is None:
            raise RPCError(404, "not_found", f"VM '{vm_id}' not found")
        if cdrom_id not in vm.cdroms:
            raise RPCError(404, "not_found", f"CD-ROM '{cdrom_id}' not found")
        return vm, str(cdrom_id), str(iso or "")

    def _m_MountISO(self, body: dict[str, Any]) -> dict[str, Any]:
        vm, cdrom_id, iso = self._cdrom(body, need_path=True)
        # The backend changes the media live only on a running VM; that is where
        # the hypervisor finds out the file does not exist.
        if vm.state == "RUNNING" and iso not in self.isos:
            raise RPCError(500, "internal", f"failed to mount ISO: could not open '{iso}': "
                                             "No such file or directory")
        vm.cdroms[cdrom_id] = iso
        return vm.to_json()

    def _m_EjectISO(self, body: dict[str, Any]) -> dict[str, Any]:
        vm, cdrom_id, _ = self._cdrom(body, need_path=False)
        vm.cdroms[cdrom_id] = ""
        return vm.to_json()
