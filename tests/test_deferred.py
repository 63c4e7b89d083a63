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


class _Batcher:
    """A decoder stand-in that records when its deferred work is painted."""

    def __init__(self, log: list[str], name: str) -> None:
        self.log, self.name = log, name

    def flush(self, ctx: object) -> None:
        self.log.append(self.name)


def test_the_queue_paints_its_owners_work_once_and_then_holds_nothing() -> None:
    from qvmrc.rfb.encodings.deferred import DeferredPaints

    log: list[str] = []
    q = DeferredPaints()
    a = _Batcher(log, "a")
    q.claim(a, 0, 0, 10, 10)  # type: ignore[arg-type]
    q.claim_all(a, [(10, 0, 10, 10)])  # type: ignore[arg-type]
    assert q.owner is a and q.area.overlaps(SHAPE, 15, 5, 1, 1)
    q.flush(None)  # type: ignore[arg-type]
    q.flush(None)  # type: ignore[arg-type]
    assert log == ["a"]
    assert q.owner is None and not q.area.overlaps(SHAPE, 0, 0, 200, 100)


def test_one_update_mixing_hextile_rre_and_tight_gradients_paints_in_wire_order() -> None:
    """The three deferring decoders share one queue: each one's pending work is painted
    before a rectangle of another lands on top of it."""
    from tests.support.encode_basic import (
        HEXTILE,
        Wire,
        decode,
        desktop_image,
        encode_hextile,
        encode_rre,
        expected_fb,
        fbu,
        rect,
    )
    from tests.support.encode_tight import GRADIENT, TightEncoder

    wire = Wire("rgb888")
    a = desktop_image(wire, 48, 32, seed=1)
    b = desktop_image(wire, 48, 32, seed=2)
    c = desktop_image(wire, 48, 32, seed=3)
    d = desktop_image(wire, 48, 32, seed=4)
    tight = TightEncoder(wire.pf)
    stream = fbu([
        rect(0, 0, 48, 32, HEXTILE, encode_hextile(a, wire)),
        rect(16, 8, 48, 32, 2, encode_rre(b, wire)),  # (2: RRE)
        rect(32, 16, 48, 32, 7, tight.basic(c, GRADIENT)),  # (7: Tight)
        rect(8, 4, 48, 32, HEXTILE, encode_hextile(d, wire)),
    ])
    want = np.zeros((64, 96), np.uint32)
    painted = (expected_fb("rgb888", a), expected_fb("rgb888", b), tight.expected(c), expected_fb("rgb888", d))
    for im, (x, y) in zip(painted, ((0, 0), (16, 8), (32, 16), (8, 4)), strict=True):
        want[y : y + 32, x : x + 48] = im
    for chunks in (None, "bytes"):
        assert np.array_equal(decode(stream, "rgb888", 96, 64, chunks), want), chunks
