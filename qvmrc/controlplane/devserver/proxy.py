"""``/api/console/{vmId}/ws``: the backend's console proxy, refusals and framing included.

Like the Go backend it runs the same checks on a preflight and on the upgrade,
selects no WebSocket subprotocol, drops text frames and sends each TCP read as
one binary frame; ``chunking="random"`` re-cuts the bytes into random frames to
shake out clients that assume an RFB message fits in one frame.
"""

from __future__ import annotations

import asyncio
import contextlib
import random

from aiohttp import WSMsgType, web

from qvmrc.controlplane.client import os_reason
from qvmrc.controlplane.console import PREFLIGHT_HEADER
from qvmrc.controlplane.devserver.model import CONSOLE_ERRORS, CONSOLE_MESSAGES, DevVM
from qvmrc.controlplane.devserver.rpc import json_response

MAX_FRAME = 16 * 1024 * 1024


class ConsoleProxy:
    """Bridges a viewer's WebSocket to the VM's VNC server, over the server's VMs (shared)."""

    def __init__(self, vms: dict[str, DevVM], *, chunking: str = "none", chunk_max: int = 4096,
                 dial_timeout: float = 3.0, seed: int | None = None) -> None:
        if chunking not in ("none", "random"):
            raise ValueError("chunking must be 'none' or 'random'")
        if chunk_max < 1:
            raise ValueError("chunk_max must be at least 1")
        self.vms = vms
        self.chunking = chunking
        self.chunk_max = chunk_max
        self.dial_timeout = dial_timeout
        self._rng = random.Random(seed)
        self._sockets: set[web.WebSocketResponse] = set()
        #: Console WebSockets opened so far (tests count them).
        self.sessions = 0

    async def close_sockets(self, _app: web.Application) -> None:
        for ws in list(self._sockets):
            await ws.close()

    def _refuse(self, code: str, message: str, details: str, vm_id: str,
                node_id: str = "") -> web.Response:
        return json_response({"code": code, "message": message, "details": details, "vm_id": vm_id,
                              "node_id": node_id}, CONSOLE_ERRORS[code])

    def _check(self, vm_id: str) -> tuple[DevVM | None, web.Response | None]:
        vm = self.vms.get(vm_id)
        if vm is None:
            return None, self._refuse("VM_NOT_FOUND", "VM not found",
                                      f"no VM with id {vm_id}", vm_id)
        if vm.state != "RUNNING":
            return vm, self._refuse("VM_NOT_RUNNING", "VM is not running",
                                    f"VM {vm.name} is {vm.state.lower()}; start it first",
                                    vm.id, vm.node_id)
        if not vm.node_id:
            return vm, self._refuse("NODE_NOT_ASSIGNED", "VM is not assigned to a node",
                                    f"VM {vm.name} has no node", vm.id)
        if vm.fault:
            return vm, self._refuse(vm.fault, CONSOLE_MESSAGES[vm.fault],
                                    f"simulated by the dev server for VM {vm.name}",
                                    vm.id, vm.node_id)
        return vm, None

    async def _dial(self, vm: DevVM) -> tuple[asyncio.StreamReader, asyncio.StreamWriter] | web.Response:
        try:
            return await asyncio.wait_for(asyncio.open_connection(vm.host, vm.port), self.dial_timeout)
        except (OSError, asyncio.TimeoutError) as exc:
            why = "timed out" if isinstance(exc, asyncio.TimeoutError) else os_reason(exc)
            return self._refuse("NODE_UNREACHABLE", "Cannot reach the VM's console on its node",
                                f"VNC server {vm.host}:{vm.port}: {why}", vm.id, vm.node_id)

    async def handle(self, request: web.Request) -> web.StreamResponse:
        vm, refusal = self._check(request.match_info["vm_id"])
        if refusal is not None:
            return refusal
        assert vm is not None
        preflight = request.headers.get(PREFLIGHT_HEADER) == "true"
        ws = web.WebSocketResponse(protocols=(), max_msg_size=MAX_FRAME, compress=False)
        if not preflight and not ws.can_prepare(request).ok:
            return web.Response(status=400, text="expected a WebSocket upgrade")
        dialed = await self._dial(vm)
        if isinstance(dialed, web.Response):
            return dialed
        reader, writer = dialed
        if preflight:
            writer.close()
            return json_response({"status": "ok", "vm_id": vm.id, "node_id": vm.node_id})
        try:
            await ws.prepare(request)
            self.sessions += 1
            self._sockets.add(ws)
            await self._pump(ws, reader, writer)
        finally:
            self._sockets.discard(ws)
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()
            await ws.close()
        return ws

    def _chunks(self, data: bytes) -> list[bytes]:
        if self.chunking == "none":
            return [data]
        out, i, rng = [], 0, self._rng
        while i < len(data):
            n = rng.randint(1, min(16, self.chunk_max)) if rng.random() < 0.25 else rng.randint(1, self.chunk_max)
            out.append(data[i:i + n])
            i += n
        return out

    async def _pump(self, ws: web.WebSocketResponse, reader: asyncio.StreamReader,
                    writer: asyncio.StreamWriter) -> None:
        async def to_viewer() -> None:
            while data := await reader.read(65536):
                for chunk in self._chunks(data):  # one frame per TCP read, or random pieces
                    await ws.send_bytes(chunk)

        async def to_vnc() -> None:
            async for msg in ws:
                if msg.type == WSMsgType.BINARY:
                    writer.write(msg.data)
                    await writer.drain()
                elif msg.type != WSMsgType.TEXT:  # text frames are dropped, like the backend
                    break

        tasks = [asyncio.ensure_future(to_viewer()), asyncio.ensure_future(to_vnc())]
        try:
            await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for t in tasks:
                t.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
