"""The benchmark's harness on tiny committed recordings, so it cannot rot.

No timing is asserted: these check that the stream walker, the physical-limit
code, the vncdotool and noVNC harnesses and the report agree on what the
recordings hold and paint (bench/fixtures/make_fixtures.py built them with the
expected final framebuffer next to them).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
FIXTURES = BENCH / "fixtures"
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(BENCH / "workloads"))
sys.path.insert(0, str(FIXTURES))

import fbsstream  # noqa: E402
import limits  # noqa: E402

W, H = 48, 40
BASIC = FIXTURES / "tiny-basic.fbs"
COMPRESSED = FIXTURES / "tiny-compressed.fbs"


def expected(path: Path) -> np.ndarray:
    raw = path.with_name(path.name.replace(".fbs", ".expected.rgb")).read_bytes()
    return np.frombuffer(raw, np.uint8).reshape(H, W, 3)


def test_fbs_blocks_round_trip_with_padding(tmp_path: Path) -> None:
    blocks = [(0, b"RFB"), (7, b"x" * 5), (9, b""), (12, b"abcd")]
    fbsstream.write_fbs(tmp_path / "r.fbs", blocks)
    assert fbsstream.read_fbs(tmp_path / "r.fbs") == blocks


def test_fbs_reader_refuses_other_files(tmp_path: Path) -> None:
    (tmp_path / "r.fbs").write_bytes(b"RFB 003.008\n")
    with pytest.raises(fbsstream.StreamError):
        fbsstream.read_fbs(tmp_path / "r.fbs")


def test_walk_finds_every_rectangle_of_the_basic_fixture() -> None:
    _, side, walk = fbsstream.load(BASIC)
    assert side["pixel_format"] == fbsstream.RGB888
    assert (walk.version, walk.width, walk.height) == ("3.8", W, H)
    assert dict(walk.counts) == {"raw": 3, "copyrect": 1, "rre": 1, "hextile": 1}
    assert walk.pixels == W * H + 16 * 16 + 16 * 12 + 32 * 20 + W * 2
    assert walk.updates == 2 and walk.tail_bytes == 0
    assert walk.pseudo["LastRect"] == 1


def test_walk_splits_compressed_payloads_by_zlib_stream() -> None:
    _, _, walk = fbsstream.load(COMPRESSED)
    assert dict(walk.counts) == {"tight": 8, "zlib": 1, "zrle": 6, "tightpng": 2}
    assert dict(walk.tight_kinds) == {"fill": 2, "jpeg": 1, "png": 1, "copy": 2,
                                      "palette": 3, "gradient": 1}
    keys = [k for k, reset, _, _ in walk.zlib if not reset]
    assert sorted(set(keys)) == ["tight0", "tight1", "tight2", "tight3", "zlib", "zrle"]
    assert [k for k, reset, _, _ in walk.zlib if reset] == ["tight0"]
    assert len(walk.jpegs) == 1 and len(walk.pngs) == 1
    limits.check_inflate(walk)  # every payload inflates to the size its header implies


def test_walk_counts_only_complete_rectangles_of_a_cut_recording() -> None:
    stream, side, whole = fbsstream.load(BASIC)
    # 100 bytes short: inside the last Raw strip, so it and the empty Raw after it
    # are missing; the first update is whole.
    cut = fbsstream.walk_stream(stream[: len(stream) - 100], side["pixel_format"])
    assert cut.tail_bytes > 0
    assert cut.rects == whole.rects[:-2]


def test_limits_measure_every_step_that_applies() -> None:
    _, _, walk = fbsstream.load(COMPRESSED)
    result = limits.measure(walk, runs=1)
    assert set(result) == {"inflate", "jpeg", "png", "copy"}
    _, _, basic = fbsstream.load(BASIC)
    assert set(limits.measure(basic, runs=1)) == {"copy"}


def test_fixtures_rebuild_to_the_same_content(tmp_path: Path) -> None:
    import make_fixtures

    make_fixtures.main(tmp_path)
    for name in ("tiny-basic", "tiny-compressed"):
        assert (tmp_path / f"{name}.expected.rgb").read_bytes() == \
            (FIXTURES / f"{name}.expected.rgb").read_bytes()
        new = fbsstream.load(tmp_path / f"{name}.fbs")[2].summary()
        old = fbsstream.load(FIXTURES / f"{name}.fbs")[2].summary()
        for key in ("rects", "pixels", "encodings", "tight_kinds", "updates"):
            assert new[key] == old[key], key


# ------------------------------------------------------------------ vncdotool

def test_vncdotool_harness_decodes_the_basic_fixture(tmp_path: Path) -> None:
    pytest.importorskip("vncdotool")
    import vncdotool_decode

    out = tmp_path / "final.png"
    result = vncdotool_decode.run(str(BASIC), str(out))
    walk = fbsstream.load(BASIC)[2]
    assert result["pixels"] == walk.pixels
    assert result["rects"] == len(walk.rects)
    assert result["copyrect_noop"] == 1
    from PIL import Image
    got = np.asarray(Image.open(out).convert("RGB"))
    want = expected(BASIC)
    # vncdotool's CopyRect paints nothing: everything else must be exact.
    same = np.all(got == want, axis=-1)
    same[24:38, 32:48] = True
    assert same.all()


def test_vncdotool_harness_reports_an_encoding_it_lacks_as_fails() -> None:
    pytest.importorskip("vncdotool")
    import vncdotool_decode

    result = vncdotool_decode.run(str(COMPRESSED))
    assert "TIGHT" in result["fails"]
    assert "pixels" not in result


# ------------------------------------------------------------------ noVNC

def _novnc_ready() -> bool:
    return (shutil.which("node") is not None
            and (BENCH / "novnc" / "node_modules" / "@novnc" / "novnc").exists())


@pytest.mark.skipif(not _novnc_ready(), reason="node or bench/novnc/node_modules missing")
@pytest.mark.parametrize("path", [BASIC, COMPRESSED], ids=["basic", "compressed"])
@pytest.mark.parametrize("jpeg", ["jpeg-turbo", "sharp"])
def test_novnc_harness_paints_the_expected_framebuffer(path: Path, jpeg: str,
                                                      tmp_path: Path) -> None:
    out = tmp_path / "final.rgb"
    p = subprocess.run(["node", str(BENCH / "novnc" / "decode.mjs"), str(path),
                        "--out", str(out), "--jpeg", jpeg],
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stdout + p.stderr
    result = json.loads(p.stdout.strip().splitlines()[-1])
    walk = fbsstream.load(path)[2]
    assert result["pixels"] == walk.pixels
    assert result["rects"] == len(walk.rects)
    assert result["tail_bytes"] == 0
    got = np.frombuffer(out.read_bytes(), np.uint8).reshape(H, W, 3)
    assert np.array_equal(got, expected(path))


@pytest.mark.skipif(not _novnc_ready(), reason="node or bench/novnc/node_modules missing")
def test_novnc_harness_refuses_a_pixel_format_its_decoders_lack(tmp_path: Path) -> None:
    rec = tmp_path / "r.fbs"
    shutil.copy(BASIC, rec)
    side = json.loads((FIXTURES / "tiny-basic.fbs.json").read_text())
    side["pixel_format"].update(bits_per_pixel=16, depth=16, red_max=31, green_max=63,
                                blue_max=31, red_shift=11, green_shift=5, blue_shift=0)
    Path(str(rec) + ".json").write_text(json.dumps(side))
    p = subprocess.run(["node", str(BENCH / "novnc" / "decode.mjs"), str(rec)],
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 1
    assert "error" in json.loads(p.stdout)


# ------------------------------------------------------------------ the report

def test_report_table_renders_results_failures_and_limits() -> None:
    import record
    import run

    spec = next(s for s in record.SPECS if s.name == "xvnc-photo-tight")
    row = run.Row(spec, walk=fbsstream.load(COMPRESSED)[2])
    row.qvmrc = [{"pixels": 1, "seconds": 1.0, "mpix_per_s": 30.0, "rects": 1}] * 3
    row.novnc = [{"pixels": 1, "seconds": 1.0, "mpix_per_s": 10.0, "rects": 1}] * 3
    row.vncdotool = [{"fails": "unknown encoding"}]
    row.limits = {"inflate": {"seconds": 1.0, "mpix_per_s": 40.0}}
    row.fb = {"qvmrc": {"differing_pixels": 0, "psnr": float("inf")}}
    lines = run.table([row])
    assert len(lines) == 3
    cells = [c.strip() for c in lines[2].split("|")]
    assert cells[1] == "xvnc-photo-tight"
    assert "3.00x ✓" in lines[2] and "fails" in lines[2] and "75% ✓" in lines[2]
    assert "= noVNC" in lines[2]
