"""Exercise the toolkit calls the console makes thousands of times and print refcount drift.

Run as a subprocess by tests/test_toolkit_refcounts.py: a toolkit that drops
references to None/True/False (PySide6 6.12.0) would otherwise abort the test
process itself once a count reaches zero. Prints one JSON line:
``{"pyside": "...", "qasync": "...", "drift": {"None": n, "True": n, "False": n}}``
where each drift is the change of ``sys.getrefcount`` over the whole run.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main(rounds: int) -> None:
    import PySide6
    import qasync
    from PySide6.QtCore import QRect
    from PySide6.QtGui import QRegion
    from PySide6.QtWidgets import QApplication, QWidget

    app = QApplication.instance() or QApplication([])
    widget = QWidget()
    widget.resize(320, 240)
    widget.show()
    app.processEvents()
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)

    def counts() -> dict[str, int]:
        return {"None": sys.getrefcount(None), "True": sys.getrefcount(True),
                "False": sys.getrefcount(False)}

    def work() -> bool:
        return True

    async def round_trips() -> None:
        running = asyncio.get_running_loop()
        for _ in range(rounds):
            await running.run_in_executor(None, work)

    # Warm up caches (first calls allocate), then measure.
    for _ in range(50):
        widget.update(QRect(0, 0, 10, 10))
        app.processEvents()
    loop.run_until_complete(round_trips())
    before = counts()
    for i in range(rounds):
        widget.update(QRect(i % 300, i % 220, 16, 16))
        widget.update(QRegion(0, 0, 8 + i % 10, 8))
        app.processEvents()
    loop.run_until_complete(round_trips())
    after = counts()
    loop.close()
    print(json.dumps({"pyside": PySide6.__version__, "qasync": getattr(qasync, "__version__", "?"),
                      "python": sys.version.split()[0],
                      "drift": {k: after[k] - before[k] for k in before}}))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000)
