"""``qvmrc devserver``: a development control plane that speaks LimiQuantix's API.

It answers the VMService Connect-RPC calls QVMRC uses and proxies
``/api/console/{vmId}/ws`` to real VNC servers named on the command line,
the way the Go backend does: same preflight and error codes, no WebSocket
subprotocol selected, one binary frame per TCP read (or random re-chunking
with ``--chunking random`` to shake out framing bugs). GetConsole answers the
hypervisor's view, ``127.0.0.1`` and a port nobody should dial, so a client
that dials it is caught. Listens on 127.0.0.1 only.

CD/DVD drives are emulated as the backend keeps them (``spec.cdroms[]``, one
empty drive ``cdrom-1`` per VM unless told otherwise), with an ISO library
standing in for the platform's storage. Tests add and remove VMs at run time
with :meth:`DevServer.add_vm` / :meth:`DevServer.remove_vm`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import socket
import sys
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlsplit

from aiohttp import WSMsgType, web

from qvmrc.controlplane.client import SERVICE, os_reason
from qvmrc.controlplane.console import PREFLIGHT_HEADER
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
MAINTENANCE_BODY = {"error": "System is restarting for updates", "maintenance": True}
DEFAULT_NODE = "node-dev-1"
MAX_BODY = 1 << 20
MAX_FRAME = 16 * 1024 * 1024
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


class _RPCError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def _json(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    return web.Response(status=status, text=json.dumps(data), content_type="application/json",
                        headers=headers)


class DevServer:
    """The dev control plane, usable from tests::

        async with DevServer([DevVM("web", "127.0.0.1", 5901)], token="T") as srv:
            srv.base_url  # http://127.0.0.1:PORT
    """

    def __init__(self, vms: Sequence[DevVM] = (), *, port: int = 0, token: str | None = None,
                 chunking: str = "none", chunk_max: int = 4096, maintenance: bool = False,
                 getconsole_port: int | None = None, demo: bool = False,
                 demo_password: str | None = None, seed: int | None = None,
                 dial_timeout: float = 3.0, tls_cert: str | None = None,
                 tls_key: str | None = None, isos: Sequence[str] = DEFAULT_ISOS) -> None:
        if chunking not in ("none", "random"):
            raise ValueError("chunking must be 'none' or 'random'")
        if chunk_max < 1:
            raise ValueError("chunk_max must be at least 1")
        self.vms: dict[str, DevVM] = {}
        for vm in vms:
            self.add_vm(vm)
        self.requested_port = port
        self.isos: set[str] = set(isos)
        self.token = token or None
        self.chunking = chunking
        self.chunk_max = chunk_max
        self.maintenance = maintenance
        self.getconsole_port = getconsole_port or unused_port()
        self.dial_timeout = dial_timeout
        # HTTPS like a production appliance (usually a self-signed certificate).
        self._tls: Any = None
        if tls_cert:
            import ssl

            ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            try:
                ctx.load_cert_chain(tls_cert, tls_key)
            except (OSError, ssl.SSLError) as e:
                raise InvalidTarget(f"cannot use TLS certificate {tls_cert}: {e}") from None
            self._tls = ctx
        self._want_demo = demo
        self._demo_password = demo_password
        self.demo: Any = None  # qvmrc.demo.DemoServer when --demo
        self._rng = random.Random(seed)
        self._runner: web.AppRunner | None = None
        self._sockets: set[web.WebSocketResponse] = set()
        self.port = 0
        #: Console WebSockets opened so far (tests count them).
        self.console_sessions = 0

    def add_vm(self, vm: DevVM) -> None:
        if vm.id in self.vms:
            raise InvalidTarget(f"two VMs have the id {vm.id!r}")
        self.vms[vm.id] = vm

    def remove_vm(self, vm_id: str) -> DevVM:
        """Delete a VM, as if someone deleted it in the web UI (its open consoles stay up)."""
        return self.vms.pop(vm_id)

    @property
    def base_url(self) -> str:
        return f"{'https' if self._tls else 'http'}://{HOST}:{self.port}"

    def deep_link(self, vm: DevVM, scheme: str = "qvmrc") -> str:
        return (f"{scheme}://connect?url={quote(self.base_url, safe='')}"
                f"&vmId={quote(vm.id, safe='')}&vmName={quote(vm.name, safe='')}")

    # -- lifecycle ------------------------------------------------------------

    async def start(self) -> None:
        if self._want_demo and self.demo is None:
            from qvmrc.demo import DemoServer

            self.demo = DemoServer(password=self._demo_password)
            port = await self.demo.start(HOST, 0)
            self.add_vm(DevVM("demo", HOST, port, id="demo", password=self._demo_password,
                              description="the QVMRC demo VM (clock, text console, pointer trail)"))
        app = web.Application(middlewares=[self._maintenance_mw], client_max_size=MAX_BODY)
        app.router.add_route("*", f"/{SERVICE}/{{method}}", self._rpc)
        app.router.add_get("/api/console/{vm_id}/ws", self._console)
        app.on_shutdown.append(self._close_sockets)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=2.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, HOST, self.requested_port, ssl_context=self._tls)
        await site.start()
        self.port = int(self._runner.addresses[0][1])

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        if self.demo is not None:
            self.demo.close()
            await self.demo.wait_closed()

    async def __aenter__(self) -> DevServer:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def _close_sockets(self, _app: web.Application) -> None:
        for ws in list(self._sockets):
            await ws.close()

    # -- middleware -----------------------------------------------------------

    @web.middleware
    async def _maintenance_mw(self, request: web.Request,
                              handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
                              ) -> web.StreamResponse:
        if self.maintenance:
            return _json(MAINTENANCE_BODY, 503, {"Retry-After": "30"})
        return await handler(request)

    # -- VMService --------------------------------------------------------------

    async def _rpc(self, request: web.Request) -> web.Response:
        try:
            if request.method != "POST":
                raise _RPCError(405, "unimplemented", "Connect unary calls must be POST")
            if self.token and request.headers.get("Authorization") != f"Bearer {self.token}":
                raise _RPCError(401, "unauthenticated", "missing or invalid bearer token")
            handler = getattr(self, "_m_" + request.match_info["method"], None)
            if handler is None:
                raise _RPCError(404, "unimplemented",
                                f"{SERVICE}/{request.match_info['method']} is not implemented")
            if request.content_type != "application/json":
                raise _RPCError(415, "invalid_argument", "content type must be application/json")
            try:
                body = json.loads(await request.read() or b"{}")
            except ValueError:
                raise _RPCError(400, "invalid_argument", "request body is not valid JSON") from None
            if not isinstance(body, dict):
                raise _RPCError(400, "invalid_argument", "request body must be a JSON object")
            return _json(handler(body))
        except _RPCError as e:
            return _json({"code": e.code, "message": e.message}, e.status)

    def _vm(self, body: dict[str, Any], key: str = "id") -> DevVM:
        vm_id = body.get(key)
        if not isinstance(vm_id, str) or not vm_id:
            raise _RPCError(400, "invalid_argument", f"{key} is required")
        vm = self.vms.get(vm_id)
        if vm is None:
            raise _RPCError(404, "not_found", f"VM {vm_id} not found")
        return vm

    def _m_ListVMs(self, body: dict[str, Any]) -> dict[str, Any]:
        size = body.get("pageSize") or 50
        token = body.get("pageToken") or "0"
        try:
            size, start = max(1, min(int(size), 1000)), int(token)
        except (TypeError, ValueError):
            raise _RPCError(400, "invalid_argument", "invalid page size or page token") from None
        vms = list(self.vms.values())
        if not 0 <= start <= len(vms):
            raise _RPCError(400, "invalid_argument", "invalid page token")
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
            raise _RPCError(400, "failed_precondition", f"VM {vm.name} is {vm.state.lower()}: {why}")
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
                raise _RPCError(400, "invalid_argument", f"{what} is required")
        vm = self.vms.get(vm_id)  # type: ignore[arg-type]
        if vm is None:
            raise _RPCError(404, "not_found", f"VM '{vm_id}' not found")
        if cdrom_id not in vm.cdroms:
            raise _RPCError(404, "not_found", f"CD-ROM '{cdrom_id}' not found")
        return vm, str(cdrom_id), str(iso or "")

    def _m_MountISO(self, body: dict[str, Any]) -> dict[str, Any]:
        vm, cdrom_id, iso = self._cdrom(body, need_path=True)
        # The backend changes the media live only on a running VM; that is where
        # the hypervisor finds out the file does not exist.
        if vm.state == "RUNNING" and iso not in self.isos:
            raise _RPCError(500, "internal", f"failed to mount ISO: could not open '{iso}': "
                                             "No such file or directory")
        vm.cdroms[cdrom_id] = iso
        return vm.to_json()

    def _m_EjectISO(self, body: dict[str, Any]) -> dict[str, Any]:
        vm, cdrom_id, _ = self._cdrom(body, need_path=False)
        vm.cdroms[cdrom_id] = ""
        return vm.to_json()

    # -- console proxy ----------------------------------------------------------

    def _refuse(self, code: str, message: str, details: str, vm_id: str,
                node_id: str = "") -> web.Response:
        return _json({"code": code, "message": message, "details": details, "vm_id": vm_id,
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

    async def _console(self, request: web.Request) -> web.StreamResponse:
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
            return _json({"status": "ok", "vm_id": vm.id, "node_id": vm.node_id})
        try:
            await ws.prepare(request)
            self.console_sessions += 1
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


# ------------------------------------------------------------------ command


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``qvmrc devserver`` (the CLI owns the parser)."""
    parser.add_argument("--port", type=int, default=8080, help="port on 127.0.0.1 (0: any free port)")
    parser.add_argument("--token", help="require this bearer token on API calls")
    parser.add_argument("--token-env", metavar="VAR", help="take the token from this environment variable")
    parser.add_argument("--vm", action="append", default=[], metavar="NAME=vnc://HOST:PORT[,k=v...]",
                        help="a VM and its VNC server; options password=, state=, id=, node=, "
                             "fault=CODE, cdroms=N (repeatable)")
    parser.add_argument("--demo", action="store_true", help="serve the built-in demo VM as VM 'demo'")
    parser.add_argument("--demo-password", metavar="PW", help="VNC password of the demo VM")
    parser.add_argument("--chunking", choices=("none", "random"), default="none",
                        help="re-chunk console bytes into random frame sizes")
    parser.add_argument("--chunk-max", type=int, default=4096, metavar="N",
                        help="largest random chunk (default 4096)")
    parser.add_argument("--maintenance", action="store_true",
                        help="answer every route 503 as during an update")
    parser.add_argument("--getconsole-port", type=int, metavar="PORT",
                        help="port GetConsole reports (default: a port nothing listens on)")
    parser.add_argument("--tls-cert", metavar="PEM", help="serve HTTPS/WSS with this certificate")
    parser.add_argument("--tls-key", metavar="PEM", help="its private key (if not in --tls-cert)")


def _build(args: argparse.Namespace) -> DevServer:
    token = args.token
    if getattr(args, "token_env", None):
        token = os.environ.get(args.token_env)
        if not token:
            raise InvalidTarget(f"environment variable {args.token_env} is not set")
    vms = [parse_vm_spec(s) for s in args.vm]
    if args.chunk_max < 1:
        raise InvalidTarget("--chunk-max must be at least 1")
    return DevServer(vms, port=args.port, token=token, chunking=args.chunking,
                     chunk_max=args.chunk_max, maintenance=args.maintenance,
                     getconsole_port=args.getconsole_port, demo=args.demo,
                     demo_password=args.demo_password, tls_cert=args.tls_cert, tls_key=args.tls_key)


async def _serve(srv: DevServer) -> None:
    await srv.start()
    try:
        auth = "bearer token required" if srv.token else "no token"
        print(f"qvmrc devserver: control plane at {srv.base_url} ({auth})", flush=True)
        if srv.maintenance:
            print("  maintenance mode: every route answers 503", flush=True)
        if not srv.vms:
            print("  no VMs: add --vm NAME=vnc://HOST:PORT or --demo", flush=True)
        for vm in srv.vms.values():
            print(f"  {vm.name:<12} {vm.state:<9} vnc://{vm.host}:{vm.port}  {srv.deep_link(vm)}",
                  flush=True)
        print("Press Ctrl+C to stop.", flush=True)
        await asyncio.Event().wait()
    finally:
        await srv.close()


def run(args: argparse.Namespace) -> int:
    """Run until Ctrl+C; returns the exit status."""
    try:
        srv = _build(args)
    except InvalidTarget as exc:
        print(f"qvmrc: error: {exc}", file=sys.stderr)
        return 2
    try:
        asyncio.run(_serve(srv))
    except KeyboardInterrupt:
        pass
    except OSError as exc:
        print(f"qvmrc: error: cannot listen on {HOST}:{args.port}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m qvmrc.controlplane.devserver`` until the CLI wires it."""
    parser = argparse.ArgumentParser(prog="qvmrc devserver", description=__doc__.splitlines()[0])
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    raise SystemExit(main())
