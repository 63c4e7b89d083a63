"""``qvmrc devserver``: the command line of the development control plane.

It prints each VM's deep link so that a person can click through the whole path
(link, API, console proxy, VNC) without a LimiQuantix appliance.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Sequence

from qvmrc.controlplane.devserver.model import HOST, parse_vm_spec
from qvmrc.controlplane.devserver.server import DevServer
from qvmrc.errors import InvalidTarget


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
    """``python -m qvmrc.controlplane.devserver``: the same command without loading the rest of the CLI."""
    parser = argparse.ArgumentParser(prog="qvmrc devserver",
                                     description="a development control plane with console proxy")
    add_arguments(parser)
    return run(parser.parse_args(argv))
