"""`bash packaging/build.sh` on Linux: the tar.gz and the .deb, built and run without the venv.

Slow (a PyInstaller build, about a minute and a half here): marked ``slow``,
which CI runs. The bundle is unpacked into a temp folder and run with a bare
environment (no PYTHONPATH, no venv on PATH): ``--version``, a headless
snapshot through the development control plane (both from the bundle), and
the demo window under Xvfb.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from qvmrc import __version__
from tests.support import xvfb
from tests.support.ports import free_port
from tests.support.servers import stop

ROOT = Path(__file__).resolve().parent.parent
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the Linux bundle builds on Linux"),
    pytest.mark.skipif(shutil.which("dpkg-deb") is None, reason="dpkg-deb not installed"),
]


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("build")
    env = {**os.environ, "QVMRC_DIST": str(base / "dist"), "QVMRC_BUILD": str(base / "work")}
    out = subprocess.run(["bash", "packaging/build.sh"], cwd=ROOT, env=env, capture_output=True, text=True,
                         timeout=1200)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    return base / "dist"


def _bare_env(home: Path, **extra: str) -> dict[str, str]:
    """What a user's shell might have: no Python, no venv, no PYTHONPATH."""
    return {"HOME": str(home), "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8",
            "QVMRC_CONFIG_DIR": str(home / "config"), **extra}


def _unpack(dist: Path, into: Path) -> Path:
    tarballs = list(dist.glob(f"qvmrc-{__version__}-linux-*.tar.gz"))
    assert len(tarballs) == 1, list(dist.iterdir())
    with tarfile.open(tarballs[0]) as tf:
        tf.extractall(into, filter="tar")
    exe = into / "qvmrc" / "qvmrc"
    assert os.access(exe, os.X_OK)
    return exe


def test_the_tarball_runs_without_python_headless_and_as_a_window(dist: Path, tmp_path: Path) -> None:
    exe = _unpack(dist, tmp_path / "unpacked")
    env = _bare_env(tmp_path)

    version = subprocess.run([str(exe), "--version"], env=env, capture_output=True, text=True, timeout=60)
    assert version.returncode == 0, version.stderr
    assert version.stdout.strip() == f"qvmrc {__version__}"

    # A headless snapshot through the bundle's own development control plane.
    port = free_port()
    server = subprocess.Popen([str(exe), "devserver", "--port", str(port), "--demo", "--token", "tok-bundle-1"],
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        assert server.stdout is not None
        first = server.stdout.readline()
        assert "control plane at" in first, first
        link = f"qvmrc://connect?url=http%3A%2F%2F127.0.0.1%3A{port}&vmId=demo"
        png = tmp_path / "snap.png"
        snap = subprocess.run([str(exe), "snapshot", link, "--token-env", "TOK", "-o", str(png)],
                              env={**env, "TOK": "tok-bundle-1"}, capture_output=True, text=True, timeout=120)
        assert snap.returncode == 0, snap.stderr
        from PIL import Image

        assert Image.open(png).size == (1024, 768)
    finally:
        server.terminate()
        server.wait(15)

    # The demo window, for real, under Xvfb (xcb platform plugin from the bundle).
    if not xvfb.available():
        pytest.skip("Xvfb / xdotool not installed: window part not run")
    with xvfb.xvfb() as display:
        log = tmp_path / "demo.log"
        with open(log, "wb") as fh:
            app = subprocess.Popen([str(exe), "demo", "-v"], env={**env, "DISPLAY": display,
                                                                   "QT_QPA_PLATFORM": "xcb",
                                                                   "QVMRC_LANG": "de"},
                                   stdout=fh, stderr=subprocess.STDOUT)
        try:
            def shown() -> list[str]:
                if app.poll() is not None:
                    raise AssertionError(f"the app exited with {app.returncode}:\n{log.read_text()}")
                text = log.read_text(errors="replace")
                return xvfb.windows_named(display, "QVMRC") if "console Demo VM connected" in text else []

            assert xvfb.wait_for(shown, "the demo window with a connected console")
            text = log.read_text(errors="replace")
            assert "Traceback" not in text
            assert "language: de" in text  # the bundle carries the .ts and reads it
            assert "platform plugin" not in text.lower(), text  # no "could not load the Qt platform plugin"
        finally:
            stop(app, timeout=15)


def test_the_deb_installs_the_app_under_opt_with_a_valid_desktop_file_and_icons(dist: Path,
                                                                                tmp_path: Path) -> None:
    debs = list(dist.glob(f"qvmrc_{__version__}_*.deb"))
    assert len(debs) == 1
    info = subprocess.run(["dpkg-deb", "--info", str(debs[0])], capture_output=True, text=True, check=True).stdout
    assert "Package: qvmrc" in info and f"Version: {__version__}" in info and "libxcb-cursor0" in info
    listing = subprocess.run(["dpkg-deb", "--contents", str(debs[0])], capture_output=True, text=True,
                             check=True).stdout
    owners = {line.split()[1] for line in listing.splitlines()}
    assert owners == {"root/root"}  # --root-owner-group
    root = tmp_path / "root"
    subprocess.run(["dpkg-deb", "-x", str(debs[0]), str(root)], check=True)

    assert os.readlink(root / "usr/bin/qvmrc") == "/opt/qvmrc/qvmrc"
    out = subprocess.run([str(root / "opt/qvmrc/qvmrc"), "--version"], env=_bare_env(tmp_path),
                         capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == f"qvmrc {__version__}"

    desktop = root / "usr/share/applications/qvmrc.desktop"
    text = desktop.read_text()
    assert "Exec=/opt/qvmrc/qvmrc %u" in text
    assert "MimeType=x-scheme-handler/qvmrc;x-scheme-handler/qvmc;" in text
    if shutil.which("desktop-file-validate"):
        check = subprocess.run(["desktop-file-validate", str(desktop)], capture_output=True, text=True)
        assert check.returncode == 0 and not check.stdout.strip(), check.stdout + check.stderr
    for size in ("16x16", "48x48", "256x256"):
        assert (root / f"usr/share/icons/hicolor/{size}/apps/qvmrc.png").stat().st_size > 0
    assert (root / "usr/share/icons/hicolor/scalable/apps/qvmrc.svg").is_file()
