"""What every rectangle decoder shares.

A decoder is one object per connection (it may own zlib streams), for a
pixel encoding or a pseudo-encoding alike. The connection parses and checks
each rectangle header and calls ``decode`` with the rectangle; the decoder
either consumes the whole rectangle body from the buffer and acts on it, or
returns ``False`` having consumed nothing it cannot resume from (decoders that
can't know their length up front, like Hextile, keep their own progress).
Decoders never read rectangle headers themselves: a bulk pass that walks into
the next rectangle asks the connection's parser for it (``RectParser``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from qvmrc.errors import ProtocolError
from qvmrc.rfb.encodings.deferred import DeferredPaints

if TYPE_CHECKING:
    from qvmrc.rfb.buffer import ReadBuffer
    from qvmrc.rfb.desktopsize import Screen
    from qvmrc.rfb.framebuffer import Framebuffer
    from qvmrc.rfb.pixelformat import PixelConverter

#: A parsed and accepted rectangle header: x, y, w, h and the decoder of its encoding.
Rect = tuple[int, int, int, int, "Decoder"]
#: The connection's header parser: the rectangle whose 12-byte header starts at
#: ``offset`` in ``data``, checked like every other (raises ProtocolError).
RectParser = Callable[[bytes, int], Rect]

# Largest compressed payload one rectangle may announce; bounds memory per rect.
MAX_RECT_PAYLOAD = 64 * 1024 * 1024


def deflated_bound(size: int) -> int:
    """Most bytes an honest deflate stream spends on ``size`` bytes (stored
    blocks cost 5 bytes per 64 KB; the rest is slack for headers and flushes)."""
    return size + (size >> 3) + 1024


def read_u32_prefixed(buf: ReadBuffer, what: str, limit: int = MAX_RECT_PAYLOAD) -> bytes | None:
    """A ``u32 length`` + body (Zlib, ZRLE): the body, or None until it has all arrived.

    The length is checked before waiting, so a hostile length can neither make
    us buffer without bound nor allocate for it; ``limit`` is what the
    rectangle can honestly need (a 16x16 rectangle can't need 60 MB).
    """
    avail = buf.available()
    if avail < 4:
        return None
    n = buf.peek_u32()
    if n > MAX_RECT_PAYLOAD or n > limit:
        raise ProtocolError(f"{what} rectangle announces {n} bytes, more than QVMRC accepts")
    if avail < 4 + n:
        return None
    buf.skip(4)
    return buf.read(n)


class ServerState(Protocol):
    """What pseudo-encodings change on the connection (the RFBClient)."""

    name: str
    pointer_absolute: bool
    pointer_mode_known: bool
    extended_key_events: bool
    extended_mouse_buttons: bool
    desktop_resize_supported: bool
    screens: tuple[Screen, ...]

    def resize_framebuffer(self, width: int, height: int) -> bool:
        """Resize (checked, alpha kept); True when the size changed."""
        ...


class DecodeContext:
    """Per-connection state decoders read and write.

    ``events`` collects protocol events a (pseudo-)decoder produces, such as a
    new cursor shape; the connection hands them out after the rectangle.
    ``deferred`` is the update's deferred-paint queue; ``server`` is the
    connection state pseudo-encodings change.
    """

    __slots__ = ("fb", "conv", "events", "deferred", "server")

    def __init__(self, fb: Framebuffer, conv: PixelConverter, server: ServerState | None = None) -> None:
        self.fb = fb
        self.conv = conv
        self.events: list[Any] = []
        self.deferred = DeferredPaints()
        self.server = server


class Decoder:
    encoding: ClassVar[int]
    name: ClassVar[str]
    #: False for pseudo-encodings: they don't paint the framebuffer (and so
    #: are not bounded by it).
    paints: ClassVar[bool] = True
    #: True when :meth:`decode_run` does something (the connection skips the call otherwise).
    runs: ClassVar[bool] = False
    #: LastRect: the update ends after this rectangle, whatever its count said.
    ends_update: ClassVar[bool] = False

    def decode(self, buf: ReadBuffer, x: int, y: int, w: int, h: int, ctx: DecodeContext) -> bool:
        raise NotImplementedError

    def decode_run(self, buf: ReadBuffer, x: int, y: int, w: int, h: int, more: int,
                   ctx: DecodeContext, parse: RectParser,
                   ) -> tuple[list[tuple[int, int, int, int]], Rect | None] | None:
        """Optionally decode this rectangle and up to ``more`` following ones in one pass.

        For decoders whose per-rectangle overhead dominates (Hextile strips).
        The following rectangles' headers come from ``parse``, the
        connection's parser. Returns the rectangles decoded, this one first,
        and the header that ended the run when it was parsed (its 12 bytes
        consumed too: the connection goes on with it), else None. None
        instead of a tuple: nothing consumed, use :meth:`decode`.
        """
        return None

    def reset(self) -> None:
        """Forget per-connection state (zlib streams, partial progress)."""

    def flush(self, ctx: DecodeContext) -> None:
        """Paint the work deferred through ``ctx.deferred`` (called by the queue only)."""
