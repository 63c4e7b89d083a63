"""The demo VM's RFB server, driven by QVMRC's own sans-IO client over plain TCP."""

from __future__ import annotations

import asyncio
import struct
import zlib
from collections.abc import Callable

import numpy as np
import pytest

from qvmrc.demo import DemoServer
from qvmrc.demo.encoder import RectEncoder, cpixel_drop
from qvmrc.demo.screen import keysym_text
from qvmrc.demo.server import changed_rects
from qvmrc.errors import AuthenticationError, ProtocolError
from qvmrc.rfb import events as ev
from qvmrc.rfb.auth import vnc_auth_response
from qvmrc.rfb.connection import RFBClient
from qvmrc.rfb.encodings import numbers
from qvmrc.rfb.pixelformat import PRESETS, PixelConverter, PixelFormat

FROZEN = 1_700_000_000.0  # the clock stands still so pictures can be compared exactly
GUARD = 20.0  # against hangs only


class Viewer:
    """A tiny asyncio loop around RFBClient: read, receive_data, write data_to_send."""

    def __init__(self, client: RFBClient, reader: asyncio.StreamReader,
                 writer: asyncio.StreamWriter) -> None:
        self.client, self.reader, self.writer = client, reader, writer
        self.events: list[ev.Event] = []

    @classmethod
    async def connect(cls, port: int, **kwargs: object) -> Viewer:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        return cls(RFBClient(**kwargs), reader, writer)  # type: ignore[arg-type]

    async def until(self, want: Callable[[ev.Event], bool]) -> ev.Event:
        async def loop() -> ev.Event:
            while True:
                for e in self.client.next_events():
                    self.events.append(e)
                    if want(e):
                        return e
                data = await self.reader.read(65536)
                if not data:
                    raise ConnectionError("server closed the connection")
                self.client.receive_data(data)
                out = self.client.data_to_send()
                if out:
                    self.writer.write(out)
        return await asyncio.wait_for(loop(), GUARD)

    async def frame(self) -> ev.FramebufferUpdated:
        e = await self.until(lambda e: isinstance(e, ev.FramebufferUpdated))
        assert isinstance(e, ev.FramebufferUpdated)
        return e

    async def painted_frame(self) -> ev.FramebufferUpdated:
        e = await self.until(lambda e: isinstance(e, ev.FramebufferUpdated) and e.bounds is not None)
        assert isinstance(e, ev.FramebufferUpdated)
        return e

    def send(self, data: bytes) -> None:
        self.writer.write(data)

    def type(self, text: str) -> None:
        for ch in text:
            self.send(self.client.key_event(True, ord(ch)) + self.client.key_event(False, ord(ch)))

    def close(self) -> None:
        self.writer.close()


@pytest.fixture
async def demo():
    async with DemoServer(now=lambda: FROZEN) as srv:
        yield srv


@pytest.fixture
async def demo_pw():
    async with DemoServer(password="s3cret", now=lambda: FROZEN) as srv:
        yield srv


def expected_pixels(server: DemoServer, pf: PixelFormat) -> np.ndarray:
    """What a viewer in ``pf`` must show: the screen quantized through that format."""
    conv = PixelConverter(pf)
    fb = server.screen.render()
    return conv.pixels(conv.encode(fb)).reshape(fb.shape)


async def test_first_frame_equals_the_servers_screen_with_security_none(demo):
    v = await Viewer.connect(demo.port, encodings=["raw"])
    connected = await v.until(lambda e: isinstance(e, ev.Connected))
    assert (connected.width, connected.height) == (1024, 768)
    assert connected.security_type == "None" and connected.version == "3.8"
    await v.painted_frame()
    assert np.array_equal(v.client.fb.pixels, demo.screen.render())
    v.close()


async def test_vnc_authentication_with_the_right_password(demo_pw):
    v = await Viewer.connect(demo_pw.port, password="s3cret", encodings=["raw"])
    connected = await v.until(lambda e: isinstance(e, ev.Connected))
    assert connected.security_type == "VNC Authentication"
    await v.painted_frame()
    assert np.array_equal(v.client.fb.pixels, demo_pw.screen.render())
    v.close()


async def test_wrong_password_fails_with_an_authentication_error(demo_pw):
    v = await Viewer.connect(demo_pw.port, password="wrong", encodings=["raw"])
    with pytest.raises(AuthenticationError, match="Authentication failed"):
        await v.frame()
    v.close()


async def test_typed_keys_show_up_on_the_screen(demo):
    v = await Viewer.connect(demo.port, encodings=["raw"])
    await v.painted_frame()
    before = v.client.fb.pixels.copy()
    v.type("Hello, World!")
    v.send(v.client.key_event(True, 0xFF0D) + v.client.key_event(False, 0xFF0D))  # Enter
    v.type("xy")
    v.send(v.client.key_event(True, 0xFF08) + v.client.key_event(False, 0xFF08))  # BackSpace
    await asyncio.wait_for(_until(lambda: demo.typed_text == "Hello, World!\nx"), GUARD)
    while not np.array_equal(v.client.fb.pixels, demo.screen.render()):
        await v.frame()
    assert demo.typed_text == "Hello, World!\nx"
    changed = np.argwhere(before != v.client.fb.pixels)
    assert changed.size  # the text console shows it
    v.close()


async def test_incremental_updates_send_only_the_changed_area(demo):
    v = await Viewer.connect(demo.port, encodings=["raw"])
    await v.painted_frame()
    v.type("a")
    upd = await v.painted_frame()
    x, y, w, h = upd.bounds
    assert w * h < 1024 * 768 // 4
    assert np.array_equal(v.client.fb.pixels, demo.screen.render())
    v.close()


async def test_pointer_events_move_the_trail_and_show_buttons(demo):
    v = await Viewer.connect(demo.port, encodings=["raw"])
    await v.painted_frame()
    v.send(v.client.pointer_event(100, 200, 0) + v.client.pointer_event(300, 400, 1))
    await asyncio.wait_for(_until(lambda: demo.pointer == (300, 400, 1)), GUARD)
    assert len(demo.screen.trail) == 2
    v.close()


@pytest.mark.parametrize("pf_name", ["rgb565", "bgr233", "bgr888", "rgb555"])
async def test_pixel_formats_the_viewer_asks_for_are_honoured(demo, pf_name):
    v = await Viewer.connect(demo.port, encodings=["raw"], pixel_format=pf_name)
    await v.painted_frame()
    assert np.array_equal(v.client.fb.pixels, expected_pixels(demo, PRESETS[pf_name]))
    v.close()


async def test_desktop_size_change_reaches_the_viewer(demo):
    v = await Viewer.connect(demo.port, encodings=["raw"])
    await v.painted_frame()
    demo.resize(800, 600)
    await v.until(lambda e: isinstance(e, ev.DesktopResized) and (e.width, e.height) == (800, 600))
    await v.painted_frame()
    assert np.array_equal(v.client.fb.pixels, demo.screen.render())
    v.close()


@pytest.mark.parametrize("encoding", ["zlib", "zrle"])
async def test_compressing_encodings_through_the_client_when_it_decodes_them(demo, encoding):
    v = await Viewer.connect(demo.port, encodings=[encoding, "raw"])
    try:
        upd = await v.painted_frame()
    except ProtocolError as exc:
        if "not implemented" in str(exc):
            pytest.skip(f"the client's {encoding} decoder has not landed yet")
        raise
    assert encoding in upd.encodings
    v.type("z")
    while not np.array_equal(v.client.fb.pixels, demo.screen.render()):
        await v.frame()
    v.close()


async def test_rfb_33_viewer_with_vnc_auth_by_hand(demo_pw):
    r, w = await asyncio.open_connection("127.0.0.1", demo_pw.port)
    assert await r.readexactly(12) == b"RFB 003.008\n"
    w.write(b"RFB 003.003\n")
    assert struct.unpack(">I", await r.readexactly(4))[0] == 2  # the server picks VNC auth
    challenge = await r.readexactly(16)
    w.write(vnc_auth_response("s3cret", challenge))
    assert struct.unpack(">I", await r.readexactly(4))[0] == 0
    w.write(b"\x01")
    width, height, _pf, nlen = struct.unpack(">HH16sI", await r.readexactly(24))
    assert (width, height) == (1024, 768)
    assert (await r.readexactly(nlen)) == b"QVMRC demo VM"
    w.close()


async def test_rfb_37_viewer_with_security_none_by_hand(demo):
    r, w = await asyncio.open_connection("127.0.0.1", demo.port)
    await r.readexactly(12)
    w.write(b"RFB 003.007\n")
    assert await r.readexactly(2) == b"\x01\x01"
    w.write(b"\x01\x01")  # choose None, then ClientInit (no SecurityResult in 3.7)
    width, height, _pf, _n = struct.unpack(">HH16sI", await r.readexactly(24))
    assert (width, height) == (1024, 768)
    w.close()


async def test_wrong_password_on_rfb_37_closes_without_a_reason(demo_pw):
    r, w = await asyncio.open_connection("127.0.0.1", demo_pw.port)
    await r.readexactly(12)
    w.write(b"RFB 003.007\n")
    assert await r.readexactly(2) == b"\x01\x02"
    w.write(b"\x02")
    await r.readexactly(16)
    w.write(b"\0" * 16)
    assert struct.unpack(">I", await r.readexactly(4))[0] == 1
    assert await r.read() == b""
    w.close()


async def test_server_closes_on_an_unknown_message_and_keeps_serving_others(demo):
    v = await Viewer.connect(demo.port, encodings=["raw"])
    await v.painted_frame()
    v.send(b"\x42")
    assert await asyncio.wait_for(v.reader.read(), GUARD) == b""
    v2 = await Viewer.connect(demo.port, encodings=["raw"])
    await v2.painted_frame()
    v2.close()


# ---------------------------------------------------------------- units


async def _until(cond: Callable[[], bool]) -> None:
    while not cond():
        await asyncio.sleep(0.01)


def test_keysyms_become_text():
    assert keysym_text(ord("a")) == "a"
    assert keysym_text(0xE9) == "é"
    assert keysym_text(0x0100263A) == "\u263a"
    assert keysym_text(0xFF0D) == "\n"
    assert keysym_text(0xFFB7) == "7"
    assert keysym_text(0xFFE1) is None  # Shift types nothing


def test_changed_rects_cover_exactly_the_changes():
    old = np.zeros((200, 300), dtype=np.uint32)
    new = old.copy()
    new[5, 7] = 1
    new[150:160, 100:230] = 2
    rects = changed_rects(old, new, (0, 0, 300, 200))
    covered = np.zeros_like(old, dtype=bool)
    for x, y, w, h in rects:
        covered[y:y + h, x:x + w] = True
    assert covered[old != new].all()
    assert sum(w * h for _, _, w, h in rects) == 1 + 10 * 130  # shrunk to the changed pixels
    assert changed_rects(old, old, (0, 0, 300, 200)) == []
    assert changed_rects(old, new, (0, 0, 50, 50)) == [(7, 5, 1, 1)]


def _zrle_decode(body: bytes, w: int, h: int, pf: PixelFormat) -> np.ndarray:
    """A test-side ZRLE reader for the two tile kinds the demo sends (raw, solid)."""
    (n,) = struct.unpack(">I", body[:4])
    data = zlib.decompressobj().decompress(body[4:4 + n])
    conv = PixelConverter(pf)
    drop = cpixel_drop(pf)
    cp = 3 if drop is not None else conv.bpp

    def pixels(raw: bytes) -> np.ndarray:
        if drop is None:
            return conv.pixels(raw)
        wide = np.zeros((len(raw) // 3, 4), dtype=np.uint8)
        wide[:, [i for i in range(4) if i != drop]] = np.frombuffer(raw, np.uint8).reshape(-1, 3)
        return conv.pixels(wide.tobytes())

    out = np.zeros((h, w), dtype=np.uint32)
    pos = 0
    for ty in range(0, h, 64):
        for tx in range(0, w, 64):
            tw, th = min(64, w - tx), min(64, h - ty)
            kind = data[pos]
            pos += 1
            if kind == 1:
                out[ty:ty + th, tx:tx + tw] = pixels(data[pos:pos + cp])[0]
                pos += cp
            else:
                assert kind == 0
                out[ty:ty + th, tx:tx + tw] = pixels(data[pos:pos + cp * tw * th]).reshape(th, tw)
                pos += cp * tw * th
    assert pos == len(data)
    return out


@pytest.mark.parametrize("pf_name", ["rgb888", "bgr888", "rgb565"])
def test_zrle_and_zlib_encoders_round_trip(pf_name):
    pf = PRESETS[pf_name]
    rng = np.random.default_rng(1)
    pixels = np.full((100, 150), 0x123456, dtype=np.uint32)
    pixels[10:80, 70:140] = rng.integers(0, 1 << 24, (70, 70), dtype=np.uint32)
    enc = RectEncoder(pf)
    conv = PixelConverter(pf)
    want = conv.pixels(conv.encode(pixels)).reshape(pixels.shape)

    assert np.array_equal(_zrle_decode(enc.encode(numbers.ZRLE, pixels), 150, 100, pf), want)

    body = enc.encode(numbers.ZLIB, pixels)
    (n,) = struct.unpack(">I", body[:4])
    raw = zlib.decompressobj().decompress(body[4:4 + n])
    assert np.array_equal(conv.pixels(raw).reshape(pixels.shape), want)
    assert len(body) < len(raw)  # it compresses
