"""The glibc allocator tuning: applied on Linux, a silent no-op elsewhere."""

from __future__ import annotations

import sys

import pytest

from qvmrc import allocator


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc only")
def test_glibc_takes_the_thresholds() -> None:
    assert allocator.keep_freed_memory() is True


def test_other_platforms_are_left_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(allocator.sys, "platform", "darwin")
    assert allocator.keep_freed_memory() is False
