"""Shared fixtures: real servers started once per module where they are slow to start."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from tests.support import servers  # noqa: E402

needs_qemu = pytest.mark.skipif(not servers.have("qemu-system-x86_64", "as", "ld"),
                                reason="qemu-system-x86_64 / binutils not installed")
needs_xvnc = pytest.mark.skipif(not servers.have("Xvnc", "xwd", "convert", "display"),
                                reason="Xvnc / x11-apps / imagemagick not installed")


@pytest.fixture
def xserver():  # type: ignore[no-untyped-def]
    """Xvfb on a display nobody uses, for one test; yields ':N' (skips where Xvfb is missing)."""
    from tests.support.xvfb import xvfb

    with xvfb() as display:
        yield display


@pytest.fixture
def loop(qapp):  # type: ignore[no-untyped-def]
    """asyncio on the Qt event loop (qasync) for GUI tests; closed with its tasks afterwards."""
    from tests.support.uiloop import close_loop, make_loop

    lp = make_loop(qapp)
    yield lp
    close_loop(lp)
