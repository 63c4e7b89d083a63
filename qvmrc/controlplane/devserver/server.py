"""The dev control plane as one aiohttp server: VMService RPC plus the console proxy.

Both halves share one VM table, so a power call (StopVM) is what the console
route then refuses (VM_NOT_RUNNING), as on the real platform. Listens on
127.0.0.1 only; HTTPS with the certificate given, like a production appliance.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any
from urllib.parse import quote

from aiohttp import web

from qvmrc.controlplane.client import SERVICE
from qvmrc.controlplane.devserver.model import DEFAULT_ISOS, HOST, DevVM, unused_port
from qvmrc.controlplane.devserver.proxy import ConsoleProxy
from qvmrc.controlplane.devserver.rpc import VMService, json_response
from qvmrc.errors import InvalidTarget

MAINTENANCE_BODY = {"error": "System is restarting for updates", "maintenance": True}
MAX_BODY = 1 << 20


class DevServer:
    """The dev control plane, usable from tests::

        async with DevServer([DevVM("web", "127.0.0.1", 5901)], token="T") as srv:
            srv.base_url  # http://127.0.0.1:PORT

    Tests add and remove VMs at run time with :meth:`add_vm` / :meth:`remove_vm`
    and switch ``maintenance`` on and off.
    """

    def __init__(self, vms: Sequence[DevVM] = (), *, port: int = 0, token: str | None = None,
                 chunking: str = "none", chunk_max: int = 4096, maintenance: bool = False,
                 getconsole_port: int | None = None, demo: bool = False,
                 demo_password: str | None = None, seed: int | None = None,
                 dial_timeout: float = 3.0, tls_cert: str | None = None,
                 tls_key: str | None = None, isos: Sequence[str] = DEFAULT_ISOS) -> None:
        self.vms: dict[str, DevVM] = {}
        self.proxy = ConsoleProxy(self.vms, chunking=chunking, chunk_max=chunk_max,
                                  dial_timeout=dial_timeout, seed=seed)
        for vm in vms:
            self.add_vm(vm)
        self.requested_port = port
        self.isos: set[str] = set(isos)
        self.token = token or None
        self.maintenance = maintenance
        self.getconsole_port = getconsole_port or unused_port()
        self.rpc = VMService(self.vms, self.isos, token=self.token, getconsole_port=self.getconsole_port)
        self._tls = _server_tls(tls_cert, tls_key) if tls_cert else None
        self._want_demo = demo
        self._demo_password = demo_password
        self.demo: Any = None  # qvmrc.demo.DemoServer when --demo
        self._runner: web.AppRunner | None = None
        self.port = 0

    @property
    def console_sessions(self) -> int:
        """Console WebSockets opened so far (tests count them)."""
        return self.proxy.sessions

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

    async def start(self) -> None:
        if self._want_demo and self.demo is None:
            from qvmrc.demo import DemoServer

            self.demo = DemoServer(password=self._demo_password)
            port = await self.demo.start(HOST, 0)
            self.add_vm(DevVM("demo", HOST, port, id="demo", password=self._demo_password,
                              description="the QVMRC demo VM (clock, text console, pointer trail)"))
        app = web.Application(middlewares=[self._maintenance_mw], client_max_size=MAX_BODY)
        app.router.add_route("*", f"/{SERVICE}/{{method}}", self.rpc.handle)
        app.router.add_get("/api/console/{vm_id}/ws", self.proxy.handle)
        app.on_shutdown.append(self.proxy.close_sockets)
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

    @web.middleware
    async def _maintenance_mw(self, request: web.Request,
                              handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
                              ) -> web.StreamResponse:
        # During an update every route of the backend answers this, the console route too.
        if self.maintenance:
            return json_response(MAINTENANCE_BODY, 503, {"Retry-After": "30"})
        return await handler(request)


def _server_tls(cert: str, key: str | None) -> Any:
    import ssl

    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    try:
        ctx.load_cert_chain(cert, key)
    except (OSError, ssl.SSLError) as e:
        raise InvalidTarget(f"cannot use TLS certificate {cert}: {e}") from None
    return ctx
