"""The subcommands. Headless ones (snapshot, type, record, replay, add-control-plane,
(un)register-handler) never import Qt, so they run on servers without a display."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import sys
import time
from collections.abc import Sequence
from typing import Any

from qvmrc.cli.output import write_png
from qvmrc.cli.resolve import env_secret, resolve
from qvmrc.errors import InvalidTarget, QVMRCError

log = logging.getLogger("qvmrc")


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
    """Knows when every pixel has been painted since connect: a snapshot before
    that would show the blank parts of a first, partial update."""

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
    write_png(fb, args.output)
    log.info("wrote %dx%d snapshot to %s after %d updates", fb.width, fb.height, args.output, watcher.updates)
    return 0


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
        write_png(conn.fb, args.output)
    if args.bench:
        print(json.dumps({
            "pixels": pixels, "seconds": round(seconds, 6),
            "mpix_per_s": round(pixels / seconds / 1e6, 3) if seconds > 0 else 0.0,
            "rects": rects, "updates": updates,
        }))
    return 0


def cmd_add_control_plane(args: argparse.Namespace) -> int:
    """Headless (no Qt): IT pre-configures a machine, tests set up a trusted control plane."""
    from qvmrc.trust import add_control_plane

    token = env_secret(args.token_env, "bearer token")
    try:
        cp = add_control_plane(args.url, name=args.name, token=token, token_file=args.token_file)
    except OSError as e:
        raise QVMRCError(f"cannot save the settings: {e.strerror or e}") from None
    print(f"saved control plane {cp.label} ({cp.url})" + (" with its token" if token else ""))
    return 0


def cmd_gui(args: argparse.Namespace, demo: bool = False) -> int:
    try:
        from qvmrc.ui.app import run_app
    except ImportError as e:
        raise QVMRCError(f"the desktop app is not available: {e}") from None
    token = env_secret(getattr(args, "token_env", None), "bearer token")
    password = env_secret(getattr(args, "password_env", None), "VNC password")
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
