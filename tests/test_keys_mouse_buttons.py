"""Back and forward mouse buttons: buttons 8 and 9 through RFB's ExtendedMouseButtons.

QEMU 7.2's VNC server maps only bits 0-4 of the button mask (left, middle,
right, wheel) and does not know ExtendedMouseButtons (-316), so these buttons
cannot reach a QEMU 7.2 guest; the tests check the wire bytes QVMRC writes.
"""

from __future__ import annotations

import struct

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import QEvent, Qt  # noqa: E402

from qvmrc.rfb import messages  # noqa: E402
from qvmrc.rfb.connection import RFBClient  # noqa: E402
from qvmrc.rfb.encodings import numbers  # noqa: E402
from qvmrc.ui import pointer as pt  # noqa: E402
from tests.support.rfbstream import fbu, handshake, rect  # noqa: E402
from tests.test_ui_pointer import make_view, mouse, send  # noqa: E402

B = Qt.MouseButton


def client(ack: bool) -> RFBClient:
    c = RFBClient()
    c.receive_data(handshake(width=4, height=3))
    c.next_events()
    c.data_to_send()
    if ack:
        c.receive_data(fbu(rect(0, 0, 4, 3, numbers.EXTENDED_MOUSE_BUTTONS)))
        c.next_events()
    return c


def test_the_client_offers_extended_mouse_buttons():
    assert -316 in RFBClient().encoding_list()


def test_back_and_forward_are_buttons_8_and_9():
    assert pt.button_mask(B.BackButton) == 128
    assert pt.button_mask(B.ForwardButton) == 256
    assert pt.button_mask(B.LeftButton | B.ForwardButton) == 257


def test_after_the_servers_ack_back_and_forward_go_in_the_seven_byte_pointer_event():
    c = client(ack=True)
    assert c.extended_mouse_buttons
    # type 5, marker bit 7 + buttons 1-7, x, y, then buttons 8 (bit 0) and 9 (bit 1)
    assert c.pointer_event(300, 2, pt.BUTTON_BACK) == bytes([5, 0x80, 1, 44, 0, 2, 0x01])
    assert c.pointer_event(300, 2, pt.BUTTON_FORWARD | pt.BUTTON_LEFT) == \
        bytes([5, 0x81, 1, 44, 0, 2, 0x02])
    # Releasing them: the plain 6-byte form says "no extra buttons".
    assert c.pointer_event(300, 2, 0) == bytes([5, 0, 1, 44, 0, 2])
    assert c.relative_pointer_event(-1, 2, pt.BUTTON_BACK) == \
        bytes([5, 0x80]) + struct.pack(">HH", 0x7FFE, 0x8001) + b"\x01"


def test_without_the_ack_buttons_8_and_9_are_left_out_and_bit_7_stays_clear():
    c = client(ack=False)
    assert not c.extended_mouse_buttons
    assert c.pointer_event(300, 2, pt.BUTTON_BACK | pt.BUTTON_LEFT) == bytes([5, 1, 1, 44, 0, 2])
    assert c.pointer_event(300, 2, pt.BUTTON_FORWARD) == bytes([5, 0, 1, 44, 0, 2])


def test_extended_pointer_event_layout():
    assert messages.extended_pointer_event(1, 2, 0x7F | 128 | 256) == bytes([5, 0xFF, 0, 1, 0, 2, 0x03])


def test_the_view_sends_back_and_forward_presses_and_releases(qtbot):
    v = make_view(qtbot, True)
    for button, bit in ((B.BackButton, 128), (B.ForwardButton, 256)):
        v.session.clear()
        send(v, mouse(QEvent.Type.MouseButtonPress, (10, 20), button, button))
        send(v, mouse(QEvent.Type.MouseButtonRelease, (10, 20), button))
        assert v.session.of("ptr") == [("ptr", 10, 20, bit), ("ptr", 10, 20, 0)]
