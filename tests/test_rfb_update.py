"""How the connection reads a FramebufferUpdate: one table of decoders for pixel
and pseudo-encodings, built from what was offered; a client nothing refers to is
freed at once."""

from __future__ import annotations

import gc
import weakref

import pytest

from qvmrc.errors import ProtocolError
from qvmrc.rfb import events as ev
from qvmrc.rfb.connection import RFBClient
from qvmrc.rfb.encodings import numbers
from qvmrc.rfb.encodings.pseudo import PSEUDO_DECODERS
from tests.support.rfbstream import fbu, handshake, rect


def _client(encodings: tuple[str, ...] = ("raw",)) -> RFBClient:
    c = RFBClient(encodings=encodings)
    c.receive_data(handshake(width=32, height=32))
    c.next_events()
    c.data_to_send()
    return c


def test_every_offered_pseudo_encoding_has_a_decoder_and_nothing_else_does() -> None:
    c = _client()
    offered = set(c.encoding_list()) | {numbers.RAW}
    for cls in PSEUDO_DECODERS:
        assert cls.encoding in offered, cls.name
    with pytest.raises(ProtocolError, match="XCursor, which QVMRC did not ask for"):
        c.receive_data(fbu(rect(0, 0, 0, 0, numbers.XCURSOR)))


def test_pseudo_rectangles_report_through_events_in_wire_order() -> None:
    c = _client()
    name = b"vm-7"
    c.receive_data(fbu(
        rect(0, 0, 0, 0, numbers.DESKTOP_NAME, len(name).to_bytes(4, "big") + name),
        rect(0, 0, 64, 48, numbers.DESKTOP_SIZE),
        rect(0, 0, 0, 0, numbers.QEMU_POINTER_MOTION_CHANGE),
        rect(0, 0, 0, 0, numbers.QEMU_EXTENDED_KEY_EVENT),
        rect(0, 0, 0, 0, numbers.EXTENDED_MOUSE_BUTTONS),
        rect(0, 0, 0, 0, numbers.LAST_RECT),
        count=0xFFFF,
    ))
    kinds = [type(e) for e in c.next_events()]
    assert kinds == [ev.DesktopNameChanged, ev.DesktopResized, ev.PointerModeChanged,
                     ev.ExtendedKeyEventsEnabled, ev.FramebufferUpdated]
    assert (c.name, c.fb.width, c.fb.height) == ("vm-7", 64, 48)
    assert not c.pointer_absolute and c.extended_key_events and c.extended_mouse_buttons
    assert c.buffered == 0


def test_a_dropped_client_and_its_framebuffer_are_freed_without_the_cycle_collector() -> None:
    c = _client(("hextile", "rre", "tight"))
    c.receive_data(fbu(rect(0, 0, 8, 8, numbers.RAW, bytes(8 * 8 * 4))))
    client = weakref.ref(c)
    gc.disable()
    try:
        del c
        assert client() is None
    finally:
        gc.enable()
