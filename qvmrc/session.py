"""One live console: transport + protocol + framebuffer, driven by asyncio.

The read loop decodes in a worker thread (zlib, numpy and the JPEG decoder
release the GIL) so the event loop stays free to put input on the wire while a
large update is being decoded. The update loop is event-driven: the protocol
asks for the next incremental update as soon as one completes.

Frames go one way, session to listener: with ``SessionOptions.front_buffer``
the session keeps a :class:`~qvmrc.frontbuffer.FrontBuffer` apart from the
decoder's array, hands it over with ``frame_changed`` on connect and on each
resize, and copies every complete update into it before it reports the
damage with ``framebuffer_updated``; the worker never writes what a view paints.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import logging
import random
import ssl as ssl_module
import sys
import time
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import IO, Any

from qvmrc.errors import AuthenticationError, ConnectionClosed, QVMRCError, TransportError
from qvmrc.frontbuffer import FrontBuffer
from qvmrc.redact import redact_url
from qvmrc.rfb import desktopsize, vencrypt
from qvmrc.rfb import events as ev
from qvmrc.rfb.connection import RFBClient
from qvmrc.rfb.encodings import numbers
from qvmrc.rfb.fbs import FBSWriter, pixel_format_to_json, write_sidecar
from qvmrc.rfb.framebuffer import Framebuffer
from qvmrc.rfb.pixelformat import PixelFormat
from qvmrc.transport import Transport, open_transport, tls

log = logging.getLogger(__name__)

# Chunks smaller than this are parsed inline: a thread hop costs more than they do.
THREAD_THRESHOLD = 32 * 1024
#: A recording stops here unless told otherwise (``qvmrc record --max-bytes``).
DEFAULT_RECORD_MAX = 2 * 1024**3


class SessionState(enum.Enum):
    IDLE = "idle"
    CONNECTING = "connecting"
    AUTHENTICATING = "authenticating"
    CONNECTED = "connected"
    DISCONNECTED = "disconnected"
    FAILED = "failed"


@dataclass
class SessionOptions:
    password: str | None = None
    pixel_format: str | PixelFormat = "rgb888"
    encodings: Sequence[str] = numbers.DEFAULT_ENCODINGS
    jpeg_quality: int | None = None
    compress_level: int | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    ssl: ssl_module.SSLContext | None = None
    timeout: float = 15.0
    threaded_decode: bool = True
    shared: bool = True
    #: Keep a front buffer for a view (``Session.front``; see ``frame_changed``).
    front_buffer: bool = False
    #: VeNCrypt: the username for its Plain subtypes (the password is ``password``).
    username: str | None = None
    #: VeNCrypt X509 subtypes: the CA (PEM) that signed the VNC server's certificate.
    vnc_ca_file: str | None = None
    #: VeNCrypt X509 subtypes: the name the certificate must carry (None: chain only).
    vnc_server_name: str | None = None
    #: Announce Extended Clipboard (UTF-8 cut text); off: Latin-1 only.
    extended_clipboard: bool = True

    def __repr__(self) -> str:
        return (f"SessionOptions(pixel_format={self.pixel_format!r}, encodings={list(self.encodings)!r}, "
                f"jpeg_quality={self.jpeg_quality}, compress_level={self.compress_level}, "
                f"password={'set' if self.password else 'none'})")


@dataclass
class SessionStats:
    """Numbers for the debug panel; all cumulative except the rates and latencies.

    Update latency: from the update request to the complete FramebufferUpdate
    that answers it (an idle screen holds an incremental request, so it also
    says how long the screen stayed still). Input latency: from the UI handing
    an input event to the session to the moment its bytes go to the
    transport's write, so a read loop or decoder starving input shows here.
    """

    server_name: str = ""
    rfb_version: str = ""
    security_type: str = ""
    pixel_format: str = ""
    transport: str = ""
    updates: int = 0
    rects: int = 0
    bytes_received: int = 0
    encodings: dict[str, int] = field(default_factory=dict)
    last_decode_ms: float = 0.0
    total_decode_s: float = 0.0
    last_update_latency_ms: float = 0.0
    last_input_latency_ms: float = 0.0
    max_input_latency_ms: float = 0.0
    inputs_written: int = 0
    connected_at: float = 0.0
    #: The session is connected: its numbers describe a live console.
    live: bool = False
    _times: deque[tuple[float, int]] = field(default_factory=lambda: deque(maxlen=240))
    _requested_at: float = 0.0
    _input_since: float = 0.0

    def note_update(self, now: float, nbytes: int) -> None:
        self._times.append((now, nbytes))

    def update_requested(self, now: float) -> None:
        self._requested_at = now

    def update_received(self, now: float, nbytes: int) -> None:
        """A complete FramebufferUpdate: its latency counts from the request it answers."""
        if self._requested_at:
            self.last_update_latency_ms = 1000 * (now - self._requested_at)
        self.note_update(now, nbytes)

    def input_queued(self, now: float) -> None:
        if not self._input_since:
            self._input_since = now  # the oldest input not yet written

    def input_written(self, now: float) -> None:
        if self._input_since:
            ms = 1000 * (now - self._input_since)
            self._input_since = 0.0
            self.last_input_latency_ms = ms
            self.max_input_latency_ms = max(self.max_input_latency_ms, ms)
            self.inputs_written += 1

    def rates(self, now: float | None = None, window: float = 2.0) -> tuple[float, float]:
        """(updates per second, bytes per second) over the last ``window`` seconds."""
        now = time.monotonic() if now is None else now
        recent = [(t, n) for t, n in self._times if now - t <= window]
        if not recent:
            return 0.0, 0.0
        return len(recent) / window, sum(n for _, n in recent) / window

    @property
    def mean_decode_ms(self) -> float:
        return 1000 * self.total_decode_s / self.updates if self.updates else 0.0


class SessionListener:
    """Receives what a session reports; the GUI and the CLI subclass it.

    Called on the event loop's thread. The default methods do nothing.
    """

    def state_changed(self, state: SessionState, detail: str) -> None: ...

    def connected(self, info: ev.Connected) -> None: ...

    def frame_changed(self, front: FrontBuffer) -> None:
        """A new screen to paint (on connect and on each resize; front buffer sessions only).

        ``front`` holds complete updates only; ``framebuffer_updated`` then says
        what changed in it.
        """

    def framebuffer_updated(self, update: ev.FramebufferUpdated) -> None: ...

    def desktop_resized(self, width: int, height: int) -> None: ...

    def cursor_changed(self, cursor: ev.CursorShape) -> None: ...

    def pointer_mode_changed(self, absolute: bool) -> None: ...

    def bell(self) -> None: ...

    def clipboard(self, text: str) -> None: ...

    def name_changed(self, name: str) -> None: ...

    def desktop_size_result(self, result: ev.DesktopSizeResult) -> None:
        """The server answered a ``request_desktop_size``."""

    async def password_needed(self) -> str | None:
        """Asked when the server wants VNC auth and no password is known."""
        return None


class Session:
    """A console connection. ``await run()`` until it ends; call input methods any time."""

    def __init__(self, url: str, options: SessionOptions | None = None,
                 listener: SessionListener | None = None) -> None:
        self.url = url
        self.options = options or SessionOptions()
        self.listener = listener or SessionListener()
        self.state = SessionState.IDLE
        self.stats = SessionStats()
        self.conn: RFBClient | None = None
        self._transport: Transport | None = None
        self._outq: asyncio.Queue[bytes | None] | None = None
        self._executor: ThreadPoolExecutor | None = None
        self._recorder: FBSWriter | None = None
        self._record_fh: IO[bytes] | None = None
        self._record_path: str | None = None
        self._record_start = 0.0
        self._record_max = DEFAULT_RECORD_MAX
        #: Set when a recording ends (stopped, or its size cap reached).
        self.recording_ended = asyncio.Event()
        self.recording_capped = False
        self._closing = False
        self._connected = asyncio.Event()
        self._decode_time_pending = 0.0
        self._prompting = False
        self._tls_verified: ssl_module.SSLContext | None = None
        #: What a view paints (None without ``options.front_buffer``).
        self.front: FrontBuffer | None = FrontBuffer() if self.options.front_buffer else None

    # ----------------------------------------------------------------- state

    @property
    def framebuffer(self) -> Framebuffer | None:
        return self.conn.fb if self.conn else None

    def _set_state(self, state: SessionState, detail: str = "") -> None:
        self.state = state
        log.info("session %s%s", state.value, f": {detail}" if detail else "")
        self.listener.state_changed(state, detail)

    # --------------------------------------------------------------- running

    async def run(self) -> None:
        """Connect and process until the connection ends.

        Raises the error that ended it (QVMRCError subclasses only), or returns
        when ``close()`` was called.
        """
        # Input must not wait long for a decoding thread holding the GIL.
        if sys.getswitchinterval() > 0.001:
            sys.setswitchinterval(0.001)
        self._closing = False
        self._connected.clear()
        self.stats = SessionStats()  # each connection counts afresh
        self._set_state(SessionState.CONNECTING, self.url_for_display)
        opts = self.options
        writer: asyncio.Task[None] | None = None
        try:
            subtypes: set[int] = set(vencrypt.ANONYMOUS) if tls.anonymous_tls_available() else set()
            self._tls_verified = None
            if opts.vnc_ca_file:
                self._tls_verified = tls.verified_context(opts.vnc_ca_file, opts.vnc_server_name)
                subtypes |= vencrypt.X509
            self.conn = RFBClient(
                password=opts.password, pixel_format=opts.pixel_format, encodings=opts.encodings,
                jpeg_quality=opts.jpeg_quality, compress_level=opts.compress_level, shared=opts.shared,
                username=opts.username, vencrypt_subtypes=subtypes,
                extended_clipboard=opts.extended_clipboard,
            )
            # The hand-over needs each update complete and the next not yet begun.
            self.conn.stop_after_update = self.front is not None
            self._transport = await open_transport(self.url, headers=opts.headers, ssl=opts.ssl,
                                                   timeout=opts.timeout)
            self.stats.transport = self._transport.description
            self._set_state(SessionState.AUTHENTICATING)
            self._outq = asyncio.Queue()
            writer = asyncio.create_task(self._writer(self._transport, self._outq))
            if opts.threaded_decode:
                self._executor = ThreadPoolExecutor(1, thread_name_prefix="qvmrc-decode")
            reader = asyncio.create_task(self._read_loop(self._transport))
            try:
                await self._handshake_deadline(reader, opts.timeout)
                await reader
            finally:
                reader.cancel()
        except ConnectionClosed as e:
            if self._closing:
                return
            self._set_state(SessionState.DISCONNECTED, str(e))
            raise
        except QVMRCError as e:
            if self._closing:
                return
            self._set_state(SessionState.FAILED, str(e))
            raise
        finally:
            if writer is not None:
                writer.cancel()
                with contextlib.suppress(asyncio.CancelledError, QVMRCError):
                    await writer
            if self._transport is not None:
                with contextlib.suppress(Exception):
                    await self._transport.close()
            if self._executor is not None:
                self._executor.shutdown(wait=True)
                self._executor = None
            self._outq = None
            self.stats.live = False
            self.stop_recording()
            if self._closing:
                self._set_state(SessionState.DISCONNECTED, "closed")

    async def _handshake_deadline(self, reader: asyncio.Task[None], timeout: float) -> None:
        """A server that accepts but never finishes the handshake is an error, not a hang.

        Time spent waiting for the user to type a VNC password doesn't count.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not self._connected.is_set() and not reader.done():
            if self._prompting:
                deadline = loop.time() + timeout
            left = deadline - loop.time()
            if left <= 0:
                raise TransportError(
                    f"the server did not complete the VNC handshake within {timeout:g} s")
            waiter = asyncio.ensure_future(self._connected.wait())
            await asyncio.wait({reader, waiter}, timeout=min(left, 0.5),
                               return_when=asyncio.FIRST_COMPLETED)
            waiter.cancel()

    async def wait_connected(self) -> None:
        await self._connected.wait()

    async def close(self) -> None:
        self._closing = True
        if self._transport is not None:
            with contextlib.suppress(Exception):
                await self._transport.close()

    @property
    def url_for_display(self) -> str:
        return redact_url(self.url)

    async def _writer(self, transport: Transport, queue: asyncio.Queue[bytes | None]) -> None:
        while True:
            data = await queue.get()
            if data is None:
                return
            # Coalesce what queued up meanwhile into one write.
            while not queue.empty():
                more = queue.get_nowait()
                if more is None:
                    break
                data += more
            self.stats.input_written(time.monotonic())
            # The transport may have become TLS since (VeNCrypt).
            await (self._transport or transport).send(data)

    def _send(self, data: bytes) -> None:
        if data and self._outq is not None:
            self._outq.put_nowait(data)

    def _send_input(self, data: bytes) -> None:
        """Input from the user: timed until the writer hands it to the transport."""
        if data and self._outq is not None:
            self.stats.input_queued(time.monotonic())
        self._send(data)

    async def _read_loop(self, transport: Transport) -> None:
        conn = self.conn
        assert conn is not None
        loop = asyncio.get_running_loop()
        while True:
            data = await (self._transport or transport).recv()
            if self._recorder is not None:
                self._record(data)
            self.stats.bytes_received += len(data)
            await self._parse(conn, data, loop)
            # The protocol parses a bounded amount per call: hand out what it
            # found, let the loop breathe, then go on with the rest.
            while conn.more_to_parse:
                await asyncio.sleep(0)
                await self._parse(conn, b"", loop)

    async def _parse(self, conn: RFBClient, data: bytes, loop: asyncio.AbstractEventLoop) -> None:
        t0 = time.perf_counter()
        big = len(data) if data else conn.buffered  # (a continuation parses what is buffered)
        if self._executor is not None and big >= THREAD_THRESHOLD:
            await loop.run_in_executor(self._executor, conn.receive_data, data)
        else:
            conn.receive_data(data)
        decode_s = time.perf_counter() - t0
        out = conn.data_to_send()
        events = conn.next_events()
        if out:
            self._send(out)
        sent_at = time.monotonic()
        self._decode_time_pending += decode_s
        for event in events:
            await self._dispatch(event)
        # A finished update (or ServerInit) put the next update request in
        # ``out``: time it only now, so the update above was timed from its own.
        if any(isinstance(e, (ev.FramebufferUpdated, ev.Connected)) for e in events):
            self.stats.update_requested(sent_at)

    def _limit_frames(self) -> None:
        """Tell the transport how large a frame may honestly be: about one screenful."""
        limit = getattr(self._transport, "limit_frames", None)
        fb = self.framebuffer
        if limit is not None and fb is not None:
            limit(max(4 << 20, 4 * fb.width * fb.height + (1 << 20)))

    async def _dispatch(self, event: ev.Event) -> None:
        lst = self.listener
        if isinstance(event, ev.FramebufferUpdated):
            st = self.stats
            now = time.monotonic()
            st.updates += 1
            st.rects += event.rects
            for name, n in event.encodings.items():
                st.encodings[name] = st.encodings.get(name, 0) + n
            st.last_decode_ms = 1000 * self._decode_time_pending
            st.total_decode_s += self._decode_time_pending
            self._decode_time_pending = 0.0
            st.update_received(now, event.nbytes)
            if self.front is not None and event.damage:
                self._publish(event.damage)
            lst.framebuffer_updated(event)
        elif isinstance(event, ev.Connected):
            st = self.stats
            st.server_name = event.name
            st.rfb_version = event.version
            st.security_type = event.security_type
            st.pixel_format = event.pixel_format.describe()
            st.connected_at = time.monotonic()
            st.live = True
            self._connected.set()
            self._limit_frames()
            self._set_state(SessionState.CONNECTED, event.name)
            lst.connected(event)
            self._new_frame()
        elif isinstance(event, ev.PasswordRequired):
            self._prompting = True
            try:
                password = await lst.password_needed()
            finally:
                self._prompting = False
            if password is None:
                raise AuthenticationError("the server asks for a VNC password and none was given")
            assert self.conn is not None
            self.conn.send_password(password)
            self._send(self.conn.data_to_send())
            for later in self.conn.next_events():
                await self._dispatch(later)
        elif isinstance(event, ev.StartTLS):
            await self._start_tls(event)
        elif isinstance(event, ev.DesktopResized):
            self._limit_frames()
            self._new_frame()
            lst.desktop_resized(event.width, event.height)
        elif isinstance(event, ev.DesktopSizeResult):
            log.info("SetDesktopSize %dx%d: %s", event.width, event.height, desktopsize.status_text(event.status))
            lst.desktop_size_result(event)
        elif isinstance(event, ev.CursorShape):
            lst.cursor_changed(event)
        elif isinstance(event, ev.PointerModeChanged):
            log.info("server wants %s pointer motion", "absolute" if event.absolute else "relative")
            lst.pointer_mode_changed(event.absolute)
        elif isinstance(event, ev.Bell):
            lst.bell()
        elif isinstance(event, ev.ServerCutText):
            lst.clipboard(event.text)
        elif isinstance(event, ev.ClipboardNegotiated):
            log.info("clipboard: %s", "UTF-8 (Extended Clipboard)" if event.extended
                     else "Latin-1 only (the server has no Extended Clipboard)")
        elif isinstance(event, ev.DesktopNameChanged):
            self.stats.server_name = event.name
            lst.name_changed(event.name)
        elif isinstance(event, ev.ExtendedKeyEventsEnabled):
            log.info("server acknowledged QEMU extended key events: keys go as scancodes")

    def _new_frame(self) -> None:
        """Connect or resize: the front buffer takes the whole new screen, once."""
        if self.front is None or self.conn is None:
            return
        self.front.reset(self.conn.fb.pixels)
        self.listener.frame_changed(self.front)

    def _publish(self, damage: Sequence[tuple[int, int, int, int]]) -> None:
        """Copy one complete update into the front buffer (the decoder is between updates)."""
        assert self.front is not None and self.conn is not None
        pixels = self.conn.fb.pixels
        if pixels.shape != self.front.pixels.shape:
            self._new_frame()  # a resize whose event is still to come: take it all now
        else:
            self.front.publish(pixels, damage)

    async def _start_tls(self, event: ev.StartTLS) -> None:
        """VeNCrypt: wrap the transport in TLS, then let the protocol go on inside it."""
        conn, inner = self.conn, self._transport
        assert conn is not None and inner is not None
        if event.anonymous:
            ctx, name = tls.anonymous_context(), None
        else:
            assert self._tls_verified is not None  # X509 is offered only with a CA
            ctx, name = self._tls_verified, self.options.vnc_server_name
        wrapped = await tls.TLSTransport.start(inner, ctx, server_hostname=name)
        self._transport = wrapped
        self.stats.transport = wrapped.description
        log.info("VeNCrypt %s: %s", event.subtype, wrapped.description)
        conn.tls_established()
        self._send(conn.data_to_send())
        for later in conn.next_events():
            await self._dispatch(later)

    # ----------------------------------------------------------------- input

    @property
    def ready(self) -> bool:
        return self.state is SessionState.CONNECTED and self.conn is not None

    def key_event(self, keysym: int, down: bool) -> None:
        if self.ready:
            assert self.conn is not None
            self._send_input(self.conn.key_event(down, keysym))

    def scancode_key_event(self, keysym: int, xt_scancode: int, down: bool) -> None:
        """Scancode + keysym when the server supports it, else the keysym alone."""
        if self.ready:
            assert self.conn is not None
            self._send_input(self.conn.scancode_key_event(down, keysym, xt_scancode))

    def pointer_event(self, x: int, y: int, buttons: int) -> None:
        if self.ready:
            assert self.conn is not None
            self._send_input(self.conn.pointer_event(x, y, buttons))

    def relative_pointer_event(self, dx: int, dy: int, buttons: int) -> None:
        if self.ready:
            assert self.conn is not None
            # QEMU takes at most +-0x7FFF per event; split large jumps. A
            # button change without motion still needs its one event.
            while True:
                sx = max(-0x7FFF, min(0x7FFF, dx))
                sy = max(-0x7FFF, min(0x7FFF, dy))
                self._send_input(self.conn.relative_pointer_event(sx, sy, buttons))
                dx -= sx
                dy -= sy
                if not (dx or dy):
                    break

    def client_cut_text(self, text: str) -> None:
        if self.ready:
            assert self.conn is not None
            self._send(self.conn.client_cut_text(text))

    def set_clipboard_shared(self, shared: bool) -> None:
        """Clipboard sharing allowed or not (see RFBClient.set_clipboard_shared)."""
        if self.conn is not None:
            self._send(self.conn.set_clipboard_shared(shared))

    @property
    def desktop_resize_supported(self) -> bool:
        """The server speaks ExtendedDesktopSize, so ``request_desktop_size`` can work."""
        return bool(self.ready and self.conn is not None and self.conn.desktop_resize_supported)

    def request_desktop_size(self, width: int, height: int) -> bool:
        """Ask the server to resize the remote screen; False when it cannot be asked."""
        if not self.desktop_resize_supported:
            return False
        assert self.conn is not None
        self._send(self.conn.set_desktop_size(width, height))
        return True

    def set_encoding_preferences(self, encodings: Sequence[str], jpeg_quality: int | None,
                                 compress_level: int | None) -> None:
        """Change encodings and quality now (a new SetEncodings) and for reconnects."""
        if self.conn is not None:
            self._send(self.conn.set_encoding_preferences(encodings, jpeg_quality, compress_level))
        self.options.encodings = tuple(encodings)
        self.options.jpeg_quality = jpeg_quality
        self.options.compress_level = compress_level

    @property
    def pointer_absolute(self) -> bool:
        return self.conn.pointer_absolute if self.conn else True

    @property
    def extended_key_events(self) -> bool:
        return bool(self.conn and self.conn.extended_key_events)

    async def flush(self) -> None:
        """Wait until queued input has been handed to the transport."""
        while self._outq is not None and not self._outq.empty():
            await asyncio.sleep(0.005)
        await asyncio.sleep(0.01)

    # ------------------------------------------------------------- recording

    def start_recording(self, path: str, max_bytes: int = DEFAULT_RECORD_MAX) -> None:
        """Record every server byte from now on (FBS); call before run() for a full recording.

        The file stops growing at ``max_bytes``: the recording ends there (a
        complete, replayable file and its sidecar) while the console goes on.
        """
        self.stop_recording()
        self._record_max = max_bytes
        self.recording_capped = False
        self.recording_ended.clear()
        self._record_fh = open(path, "wb")  # noqa: SIM115 - closed in stop_recording
        self._recorder = FBSWriter(self._record_fh)
        self._record_path = path
        self._record_start = time.monotonic()

    def _record(self, data: bytes) -> None:
        assert self._recorder is not None and self._record_fh is not None
        block = 8 + len(data) + (-len(data)) % 4
        if self._record_fh.tell() + block > self._record_max:
            log.info("recording stopped at its size cap of %d bytes: %s", self._record_max, self._record_path)
            self.recording_capped = True
            self.stop_recording()
            return
        self._recorder.write(data, int(1000 * (time.monotonic() - self._record_start)))

    def stop_recording(self) -> None:
        if self._record_fh is None:
            return
        self._record_fh.close()
        info: dict[str, Any] = {"recorded_by": "qvmrc", "url": self.url_for_display}
        conn = self.conn
        if conn is not None and conn.pixel_format is not None:
            info.update({
                "pixel_format": pixel_format_to_json(conn.pixel_format),
                "security_type": conn.security_type,
                "security_subtype": conn.security_subtype,
                "width": conn.fb.width, "height": conn.fb.height,
                "encodings": list(self.options.encodings),
                "jpeg_quality": self.options.jpeg_quality,
                "compress_level": self.options.compress_level,
                "server_name": conn.name,
            })
        assert self._record_path is not None
        write_sidecar(self._record_path, info)
        self._record_fh = None
        self._recorder = None
        self.recording_ended.set()

    @property
    def recording(self) -> bool:
        return self._recorder is not None


def backoff_delays(base: float = 1.0, factor: float = 2.0, cap: float = 30.0,
                   jitter: float = 0.25, rng: Callable[[], float] = random.random) -> Any:
    """Infinite reconnect delays: exponential with +-jitter, capped."""
    delay = base
    while True:
        yield max(0.0, delay * (1 + jitter * (2 * rng() - 1)))
        delay = min(cap, delay * factor)
