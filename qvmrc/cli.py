"""The ``qvmrc`` command.

Headless subcommands (snapshot, type, record, replay) never import Qt. Every
failure ends as one stderr line ``qvmrc: error: ...`` and a non-zero exit.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import sys
import time
from collections.abc import Sequence
from typing import Any, NoReturn

from qvmrc import __version__
from qvmrc.allocator import keep_freed_memory
from qvmrc.errors import AuthenticationError, InvalidTarget, QVMRCError

log = logging.getLogger("qvmrc")

EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_AUTH = 3


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        sys.stderr.write(f"qvmrc: error: {message} (see qvmrc --help)\n")
        raise SystemExit(EXIT_USAGE)


def _encodings(value: str) -> list[str]:
    from qvmrc.rfb.encodings.numbers import PIXEL_ENCODINGS

    names = [v.strip().lower() for v in value.split(",") if v.strip()]
    bad = [n for n in names if n not in PIXEL_ENCODINGS]
    if bad or not names:
        raise argparse.ArgumentTypeError(
            f"unknown encoding {', '.join(bad) or '(none)'}; choose from {','.join(PIXEL_ENCODINGS)}")
    return names


def _level(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number 0-9") from None
    if not 0 <= n <= 9:
        raise argparse.ArgumentTypeError(f"{n} is not in 0-9")
    return n


def _seconds(value: str) -> float:
    try:
        n = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of seconds") from None
    if not 0 <= n <= 86400:
        raise argparse.ArgumentTypeError(f"{value} seconds is out of range")
    return n


def _size(value: str) -> int:
    units = {"k": 1024, "m": 1024**2, "g": 1024**3}
    text = value.strip().lower().removesuffix("b")
    mult = units.get(text[-1:], 1)
    try:
        n = int(text[:-1] if text[-1:] in units else text) * mult
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a size (e.g. 500M, 2G)") from None
    if n < 1024:
        raise argparse.ArgumentTypeError(f"{value} is too small for a recording (at least 1K)")
    return n


def _pixel_format(value: str) -> str:
    from qvmrc.rfb.pixelformat import PIXEL_FORMAT_NAMES

    if value not in PIXEL_FORMAT_NAMES:
        raise argparse.ArgumentTypeError(f"unknown pixel format {value!r}; choose from {'|'.join(PIXEL_FORMAT_NAMES)}")
    return value


def _add_connect_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("target", metavar="TARGET",
                   help="ws://... | wss://... | vnc://host[:port] | qvmrc://connect?url=...&vmId=...")
    p.add_argument("--encodings", type=_encodings, default=None,
                   help="preference order, e.g. tight,zrle,hextile,raw")
    p.add_argument("--jpeg-quality", type=_level, default=None, help="0-9; without it no JPEG is offered")
    p.add_argument("--compress-level", type=_level, default=None, help="0-9")
    p.add_argument("--pixel-format", type=_pixel_format, default="rgb888",
                   help="rgb888|bgr888|rgb565|rgb555|bgr233|native")
    p.add_argument("--password-env", metavar="VAR", help="read the VNC password from this environment variable")
    p.add_argument("--token-env", metavar="VAR", help="read the control plane's bearer token from this variable")
    p.add_argument("--timeout", type=_seconds, default=15.0, help="seconds (default 15)")
    p.add_argument("--settle", type=_seconds, default=0.0,
                   help="after the first complete frame keep applying updates for S seconds")
    p.add_argument("--insecure", action="store_true", help="do not verify TLS certificates (labs only)")
    p.add_argument("--insecure-token", action="store_true",
                   help="like --insecure, and send the control plane's token all the same")
    p.add_argument("--ca-file", help="trust this CA / self-signed certificate (PEM) for https/wss")
    p.add_argument("--pin", metavar="SHA256",
                   help="trust exactly the https/wss certificate with this SHA-256 fingerprint")
    p.add_argument("--vnc-ca-file", metavar="PEM",
                   help="VeNCrypt X509*: the CA that signed the VNC server's own certificate")
    p.add_argument("--vnc-server-name", metavar="NAME",
                   help="VeNCrypt X509*: also require the VNC server's certificate to name NAME")
    p.add_argument("--username", help="VeNCrypt TLSPlain/X509Plain: the username (password: --password-env)")
    p.add_argument("-v", "--verbose", action="store_true", help="log protocol details to stderr")


def build_parser(with_devserver: bool = True) -> argparse.ArgumentParser:
    """The whole parser; ``with_devserver=False`` skips importing the devserver
    (aiohttp, ~0.1 s) for commands that don't need it."""
    parser = _Parser(prog="qvmrc", description="QVMRC: console for LimiQuantix virtual machines.")
    parser.add_argument("--version", action="version", version=f"qvmrc {__version__}")
    parser.add_argument("--new-instance", action="store_true",
                        help="start a separate app instead of handing over to the running one")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    p = sub.add_parser("snapshot", help="connect, receive one complete frame, write a PNG")
    _add_connect_options(p)
    p.add_argument("-o", "--output", required=True, metavar="OUT.png")

    p = sub.add_parser("type", help="send text as key presses and releases")
    _add_connect_options(p)
    p.add_argument("--text", required=True)
    p.add_argument("--key-delay", type=_seconds, default=0.008,
                   help="seconds between keys (guests drop keys sent too fast; default 0.008)")

    p = sub.add_parser("record", help="save every byte the server sends (FBS 001.000)")
    _add_connect_options(p)
    p.add_argument("-o", "--output", required=True, metavar="F.fbs")
    p.add_argument("--duration", type=_seconds, required=True, metavar="S")
    p.add_argument("--max-bytes", type=_size, default=2 * 1024**3, metavar="N",
                   help="stop recording when the file would grow past N bytes (K/M/G suffixes; default 2G)")
    p.add_argument("--no-extended-clipboard", dest="extended_clipboard", action="store_false",
                   help="do not announce Extended Clipboard, so clients without it can replay the recording")

    p = sub.add_parser("replay", help="decode an FBS recording as fast as possible")
    p.add_argument("recording", metavar="F.fbs")
    p.add_argument("--bench", action="store_true", help='print {"pixels","seconds","mpix_per_s","rects"}')
    p.add_argument("-o", "--output", metavar="final.png")
    p.add_argument("--pixel-format", type=_pixel_format, default=None,
                   help="the format the recording was made with (default: from its sidecar, else rgb888)")

    p = sub.add_parser("add-control-plane", help="save a control plane as trusted (its links open unasked)")
    p.add_argument("url", metavar="URL", help="https://host[:port][/prefix]")
    p.add_argument("--name", default="", help="the name shown in the sidebar")
    p.add_argument("--token-env", metavar="VAR", help="save the bearer token from this environment variable")
    p.add_argument("--token-file", action="store_true",
                   help="where no system keyring works, keep tokens in a 0600 file (not encrypted)")

    p = sub.add_parser("devserver", help="a development control plane with console proxy")
    if with_devserver:
        from qvmrc.controlplane.devserver import add_arguments as devserver_arguments

        devserver_arguments(p)

    p = sub.add_parser("demo", help="open the built-in demo VM in the desktop app")
    p.add_argument("-v", "--verbose", action="store_true")
    p.add_argument("--new-instance", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)

    for name, text in (("register-handler", "open qvmrc:// and qvmc:// links with this QVMRC (this user)"),
                       ("unregister-handler", "stop opening qvmrc:// and qvmc:// links with QVMRC")):
        sub.add_parser(name, help=text)

    p = sub.add_parser("open", help="open a console in the desktop app")
    p.add_argument("target", nargs="?", metavar="TARGET")
    p.add_argument("--password-env", metavar="VAR", help="read the VNC password from this environment variable")
    p.add_argument("--token-env", metavar="VAR", help="read the control plane's bearer token from this variable")
    p.add_argument("-v", "--verbose", action="store_true")
    p.add_argument("--new-instance", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    return parser


# ------------------------------------------------------------------ helpers


def _env_secret(var: str | None, what: str) -> str | None:
    if not var:
        return None
    value = os.environ.get(var)
    if value is None:
        raise InvalidTarget(f"environment variable {var} (the {what}) is not set")
    from qvmrc.redact import register_secret

    register_secret(value)
    return value


def _insecure(args: argparse.Namespace) -> bool:
    return bool(getattr(args, "insecure", False) or getattr(args, "insecure_token", False))


def _ssl_context(args: argparse.Namespace) -> Any:
    from qvmrc import certs

    if _insecure(args):
        return certs.unverified_context()
    pin, ca_file = getattr(args, "pin", None), getattr(args, "ca_file", None)
    if pin and ca_file:
        raise InvalidTarget("give --pin or --ca-file, not both")
    if pin or ca_file:
        return certs.context_for(pin=pin, ca_file=ca_file)
    if args.target.lower().startswith("vnc://"):
        return None  # plain TCP: no TLS of this kind (VeNCrypt has its own CA option)
    from qvmrc.trust import saved_tls  # what the app trusts (pins from "Trust this certificate…")

    return saved_tls(args.target)


def _trust_hint(err: QVMRCError, args: argparse.Namespace) -> str:
    """For an untrusted certificate: the fingerprint it presents and the option that trusts it."""
    from qvmrc.errors import CertificateNotTrusted, UntrustedCertificate

    if getattr(args, "pin", None) or not isinstance(err, (CertificateNotTrusted, UntrustedCertificate)):
        return ""
    from qvmrc.controlplane.client import fetch_server_certificate

    url = err.url if isinstance(err, UntrustedCertificate) else err.base_url
    try:
        cert = asyncio.run(fetch_server_certificate(url, timeout=5.0))
    except QVMRCError:
        return ""
    return (f"; it presents SHA-256 {cert.sha256}: if the server shows the same, run again with "
            f"--pin {cert.sha256.replace(':', '')} (or give its CA with --ca-file)")


def is_deep_link(target: str) -> bool:
    return target.lower().startswith(("qvmc:", "qvmrc:"))


async def resolve(args: argparse.Namespace) -> tuple[str, dict[str, Any]]:
    """TARGET -> (console URL, session option overrides) via the control plane for deep links."""
    from qvmrc.redact import redact_url, register_secret

    target: str = args.target
    password = _env_secret(args.password_env, "VNC password")
    token = _env_secret(args.token_env, "bearer token")
    if is_deep_link(target) and token is None:
        token = _saved_token(target)
    if _insecure(args):
        if token and is_deep_link(target) and not args.insecure_token:
            raise InvalidTarget("--insecure would send the control plane's API token to a server whose "
                                "certificate is not checked; give --insecure-token if you mean it")
        sys.stderr.write("qvmrc: warning: TLS certificates are not verified (--insecure): anyone on the "
                         "path can read and change this console\n")
    ssl_ctx = _ssl_context(args)
    extra: dict[str, Any] = {"password": password, "ssl": ssl_ctx}
    if is_deep_link(target):
        from qvmrc.controlplane.console import resolve_target

        endpoint = await resolve_target(target, token=token, password=password, timeout=args.timeout,
                                        ssl=ssl_ctx)
        extra["password"] = endpoint.password
        register_secret(endpoint.password)
        if endpoint.ssl_context is not None:
            extra["ssl"] = endpoint.ssl_context
        return endpoint.url, extra
    if not target.lower().startswith(("ws://", "wss://", "vnc://")):
        raise InvalidTarget(f"unsupported target {redact_url(target)[:80]!r}: use ws://, wss://, "
                            "vnc://host:port or a qvmrc:// link")
    from qvmrc.controlplane.direct import check_direct_target

    check_direct_target(target)
    return target, extra


def _saved_token(link: str) -> str | None:
    """The token saved (``add-control-plane --token-env``) for a link's control plane."""
    from qvmrc.controlplane.deeplink import parse_deep_link
    from qvmrc.redact import register_secret
    from qvmrc.trust import saved_token

    token = saved_token(parse_deep_link(link).base_url)
    register_secret(token)
    return token


def cmd_add_control_plane(args: argparse.Namespace) -> int:
    """Headless (no Qt): IT pre-configures a machine, tests set up a trusted control plane."""
    from qvmrc.trust import add_control_plane

    token = _env_secret(args.token_env, "bearer token")
    try:
        cp = add_control_plane(args.url, name=args.name, token=token, token_file=args.token_file)
    except OSError as e:
        raise QVMRCError(f"cannot save the settings: {e.strerror or e}") from None
    print(f"saved control plane {cp.label} ({cp.url})" + (" with its token" if token else ""))
    return 0


def _options(args: argparse.Namespace, extra: dict[str, Any]) -> Any:
    from qvmrc.rfb.encodings.numbers import DEFAULT_ENCODINGS
    from qvmrc.session import SessionOptions

    return SessionOptions(
        password=extra.get("password"), pixel_format=args.pixel_format,
        encodings=args.encodings or DEFAULT_ENCODINGS, jpeg_quality=args.jpeg_quality,
        compress_level=args.compress_level, ssl=extra.get("ssl"), timeout=args.timeout,
        username=args.username, vnc_ca_file=args.vnc_ca_file, vnc_server_name=args.vnc_server_name,
        extended_clipboard=getattr(args, "extended_clipboard", True),
    )


class _FrameWatcher:
    """Knows when every pixel has been painted since connect."""

    def __init__(self) -> None:
        import numpy as np

        self._np = np
        self.mask: Any = None
        self.complete = asyncio.Event()
        self.updates = 0

    def reset(self, width: int, height: int) -> None:
        self.mask = self._np.zeros((height, width), dtype=bool)
        self.complete.clear()

    def update(self, damage: Sequence[tuple[int, int, int, int]]) -> None:
        self.updates += 1
        if self.complete.is_set() or self.mask is None or not damage:
            return
        m = self.mask
        for x, y, w, h in damage:
            m[y : y + h, x : x + w] = True
        if m.all():
            self.complete.set()


async def _run_session_until(session: Any, waiter: Any, timeout: float, what: str) -> None:
    """Run the session until ``waiter`` finishes; errors from either end it."""
    runner = asyncio.create_task(session.run())
    waiting = asyncio.create_task(waiter)
    try:
        done, _ = await asyncio.wait({runner, waiting}, timeout=timeout,
                                     return_when=asyncio.FIRST_COMPLETED)
        if runner in done:
            exc = runner.exception()
            if exc is not None:
                raise exc
            if waiting not in done:
                raise QVMRCError(f"the connection ended before {what}")
        if waiting not in done:
            raise QVMRCError(f"timed out after {timeout:g} s waiting for {what}")
        waiting.result()
    finally:
        waiting.cancel()
        await session.close()
        try:
            await asyncio.wait_for(runner, 5)
        except (QVMRCError, asyncio.CancelledError, asyncio.TimeoutError):
            pass


# ---------------------------------------------------------------- commands


async def cmd_snapshot(args: argparse.Namespace) -> int:
    from qvmrc.session import Session, SessionListener

    url, extra = await resolve(args)
    watcher = _FrameWatcher()

    class Listener(SessionListener):
        def connected(self, info: Any) -> None:
            watcher.reset(info.width, info.height)

        def desktop_resized(self, width: int, height: int) -> None:
            watcher.reset(width, height)

        def framebuffer_updated(self, update: Any) -> None:
            watcher.update(update.damage)

    session = Session(url, _options(args, extra), Listener())

    async def wait_frame() -> None:
        await watcher.complete.wait()
        if args.settle:
            await asyncio.sleep(args.settle)

    await _run_session_until(session, wait_frame(), args.timeout + args.settle, "a complete frame")
    fb = session.framebuffer
    assert fb is not None
    _write_png(fb, args.output)
    log.info("wrote %dx%d snapshot to %s after %d updates", fb.width, fb.height, args.output, watcher.updates)
    return 0


def _write_png(fb: Any, path: str) -> None:
    try:
        fb.save_png(path)
    except (OSError, ValueError) as e:
        raise QVMRCError(f"cannot write {path}: {e}") from None


async def cmd_type(args: argparse.Namespace) -> int:
    from qvmrc.rfb.keysyms import text_to_key_events
    from qvmrc.session import Session

    try:
        keys = text_to_key_events(args.text)
    except ValueError as e:
        raise InvalidTarget(str(e)) from None
    url, extra = await resolve(args)
    session = Session(url, _options(args, extra))

    async def type_all() -> None:
        await session.wait_connected()
        for keysym, down in keys:
            session.key_event(keysym, down)
            if args.key_delay and not down:
                await asyncio.sleep(args.key_delay)
        await session.flush()
        if args.settle:
            await asyncio.sleep(args.settle)

    budget = args.timeout + len(keys) * args.key_delay + args.settle
    await _run_session_until(session, type_all(), budget, "the keys to be sent")
    return 0


async def cmd_record(args: argparse.Namespace) -> int:
    from qvmrc.session import Session

    url, extra = await resolve(args)
    session = Session(url, _options(args, extra))
    try:
        session.start_recording(args.output, max_bytes=args.max_bytes)
    except OSError as e:
        raise QVMRCError(f"cannot write {args.output}: {e.strerror or e}") from None

    async def record_for() -> None:
        await session.wait_connected()
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(session.recording_ended.wait(), args.duration)

    await _run_session_until(session, record_for(), args.timeout + args.duration, "the recording to finish")
    if session.recording_capped:
        sys.stderr.write(f"qvmrc: warning: the recording stopped at its size cap ({args.max_bytes} bytes); "
                         f"{args.output} is complete up to there\n")
    return 0


def cmd_replay(args: argparse.Namespace) -> int:
    from qvmrc.rfb import events as ev
    from qvmrc.rfb.connection import RFBClient, State
    from qvmrc.rfb.fbs import encodings_from_sidecar, pixel_format_from_json, read_fbs, read_sidecar
    from qvmrc.rfb.pixelformat import PRESETS, PixelFormat

    try:
        with open(args.recording, "rb") as fh:
            blocks = [data for data, _ in read_fbs(fh)]
    except OSError as e:
        raise QVMRCError(f"cannot read {args.recording}: {e.strerror or e}") from None
    side = read_sidecar(args.recording) or {}
    pf: str | PixelFormat
    if args.pixel_format:
        pf = args.pixel_format
    elif "pixel_format" in side:
        pf = pixel_format_from_json(side["pixel_format"])
    else:
        pf = PRESETS["rgb888"]
    conn = RFBClient(password="replay", pixel_format=pf, auto_update=False,
                     encodings=encodings_from_sidecar(side))
    if isinstance(side.get("security_type"), int):
        conn.forced_security = side["security_type"]
    if isinstance(side.get("security_subtype"), int) and side["security_subtype"]:
        conn.forced_subtype = side["security_subtype"]
    pixels = rects = updates = 0
    seconds = 0.0
    clock = time.process_time
    for data in blocks:
        if conn.state not in (State.NORMAL, State.UPDATE, State.CLOSED):
            # The handshake is not timed (nor is it by bench/'s other harnesses):
            # fed byte by byte, so timing starts with the first byte after it.
            i = 0
            while i < len(data) and conn.state not in (State.NORMAL, State.CLOSED):
                conn.receive_data(data[i : i + 1])
                i += 1
            data = data[i:]
        while True:
            t0 = clock()
            conn.receive_data(data)
            seconds += clock() - t0
            for event in conn.next_events():
                if isinstance(event, ev.FramebufferUpdated):
                    updates += 1
                    rects += len(event.damage)  # painted rectangles; pseudo-encodings excluded
                    pixels += sum(w * h for _, _, w, h in event.damage)
            if not conn.more_to_parse:  # (parsing stops after a bounded amount of work)
                break
            data = b""
    if conn.buffered:
        log.warning("recording ends inside a message (%d bytes left undecoded)", conn.buffered)
    if args.output:
        _write_png(conn.fb, args.output)
    if args.bench:
        print(json.dumps({
            "pixels": pixels, "seconds": round(seconds, 6),
            "mpix_per_s": round(pixels / seconds / 1e6, 3) if seconds > 0 else 0.0,
            "rects": rects, "updates": updates,
        }))
    return 0


def cmd_gui(args: argparse.Namespace, demo: bool = False) -> int:
    try:
        from qvmrc.ui.app import run_app
    except ImportError as e:
        raise QVMRCError(f"the desktop app is not available: {e}") from None
    token = _env_secret(getattr(args, "token_env", None), "bearer token")
    password = _env_secret(getattr(args, "password_env", None), "VNC password")
    return run_app(target=getattr(args, "target", None), demo=demo, token=token, password=password,
                   new_instance=getattr(args, "new_instance", False))


def cmd_handler(args: argparse.Namespace) -> int:
    """register-handler / unregister-handler: headless, per user, one line per change."""
    from qvmrc.handlers import HandlerError, register, unregister

    try:
        lines = register() if args.command == "register-handler" else unregister()
    except HandlerError as e:
        raise QVMRCError(str(e)) from None
    for line in lines:
        print(line)
    return 0


def _setup_logging(verbose: bool) -> None:
    from qvmrc.redact import TerminalFilter, install

    logging.basicConfig(level=logging.DEBUG if verbose else logging.WARNING,
                        format="qvmrc: %(levelname)s: %(message)s", stream=sys.stderr)
    # Even with -v: websockets logs every request header (Authorization) at DEBUG.
    logging.getLogger("websockets").setLevel(logging.INFO)
    root = logging.getLogger()
    install(root)
    for handler in root.handlers:
        if not any(isinstance(f, TerminalFilter) for f in handler.filters):
            handler.addFilter(TerminalFilter())


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    commands = {"snapshot", "type", "record", "replay", "devserver", "demo", "open", "register-handler",
                "unregister-handler", "add-control-plane"}
    # `qvmrc [options] TARGET` opens the app with that console.
    first = next((a for a in argv if not a.startswith("-")), None)
    if first is not None and first not in commands and "--help" not in argv and "-h" not in argv:
        argv = ["open", *argv]
        first = "open"
    parser = build_parser(with_devserver=first == "devserver" or first is None)
    args = parser.parse_args(argv)
    _setup_logging(getattr(args, "verbose", False))
    keep_freed_memory()
    try:
        if args.command is None:
            return cmd_gui(args)
        if args.command == "replay":
            return cmd_replay(args)
        if args.command == "add-control-plane":
            return cmd_add_control_plane(args)
        if args.command == "devserver":
            from qvmrc.controlplane.devserver import run as run_devserver

            return run_devserver(args)
        if args.command == "demo":
            return cmd_gui(args, demo=True)
        if args.command == "open":
            return cmd_gui(args)
        if args.command in ("register-handler", "unregister-handler"):
            return cmd_handler(args)
        handler = {"snapshot": cmd_snapshot, "type": cmd_type, "record": cmd_record}[args.command]
        return asyncio.run(handler(args))
    except AuthenticationError as e:
        _fail(str(e))
        return EXIT_AUTH
    except QVMRCError as e:
        _fail(str(e) + _trust_hint(e, args))
        return EXIT_ERROR
    except KeyboardInterrupt:
        _fail("interrupted")
        return 130
    except MemoryError:
        _fail("out of memory")
        return EXIT_ERROR


def _fail(message: str) -> None:
    from qvmrc.redact import scrubber, strip_control

    text = " ".join(strip_control(scrubber().scrub(message)).split()) or "unknown error"
    sys.stderr.write(f"qvmrc: error: {text}\n")
