"""The handshake as the RFB spec and real servers' quirks require it."""

from __future__ import annotations

import struct

import pytest

from qvmrc.errors import AuthenticationError, ProtocolError
from qvmrc.rfb import events as ev
from qvmrc.rfb.auth import vnc_auth_response
from qvmrc.rfb.connection import RFBClient, State
from qvmrc.rfb.pixelformat import PRESETS
from tests.support.rfbstream import fbu, handshake, rect, server_init


def feed_all(c: RFBClient, data: bytes, *, bytewise: bool = False) -> list:
    if bytewise:
        for i in range(len(data)):
            c.receive_data(data[i : i + 1])
    else:
        c.receive_data(data)
    return c.next_events()


@pytest.mark.parametrize("version,answer", [
    (b"RFB 003.003\n", b"RFB 003.003\n"),
    (b"RFB 003.007\n", b"RFB 003.007\n"),
    (b"RFB 003.008\n", b"RFB 003.008\n"),
    (b"RFB 003.889\n", b"RFB 003.008\n"),  # Apple
    (b"RFB 004.001\n", b"RFB 003.008\n"),  # RealVNC 4.x style
    (b"RFB 003.005\n", b"RFB 003.003\n"),
])
@pytest.mark.parametrize("bytewise", [False, True])
def test_every_version_reaches_server_init(version, answer, bytewise):
    c = RFBClient()
    events = feed_all(c, handshake(version, width=640, height=480, name="vm1"), bytewise=bytewise)
    out = c.data_to_send()
    assert out.startswith(answer)
    connected = [e for e in events if isinstance(e, ev.Connected)]
    assert connected and connected[0].width == 640 and connected[0].name == "vm1"
    assert c.state is State.NORMAL
    # ClientInit shared flag then SetEncodings and a full update request follow.
    assert b"\x03\x00\x00\x00\x00\x00\x02\x80\x01\xe0" in out


def test_vnc_auth_answers_the_challenge_with_des_of_the_password():
    c = RFBClient(password="secret")
    c.receive_data(b"RFB 003.008\n" + bytes([1, 2]) + bytes(range(16)))
    out = c.data_to_send()
    assert out == b"RFB 003.008\n" + bytes([2]) + vnc_auth_response("secret", bytes(range(16)))


def test_vnc_auth_known_answer():
    # DES of the challenge 00..0f with key "secret" (bits reversed per byte).
    assert vnc_auth_response("secret", bytes(range(16))).hex() == "ee22539f33a5983ec12f9c2edbc995dd"


def test_without_password_the_client_asks_for_one_and_then_continues():
    c = RFBClient()
    stream = handshake(b"RFB 003.008\n", security="vnc")
    events = feed_all(c, stream)
    assert any(isinstance(e, ev.PasswordRequired) for e in events)
    assert c.state is State.WAIT_PASSWORD
    c.send_password("pw")
    assert any(isinstance(e, ev.Connected) for e in c.next_events())


def test_none_is_preferred_when_offered():
    c = RFBClient(password="x")
    c.receive_data(b"RFB 003.008\n" + bytes([2, 2, 1]))
    assert c.data_to_send().endswith(bytes([1]))


def test_unsupported_security_types_are_named():
    c = RFBClient()
    with pytest.raises(AuthenticationError, match="VeNCrypt"):
        c.receive_data(b"RFB 003.008\n" + bytes([1, 19]))


def test_failure_reason_is_shown_verbatim_without_trailing_nul():
    c = RFBClient(password="bad")
    reason = b"Authentication failed\0"
    with pytest.raises(AuthenticationError) as err:
        c.receive_data(b"RFB 003.008\n" + bytes([1, 2]) + bytes(16) + struct.pack(">II", 1, len(reason)) + reason)
    assert str(err.value) == "authentication failed: Authentication failed"


def test_refusal_before_security_carries_the_servers_reason():
    c = RFBClient()
    reason = b"Sorry, loopback connections are not enabled"
    with pytest.raises(ProtocolError, match="loopback connections are not enabled"):
        c.receive_data(b"RFB 003.008\n" + bytes([0]) + struct.pack(">I", len(reason)) + reason)


def test_rfb33_auth_failure_has_no_reason_but_says_authentication():
    c = RFBClient(password="bad")
    with pytest.raises(AuthenticationError, match="authentication failed"):
        c.receive_data(b"RFB 003.003\n" + struct.pack(">I", 2) + bytes(16) + struct.pack(">I", 1))


def test_a_non_vnc_server_is_a_clean_protocol_error():
    c = RFBClient()
    with pytest.raises(ProtocolError, match="not a VNC server"):
        c.receive_data(b"HTTP/1.1 400 Bad Request\r\n")


def test_huge_screen_in_server_init_is_refused_before_allocation():
    c = RFBClient()
    data = b"RFB 003.008\n" + bytes([1, 1]) + struct.pack(">I", 0) + server_init(65535, 65535)
    with pytest.raises(ProtocolError, match="65535x65535"):
        c.receive_data(data)


def test_huge_name_is_refused():
    c = RFBClient()
    data = (b"RFB 003.008\n" + bytes([1, 1]) + struct.pack(">I", 0)
            + struct.pack(">HH", 8, 8) + PRESETS["rgb888"].pack() + struct.pack(">I", 0xFFFFFFF0))
    with pytest.raises(ProtocolError, match="desktop name"):
        c.receive_data(data)


def connected_client(**kw) -> RFBClient:
    c = RFBClient(**kw)
    c.receive_data(handshake(width=4, height=3))
    c.next_events()
    c.data_to_send()
    return c


def test_unknown_message_type_is_a_protocol_error():
    c = connected_client()
    with pytest.raises(ProtocolError, match="unknown message type 77"):
        c.receive_data(bytes([77]))


def test_bell_and_cut_text_become_events():
    c = connected_client()
    c.receive_data(bytes([2]) + bytes([3, 0, 0, 0]) + struct.pack(">I", 5) + b"h\xe9llo")
    events = c.next_events()
    assert isinstance(events[0], ev.Bell)
    assert events[1] == ev.ServerCutText("h\u00e9llo")


@pytest.mark.parametrize("length", [0x7FFFFFFF, -0x80000000])  # Latin-1, Extended Clipboard
def test_oversized_cut_text_is_refused(length):
    c = connected_client()
    with pytest.raises(ProtocolError, match="clipboard"):
        c.receive_data(bytes([3, 0, 0, 0]) + struct.pack(">i", length))


def test_raw_update_paints_and_requests_the_next_incremental_update():
    c = connected_client()
    body = struct.pack("<4I", 0x112233, 0x445566, 0x778899, 0xAABBCC)
    c.receive_data(fbu(rect(1, 1, 2, 2, 0, body)))
    events = c.next_events()
    upd = [e for e in events if isinstance(e, ev.FramebufferUpdated)][0]
    assert upd.damage == ((1, 1, 2, 2),)
    assert c.fb.pixels[1, 1] == 0x112233 and c.fb.pixels[2, 2] == 0xAABBCC
    assert c.data_to_send() == bytes([3, 1, 0, 0, 0, 0, 0, 4, 0, 3])


def test_rectangle_outside_the_screen_is_refused():
    c = connected_client()
    with pytest.raises(ProtocolError, match="outside"):
        c.receive_data(fbu(rect(3, 0, 2, 1, 0, bytes(8))))


def test_unrequested_encoding_is_refused():
    c = connected_client()
    with pytest.raises(ProtocolError, match="did not ask for"):
        c.receive_data(fbu(rect(0, 0, 1, 1, 12345)))


def test_pseudo_only_update_paints_nothing():
    # QEMU's first update may only acknowledge extended key events.
    c = connected_client()
    c.receive_data(fbu(rect(0, 0, 4, 3, -258)))
    events = c.next_events()
    assert any(isinstance(e, ev.ExtendedKeyEventsEnabled) for e in events)
    upd = [e for e in events if isinstance(e, ev.FramebufferUpdated)][0]
    assert upd.damage == () and upd.bounds is None
    assert c.extended_key_events


def test_pointer_mode_change_tracks_relative_and_absolute():
    c = connected_client()
    c.receive_data(fbu(rect(0, 0, 4, 3, -257)))
    assert ev.PointerModeChanged(False) in c.next_events()
    assert not c.pointer_absolute
    c.receive_data(fbu(rect(1, 0, 4, 3, -257)))
    assert ev.PointerModeChanged(True) in c.next_events()


def test_desktop_size_resizes_and_last_rect_ends_the_update():
    c = connected_client()
    c.receive_data(fbu(rect(0, 0, 10, 8, -223), rect(0, 0, 0, 0, -224), count=0xFFFF))
    events = c.next_events()
    assert ev.DesktopResized(10, 8) in events
    assert c.fb.pixels.shape == (8, 10)
    assert any(isinstance(e, ev.FramebufferUpdated) for e in events)


def test_extended_desktop_size_with_screens():
    c = connected_client()
    body = bytes([1, 0, 0, 0]) + bytes(16)
    c.receive_data(fbu(rect(0, 0, 16, 9, -308, body)))
    assert ev.DesktopResized(16, 9) in c.next_events()


def test_huge_desktop_size_is_refused():
    c = connected_client()
    with pytest.raises(ProtocolError):
        c.receive_data(fbu(rect(0, 0, 60000, 60000, -223)))


def test_desktop_name_change():
    c = connected_client()
    c.receive_data(fbu(rect(0, 0, 0, 0, -307, struct.pack(">I", 3) + b"abc")))
    assert ev.DesktopNameChanged("abc") in c.next_events()


def test_cursor_shape_keeps_image_and_mask():
    c = connected_client()
    pixels = struct.pack("<4I", 0xFF0000, 0x00FF00, 0x0000FF, 0xFFFFFF)
    mask = bytes([0b10000000, 0b01000000])
    c.receive_data(fbu(rect(1, 0, 2, 2, -239, pixels + mask)))
    cur = [e for e in c.next_events() if isinstance(e, ev.CursorShape)][0]
    assert (cur.hotspot_x, cur.hotspot_y, cur.width, cur.height) == (1, 0, 2, 2)
    assert tuple(cur.rgba[0, 0]) == (255, 0, 0, 255)
    assert cur.rgba[0, 1, 3] == 0 and cur.rgba[1, 1, 3] == 255


def test_colour_map_server_in_native_8bpp():
    pf = PRESETS["bgr233"].__class__(8, 8, False, False, 0, 0, 0, 0, 0, 0)
    c = RFBClient(pixel_format="native")
    c.receive_data(handshake(width=2, height=1, pf=pf))
    c.next_events()
    colours = struct.pack(">HH", 5, 1) + struct.pack(">3H", 0xFFFF, 0x8000, 0)
    c.receive_data(bytes([1, 0]) + colours + fbu(rect(0, 0, 2, 1, 0, bytes([5, 0]))))
    assert c.fb.pixels[0, 0] == 0xFF8000
    assert c.fb.pixels[0, 1] == 0


def test_input_messages_have_the_spec_layout():
    c = connected_client(extended_clipboard=False)
    assert c.key_event(True, 0x61) == bytes([4, 1, 0, 0, 0, 0, 0, 0x61])
    assert c.pointer_event(300, 2, 1) == bytes([5, 1, 1, 44, 0, 2])
    assert c.relative_pointer_event(-1, 2, 0) == bytes([5, 0]) + struct.pack(">HH", 0x7FFE, 0x8001)
    assert c.client_cut_text("hi") == bytes([6, 0, 0, 0, 0, 0, 0, 2]) + b"hi"


def test_scancode_key_uses_qemu_message_only_after_acknowledgement():
    c = connected_client()
    assert c.scancode_key_event(True, 0xFFE4, 0xE01D)[0] == 4
    c.receive_data(fbu(rect(0, 0, 4, 3, -258)))
    msg = c.scancode_key_event(True, 0xFFE4, 0xE01D)
    assert msg == bytes([255, 0, 0, 1]) + struct.pack(">II", 0xFFE4, 0x9D)


def test_opaque_mode_sets_the_padding_byte_in_painted_areas_only():
    c = RFBClient(opaque=True)
    c.receive_data(handshake(width=4, height=3))
    assert (c.fb.pixels == 0xFF000000).all()
    c.receive_data(fbu(rect(0, 0, 1, 1, 0, struct.pack("<I", 0x123456))))
    assert c.fb.pixels[0, 0] == 0xFF123456


def test_replay_can_follow_a_recorded_security_choice():
    c = RFBClient(password="x")
    c.forced_security = 2
    c.receive_data(b"RFB 003.008\n" + bytes([2, 1, 2]) + bytes(16) + struct.pack(">I", 0)
                   + b"\0\4\0\3" + PRESETS["rgb888"].pack() + struct.pack(">I", 0))
    assert any(isinstance(e, ev.Connected) for e in c.next_events())
    assert c.security_type == 2
