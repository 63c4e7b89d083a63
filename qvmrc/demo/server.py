"""A small asyncio RFB server that serves the demo screen.

RFB 3.8 (3.3 and 3.7 viewers too), security None or VNC Authentication,
SetPixelFormat (true colour), Raw / Zlib / ZRLE and DesktopSize. Update
requests are answered with the areas that changed since the viewer last saw
them (64x64 tiles, shrunk to what really changed); an incremental request
with nothing new waits until something changes, so an idle viewer costs
nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
import os
import re
import struct
import time
from collections.abc import Callable

import numpy as np

from qvmrc.demo.encoder import SUPPORTED, TILE, RectEncoder
from qvmrc.demo.screen import DemoScreen
from qvmrc.errors import ProtocolError
from qvmrc.rfb import messages
from qvmrc.rfb.auth import vnc_auth_response
from qvmrc.rfb.encodings import numbers
from qvmrc.rfb.pixelformat import PRESETS, PixelFormat

log = logging.getLogger(__name__)

SERVER_PF = PRESETS["rgb888"]
MAX_ENCODINGS = 1024
MAX_CUT_TEXT = 1 << 20
_SERVER_INIT = struct.Struct(">HH16sI")
_RECT = struct.Struct(">HHHHi")
_U32 = struct.Struct(">I")
Rect = tuple[int, int, int, int]


def changed_rects(old: np.ndarray, new: np.ndarray, region: Rect) -> list[Rect]:
    """Areas of ``region`` where ``new`` differs from ``old``: runs of changed 64x64
    tiles per tile row, each shrunk to the bounding box of its changed pixels."""
    rx, ry, rw, rh = region
    diff = old[ry:ry + rh, rx:rx + rw] != new[ry:ry + rh, rx:rx + rw]
    if not diff.any():
        return []
    th, tw = -(-rh // TILE), -(-rw // TILE)
    padded = np.zeros((th * TILE, tw * TILE), dtype=bool)
    padded[:rh, :rw] = diff
    tiles = np.asarray(padded.reshape(th, TILE, tw, TILE).any(axis=(1, 3)))
    rects: list[Rect] = []
    for ty in range(th):  # one step per tile row
        row = np.zeros(tw + 2, dtype=np.int8)
        row[1:-1] = tiles[ty]
        edges = np.flatnonzero(np.diff(row))
        for s, e in zip(edges[::2], edges[1::2], strict=True):
            x0, x1 = int(s) * TILE, min(int(e) * TILE, rw)
            y0, y1 = ty * TILE, min((ty + 1) * TILE, rh)
            block = diff[y0:y1, x0:x1]
            cols = np.flatnonzero(block.any(axis=0))
            rows = np.flatnonzero(block.any(axis=1))
            rects.append((rx + x0 + int(cols[0]), ry + y0 + int(rows[0]),
                          int(cols[-1] - cols[0]) + 1, int(rows[-1] - rows[0]) + 1))
    return rects


def _clip(region: Rect, width: int, height: int) -> Rect:
    x, y, w, h = region
    x, y = min(x, width), min(y, height)
    return x, y, max(0, min(w, width - x)), max(0, min(h, height - y))


class _Viewer:
    """One connected viewer: handshake, then a read loop and an update loop."""

    def __init__(self, server: DemoServer, reader: asyncio.StreamReader,
                 writer: asyncio.StreamWriter) -> None:
        self.server = server
        self.screen = server.screen
        self.reader, self.writer = reader, writer
        self.encoder = RectEncoder(SERVER_PF)
        self.encoding = numbers.RAW
        self.desktop_size = False
        self.pending: tuple[bool, Rect] | None = None
        self.sent: np.ndarray | None = None
        self.wake = asyncio.Event()
        self._loops: tuple[asyncio.Future[None], ...] = ()

    async def run(self) -> None:
        try:
            if not await self.handshake():
                return
            self.screen.subscribe(self.wake.set)
            self.server._viewers_changed(+1)
            try:
                self._loops = (asyncio.ensure_future(self.update_loop()),
                               asyncio.ensure_future(self.read_loop()))
                done, rest = await asyncio.wait(self._loops, return_when=asyncio.FIRST_COMPLETED)
                for t in rest:
                    t.cancel()
                await asyncio.gather(*rest, return_exceptions=True)
                for t in done:
                    if not t.cancelled() and t.exception() is not None:
                        raise t.exception()  # type: ignore[misc]
            finally:
                self.screen.unsubscribe(self.wake.set)
                self.server._viewers_changed(-1)
        except (asyncio.IncompleteReadError, ConnectionError):
            log.debug("demo viewer went away")
        except ProtocolError as exc:
            log.info("demo viewer dropped: %s", exc)
        finally:
            self.writer.close()
            with contextlib.suppress(Exception):
                await self.writer.wait_closed()

    def abort(self) -> None:
        """Server shutdown: drop the connection; ``run`` then ends on its own."""
        for t in self._loops:
            t.cancel()
        self.writer.transport.abort()

    # -- handshake ------------------------------------------------------------

    async def _refuse(self, minor: int, reason: str) -> None:
        """Failed SecurityResult; 3.8 viewers also get the reason."""
        data = _U32.pack(1)
        if minor >= 8:
            text = reason.encode()
            data += _U32.pack(len(text)) + text
        self.writer.write(data)
        await self.writer.drain()

    async def handshake(self) -> bool:
        r, w = self.reader, self.writer
        w.write(b"RFB 003.008\n")
        m = re.fullmatch(rb"RFB (\d{3})\.(\d{3})\n", await r.readexactly(12))
        if m is None or int(m.group(1)) != 3:
            raise ProtocolError("viewer sent no RFB 3.x version")
        minor = int(m.group(2))
        minor = 8 if minor >= 8 else 7 if minor == 7 else 3
        password = self.server.password
        sec = 2 if password is not None else 1
        if minor == 3:
            w.write(_U32.pack(sec))
        else:
            w.write(bytes([1, sec]))
            if (await r.readexactly(1))[0] != sec:
                await self._refuse(minor, "security type not offered")
                return False
        if password is not None:
            challenge = os.urandom(16)
            w.write(challenge)
            response = await r.readexactly(16)
            if not hmac.compare_digest(response, vnc_auth_response(password, challenge)):
                await self._refuse(minor, "Authentication failed")
                return False
            w.write(_U32.pack(0))
        elif minor >= 8:
            w.write(_U32.pack(0))
        await r.readexactly(1)  # ClientInit: shared flag (every demo viewer shares)
        name = self.server.name.encode()
        w.write(_SERVER_INIT.pack(self.screen.width, self.screen.height, SERVER_PF.pack(), len(name)) + name)
        await w.drain()
        return True

    # -- viewer -> server ------------------------------------------------------

    async def read_loop(self) -> None:
        r = self.reader
        while True:
            t = (await r.readexactly(1))[0]
            if t == messages.SET_PIXEL_FORMAT:
                pf = PixelFormat.unpack((await r.readexactly(19))[3:])
                pf.validate()
                if not pf.true_colour:
                    raise ProtocolError("the demo server serves true-colour formats only")
                self.encoder.set_pixel_format(pf)
            elif t == messages.SET_ENCODINGS:
                n = struct.unpack(">xH", await r.readexactly(3))[0]
                if n > MAX_ENCODINGS:
                    raise ProtocolError(f"viewer sent {n} encodings")
                encs = struct.unpack(f">{n}i", await r.readexactly(4 * n))
                self.encoding = next((e for e in encs if e in SUPPORTED), numbers.RAW)
                self.desktop_size = numbers.DESKTOP_SIZE in encs
            elif t == messages.FRAMEBUFFER_UPDATE_REQUEST:
                inc, x, y, w, h = struct.unpack(">BHHHH", await r.readexactly(9))
                self._request(bool(inc), (x, y, w, h))
            elif t == messages.KEY_EVENT:
                down, keysym = struct.unpack(">BxxI", await r.readexactly(7))
                self.screen.key(bool(down), keysym)
            elif t == messages.POINTER_EVENT:
                buttons, x, y = struct.unpack(">BHH", await r.readexactly(5))
                self.screen.pointer_event(x, y, buttons)
            elif t == messages.CLIENT_CUT_TEXT:
                n = struct.unpack(">xxxI", await r.readexactly(7))[0]
                if n > MAX_CUT_TEXT:
                    raise ProtocolError(f"viewer sent {n} bytes of clipboard text")
                self.screen.cut_text((await r.readexactly(n)).decode("latin-1"))
            elif t == messages.QEMU_CLIENT_MESSAGE:
                sub = (await r.readexactly(1))[0]
                if sub != 0:
                    raise ProtocolError(f"unknown QEMU client message {sub}")
                down, keysym, _code = struct.unpack(">HII", await r.readexactly(10))
                self.screen.key(bool(down), keysym)
            else:
                raise ProtocolError(f"viewer sent unknown message type {t}")

    def _request(self, incremental: bool, region: Rect) -> None:
        if self.pending is not None:
            inc0, (x0, y0, w0, h0) = self.pending
            x, y, w, h = region
            nx, ny = min(x0, x), min(y0, y)
            region = (nx, ny, max(x0 + w0, x + w) - nx, max(y0 + h0, y + h) - ny)
            incremental = incremental and inc0
        self.pending = (incremental, region)
        self.wake.set()

    # -- server -> viewer ------------------------------------------------------

    async def update_loop(self) -> None:
        while True:
            await self.wake.wait()
            self.wake.clear()
            if self.pending is None:
                continue
            fb = self.screen.render()
            height, width = fb.shape
            pseudo: list[bytes] = []
            if self.sent is None or self.sent.shape != fb.shape:
                if self.sent is not None:
                    if not self.desktop_size:
                        raise ProtocolError("screen size changed and the viewer cannot follow")
                    pseudo.append(_RECT.pack(0, 0, width, height, numbers.DESKTOP_SIZE))
                    self.pending = (False, (0, 0, width, height))
                self.sent = np.zeros_like(fb)
            incremental, region = self.pending
            region = _clip(region, width, height)
            if incremental:
                rects = changed_rects(self.sent, fb, region)
                if not rects:
                    continue  # nothing new: answer when something changes
            else:
                rects = [region] if region[2] and region[3] else []
            self.pending = None
            parts = [struct.pack(">BxH", 0, len(pseudo) + len(rects)), *pseudo]
            for x, y, w, h in rects:
                area = fb[y:y + h, x:x + w]
                parts.append(_RECT.pack(x, y, w, h, self.encoding))
                parts.append(self.encoder.encode(self.encoding, area))
                self.sent[y:y + h, x:x + w] = area
            self.writer.write(b"".join(parts))
            await self.writer.drain()


class DemoServer:
    """The demo VM as a VNC server. ``password=None`` means security type None.

    ``now`` replaces the clock's time source (tests freeze it).
    """

    def __init__(self, *, password: str | None = None, width: int = 1024, height: int = 768,
                 name: str = "QVMRC demo VM", now: Callable[[], float] | None = None) -> None:
        self.password = password
        self.name = name
        self.screen = DemoScreen(width, height, title=name, now=now)
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._viewers: set[_Viewer] = set()
        self._ticker: asyncio.Task[None] | None = None
        self.port = 0
        self.viewers = 0

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> int:
        self._server = await asyncio.start_server(self._accept, host, port)
        self.port = self._server.sockets[0].getsockname()[1]
        self._ticker = asyncio.ensure_future(self._tick())
        return self.port

    async def __aenter__(self) -> DemoServer:
        if self._server is None:
            await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.close()
        await self.wait_closed()

    @property
    def typed_text(self) -> str:
        return self.screen.typed

    @property
    def pointer(self) -> tuple[int, int, int]:
        return (*self.screen.pointer, self.screen.buttons)

    def resize(self, width: int, height: int) -> None:
        self.screen.resize(width, height)

    def send_cut_text(self, text: str) -> None:
        """The guest copied ``text``: tell every viewer (ServerCutText, Latin-1)."""
        data = text.encode("latin-1", errors="replace")
        msg = struct.pack(">BxxxI", 3, len(data)) + data
        for v in list(self._viewers):
            v.writer.write(msg)  # one write: never interleaved with an update

    def close(self) -> None:
        if self._server is not None:
            self._server.close()
        if self._ticker is not None:
            self._ticker.cancel()
        for v in list(self._viewers):
            v.abort()

    async def wait_closed(self) -> None:
        pending = [t for t in (*self._tasks, self._ticker) if t is not None]
        await asyncio.gather(*pending, return_exceptions=True)
        if self._server is not None:
            await self._server.wait_closed()

    def _viewers_changed(self, delta: int) -> None:
        self.viewers += delta
        self.screen.set_clients(self.viewers)

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        viewer = _Viewer(self, reader, writer)
        self._tasks.add(task)
        self._viewers.add(viewer)
        try:
            await viewer.run()
        finally:
            self._viewers.discard(viewer)
            self._tasks.discard(task)

    async def _tick(self) -> None:
        while True:
            self.screen.tick()
            await asyncio.sleep(1.0 - (time.time() % 1.0) + 0.01)
