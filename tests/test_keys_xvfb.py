"""Right Ctrl as the release hotkey in a real window: the app on Xvfb (xcb), real X
key events from xdotool, the keys on the wire read from a relay in front of the demo VM."""

from __future__ import annotations

import json
import time

import pytest

pytest.importorskip("PySide6")
pytest.importorskip("qasync")

from tests.support.relay import Relay  # noqa: E402
from tests.support.xvfb import needs_xvfb, xdotool  # noqa: E402
from tests.test_ui_keyboard_xvfb import App, demo_vm, keep, wait_for, xserver  # noqa: E402

pytestmark = [pytest.mark.gui, needs_xvfb]


def test_right_ctrl_tapped_alone_gives_the_keyboard_back_and_never_reaches_the_vm(tmp_path):
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "settings.json").write_text(json.dumps({"release_hotkey": "Right Ctrl"}))
    with xserver() as (display, _), demo_vm() as demo:
        relay = Relay(demo.port)
        app = App(display, tmp_path, f"vnc://127.0.0.1:{relay.port}", "-v")
        try:
            app.wait_log("connected: 1024x768")
            x, y, w, h = app.fill_screen()
            cx, cy = x + int(w * 0.6), y + int(h * 0.3)
            xdotool(display, "windowfocus", "--sync", app.window())
            xdotool(display, "mousemove", str(cx), str(cy), "click", "1")  # grab
            app.type("x")
            wait_for(lambda: relay.typed().endswith("x"), "x to reach the VM")
            keep(display, tmp_path, "right-ctrl-1-grabbed.png")

            app.key("ctrl+alt")  # no longer the hotkey: the console keeps the keyboard
            app.type("q")
            wait_for(lambda: relay.typed().endswith("q"), "q to reach the VM after Ctrl+Alt")

            app.key("Control_R")  # released
            time.sleep(0.3)
            app.type("zzz")
            keep(display, tmp_path, "right-ctrl-2-released.png")

            xdotool(display, "mousemove", str(cx), str(cy), "click", "1")  # grab again
            app.type("y")
            wait_for(lambda: relay.typed().endswith("y"), "y to reach the VM")
            assert relay.typed() == "xqy"
            sent = [k for k, _down in relay.key_events()]
            assert 0xFFE4 not in sent, "Right Ctrl reached the VM"
            assert 0xFFE3 in sent and 0xFFE9 in sent  # Ctrl+Alt did, as guest keys
            assert "Traceback" not in app.log()
        finally:
            app.stop()
            relay.close()
