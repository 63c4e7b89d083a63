"""Remote resize: ExtendedDesktopSize parsing and SetDesktopSize, on bytes and real servers."""

from __future__ import annotations

import asyncio
import struct

import pytest

from qvmrc.errors import ProtocolError
from qvmrc.rfb import desktopsize
from qvmrc.rfb import events as ev
from qvmrc.rfb.connection import RFBClient
from qvmrc.session import Session, SessionListener, SessionOptions
from tests.conftest import needs_qemu, needs_xvnc
from tests.support import servers
from tests.support.rfbstream import fbu, handshake, rect


def connected_client() -> RFBClient:
    c = RFBClient()
    c.receive_data(handshake(b"RFB 003.008\n", width=1024, height=768, name="vm"))
    c.next_events()
    c.data_to_send()
    return c


def screen(sid: int, x: int, y: int, w: int, h: int, flags: int = 0) -> bytes:
    return struct.pack(">IHHHHI", sid, x, y, w, h, flags)


def eds(x: int, y: int, w: int, h: int, *screens: bytes) -> bytes:
    return rect(x, y, w, h, -308, bytes([len(screens), 0, 0, 0]) + b"".join(screens))


def test_set_desktop_size_is_unsent_until_the_server_shows_it_understands():
    c = connected_client()
    assert c.set_desktop_size(800, 600) == b""


def test_set_desktop_size_keeps_the_servers_screen_id_and_flags():
    c = connected_client()
    c.receive_data(fbu(eds(0, 0, 1024, 768, screen(77, 0, 0, 1024, 768, 5))))
    assert c.desktop_resize_supported
    assert c.screens == (desktopsize.Screen(77, 0, 0, 1024, 768, 5),)
    out = c.set_desktop_size(800, 600)
    assert out == bytes([251, 0]) + struct.pack(">HHBx", 800, 600, 1) + screen(77, 0, 0, 800, 600, 5)


def test_a_refusal_reports_its_status_and_keeps_the_size():
    c = connected_client()
    c.receive_data(fbu(eds(0, 0, 1024, 768, screen(0, 0, 0, 1024, 768))))
    c.next_events()
    c.receive_data(fbu(eds(1, 3, 1024, 768, screen(0, 0, 0, 1024, 768))))
    events = c.next_events()
    assert ev.DesktopSizeResult(3, 1024, 768) in events
    assert not any(isinstance(e, ev.DesktopResized) for e in events)
    assert "invalid screen layout" in desktopsize.status_text(3)


def test_an_accepted_request_resizes_and_reports_success():
    c = connected_client()
    c.receive_data(fbu(eds(1, 0, 800, 600, screen(0, 0, 0, 800, 600))))
    events = c.next_events()
    assert ev.DesktopSizeResult(0, 800, 600) in events and ev.DesktopResized(800, 600) in events
    assert c.fb.pixels.shape == (600, 800)


def test_another_clients_resize_is_not_reported_as_ours():
    c = connected_client()
    c.receive_data(fbu(eds(2, 0, 640, 480, screen(0, 0, 0, 640, 480))))
    events = c.next_events()
    assert ev.DesktopResized(640, 480) in events
    assert not any(isinstance(e, ev.DesktopSizeResult) for e in events)


def test_a_layout_of_too_many_screens_is_refused_before_reading_it():
    c = connected_client()
    with pytest.raises(ProtocolError, match="200 screens"):
        c.receive_data(fbu(rect(0, 0, 10, 10, -308, bytes([200, 0, 0, 0]))))


def test_a_layout_split_at_every_byte_still_parses():
    c = connected_client()
    data = fbu(eds(0, 0, 640, 480, screen(1, 0, 0, 320, 480), screen(2, 320, 0, 320, 480)))
    for i in range(len(data)):
        c.receive_data(data[i:i + 1])
    assert [s.id for s in c.screens] == [1, 2]
    # Two screens become one that covers the window.
    assert c.set_desktop_size(1000, 700)[8:12] == b"\0\0\0\0"


def test_impossible_sizes_are_not_sent():
    with pytest.raises(ValueError):
        desktopsize.set_desktop_size(0, 600)
    with pytest.raises(ValueError):
        desktopsize.set_desktop_size(70000, 600)


# ------------------------------------------------------------------ real servers


class _Listener(SessionListener):
    def __init__(self) -> None:
        self.results: list[ev.DesktopSizeResult] = []
        self.got = asyncio.Event()

    def desktop_size_result(self, result: ev.DesktopSizeResult) -> None:
        self.results.append(result)
        self.got.set()


async def _ask(url: str, width: int, height: int) -> tuple[Session, _Listener, asyncio.Task[None]]:
    lst = _Listener()
    s = Session(url, SessionOptions(), lst)
    task = asyncio.ensure_future(s.run())
    await asyncio.wait_for(s.wait_connected(), 30)
    for _ in range(200):  # ExtendedDesktopSize comes with the first update
        if s.desktop_resize_supported:
            break
        await asyncio.sleep(0.05)
    assert s.request_desktop_size(width, height)
    await asyncio.wait_for(lst.got.wait(), 30)
    return s, lst, task


async def _end(s: Session, task: asyncio.Task[None]) -> None:
    await s.close()
    await asyncio.gather(task, return_exceptions=True)


@pytest.mark.real
@needs_xvnc
async def test_xvnc_resizes_its_screen_on_set_desktop_size():
    with servers.xvnc(1024, 768) as srv:
        s, lst, task = await _ask(srv.url, 800, 600)
        try:
            assert lst.results[0].status == desktopsize.STATUS_OK
            assert s.framebuffer is not None and (s.framebuffer.width, s.framebuffer.height) == (800, 600)
            assert srv.xwd().shape[:2] == (600, 800)  # the X server's own root window
        finally:
            await _end(s, task)


@pytest.mark.real
@needs_qemu
async def test_qemu_std_vga_refuses_set_desktop_size_as_an_invalid_layout():
    # QEMU 7.2's std VGA (with or without edid=on) has no UI-info hook: status 3.
    with servers.qemu(width=1024, height=768, vga=("-device", "VGA,edid=on")) as srv:
        srv.wait_still(1024, 768)
        s, lst, task = await _ask(srv.url, 800, 600)
        try:
            assert lst.results[0].status == desktopsize.STATUS_INVALID_LAYOUT
            assert s.framebuffer is not None and s.framebuffer.width == 1024
        finally:
            await _end(s, task)


@pytest.mark.real
@needs_qemu
async def test_qemu_virtio_vga_forwards_set_desktop_size_to_the_guest():
    # virtio-vga hands the size to the guest's driver (status 4); the still guest
    # has no such driver, so its screen stays as it was.
    with servers.qemu(width=1024, height=768, vga=("-device", "virtio-vga")) as srv:
        srv.wait_still(1024, 768)
        s, lst, task = await _ask(srv.url, 800, 600)
        try:
            assert lst.results[0].status == desktopsize.STATUS_FORWARDED
            assert lst.results[0].accepted
        finally:
            await _end(s, task)


# ------------------------------------------------------- live quality (real server)


@pytest.mark.real
@needs_xvnc
async def test_a_live_encoding_change_takes_effect_on_xvnc():
    with servers.xvnc(320, 240) as srv:
        s = Session(srv.url, SessionOptions(encodings=("tight", "raw")), SessionListener())
        task = asyncio.ensure_future(s.run())
        try:
            await asyncio.wait_for(s.wait_connected(), 30)
            pic = servers.reference_picture(320, 240)
            await asyncio.to_thread(srv.show, pic)
            for _ in range(600):
                if s.stats.encodings.get("tight"):
                    break
                await asyncio.sleep(0.05)
            assert s.stats.encodings.get("tight") and not s.stats.encodings.get("zrle")
            s.set_encoding_preferences(("zrle", "raw"), None, None)
            assert s.options.encodings == ("zrle", "raw")  # and for a reconnect
            await asyncio.to_thread(srv.show, pic[::-1].copy())
            for _ in range(600):
                if s.stats.encodings.get("zrle"):
                    break
                await asyncio.sleep(0.05)
            assert s.stats.encodings.get("zrle")
        finally:
            await _end(s, task)


def test_a_live_encoding_change_is_one_set_encodings_message():
    c = connected_client()
    out = c.set_encoding_preferences(("zrle", "raw"), 5, 2)
    n = struct.unpack(">H", out[2:4])[0]
    encs = struct.unpack(f">{n}i", out[4:])
    assert out[0] == 2 and encs[:2] == (16, 0)
    assert -32 + 5 in encs and -256 + 2 in encs and -308 in encs
    with pytest.raises(ValueError):
        c.set_encoding_preferences(("h264",), None, None)
