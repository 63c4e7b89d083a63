"""record -> replay round trips, and damaged recordings fail cleanly."""

from __future__ import annotations

import io
import json
import random
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from qvmrc.cli import main
from qvmrc.errors import ProtocolError
from qvmrc.rfb.fbs import FBSWriter, read_fbs
from tests.conftest import needs_qemu
from tests.support import servers
from tests.support.images import describe_mismatch, load_rgb
from tests.support.rfbstream import fbu, handshake, rect


def write_fbs(path: Path, chunks: list[bytes]) -> None:
    with open(path, "wb") as fh:
        w = FBSWriter(fh)
        for i, c in enumerate(chunks):
            w.write(c, i * 10)


def test_fbs_blocks_round_trip_with_padding():
    buf = io.BytesIO()
    w = FBSWriter(buf)
    w.write(b"abc", 5)
    w.write(b"defgh", 7)
    buf.seek(0)
    assert list(read_fbs(buf)) == [(b"abc", 5), (b"defgh", 7)]


def test_replay_bench_prints_one_json_line(tmp_path, capsys):
    body = bytes(4 * 4 * 3)
    stream = handshake(width=4, height=3) + fbu(rect(0, 0, 4, 3, 0, body)) + fbu(rect(0, 0, 2, 2, 0, bytes(16)))
    f = tmp_path / "r.fbs"
    write_fbs(f, [stream[:7], stream[7:50], stream[50:]])
    assert main(["replay", str(f), "--bench", "-o", str(tmp_path / "final.png")]) == 0
    line = json.loads(capsys.readouterr().out.strip())
    assert line["pixels"] == 12 + 4 and line["rects"] == 2
    assert set(line) >= {"pixels", "seconds", "mpix_per_s", "rects"}
    assert (tmp_path / "final.png").exists()


def test_replay_of_a_non_fbs_file_is_one_clean_line(tmp_path, capsys):
    f = tmp_path / "bad.fbs"
    f.write_bytes(b"hello world, not a recording")
    assert main(["replay", str(f)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("qvmrc: error:")


def test_replay_of_a_missing_file_is_one_clean_line(tmp_path, capsys):
    assert main(["replay", str(tmp_path / "nope.fbs")]) == 1
    assert capsys.readouterr().err.startswith("qvmrc: error: cannot read")


@pytest.fixture(scope="module")
def qemu_recordings(tmp_path_factory):
    """Real recordings of a still QEMU screen in several encodings, plus its screendump."""
    if not servers.have("qemu-system-x86_64", "as", "ld"):
        pytest.skip("qemu not installed")
    d = tmp_path_factory.mktemp("rec")
    out = {}
    with servers.qemu(width=320, height=240) as srv:
        dump = srv.wait_still(320, 240)
        for enc in ("raw", "hextile", "zlib", "zrle", "tight", "tightpng"):
            f = d / f"{enc}.fbs"
            assert main(["record", srv.url, "-o", str(f), "--duration", "1", "--encodings", enc]) == 0
            out[enc] = f
    return out, dump


@needs_qemu
@pytest.mark.real
@pytest.mark.parametrize("encoding", ["raw", "hextile", "zlib", "zrle", "tight", "tightpng"])
def test_replay_of_a_real_recording_ends_on_the_servers_picture(qemu_recordings, tmp_path, encoding):
    recs, dump = qemu_recordings
    side = json.loads(Path(str(recs[encoding]) + ".json").read_text())
    assert side["pixel_format"]["bits_per_pixel"] == 32
    out = tmp_path / "final.png"
    assert main(["replay", str(recs[encoding]), "-o", str(out)]) == 0
    got = load_rgb(str(out))
    assert np.array_equal(got, dump), describe_mismatch(got, dump)


@needs_qemu
@pytest.mark.real
@pytest.mark.parametrize("encoding", ["raw", "hextile", "zlib", "zrle", "tight", "tightpng"])
def test_damaged_and_truncated_recordings_end_cleanly(qemu_recordings, tmp_path, encoding):
    recs, _ = qemu_recordings
    with open(recs[encoding], "rb") as fh:
        blocks = [d for d, _ in read_fbs(fh)]
    stream = b"".join(blocks)
    rng = random.Random(1234)
    for trial in range(12):
        data = bytearray(stream)
        if trial % 3 == 0:
            data = data[: rng.randrange(len(data))]
        else:
            for _ in range(rng.randrange(1, 20)):
                pos = rng.randrange(12, len(data))
                data[pos] = rng.randrange(256)
        f = tmp_path / f"bad{trial}.fbs"
        write_fbs(f, [bytes(data[i : i + 4096]) for i in range(0, len(data), 4096)])
        proc = subprocess.run([sys.executable, "-m", "qvmrc", "replay", str(f)], capture_output=True,
                              text=True, timeout=60)
        assert "Traceback" not in proc.stderr
        if proc.returncode != 0:
            lines = proc.stderr.strip().splitlines()
            assert lines and lines[-1].startswith("qvmrc: error:"), proc.stderr


def test_decoder_bugs_surface_as_protocol_errors():
    from qvmrc.rfb.connection import RFBClient

    c = RFBClient()
    c.receive_data(handshake(width=4, height=3))
    # RRE with a subrectangle outside its rectangle.
    body = (1).to_bytes(4, "big") + bytes(4) + bytes(4) + bytes([0, 0, 0, 0, 0, 9, 0, 9])
    with pytest.raises(ProtocolError):
        c.receive_data(fbu(rect(0, 0, 2, 2, 2, body)))


def test_raw_rows_are_painted_as_they_arrive_and_finish_exactly() -> None:
    """A big Raw rectangle spread over many network chunks: rows appear as their
    bytes arrive (as noVNC shows them), and the end result is exact."""
    import struct

    import numpy as np

    from qvmrc.rfb.connection import RFBClient
    from qvmrc.rfb.pixelformat import PRESETS

    w, h = 64, 40
    img = np.random.default_rng(3).integers(0, 1 << 24, size=(h, w), dtype=np.uint32)
    body = img.astype("<u4").tobytes()
    stream = struct.pack(">BxH", 0, 1) + struct.pack(">HHHHi", 0, 0, w, h, 0) + body
    c = RFBClient()
    c.start_replay(w, h, PRESETS["rgb888"])
    half = 16 + 10 * w * 4 + 37  # ten rows and a bit of the eleventh
    c.receive_data(stream[:half])
    assert np.array_equal(c.fb.pixels[:10], img[:10]) and not c.fb.pixels[10:].any()
    for i in range(half, len(stream), 999):
        c.receive_data(stream[i : i + 999])
    assert np.array_equal(c.fb.pixels, img)
    assert c.buffered == 0
