"""Scripted screen content for the recordings: "desktop" and "photo" on Xvnc.

desktop: four xterms, three scrolling text as fast as they can (ls -lR, seq,
find) and one small one that xdotool drags around the screen on a loop. No
window manager: xdotool's windowmove works on the bare X windows. This is the
traffic the issue calls palette/fill heavy: thousands of small rectangles,
CopyRect for scrolling when offered.

photo: full-screen high-entropy pictures (a smooth random colour field plus
noise, different every time) shown with ImageMagick's ``display -window root``
several times a second. Each picture changes every pixel.
"""

from __future__ import annotations

import contextlib
import math
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from servers import Server, spawn, stop

DESKTOP_XTERMS = [
    # (geometry in characters + position, title, shell command)
    ("120x36+0+0", "scroll-ls", "while :; do ls -lR /usr/share; done"),
    ("120x36+960+0", "scroll-seq", "while :; do seq 1 100000; done"),
    ("120x36+0+560", "scroll-find", "while :; do find /usr/lib /usr/share -name '*.*'; done"),
    ("60x16+700+400", "qvmrc-bench-mover", "while :; do date; sleep 0.2; done"),
]


@contextlib.contextmanager
def desktop(server: Server, duration: float) -> Iterator[None]:
    """Run the desktop scene on ``server`` for as long as the block runs."""
    env = server.env()
    procs = []
    try:
        for geom, title, cmd in DESKTOP_XTERMS:
            procs.append(spawn(["xterm", "-geometry", geom, "-T", title, "-e", "sh", "-c", cmd],
                               env=env, stdout=_devnull(), stderr=_devnull()))
        # One xdotool process runs the whole path (a chain of moves and sleeps), so
        # moving the window costs no process start per step.
        steps = max(1, int((duration + 5) / 0.05))
        chain = ["xdotool", "search", "--sync", "--name", "qvmrc-bench-mover"]
        for i in range(steps):
            a = 2 * math.pi * i / 120
            x = int(700 + 500 * math.cos(a))
            y = int(400 + 250 * math.sin(2 * a))
            chain += ["windowmove", "%1", str(x), str(y), "sleep", "0.05"]
        procs.append(spawn(chain, env=env, stdout=_devnull(), stderr=_devnull()))
        time.sleep(1.0)  # let the xterms map and start scrolling
        yield
    finally:
        for p in reversed(procs):
            stop(p)


def make_photos(directory: Path, count: int = 6, width: int = 1920, height: int = 1080,
                seed: int = 4) -> list[Path]:
    """Write ``count`` high-entropy pictures as PPM (quick for ``display`` to load)."""
    import numpy as np
    from PIL import Image

    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    rng = np.random.default_rng(seed)
    for i in range(count):
        p = directory / f"photo-{width}x{height}-{seed}-{i}.ppm"
        paths.append(p)
        if p.exists():
            continue
        coarse = rng.uniform(0, 255, (9 + i, 16 + i, 3)).astype(np.uint8)
        field = np.asarray(Image.fromarray(coarse).resize((width, height), Image.BICUBIC),
                           dtype=np.float32)
        field += rng.normal(0, 12, (height, width, 3)).astype(np.float32)
        Image.fromarray(np.clip(field, 0, 255).astype(np.uint8)).save(p)
    return paths


@contextlib.contextmanager
def photo(server: Server, duration: float, work: Path, interval: float = 0.25) -> Iterator[None]:
    """Show a new full-screen picture every ``interval`` seconds while the block runs."""
    pictures = make_photos(work / "photos")
    env = server.env()
    done = threading.Event()

    def loop() -> None:
        i = 0
        while not done.is_set():
            t0 = time.monotonic()
            # display exits with status 1 even when it set the root window.
            p = spawn(["display", "-window", "root", str(pictures[i % len(pictures)])],
                      env=env, stdout=_devnull(), stderr=_devnull())
            try:
                p.wait(timeout=10)
            except Exception:
                stop(p)
            i += 1
            done.wait(max(0.0, interval - (time.monotonic() - t0)))

    t = threading.Thread(target=loop, daemon=True)
    t.start()
    try:
        time.sleep(0.5)
        yield
    finally:
        done.set()
        t.join(15)


def _devnull() -> int:
    import subprocess
    return subprocess.DEVNULL
