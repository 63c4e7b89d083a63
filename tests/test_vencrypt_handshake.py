"""VeNCrypt (security type 19) as the protocol core negotiates it, byte for byte.

The server's bytes before and after the TLS handshake are fed whole and split
at every possible boundary; the client's answers must be exact.
"""

from __future__ import annotations

import struct

import pytest

from qvmrc.errors import AuthenticationError, ProtocolError
from qvmrc.rfb import events as ev
from qvmrc.rfb import vencrypt as vc
from qvmrc.rfb.auth import vnc_auth_response
from qvmrc.rfb.connection import RFBClient, State
from tests.support.rfbstream import server_init

ALL = frozenset(vc.ANONYMOUS | vc.X509)
CHALLENGE = bytes(range(16))


def offer(*subtypes: int, version: bytes = b"RFB 003.008\n", types: bytes = bytes([1, 19])) -> bytes:
    """The server's bytes up to and including its ack of the client's subtype."""
    return (version + types + bytes([0, 2]) + bytes([0, len(subtypes)])
            + struct.pack(f">{len(subtypes)}I", *subtypes) + bytes([1]))


def splits(data: bytes):
    yield [data]
    for i in range(1, len(data)):
        yield [data[:i], data[i:]]


def feed(c: RFBClient, parts: list[bytes]) -> list:
    for part in parts:
        c.receive_data(part)
    return c.next_events()


def client_answer(subtype: int) -> bytes:
    return b"RFB 003.008\n" + bytes([19]) + bytes([0, 2]) + struct.pack(">I", subtype)


@pytest.mark.parametrize("subtype,anonymous", [
    (vc.TLS_NONE, True), (vc.TLS_VNC, True), (vc.TLS_PLAIN, True),
    (vc.X509_NONE, False), (vc.X509_VNC, False), (vc.X509_PLAIN, False),
])
def test_each_subtype_asks_for_the_right_kind_of_tls_at_every_split(subtype, anonymous):
    pre = offer(subtype)
    for parts in splits(pre):
        c = RFBClient(password="pw", username="me", vencrypt_subtypes=ALL)
        events = feed(c, parts)
        assert c.data_to_send() == client_answer(subtype)
        assert events == [ev.StartTLS(anonymous=anonymous, subtype=vc.SUBTYPE_NAMES[subtype])]
        assert c.state is State.WAIT_TLS


@pytest.mark.parametrize("subtype", [vc.TLS_NONE, vc.X509_NONE])
def test_none_inside_tls_reads_a_security_result_then_server_init(subtype):
    inner = struct.pack(">I", 0) + server_init(8, 6, name="tls vm")
    for parts in splits(inner):
        c = RFBClient(vencrypt_subtypes=ALL)
        feed(c, [offer(subtype)])
        c.data_to_send()
        c.tls_established()
        assert c.data_to_send() == b""  # nothing to say before the result
        events = feed(c, parts)
        connected = [e for e in events if isinstance(e, ev.Connected)]
        assert connected and connected[0].name == "tls vm"
        assert connected[0].security_type == f"VeNCrypt {vc.SUBTYPE_NAMES[subtype]}"
        assert c.data_to_send().startswith(b"\x01")  # ClientInit, shared


@pytest.mark.parametrize("subtype", [vc.TLS_VNC, vc.X509_VNC])
def test_vnc_auth_inside_tls_answers_the_challenge(subtype):
    inner = CHALLENGE + struct.pack(">I", 0) + server_init(8, 6)
    for parts in splits(inner):
        c = RFBClient(password="secret", vencrypt_subtypes=ALL)
        feed(c, [offer(subtype)])
        c.data_to_send()
        c.tls_established()
        events = feed(c, parts)
        out = c.data_to_send()
        assert out.startswith(vnc_auth_response("secret", CHALLENGE) + b"\x01")
        assert any(isinstance(e, ev.Connected) for e in events)


@pytest.mark.parametrize("subtype", [vc.TLS_PLAIN, vc.X509_PLAIN])
def test_plain_sends_username_and_password_lengths_then_both_right_after_tls(subtype):
    c = RFBClient(password="pässword", username="alice", vencrypt_subtypes=ALL)
    feed(c, [offer(subtype)])
    c.data_to_send()
    c.tls_established()
    pw = "pässword".encode()
    assert c.data_to_send() == struct.pack(">II", 5, len(pw)) + b"alice" + pw
    inner = struct.pack(">I", 0) + server_init(8, 6)
    for parts in splits(inner):
        c2 = RFBClient(password="pässword", username="alice", vencrypt_subtypes=ALL)
        feed(c2, [offer(subtype)])
        c2.tls_established()
        assert any(isinstance(e, ev.Connected) for e in feed(c2, parts))


def test_plain_without_a_password_asks_for_one_before_sending_anything():
    c = RFBClient(username="alice", vencrypt_subtypes=ALL)
    feed(c, [offer(vc.TLS_PLAIN)])
    c.data_to_send()
    c.tls_established()
    assert c.next_events() == [ev.PasswordRequired()]
    assert c.data_to_send() == b""
    c.send_password("pw")
    assert c.data_to_send() == struct.pack(">II", 5, 2) + b"alicepw"


def test_vnc_auth_inside_tls_without_password_asks_for_one():
    c = RFBClient(vencrypt_subtypes=ALL)
    feed(c, [offer(vc.X509_VNC)])
    c.data_to_send()
    c.tls_established()
    assert feed(c, [CHALLENGE]) == [ev.PasswordRequired()]
    c.send_password("secret")
    assert c.data_to_send() == vnc_auth_response("secret", CHALLENGE)


def test_wrong_password_inside_tls_is_an_authentication_error_with_the_reason():
    c = RFBClient(password="bad", vencrypt_subtypes=ALL)
    feed(c, [offer(vc.TLS_VNC)])
    c.tls_established()
    reason = b"Authentication failed\0"
    with pytest.raises(AuthenticationError, match="Authentication failed"):
        c.receive_data(CHALLENGE + struct.pack(">II", 1, len(reason)) + reason)


def test_vencrypt_is_preferred_over_vnc_auth_and_none_when_usable():
    c = RFBClient(password="pw", vencrypt_subtypes=vc.ANONYMOUS)
    c.receive_data(b"RFB 003.008\n" + bytes([3, 2, 1, 19]))
    assert c.data_to_send() == b"RFB 003.008\n" + bytes([19])


def test_vencrypt_is_not_chosen_when_the_caller_cannot_do_tls():
    c = RFBClient(password="pw")
    c.receive_data(b"RFB 003.008\n" + bytes([2, 19, 2]))
    assert c.data_to_send() == b"RFB 003.008\n" + bytes([2])


def test_verified_subtypes_are_preferred_over_anonymous_ones():
    c = RFBClient(password="pw", vencrypt_subtypes=ALL)
    feed(c, [offer(vc.TLS_VNC, vc.TLS_NONE, vc.X509_VNC)])
    assert c.data_to_send().endswith(struct.pack(">I", vc.X509_VNC))


def test_without_a_ca_only_anonymous_subtypes_are_chosen():
    c = RFBClient(password="pw", vencrypt_subtypes=vc.ANONYMOUS)
    feed(c, [offer(vc.X509_NONE, vc.TLS_VNC)])
    assert c.data_to_send().endswith(struct.pack(">I", vc.TLS_VNC))


def test_x509_only_server_without_a_ca_names_what_is_missing():
    c = RFBClient(vencrypt_subtypes=vc.ANONYMOUS)
    with pytest.raises(AuthenticationError, match=r"X509None \(260\) needs the CA certificate"):
        c.receive_data(offer(vc.X509_NONE)[:-1])


def test_plain_needs_a_username_and_plain_without_tls_is_never_used():
    c = RFBClient(password="pw", vencrypt_subtypes=ALL | {vc.PLAIN})
    with pytest.raises(AuthenticationError, match=r"TLSPlain \(259\) needs a username.*Plain \(256\) sends"):
        c.receive_data(offer(vc.TLS_PLAIN, vc.PLAIN)[:-1])


def test_old_vencrypt_version_is_refused_with_an_answer_of_zero():
    c = RFBClient(vencrypt_subtypes=ALL)
    with pytest.raises(AuthenticationError, match="VeNCrypt 0.1"):
        c.receive_data(b"RFB 003.008\n" + bytes([1, 19, 0, 1]))
    assert c.data_to_send().endswith(b"\0\0")


def test_newer_vencrypt_version_is_answered_with_0_2():
    c = RFBClient(vencrypt_subtypes=ALL)
    c.receive_data(b"RFB 003.008\n" + bytes([1, 19, 0, 3]))
    assert c.data_to_send().endswith(bytes([19, 0, 2]))


def test_server_refusing_the_version_or_the_subtype_is_an_authentication_error():
    c = RFBClient(vencrypt_subtypes=ALL)
    with pytest.raises(AuthenticationError, match="refused VeNCrypt version"):
        c.receive_data(b"RFB 003.008\n" + bytes([1, 19, 0, 2, 255]))
    c = RFBClient(vencrypt_subtypes=ALL)
    with pytest.raises(AuthenticationError, match=r"refused VeNCrypt subtype TLSNone \(257\)"):
        c.receive_data(offer(vc.TLS_NONE)[:-1] + b"\0")


def test_empty_or_absurd_subtype_lists_are_refused():
    c = RFBClient(vencrypt_subtypes=ALL)
    with pytest.raises(AuthenticationError, match="no VeNCrypt subtypes"):
        c.receive_data(b"RFB 003.008\n" + bytes([1, 19, 0, 2, 0, 0]))
    c = RFBClient(vencrypt_subtypes=ALL)
    with pytest.raises(ProtocolError, match="255 VeNCrypt subtypes"):
        c.receive_data(b"RFB 003.008\n" + bytes([1, 19, 0, 2, 0, 255]))


def test_bytes_before_the_tls_handshake_are_a_protocol_error():
    c = RFBClient(vencrypt_subtypes=ALL)
    with pytest.raises(ProtocolError, match="before the VeNCrypt TLS handshake"):
        c.receive_data(offer(vc.TLS_NONE) + b"\x16\x03")


def test_tls_established_without_start_tls_is_a_programming_error():
    with pytest.raises(RuntimeError):
        RFBClient().tls_established()


def test_rfb_3_7_still_reads_the_security_result_after_vencrypt():
    c = RFBClient(vencrypt_subtypes=ALL)
    feed(c, [offer(vc.TLS_NONE, version=b"RFB 003.007\n")])
    c.tls_established()
    assert feed(c, [struct.pack(">I", 0) + server_init(4, 3)])[-1].width == 4


def test_replay_follows_the_recorded_subtype_without_tls():
    # A recording holds the VeNCrypt negotiation and then the bytes from inside TLS.
    c = RFBClient(password="replay")
    c.forced_security = 19
    c.forced_subtype = vc.TLS_NONE
    events = feed(c, [offer(vc.X509_NONE, vc.TLS_NONE) + struct.pack(">I", 0) + server_init(4, 3)])
    assert not any(isinstance(e, ev.StartTLS) for e in events)
    assert any(isinstance(e, ev.Connected) for e in events)
    assert c.security_subtype == vc.TLS_NONE


def test_random_bytes_after_choosing_vencrypt_end_only_in_typed_errors_or_waiting():
    import random

    rng = random.Random(19)
    prefix = b"RFB 003.008\n" + bytes([1, 19])
    for _ in range(2000):
        tail = bytes(rng.getrandbits(8) for _ in range(rng.randrange(0, 40)))
        if rng.random() < 0.5:  # a plausible start makes the later states reachable
            tail = bytes([0, 2, 0, 1]) + struct.pack(">I", rng.choice(sorted(ALL))) + tail
        c = RFBClient(password="pw", username="u", vencrypt_subtypes=ALL)
        try:
            c.receive_data(prefix + tail)
        except (ProtocolError, AuthenticationError):
            assert c.state is State.CLOSED
            continue
        if c.state is State.WAIT_TLS:
            c.tls_established()
