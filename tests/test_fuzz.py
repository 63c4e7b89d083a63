"""The fuzz target in the suite: valid streams decode to their pictures, every
past finding is handled, and a short mutation run over the seeds finds nothing.

The long, coverage-guided run is ``bash scripts/fuzz.sh 30`` (tests/fuzz).
"""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qvmrc.rfb.encodings import numbers
from tests.fuzz.seeds import seeds
from tests.fuzz.target import Finding, header, peak_rss_mb, rss_mb, run
from tests.support import encode_basic as eb

SEEDS = seeds()
FINDINGS = sorted(p for p in (Path(__file__).parent / "data" / "fuzz").glob("*") if p.is_file())


@pytest.mark.parametrize("seed", SEEDS, ids=[s.name for s in SEEDS])
def test_every_seed_stream_decodes_to_its_picture(seed) -> None:  # type: ignore[no-untyped-def]
    r = run(seed.data)
    assert not r.refused, r.refused
    assert r.updates >= 1
    assert seed.check(r)


def test_a_damaged_seed_no_longer_shows_its_picture() -> None:
    """The picture check has teeth: one wrong pixel byte fails it."""
    seed = next(s for s in SEEDS if s.name == "raw-rgb888")
    data = bytearray(seed.data)
    data[-100] ^= 0xFF
    assert not seed.check(run(bytes(data)))


@pytest.mark.parametrize("chunking", [0, 1, 2, 3], ids=["whole", "1-7", "997", "random"])
def test_every_seed_decodes_to_its_picture_however_it_is_cut(chunking: int) -> None:
    for seed in SEEDS:
        data = bytes([seed.data[0] & ~0x0C | chunking << 2]) + seed.data[1:]
        assert seed.check(run(data, differential=False)), seed.name


W, H = 48, 40
_WIRE = eb.Wire("rgb888")
_IMG = eb.desktop_image(_WIRE, W, H)
_GOOD = eb.fbu([eb.rect(0, 0, W, H, numbers.RAW, _WIRE.pixels(_IMG))])


@pytest.mark.parametrize("bad, reason", [
    (eb.fbu([eb.rect(0, 0, W, H, 0x7777, b"")]), "did not ask for"),
    (eb.fbu([eb.rect(8, 0, W, H, numbers.RAW, _WIRE.pixels(_IMG))]), "outside the 48x40 screen"),
    (b"\xee" + bytes(20), "unknown message type"),
    (eb.fbu([eb.rect(0, 0, W, H, numbers.ZLIB, struct.pack(">I", 64) + b"\x55" * 64)]), "corrupt zlib data"),
    (eb.fbu([eb.rect(0, 0, W, H, numbers.TIGHT, b"\x40\x09" + bytes(40))]), "unknown filter"),
    (eb.fbu([eb.rect(0, 0, W, H, numbers.HEXTILE, b"\xe0" + bytes(40))]), "unknown subencoding"),
    (eb.fbu([eb.rect(0, 0, 8, 8, numbers.COPYRECT, struct.pack(">HH", 60, 60))]), "outside the screen"),
    (b"\x03\x00\x00\x00" + struct.pack(">I", 0x7FFFFFFF) + b"abc", "more than QVMRC accepts"),
], ids=["unknown-encoding", "rect-off-screen", "unknown-message", "corrupt-zlib", "tight-filter",
        "hextile-subencoding", "copyrect-source-off-screen", "huge-cut-text"])
def test_invalid_input_after_a_valid_update_is_refused_and_the_picture_stays(bad: bytes, reason: str) -> None:
    """Bad input is refused with a reason, not silently accepted; what decoded before it stays."""
    for chunking in (0, 1):
        r = run(header("rgb888", width=W, height=H, chunking=chunking) + _GOOD + bad, differential=False)
        assert reason in r.refused
        assert np.array_equal(r.client.fb.pixels & 0xFFFFFF, eb.expected_fb("rgb888", _IMG) & 0xFFFFFF)


def _run_bounded(data: bytes) -> None:
    """run(), which raises Finding on misbehaviour, plus the per-input memory bound."""
    before = rss_mb()
    peak_rss_mb(reset=True)
    r = run(data)
    grew_mb = peak_rss_mb() - before
    fb_mb = r.client.fb.pixels.nbytes / 2**20
    assert grew_mb < 256 + 4 * fb_mb, f"one input grew RSS by {grew_mb:.0f} MB (framebuffer {fb_mb:.0f} MB)"


@pytest.mark.parametrize("path", FINDINGS, ids=[p.name for p in FINDINGS])
def test_past_fuzz_findings_end_cleanly(path: Path) -> None:
    """tests/data/fuzz: the fuzzer's findings and the review's inputs (issue 12), in fuzz format."""
    _run_bounded(path.read_bytes())


def test_the_reviews_unoffered_hextile_is_refused_and_its_empty_last_rectangle_completes() -> None:
    r = run((Path(__file__).parent / "data" / "fuzz" / "review-02-hextile-not-offered.bin").read_bytes())
    assert "did not ask for" in r.refused
    r = run((Path(__file__).parent / "data" / "fuzz" / "review-08-hextile-0x0-last.bin").read_bytes())
    assert r.updates == 2 and not r.refused


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(SEEDS)).data)
    for _ in range(draw(st.integers(1, 8))):
        op = draw(st.sampled_from(("set", "flip", "insert", "delete", "repeat", "u16")))
        pos = draw(st.integers(4, max(4, len(data) - 1)))
        if op == "set":
            data[pos : pos + 1] = bytes([draw(st.integers(0, 255))])
        elif op == "flip":
            data[pos : pos + 1] = bytes([data[pos] ^ (1 << draw(st.integers(0, 7)))]) if pos < len(data) else b""
        elif op == "insert":
            data[pos:pos] = draw(st.binary(min_size=1, max_size=16))
        elif op == "delete":
            del data[pos : pos + draw(st.integers(1, 64))]
        elif op == "repeat":
            data[pos:pos] = data[pos : pos + draw(st.integers(1, 256))] * draw(st.integers(1, 64))
        else:  # a length, count or coordinate field set to an extreme
            data[pos : pos + 2] = draw(st.sampled_from((b"\x00\x00", b"\xff\xff", b"\x80\x00", b"\x00\x01")))
    return bytes(data)


@settings(max_examples=120, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(mutated())
def test_mutated_streams_end_in_a_picture_or_a_protocol_error(data: bytes) -> None:
    try:
        _run_bounded(data)
    except (Finding, AssertionError):
        Path("/tmp/qvmrc-fuzz-finding.bin").write_bytes(data)  # to keep in tests/data/fuzz/ once fixed
        raise
