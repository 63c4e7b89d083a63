"""Occupancy: which pending rectangles a new one overlaps (deciding early flushes)."""

from __future__ import annotations

import numpy as np
import pytest

from qvmrc.rfb.encodings.deferred import Occupancy

SHAPE = (100, 200)


def _truth(rects: list[tuple[int, int, int, int]], x: int, y: int, w: int, h: int) -> bool:
    m = np.zeros(SHAPE, dtype=bool)
    for rx, ry, rw, rh in rects:
        m[ry : ry + rh, rx : rx + rw] = True
    return bool(m[y : y + h, x : x + w].any())


@pytest.mark.parametrize("count", [1, 5, 40])  # one by one, and past the switch to a mask
def test_overlap_answers_equal_a_pixel_mask(count: int) -> None:
    rng = np.random.default_rng(count)
    occ = Occupancy()
    marked: list[tuple[int, int, int, int]] = []
    for _ in range(count):
        r = (int(rng.integers(0, 190)), int(rng.integers(0, 90)), int(rng.integers(1, 10)), int(rng.integers(1, 10)))
        occ.mark(*r)
        marked.append(r)
    for _ in range(500):
        q = (int(rng.integers(0, 195)), int(rng.integers(0, 95)), int(rng.integers(0, 6)), int(rng.integers(0, 6)))
        assert occ.overlaps(SHAPE, *q) == _truth(marked, *q), q


def test_touching_edges_do_not_overlap_and_clear_forgets() -> None:
    occ = Occupancy()
    occ.mark(0, 0, 200, 16)
    assert not occ.overlaps(SHAPE, 0, 16, 200, 16)  # the next strip down
    assert occ.overlaps(SHAPE, 199, 15, 1, 1)
    occ.clear()
    assert not occ.overlaps(SHAPE, 0, 0, 200, 100)


def test_a_cleared_mask_remembers_nothing_of_earlier_rectangles() -> None:
    rng = np.random.default_rng(7)
    occ = Occupancy()
    for rnd in range(3):
        marked = [(int(rng.integers(0, 190)), int(rng.integers(0, 90)), int(rng.integers(1, 10)),
                   int(rng.integers(1, 10))) for _ in range(40)]
        occ.mark_all(marked[:20])  # in bulk, as a Hextile run does
        for r in marked[20:]:
            occ.mark(*r)
        for _ in range(300):
            q = (int(rng.integers(0, 195)), int(rng.integers(0, 95)), int(rng.integers(0, 6)), int(rng.integers(0, 6)))
            assert occ.overlaps(SHAPE, *q) == _truth(marked, *q), (rnd, q)
        occ.clear()
        assert not occ.overlaps(SHAPE, 0, 0, 200, 100)


def test_rectangles_marked_after_a_question_are_still_seen() -> None:
    occ = Occupancy()
    occ.mark_all([(150, 50, 4, 4)] * 40)
    assert not occ.overlaps(SHAPE, 0, 0, 10, 10)  # fills the mask
    occ.mark(0, 60, 10, 10)
    assert occ.overlaps(SHAPE, 5, 5, 1, 60)
