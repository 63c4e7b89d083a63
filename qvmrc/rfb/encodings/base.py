"""What every rectangle decoder shares.

A decoder is one object per connection (it may own zlib streams). The
connection calls ``decode`` when a rectangle header has arrived; the decoder
either consumes the whole rectangle body from the buffer and paints it, or
returns ``False`` having consumed nothing it cannot resume from (decoders that
can't know their length up front, like Hextile, keep their own progress).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from qvmrc.errors import ProtocolError

if TYPE_CHECKING:
    from qvmrc.rfb.buffer import ReadBuffer
    from qvmrc.rfb.framebuffer import Framebuffer
    from qvmrc.rfb.pixelformat import PixelConverter

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


class DecodeContext:
    """Per-connection state decoders read and write.

    ``events`` collects protocol events a (pseudo-)decoder produces, such as a
    new cursor shape; the connection hands them out after the rectangle.
    """

    __slots__ = ("fb", "conv", "events", "pending")

    def __init__(self, fb: Framebuffer, conv: PixelConverter) -> None:
        self.fb = fb
        self.conv = conv
        self.events: list[Any] = []
        #: A decoder holding deferred paint work; the connection calls its
        #: ``flush`` before any other rectangle paints and at the update's end.
        self.pending: Decoder | None = None


class Decoder:
    encoding: ClassVar[int]
    name: ClassVar[str]
    #: False for pseudo-encodings: they don't paint the framebuffer.
    paints: ClassVar[bool] = True
    #: True when :meth:`decode_run` does something (the connection skips the call otherwise).
    runs: ClassVar[bool] = False

    def decode(self, buf: ReadBuffer, x: int, y: int, w: int, h: int, ctx: DecodeContext) -> bool:
        raise NotImplementedError

    def decode_run(self, buf: ReadBuffer, x: int, y: int, w: int, h: int, more: int,
                   ctx: DecodeContext) -> list[tuple[int, int, int, int]] | None:
        """Optionally decode this rectangle and up to ``more`` following ones in one pass.

        For decoders whose per-rectangle overhead dominates (Hextile strips):
        consumes the rectangles' bytes, later headers included, and returns
        them, this one first. None: nothing consumed, use :meth:`decode`.
        """
        return None

    def reset(self) -> None:
        """Forget per-connection state (zlib streams, partial progress)."""

    def flush(self, ctx: DecodeContext) -> None:
        """Paint deferred work (decoders that batch across rectangles)."""
