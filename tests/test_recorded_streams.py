"""Committed recordings of a real QEMU decode to QEMU's own screendump, however split."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest

from qvmrc.rfb import events as ev
from qvmrc.rfb.connection import RFBClient
from qvmrc.rfb.fbs import encodings_from_sidecar, pixel_format_from_json, read_fbs, read_sidecar
from tests.support.images import describe_mismatch, load_rgb, quantize

DATA = Path(__file__).parent / "data"
RECORDINGS = sorted(DATA.glob("qemu-*.fbs"))


def decode(path: Path, split: str) -> tuple[np.ndarray, dict[str, int]]:
    side = read_sidecar(str(path))
    assert side is not None
    c = RFBClient(password="x", pixel_format=pixel_format_from_json(side["pixel_format"]), auto_update=False,
                  encodings=encodings_from_sidecar(side))
    with open(path, "rb") as fh:
        stream = b"".join(d for d, _ in read_fbs(fh))
    if split == "whole":
        pieces = [stream]
    elif split == "bytes":
        pieces = [stream[i : i + 1] for i in range(len(stream))]
    else:
        rng = random.Random(len(stream))
        pieces, i = [], 0
        while i < len(stream):
            n = rng.randint(1, 3000)
            pieces.append(stream[i : i + n])
            i += n
    counts: dict[str, int] = {}
    for p in pieces:
        c.receive_data(p)
        for e in c.next_events():
            if isinstance(e, ev.FramebufferUpdated):
                for k, v in e.encodings.items():
                    counts[k] = counts.get(k, 0) + v
    return c.fb.rgb_array(), counts


@pytest.mark.parametrize("path", RECORDINGS, ids=[p.stem for p in RECORDINGS])
@pytest.mark.parametrize("split", ["whole", "random", "bytes"])
def test_recording_decodes_to_the_screendump(path, split):
    got, counts = decode(path, split)
    pf = "rgb565" if "rgb565" in path.stem else "rgb888"
    dump = load_rgb(str(DATA / "qemu-160x120.png"))
    want = quantize(dump, pf)
    encoding = path.stem.split("-")[1]
    assert encoding in counts, f"recording holds no {encoding} rectangles: {counts}"
    if encoding == "tightpng" and pf != "rgb888":
        ok = np.all((got == want) | (got == dump), axis=-1)
        assert ok.all()
    else:
        assert np.array_equal(got, want), describe_mismatch(got, want)


def test_there_are_recordings_for_every_qemu_encoding():
    encs = {p.stem.split("-")[1] for p in RECORDINGS}
    assert encs >= {"raw", "hextile", "zlib", "zrle", "tight", "tightpng"}


@pytest.mark.parametrize("path", RECORDINGS, ids=[p.stem for p in RECORDINGS])
def test_mutated_recordings_only_ever_raise_protocol_errors(path):
    """A hostile or broken server: flipped bytes end in ProtocolError or decode, nothing else."""
    from qvmrc.errors import AuthenticationError, ProtocolError

    side = read_sidecar(str(path))
    assert side is not None
    with open(path, "rb") as fh:
        stream = b"".join(d for d, _ in read_fbs(fh))
    rng = random.Random(path.stem)
    for _ in range(40):
        data = bytearray(stream)
        for _ in range(rng.randint(1, 8)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        c = RFBClient(password="x", pixel_format=pixel_format_from_json(side["pixel_format"]),
                      auto_update=False, encodings=encodings_from_sidecar(side))
        try:
            for i in range(0, len(data), 4096):
                c.receive_data(bytes(data[i : i + 4096]))
        except (ProtocolError, AuthenticationError):
            pass
