"""The keyboard model, the display's loss, SIGTERM and the first window's size in a
real window: the app as a subprocess on Xvfb (xcb), real X key events from xdotool.

The console's server sits behind a relay that keeps what the app sent, so
"keys reach the VM" is the key messages on the wire: the demo VM (absolute
pointer) and QEMU with its PS/2 mouse (relative pointer). Screenshots land in
$QVMRC_SHOTS_DIR when it is set.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("PySide6")
pytest.importorskip("qasync")

from qvmrc.demo import DemoServer  # noqa: E402
from qvmrc.ui.platform_start import DECORATION_ALLOWANCE  # noqa: E402
from tests.support import servers  # noqa: E402
from tests.support.ports import free_display  # noqa: E402
from tests.support.relay import Relay  # noqa: E402
from tests.support.xvfb import SCREEN, needs_xvfb, shot, wait_for, xdotool  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
pytestmark = [pytest.mark.gui, needs_xvfb]
SHOTS = os.environ.get("QVMRC_SHOTS_DIR")
HIGHLIGHT = (48, 140, 198)  # the Fusion palette's highlight: the console's focus frame


@contextmanager
def xserver(screen: tuple[int, int] = SCREEN) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """Xvfb, and its process (one test kills it under the app)."""
    display = f":{free_display(90)}"
    proc = subprocess.Popen(["Xvfb", display, "-screen", "0", f"{screen[0]}x{screen[1]}x24",
                             "-nolisten", "tcp"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(lambda: subprocess.run(["xdotool", "getmouselocation"], env={**os.environ, "DISPLAY": display},
                                        capture_output=True).returncode == 0, "Xvfb to start")
        yield display, proc
    finally:
        if proc.poll() is None:
            proc.terminate()
            proc.wait(10)


@contextmanager
def demo_vm() -> Iterator[DemoServer]:
    """The demo VM (absolute pointer) served from a thread of the test process."""
    loop = asyncio.new_event_loop()
    server = DemoServer(now=lambda: 0.0)  # a still clock: the screen changes only when typed into
    started = threading.Event()

    def run() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(server.start())
        started.set()
        loop.run_forever()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    assert started.wait(10)
    try:
        yield server
    finally:
        async def shutdown() -> None:
            server.close()
            await server.wait_closed()

        asyncio.run_coroutine_threadsafe(shutdown(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()


class App:
    """`qvmrc ARGS -v` on ``display``, its output in a file."""

    def __init__(self, display: str, tmp: Path, *args: str) -> None:
        self.display = display
        self.tmp = tmp
        self.log_path = tmp / "app.log"
        env = {k: v for k, v in os.environ.items() if k != "WAYLAND_DISPLAY"}
        env.update(DISPLAY=display, QT_QPA_PLATFORM="xcb", QVMRC_CONFIG_DIR=str(tmp / "config"),
                   PYTHONPATH=str(ROOT))
        with open(self.log_path, "wb") as out:
            self.proc = subprocess.Popen([sys.executable, "-m", "qvmrc", *args], cwd=tmp, env=env,
                                         stdout=out, stderr=subprocess.STDOUT)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_log(self, text: str, count: int = 1) -> None:
        def seen() -> bool:
            if self.proc.poll() is not None:
                raise AssertionError(f"the app exited with {self.proc.returncode}:\n{self.log()}")
            return self.log().count(text) >= count
        wait_for(seen, repr(text))

    def window(self) -> str:
        return wait_for(lambda: xdotool(self.display, "search", "--name", "QVMRC").split(), "the window")[0]

    def geometry(self) -> tuple[int, int, int, int]:
        g = dict(line.split("=", 1) for line in xdotool(self.display, "getwindowgeometry", "--shell",
                                                        self.window()).split())
        return int(g["X"]), int(g["Y"]), int(g["WIDTH"]), int(g["HEIGHT"])

    def fill_screen(self) -> tuple[int, int, int, int]:
        win = self.window()
        xdotool(self.display, "windowmove", win, "0", "0")
        xdotool(self.display, "windowsize", win, str(SCREEN[0]), str(SCREEN[1]))
        wait_for(lambda: self.geometry()[2:] == SCREEN, "the window to fill the screen")
        return self.geometry()

    def key(self, *keys: str) -> None:
        xdotool(self.display, "key", "--clearmodifiers", *keys)

    def type(self, text: str) -> None:
        xdotool(self.display, "type", "--delay", "30", text)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)


def keep(display: str, tmp: Path, name: str) -> np.ndarray:
    path = tmp / name
    img = shot(display, path)
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(SHOTS) / name)
    return img


def highlight_pixels(img: np.ndarray) -> int:
    return int(np.all(img == np.array(HIGHLIGHT, dtype=np.int16), axis=2).sum())


def keyboard_paths(app: App, relay: Relay, tmp: Path, kind: str) -> None:
    """Before a click, grabbed, after the release hotkey; app shortcuts when not grabbed."""
    d = app.display
    x, y, w, h = app.fill_screen()
    cx, cy = x + int(w * 0.6), y + int(h * 0.3)  # the console, above the debug panel when it shows
    xdotool(d, "mousemove", str(x + w // 2), str(y + 10))  # over the window, not the console
    xdotool(d, "windowfocus", "--sync", app.window())
    time.sleep(0.5)  # let the window settle before the picture (not an assertion)
    frame = highlight_pixels(keep(d, tmp, f"{kind}-1-focus-frame.png"))

    # Not grabbed: typing reaches no VM, and the app's shortcut works.
    shown = app.log().count("debug panel shown")
    app.type("abc")
    app.key("ctrl+shift+d")
    app.wait_log("debug panel shown", shown + 1)
    keep(d, tmp, f"{kind}-2-debug-panel-before-click.png")

    # A click grabs: keys reach the VM, and the app's shortcuts too.
    xdotool(d, "mousemove", str(cx), str(cy), "click", "1")
    app.type("x")
    wait_for(lambda: relay.typed().endswith("x"), "x to reach the VM")
    assert relay.typed() == "x", "keys typed before the click reached the VM"
    grabbed = keep(d, tmp, f"{kind}-3-grabbed-press-ctrl-alt-to-release.png")
    assert highlight_pixels(grabbed) < frame, "the focus frame should go while grabbed"

    # The release hotkey: keys stay on the host again, shortcuts work again.
    app.key("ctrl+alt")
    time.sleep(0.3)
    hidden = app.log().count("debug panel hidden")
    app.type("zzz")
    app.key("ctrl+shift+d")
    app.wait_log("debug panel hidden", hidden + 1)
    keep(d, tmp, f"{kind}-4-released.png")

    # A second click grabs again; what was typed in between never arrived.
    xdotool(d, "mousemove", str(cx), str(cy), "click", "1")
    app.type("y")
    wait_for(lambda: relay.typed().endswith("y"), "y to reach the VM")
    assert relay.typed() == "xy"
    assert not [k for k, down in relay.key_events() if down and k in (ord("z"), ord("a"))]
    assert "Traceback" not in app.log()


def test_keyboard_paths_on_an_absolute_console(tmp_path):
    with xserver() as (display, _), demo_vm() as demo:
        relay = Relay(demo.port)
        app = App(display, tmp_path, f"vnc://127.0.0.1:{relay.port}", "-v")
        try:
            app.wait_log("connected: 1024x768")
            keyboard_paths(app, relay, tmp_path, "absolute")
            assert demo.typed_text == "xy"
            assert "server wants relative" not in app.log()
        finally:
            app.stop()
            relay.close()


@pytest.mark.real
@pytest.mark.skipif(not servers.have("qemu-system-x86_64", "as", "ld"), reason="QEMU / binutils missing")
def test_keyboard_paths_on_a_relative_console_on_real_qemu(tmp_path):
    with xserver() as (display, _), servers.qemu() as vm:
        relay = Relay(vm.port)
        app = App(display, tmp_path, f"vnc://127.0.0.1:{relay.port}", "-v")
        try:
            app.wait_log("server wants relative pointer motion")
            app.wait_log("connected: ")
            keyboard_paths(app, relay, tmp_path, "relative")
        finally:
            app.stop()
            relay.close()


def test_killing_the_x_server_ends_the_app_with_one_line(tmp_path):
    with xserver() as (display, xvfb), demo_vm() as demo:
        app = App(display, tmp_path, f"vnc://127.0.0.1:{demo.port}")
        try:
            wait_for(lambda: demo.viewers == 1, "the console to connect")
            before = app.log()
            xvfb.kill()
            xvfb.wait(10)
            assert app.proc.wait(30) == 1
            after = app.log()[len(before):]
            assert after.splitlines() == [
                "qvmrc: error: the display went away (the connection to the X server was lost)"]
        finally:
            app.stop()


def test_sigterm_closes_the_consoles_and_exits(tmp_path):
    with xserver() as (display, _), demo_vm() as demo:
        app = App(display, tmp_path, f"vnc://127.0.0.1:{demo.port}", "-v")
        try:
            app.wait_log("connected: 1024x768")
            assert demo.viewers == 1
            app.proc.send_signal(signal.SIGTERM)
            assert app.proc.wait(30) == 0
            log = app.log()
            assert "SIGTERM: closing the consoles" in log
            assert "session disconnected: closed" in log
            assert "Traceback" not in log
            wait_for(lambda: demo.viewers == 0, "the demo VM to see the viewer leave")
            assert (tmp_path / "config" / "settings.json").is_file()  # the window's close ran
        finally:
            app.stop()


def test_the_first_window_fits_a_1280x800_screen_with_room_for_its_title_bar(tmp_path):
    with xserver((1280, 800)) as (display, _), demo_vm() as demo:
        app = App(display, tmp_path, f"vnc://127.0.0.1:{demo.port}", "-v")
        try:
            app.wait_log("connected: 1024x768")
            x, y, w, h = app.geometry()
            keep(display, tmp_path, "first-window-1280x800.png")
            assert x >= 0 and x + w <= 1280
            assert y >= DECORATION_ALLOWANCE and y + h <= 800
            assert "Qt platform: xcb" in app.log()
        finally:
            app.stop()
