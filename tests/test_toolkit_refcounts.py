"""Guard against a toolkit release that leaks or drops references to None/True/False.

PySide6 6.12.0 dropped one reference to None on every ``QWidget.update`` and
``processEvents`` pass, and qasync executor round trips ended in
``bool_dealloc``: the app aborted after minutes. The probe runs thousands of
the calls a console makes in a subprocess (so a crash fails this test instead
of killing pytest) and the counts must stay put.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("PySide6")
pytest.importorskip("qasync")

PROBE = Path(__file__).resolve().parent / "support" / "refcount_probe.py"
ROUNDS = 3000
BOUND = 100  # a few references may legitimately be cached; a per-call loss gives ~ROUNDS

pytestmark = [
    pytest.mark.gui,
    pytest.mark.skipif(sys.version_info >= (3, 12),
                       reason="None/True/False are immortal from Python 3.12: counts are fixed"),
]


def test_thousands_of_updates_and_executor_round_trips_keep_none_true_false_counts():
    out = subprocess.run([sys.executable, str(PROBE), str(ROUNDS)], capture_output=True,
                         text=True, timeout=300, env={"QT_QPA_PLATFORM": "offscreen",
                                                      **_env()})
    if out.returncode != 0:
        last = (out.stderr.strip().splitlines() or ["(no output)"])[0]
        pytest.fail(f"the toolkit probe died (exit {out.returncode}): {last}")
    result = json.loads(out.stdout.strip().splitlines()[-1])
    drift = result["drift"]
    assert all(abs(d) < BOUND for d in drift.values()), (
        f"PySide6 {result['pyside']} / qasync {result['qasync']}: reference counts drifted {drift} "
        f"over {ROUNDS} rounds")


def _env() -> dict[str, str]:
    import os

    return {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
