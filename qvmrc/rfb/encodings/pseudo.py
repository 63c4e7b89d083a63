"""Pseudo-encodings: rectangles that carry news about the connection, not pixels.

They go through the same table as pixel decoders, so one rule covers every
rectangle: it is accepted only when its encoding was offered. What they
change lives on the connection (``ctx.server``); what the session must hear
goes out as events (``ctx.events``). The cursor shape is in :mod:`.cursor`.
"""

from __future__ import annotations

from qvmrc.errors import ProtocolError
from qvmrc.rfb import desktopsize
from qvmrc.rfb import events as ev
from qvmrc.rfb.buffer import ReadBuffer
from qvmrc.rfb.encodings import numbers
from qvmrc.rfb.encodings.base import DecodeContext, Decoder, ServerState

#: Longest desktop name accepted (ServerInit and DesktopName).
MAX_NAME = 65536


def server_text(data: bytes) -> str:
    """Text a server sent (a name, a reason): QEMU ends it with a NUL byte."""
    return data.rstrip(b"\0").decode("utf-8", errors="replace").strip()


def _server(ctx: DecodeContext) -> ServerState:
    assert ctx.server is not None, "pseudo-encodings need the connection's state"
    return ctx.server


class PseudoDecoder(Decoder):
    paints = False


class LastRectDecoder(PseudoDecoder):
    """Ends the update (Xvnc sends a count of 0xFFFF and ends every update with one)."""

    encoding = numbers.LAST_RECT
    name = "LastRect"
    ends_update = True

    def decode(self, buf: ReadBuffer, x: int, y: int, w: int, h: int, ctx: DecodeContext) -> bool:
        return True


class DesktopSizeDecoder(PseudoDecoder):
    encoding = numbers.DESKTOP_SIZE
    name = "DesktopSize"

    def decode(self, buf: ReadBuffer, x: int, y: int, w: int, h: int, ctx: DecodeContext) -> bool:
        if _server(ctx).resize_framebuffer(w, h):
            ctx.events.append(ev.DesktopResized(w, h))
        return True


class ExtendedDesktopSizeDecoder(PseudoDecoder):
    """The size plus the screen layout; also the server's answer to our SetDesktopSize."""

    encoding = numbers.EXTENDED_DESKTOP_SIZE
    name = "ExtendedDesktopSize"

    def decode(self, buf: ReadBuffer, x: int, y: int, w: int, h: int, ctx: DecodeContext) -> bool:
        if buf.available() < 4:
            return False
        count = buf.peek_u8()
        if count > desktopsize.MAX_SCREENS:
            raise ProtocolError(f"server sent a screen layout of {count} screens")
        if buf.available() < 4 + 16 * count:
            return False
        buf.skip(4)
        screens = desktopsize.parse_screens(buf.read(16 * count), count)
        server = _server(ctx)
        server.desktop_resize_supported = True
        # x says who asked; y is the status when it was us. A refusal
        # still reports the current size, which stays what it was.
        if x == desktopsize.REASON_THIS_CLIENT:
            ctx.events.append(ev.DesktopSizeResult(y, w, h))
        if x != desktopsize.REASON_THIS_CLIENT or y == desktopsize.STATUS_OK:
            server.screens = screens
            if server.resize_framebuffer(w, h):
                ctx.events.append(ev.DesktopResized(w, h))
        return True


class DesktopNameDecoder(PseudoDecoder):
    encoding = numbers.DESKTOP_NAME
    name = "DesktopName"

    def decode(self, buf: ReadBuffer, x: int, y: int, w: int, h: int, ctx: DecodeContext) -> bool:
        if buf.available() < 4:
            return False
        n = buf.peek_u32()
        if n > MAX_NAME:
            raise ProtocolError(f"server sent a desktop name of {n} bytes")
        if buf.available() < 4 + n:
            return False
        buf.skip(4)
        server = _server(ctx)
        server.name = server_text(buf.read(n))
        ctx.events.append(ev.DesktopNameChanged(server.name))
        return True


class QemuExtendedKeyEventDecoder(PseudoDecoder):
    """The server takes keys as XT scancodes (QEMU)."""

    encoding = numbers.QEMU_EXTENDED_KEY_EVENT
    name = "QEMUExtendedKeyEvent"

    def decode(self, buf: ReadBuffer, x: int, y: int, w: int, h: int, ctx: DecodeContext) -> bool:
        server = _server(ctx)
        if not server.extended_key_events:
            server.extended_key_events = True
            ctx.events.append(ev.ExtendedKeyEventsEnabled())
        return True


class QemuPointerMotionChangeDecoder(PseudoDecoder):
    """x != 0: absolute pointer (a tablet); 0: relative motion (a mouse)."""

    encoding = numbers.QEMU_POINTER_MOTION_CHANGE
    name = "QEMUPointerMotionChange"

    def decode(self, buf: ReadBuffer, x: int, y: int, w: int, h: int, ctx: DecodeContext) -> bool:
        server = _server(ctx)
        absolute = x != 0
        if absolute != server.pointer_absolute or not server.pointer_mode_known:
            server.pointer_absolute = absolute
            server.pointer_mode_known = True
            ctx.events.append(ev.PointerModeChanged(absolute))
        return True


class ExtendedMouseButtonsDecoder(PseudoDecoder):
    """The server takes the 7-byte PointerEvent with the back and forward buttons."""

    encoding = numbers.EXTENDED_MOUSE_BUTTONS
    name = "ExtendedMouseButtons"

    def decode(self, buf: ReadBuffer, x: int, y: int, w: int, h: int, ctx: DecodeContext) -> bool:
        _server(ctx).extended_mouse_buttons = True
        return True


PSEUDO_DECODERS: tuple[type[Decoder], ...] = (
    LastRectDecoder, DesktopSizeDecoder, ExtendedDesktopSizeDecoder, DesktopNameDecoder,
    QemuExtendedKeyEventDecoder, QemuPointerMotionChangeDecoder, ExtendedMouseButtonsDecoder,
)
