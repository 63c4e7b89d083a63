"""Against TigerVNC's Xvnc: snapshots equal `xwd -root`, typed text arrives exactly."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import numpy as np
import pytest

from qvmrc.cli import main
from tests.conftest import needs_xvnc
from tests.support import servers
from tests.support.images import describe_mismatch, load_rgb, psnr, quantize

pytestmark = [needs_xvnc, pytest.mark.real]

W, H = 640, 480


@pytest.fixture(scope="module")
def xvnc_picture():
    with servers.xvnc(W, H) as srv:
        srv.show(servers.reference_picture(W, H))
        dump = srv.xwd()
        with servers.websockify(srv.port) as url:
            yield srv, url, dump


def snapshot(tmp_path: Path, target: str, *args: str) -> np.ndarray:
    out = tmp_path / "snap.png"
    assert main(["snapshot", target, "-o", str(out), "--timeout", "30", *args]) == 0
    return load_rgb(str(out))


@pytest.mark.parametrize("encoding", ["raw", "copyrect", "rre", "hextile", "zrle", "tight"])
@pytest.mark.parametrize("pixel_format", ["rgb888", "rgb565", "bgr233"])
def test_snapshot_equals_xwd(xvnc_picture, tmp_path, encoding, pixel_format):
    _, url, dump = xvnc_picture
    got = snapshot(tmp_path, url, "--encodings", encoding, "--pixel-format", pixel_format)
    want = quantize(dump, pixel_format, server="tigervnc")
    assert np.array_equal(got, want), describe_mismatch(got, want)


def test_tight_jpeg_is_close_to_xwd(xvnc_picture, tmp_path):
    _, url, dump = xvnc_picture
    got = snapshot(tmp_path, url, "--encodings", "tight", "--jpeg-quality", "6")
    assert psnr(got, dump) > 25


def test_scrolling_xterm_with_copyrect_ends_equal_to_xwd(tmp_path):
    with servers.xvnc(W, H) as srv, servers.websockify(srv.port) as url:
        term = subprocess.Popen(["xterm", "-geometry", "80x30+0+0", "-e", "sh", "-c",
                                 "i=0; while [ $i -lt 400 ]; do echo line $i; i=$((i+1)); sleep 0.005; done; sleep 30"],
                                env=srv.env)
        try:
            # Keep the pointer off the xterm: its I-beam shows up in xwd.
            subprocess.run(["xdotool", "mousemove", str(W - 1), str(H - 1)], env=srv.env, check=False)
            time.sleep(0.5)
            got = snapshot(tmp_path, url, "--encodings", "copyrect,zrle", "--settle", "4")
            dump = srv.xwd()
            assert np.array_equal(got, dump), describe_mismatch(got, dump)
        finally:
            term.kill()


TEXT = "Hello, World! ~`!@#$%^&*()_+-={}[]|\\:;\"'<>,.?/ 0123456789 abc XYZ"


@pytest.mark.skipif(not servers.have("xterm"), reason="xterm not installed")
def test_typed_text_arrives_exactly_punctuation_included(tmp_path):
    out = tmp_path / "typed.txt"
    with servers.xvnc(W, H) as srv:
        term = subprocess.Popen(["xterm", "-geometry", "200x80+0+0", "-e", "sh", "-c", f"cat > {out}"],
                                env=srv.env)
        try:
            time.sleep(1.0)
            assert main(["type", srv.url, "--text", TEXT + "\n", "--settle", "0.5"]) == 0
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and not (out.exists() and out.read_text().endswith("\n")):
                time.sleep(0.1)
            assert out.read_text() == TEXT + "\n"
        finally:
            term.kill()


def test_wss_verifies_the_certificate_and_trusts_a_given_ca(tmp_path, capsys):
    cert, key = servers.self_signed_cert(tmp_path)
    with servers.xvnc(320, 240) as srv, servers.websockify(srv.port, cert=cert, key=key) as url:
        assert url.startswith("wss://")
        rc = main(["snapshot", url, "-o", str(tmp_path / "a.png")])
        err = capsys.readouterr().err.strip().splitlines()
        assert rc != 0 and len(err) == 1 and "certificate" in err[0]
        assert main(["snapshot", url, "-o", str(tmp_path / "b.png"), "--ca-file", str(cert)]) == 0
        got = load_rgb(str(tmp_path / "b.png"))
        assert np.array_equal(got, srv.xwd())

