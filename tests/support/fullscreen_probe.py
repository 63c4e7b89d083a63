"""Child process for the two-output Weston test: fullscreen on a chosen screen, then back.

Prints one JSON line with what Qt saw; run with the platform (wayland or xcb) in the env.
"""

from __future__ import annotations

import json
import sys
import tempfile

from PySide6.QtCore import QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from qvmrc.settings import Settings, SettingsStore
from qvmrc.ui.console_tab import ConsoleTab, ConsoleTarget
from qvmrc.ui.main_window import MainWindow


async def _never(_t: object) -> None:  # the tab never connects: only the window matters
    import asyncio

    await asyncio.Event().wait()


def main() -> None:
    want = sys.argv[1]
    app = QApplication([])
    settings = Settings()
    w = MainWindow(settings, SettingsStore(tempfile.mkdtemp()), None, auto_refresh=False,
                   tab_factory=lambda t: ConsoleTab(t, settings, resolver=_never))
    w.resize(800, 500)
    w.show()
    w.open_target(ConsoleTarget(key="k", title="vm", target="vnc://127.0.0.1:1"))
    out: dict[str, object] = {"screens": [s.name() for s in QGuiApplication.screens()],
                              "menu_enabled": w.monitor_menu.isEnabled()}
    place = w.fullscreen.place_on_screen

    def placed() -> None:  # where the app put the window just before showFullScreen
        place()
        out.setdefault("placed", [w.x(), w.y(), w.screen().name()])

    w.fullscreen.place_on_screen = placed  # type: ignore[method-assign]
    steps = iter([
        lambda: w.set_fullscreen_screen(want),
        lambda: w.toggle_fullscreen(),
        lambda: out.update(full_screen=w.screen().name(), full_size=[w.width(), w.height()],
                           is_full=w.isFullScreen()),
        lambda: w.toggle_fullscreen(),
        lambda: out.update(after=w.isFullScreen()),
    ])

    def tick() -> None:
        step = next(steps, None)
        if step is None:
            print(json.dumps(out), flush=True)
            app.quit()
            return
        step()
        QTimer.singleShot(700, tick)

    QTimer.singleShot(700, tick)
    app.exec()


if __name__ == "__main__":
    main()
