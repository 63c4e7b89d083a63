"""Clipboard sync: local copies reach the VM (ClientCutText), the VM's reach the local
clipboard (ServerCutText), never echoed back, and nothing moves while sharing is off.

The end-to-end test runs a real console tab and session against the demo VM's RFB
server; the unit tests drive ClipboardSync with a stand-in session.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest

pytest.importorskip("PySide6")
pytest.importorskip("qasync")

from PySide6.QtCore import QPoint, Qt  # noqa: E402
from PySide6.QtGui import QGuiApplication  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402

from qvmrc.demo.server import DemoServer  # noqa: E402
from qvmrc.session import SessionState  # noqa: E402
from qvmrc.settings import Settings  # noqa: E402
from qvmrc.ui.clipboard import MAX_CLIPBOARD, ClipboardSync  # noqa: E402
from qvmrc.ui.console_tab import ConsoleTab, ConsoleTarget  # noqa: E402
from tests.conftest import needs_qemu  # noqa: E402
from tests.support.console_fakes import FakeView  # noqa: E402
from tests.support.uiloop import run  # noqa: E402


class Sink:
    def __init__(self, ready: bool = True) -> None:
        self.ready = ready
        self.sent: list[str] = []

    def client_cut_text(self, text: str) -> None:
        self.sent.append(text)


def _sync(qapp) -> tuple[ClipboardSync, Sink]:
    qapp.clipboard().setText("before")
    sync = ClipboardSync(qapp.clipboard())
    sync.interacted = True  # the user has used the console (see test_link_trust for before)
    sink = Sink()
    sync.attach(sink)
    return sync, sink


def test_a_local_copy_is_sent_once(qapp):
    sync, sink = _sync(qapp)
    qapp.clipboard().setText("copied on the host")
    qapp.clipboard().setText("copied on the host")
    assert sink.sent == ["copied on the host"]
    sync.close()


def test_nothing_is_sent_while_sharing_is_off_or_the_console_is_not_connected(qapp):
    sync, sink = _sync(qapp)
    sync.set_enabled(False)
    qapp.clipboard().setText("private")
    sync.set_enabled(True)
    sink.ready = False
    qapp.clipboard().setText("too early")
    assert sink.sent == []
    sync.close()


def test_server_text_lands_locally_and_is_not_echoed(qapp):
    sync, sink = _sync(qapp)
    sync.server_text("copied in the VM")
    assert qapp.clipboard().text() == "copied in the VM"
    assert sink.sent == []  # the server has it already
    sync.set_enabled(False)
    sync.server_text("ignored")
    assert qapp.clipboard().text() == "copied in the VM"
    sync.close()


def test_oversized_local_text_is_not_sent(qapp):
    sync, sink = _sync(qapp)
    qapp.clipboard().setText("x" * (MAX_CLIPBOARD + 1))
    assert sink.sent == []
    sync.close()


def test_the_session_is_told_when_sharing_may_happen(qapp):
    class GatedSink(Sink):
        def __init__(self) -> None:
            super().__init__()
            self.gates: list[bool] = []

        def set_clipboard_shared(self, shared: bool) -> None:
            self.gates.append(shared)

    sync = ClipboardSync(qapp.clipboard())
    sink = GatedSink()
    sync.attach(sink)
    assert sink.gates == [False]  # not before the user's first key or click
    sync.user_interacted()
    assert sink.gates == [False, True]
    sync.set_enabled(False)
    assert sink.gates[-1] is False
    sync.close()


async def _until(cond: Callable[[], bool], guard: float = 15.0) -> None:
    """Wait for real network round trips; the guard only stops a hang."""
    deadline = asyncio.get_running_loop().time() + guard
    while not cond():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition never became true")
        await asyncio.sleep(0.01)


def test_clipboard_round_trip_with_a_real_rfb_server(qtbot, loop):
    clip = QGuiApplication.clipboard()
    clip.setText("on the host before connecting")
    settings = Settings()

    async def scenario() -> None:
        async with DemoServer() as demo:
            port = demo.port
            tab = ConsoleTab(ConsoleTarget(key="demo", title="demo", target=f"vnc://127.0.0.1:{port}",
                                           trusted=True), settings, view=FakeView())
            qtbot.addWidget(tab)
            tab.start()
            try:
                await _until(lambda: tab.state is SessionState.CONNECTED)
                # Nothing is shared before the user's first key or click in the console.
                tab.session.key_event(0x7A, True)
                tab.session.key_event(0x7A, False)
                await _until(lambda: demo.typed_text.endswith("z"))
                assert demo.screen.clipboard != "on the host before connecting"
                # The first click pushes what is on the clipboard, so a paste in the VM works.
                QTest.mouseClick(tab.view, Qt.MouseButton.LeftButton, pos=QPoint(3, 3))
                await _until(lambda: demo.screen.clipboard == "on the host before connecting")
                clip.setText("copied on the host")
                await _until(lambda: demo.screen.clipboard == "copied on the host")

                demo.send_cut_text("copied in the VM: café")
                await _until(lambda: clip.text() == "copied in the VM: café")
                # Not echoed: a key sent now arrives after any cut text would have.
                tab.session.key_event(0x61, True)
                tab.session.key_event(0x61, False)
                await _until(lambda: demo.typed_text.endswith("a"))
                assert demo.screen.clipboard == "copied on the host"

                settings.clipboard_sync = False
                tab.apply_settings(settings)
                received: list[str] = []
                tab.bridge.cutText.connect(received.append)
                clip.setText("secret copied while sharing is off")
                demo.send_cut_text("from the VM while off")
                await _until(lambda: received == ["from the VM while off"])  # arrived, and ignored
                tab.session.key_event(0x62, True)
                tab.session.key_event(0x62, False)
                await _until(lambda: demo.typed_text.endswith("b"))  # after any cut text we'd send
                assert demo.screen.clipboard == "copied on the host"
                assert clip.text() == "secret copied while sharing is off"
            finally:
                await tab.close_console()

    run(loop, scenario(), timeout=60)


@needs_qemu
@pytest.mark.real
def test_the_apps_clipboard_and_a_qemu_peer_exchange_utf8(qtbot, loop):
    """QEMU relays between its VNC clients: a second session stands in for the VM's clipboard."""
    from qvmrc.session import Session, SessionListener, SessionOptions
    from tests.support import servers

    clip = QGuiApplication.clipboard()
    clip.setText("vorher ✓ 日本")
    settings = Settings()

    class Peer(SessionListener):
        def __init__(self) -> None:
            self.texts: list[str] = []

        def clipboard(self, text: str) -> None:
            self.texts.append(text)

    async def scenario(url: str) -> None:
        peer = Peer()
        other = Session(url, SessionOptions(), peer)
        other_task = asyncio.create_task(other.run())
        tab = ConsoleTab(ConsoleTarget(key="vm", title="vm", target=url, trusted=True), settings, view=FakeView())
        qtbot.addWidget(tab)
        tab.start()
        try:
            await other.wait_connected()
            await _until(lambda: tab.state is SessionState.CONNECTED)
            await _until(lambda: tab.session.conn.extended_clipboard is True)
            await _until(lambda: other.conn.extended_clipboard is True)
            # Before the user's first click the VM's clipboard is not even fetched.
            received: list[str] = []
            tab.bridge.cutText.connect(received.append)
            other.client_cut_text("zu früh ✓")
            await other.flush()
            # The first click shares what the host had copied.
            QTest.mouseClick(tab.view, Qt.MouseButton.LeftButton, pos=QPoint(3, 3))
            await _until(lambda: peer.texts[-1:] == ["vorher ✓ 日本"])
            clip.setText("kopiert ✓ 日本 ü\nzwei")
            await _until(lambda: peer.texts[-1:] == ["kopiert ✓ 日本 ü\nzwei"])
            other.client_cut_text("aus der VM ✓ 日本 ü\nzwei")
            await _until(lambda: clip.text() == "aus der VM ✓ 日本 ü\nzwei")
            # QEMU told the tab of "zu früh" first on the same connection: had the tab
            # asked for it, it would have arrived before this.
            assert received == ["aus der VM ✓ 日本 ü\nzwei"]
            # Turning sharing off withdraws the host's text from QEMU's clipboard.
            clip.setText("zuletzt ✓")
            await _until(lambda: peer.texts[-1:] == ["zuletzt ✓"])
            assert other.conn.server_clipboard_formats == 1  # text
            settings.clipboard_sync = False
            tab.apply_settings(settings)
            await _until(lambda: other.conn.server_clipboard_formats == 0)
        finally:
            await tab.close_console()
            await other.close()
            await asyncio.gather(other_task, return_exceptions=True)

    with servers.qemu(width=640, height=480, still=False) as srv:
        run(loop, scenario(srv.url), timeout=60)
