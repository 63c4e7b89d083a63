"""Snapshots of a real QEMU console equal QEMU's own screendump, pixel for pixel."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from qvmrc.cli import main
from tests.conftest import needs_qemu
from tests.support import servers
from tests.support.images import describe_mismatch, load_rgb, psnr, quantize

pytestmark = [needs_qemu, pytest.mark.real]

LOSSLESS = ["raw", "copyrect", "rre", "hextile", "zlib", "zrle", "tight", "tightpng"]


@pytest.fixture(scope="module")
def qemu_still():
    with servers.qemu(width=1024, height=768, websocket=True) as srv:
        dump = srv.wait_still(1024, 768)
        yield srv, dump


@pytest.fixture(scope="module")
def qemu_proxy(qemu_still):
    srv, _ = qemu_still
    with servers.websockify(srv.port) as url:
        yield url


def snapshot(tmp_path: Path, target: str, *args: str) -> np.ndarray:
    out = tmp_path / "snap.png"
    rc = main(["snapshot", target, "-o", str(out), "--timeout", "30", *args])
    assert rc == 0
    return load_rgb(str(out))


@pytest.mark.parametrize("encoding", LOSSLESS)
@pytest.mark.parametrize("pixel_format", ["rgb888", "rgb565", "bgr233"])
def test_snapshot_through_websockify_equals_screendump(qemu_still, qemu_proxy, tmp_path, encoding, pixel_format):
    _, dump = qemu_still
    got = snapshot(tmp_path, qemu_proxy, "--encodings", encoding, "--pixel-format", pixel_format)
    want = quantize(dump, pixel_format)
    if encoding == "tightpng" and pixel_format != "rgb888":
        # QEMU's full-colour PNGs carry its own 8-bit surface whatever the client's
        # format; only palette rectangles are reduced. Each pixel is one or the other.
        ok = np.all((got == want) | (got == dump), axis=-1)
        assert ok.all(), describe_mismatch(got, want)
        return
    assert np.array_equal(got, want), describe_mismatch(got, want)


@pytest.mark.parametrize("pixel_format", ["bgr888", "rgb555", "native"])
def test_other_pixel_formats_equal_screendump(qemu_still, qemu_proxy, tmp_path, pixel_format):
    _, dump = qemu_still
    # rgb555 + ZRLE alone would hit QEMU's 15-bit ZRLE bug; with a fallback the
    # client avoids ZRLE there (see connection.py).
    got = snapshot(tmp_path, qemu_proxy, "--encodings", "zrle,hextile", "--pixel-format", pixel_format)
    want = quantize(dump, pixel_format)
    assert np.array_equal(got, want), describe_mismatch(got, want)


def test_snapshot_over_direct_tcp_equals_screendump(qemu_still, tmp_path):
    srv, dump = qemu_still
    got = snapshot(tmp_path, srv.url, "--encodings", "tight")
    assert np.array_equal(got, dump), describe_mismatch(got, dump)


def test_snapshot_over_qemus_own_websocket_equals_screendump(qemu_still, tmp_path):
    srv, dump = qemu_still
    got = snapshot(tmp_path, f"ws://127.0.0.1:{srv.ws_port}", "--encodings", "zrle")
    assert np.array_equal(got, dump), describe_mismatch(got, dump)


@pytest.fixture(scope="module")
def qemu_lossy():
    with servers.qemu(width=1024, height=768, lossy=True) as srv:
        dump = srv.wait_still(1024, 768)
        with servers.websockify(srv.port) as url:
            yield url, dump


@pytest.mark.parametrize("encoding", ["tight", "tightpng"])
def test_jpeg_snapshot_is_close_to_screendump(qemu_lossy, tmp_path, encoding):
    url, dump = qemu_lossy
    got = snapshot(tmp_path, url, "--encodings", encoding, "--jpeg-quality", "2")
    assert got.shape == dump.shape
    # The top third is pure noise, which no JPEG reproduces; judge the rest.
    assert psnr(got[256:], dump[256:]) > 25
    assert not np.array_equal(got, dump), "QEMU sent no JPEG at all"


def test_vnc_password_is_accepted(tmp_path, monkeypatch):
    with servers.qemu(width=640, height=480, password="s3cret") as srv:
        dump = srv.wait_still(640, 480)
        monkeypatch.setenv("QVMRC_TEST_PW", "s3cret")
        got = snapshot(tmp_path, srv.url, "--password-env", "QVMRC_TEST_PW", "--encodings", "zrle")
        assert np.array_equal(got, dump), describe_mismatch(got, dump)


def test_wrong_vnc_password_gives_one_line_naming_authentication(tmp_path, monkeypatch, capsys):
    with servers.qemu(width=640, height=480, password="s3cret", still=False) as srv:
        monkeypatch.setenv("QVMRC_TEST_PW", "wrong")
        rc = main(["snapshot", srv.url, "-o", str(tmp_path / "x.png"), "--password-env", "QVMRC_TEST_PW"])
        err = capsys.readouterr().err.strip().splitlines()
        assert rc != 0
        assert len(err) == 1 and err[0].startswith("qvmrc: error:")
        assert "authentication" in err[0].lower()
        assert "wrong" not in err[0].split(":", 2)[-1] or "password" in err[0].lower()


async def _colour_map_snapshot(url: str) -> np.ndarray:
    import asyncio

    from qvmrc.rfb.pixelformat import PixelFormat
    from qvmrc.session import Session, SessionListener, SessionOptions

    done = asyncio.Event()

    class L(SessionListener):
        def framebuffer_updated(self, update):
            if update.bounds == (0, 0, 1024, 768) or (update.damage and len(update.damage) > 3):
                done.set()

    pf = PixelFormat(8, 8, False, False, 0, 0, 0, 0, 0, 0)
    s = Session(url, SessionOptions(pixel_format=pf, encodings=("zrle",)), L())
    task = asyncio.create_task(s.run())
    await asyncio.wait_for(done.wait(), 30)
    await asyncio.sleep(0.5)
    await s.close()
    await asyncio.gather(task, return_exceptions=True)
    assert s.framebuffer is not None
    return s.framebuffer.rgb_array()


def test_colour_map_pixel_format_uses_the_servers_palette(qemu_still):
    import asyncio

    srv, dump = qemu_still
    got = asyncio.run(_colour_map_snapshot(srv.url))
    # QEMU's 256-entry map is 3-3-2 with levels placed in the top bits (no expansion).
    want = dump.copy()
    want[..., 0] &= 0xE0
    want[..., 1] &= 0xE0
    want[..., 2] &= 0xC0
    assert np.array_equal(got, want), describe_mismatch(got, want)
