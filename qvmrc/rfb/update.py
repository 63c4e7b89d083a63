"""Reading a FramebufferUpdate: rectangle headers, the decoder table, damage.

A mixin of :class:`~qvmrc.rfb.connection.RFBClient`. Every rectangle header
is parsed and checked here, once (:meth:`UpdateReader._accept`): its encoding
must have been offered, and a painting rectangle must lie inside the
framebuffer. Then the rectangle belongs to its decoder (pixel or pseudo
alike), which may take many following rectangles at once (Hextile runs, whose
headers it reads through the same parser). Deferred paint work of the update
is flushed through the one queue in the decode context.
"""

from __future__ import annotations

import struct
import weakref
from typing import TYPE_CHECKING

import numpy as np

from qvmrc.errors import ProtocolError
from qvmrc.rfb import events as ev
from qvmrc.rfb import messages
from qvmrc.rfb.buffer import Chunk, ReadBuffer
from qvmrc.rfb.encodings import numbers
from qvmrc.rfb.encodings.base import DecodeContext, Decoder, Rect
from qvmrc.rfb.encodings.registry import make_decoders
from qvmrc.rfb.framebuffer import ALPHA, Framebuffer
from qvmrc.rfb.pixelformat import PixelConverter, PixelFormat
from qvmrc.rfb.states import State

# Events (and damage rectangles held in them) one receive_data call may pile
# up before the caller gets them; the rest waits in the buffer.
MAX_EVENTS_PER_CALL = 512
MAX_DAMAGE_PER_CALL = 1 << 16  # (~100 bytes each; an update has up to 65,535)
_RECT = struct.Struct(">HHHHi")


class UpdateReader:
    """The FramebufferUpdate half of the connection."""

    state: State
    _buf: ReadBuffer
    _out: bytearray
    _events: list[ev.Event]
    fb: Framebuffer
    opaque: bool
    auto_update: bool
    bytes_received: int
    extended_clipboard: bool | None
    _colour_map: np.ndarray | None

    if TYPE_CHECKING:
        def encoding_list(self) -> list[int]: ...
        def _clipboard_mode(self, extended: bool, server_flags: int = 0) -> None: ...

    def _init_update(self) -> None:
        self.pixel_format: PixelFormat | None = None
        self._ctx: DecodeContext | None = None
        # Encoding number -> decoder, for what we offered (see _allow_offered).
        self._decoders: dict[int, Decoder] = {}
        self._paused = False  # stopped at MAX_EVENTS_PER_CALL inside an update
        self._held_damage = 0  # damage rectangles in events not yet taken
        #: Return from ``receive_data`` at the end of each FramebufferUpdate, so the
        #: caller can hand a complete picture over before the next one is decoded.
        self.stop_after_update = False
        self._update_ended = False
        # Progress through the current FramebufferUpdate.
        self._rects_left = 0
        self._rect: Rect | None = None  # accepted, its body not all decoded yet
        self._damage: list[tuple[int, int, int, int]] = []
        self._enc_counts: dict[str, int] = {}
        self._announced = 0  # the count the update announced
        self._update_start = 0

    def _set_pixel_format(self, pf: PixelFormat) -> None:
        self.pixel_format = pf
        conv = PixelConverter(pf, self._colour_map)
        if self._ctx is None:
            # (A weak reference: no cycle keeps a dropped client's framebuffer alive.)
            self._ctx = DecodeContext(self.fb, conv, weakref.proxy(self))
        else:
            self._ctx.conv = conv
            self._ctx.fb = self.fb

    def _allow_offered(self, keep: bool = False) -> None:
        """Build the decoder table: only what we offer (plus Raw, which a server
        may always send), so an unoffered encoding is refused rather than
        handed to a decoder the user turned off. ``keep``: a live change also
        keeps what was offered before, since updates already on their way may
        still use it (and keeps those decoders' zlib streams)."""
        offered = set(self.encoding_list())
        offered.add(numbers.RAW)
        old = self._decoders
        if keep:
            offered |= set(old)
        self._decoders = {enc: old.get(enc) or dec for enc, dec in make_decoders().items() if enc in offered}

    def _begin_update(self, nrects: int, start: int) -> None:
        self._rects_left = nrects
        self._damage = []
        self._enc_counts = {}
        self._announced = nrects  # (headers read: this minus _rects_left)
        self._update_start = start
        self.state = State.UPDATE

    def _accept(self, data: Chunk, offset: int) -> Rect:
        """The rectangle header at ``offset`` in ``data``, checked: the one place headers
        are judged, for the update loop and for decoders that walk into the next header
        (Hextile runs); one call per header, since a run reads tens of thousands."""
        x, y, w, h, enc = _RECT.unpack_from(data, offset)
        decoder = self._decoders.get(enc)
        if decoder is None:
            raise ProtocolError(
                f"server sent a rectangle in encoding {numbers.name_of(enc)}, which QVMRC did not ask for")
        if decoder.paints:
            fb_h, fb_w = self.fb.pixels.shape
            if x + w > fb_w or y + h > fb_h:
                raise ProtocolError(
                    f"server sent a {numbers.name_of(enc)} rectangle {w}x{h}+{x}+{y} "
                    f"outside the {fb_w}x{fb_h} screen")
        return (x, y, w, h, decoder)

    def _enter(self, rect: Rect, ctx: DecodeContext) -> None:
        """``rect`` is next: pending deferred work it could disturb is painted first
        (work of another decoder, or lying under this rectangle)."""
        self._rect = rect
        queue = ctx.deferred
        owner = queue.owner
        if owner is not None and (owner is not rect[4] or queue.area.overlaps(
                ctx.fb.pixels.shape, rect[0], rect[1], rect[2], rect[3])):
            queue.flush(ctx)

    def _step_update(self) -> bool:
        buf = self._buf
        ctx = self._ctx
        assert ctx is not None
        queue = ctx.deferred
        while True:
            rect = self._rect
            if rect is None:
                if self._rects_left == 0:
                    self._finish_update()
                    return True
                if buf.available() < 12:
                    return False
                rect = self._accept(*buf.take_at(12))
                self._rects_left -= 1
                if queue.owner is not None:
                    self._enter(rect, ctx)
                else:
                    self._rect = rect
            x, y, w, h, decoder = rect
            nxt = None
            run = decoder.decode_run(
                buf, x, y, w, h, self._rects_left, ctx, self._accept) if decoder.runs else None
            if run is not None:
                # This rectangle and len(done) - 1 following ones, headers included.
                done, nxt = run
                extra = len(done) - 1
                self._rects_left -= extra
                self._damage.extend(done)
                self._enc_counts[decoder.name] = self._enc_counts.get(decoder.name, 0) + extra
            elif not decoder.decode(buf, x, y, w, h, ctx):
                return False
            elif decoder.paints:
                if w and h:
                    self._damage.append((x, y, w, h))
            elif decoder.ends_update:  # LastRect
                self._rect = None
                self._finish_update()
                return True
            self._rect = None
            name = decoder.name
            self._enc_counts[name] = self._enc_counts.get(name, 0) + 1
            if nxt is not None:  # the header that ended a run: read, not yet decoded
                self._rects_left -= 1
                self._enter(nxt, ctx)
            if ctx.events:
                self._take_rect_events(ctx.events)
                if len(self._events) >= MAX_EVENTS_PER_CALL:
                    self._paused = True  # resumes at the next rectangle
                    return False

    def _take_rect_events(self, new: list[ev.Event]) -> None:
        """Move a rectangle's events out; a new cursor shape replaces a pending one."""
        if any(isinstance(e, ev.CursorShape) for e in new):
            self._events = [e for e in self._events if not isinstance(e, ev.CursorShape)]
        self._events.extend(new)
        new.clear()

    def resize_framebuffer(self, width: int, height: int) -> bool:
        """DesktopSize and ExtendedDesktopSize: True when the size changed."""
        if (width, height) == (self.fb.width, self.fb.height):
            return False
        self.fb.resize(width, height, fill=ALPHA if self.opaque else 0)
        return True

    def _finish_update(self) -> None:
        ctx = self._ctx
        if ctx is not None:
            ctx.deferred.flush(ctx)
        self.state = State.NORMAL
        damage = tuple(self._damage)
        self._held_damage += len(damage)
        self._update_ended = True
        bounds = None
        if len(damage) == 1:
            bounds = damage[0]
        elif damage:
            x0 = min(d[0] for d in damage)
            y0 = min(d[1] for d in damage)
            x1 = max(d[0] + d[2] for d in damage)
            y1 = max(d[1] + d[3] for d in damage)
            bounds = (x0, y0, x1 - x0, y1 - y0)
        nbytes = self.bytes_received - self._buf.available() - self._update_start
        self._events.append(ev.FramebufferUpdated(
            damage=damage, bounds=bounds, rects=self._announced - self._rects_left,
            encodings=dict(self._enc_counts), nbytes=nbytes))
        if self.opaque and damage:
            px = self.fb.pixels
            for x, y, w, h in damage:
                px[y : y + h, x : x + w] |= ALPHA
        self._damage = []
        if damage and self.extended_clipboard is None:
            # Painted pixels answer our update request, which followed SetEncodings:
            # a server with Extended Clipboard would have sent its caps by now.
            self._clipboard_mode(False)
        if self.auto_update:
            req = messages.framebuffer_update_request(True, 0, 0, self.fb.width, self.fb.height)
            if not self._out.endswith(req):  # one unsent request already asks for the same
                self._out += req
