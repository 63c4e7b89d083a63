"""Hostile server streams, decoded by a real Session in a child process that reports its peak RSS.

``python -m tests.support.hostile CASE WIDTH HEIGHT`` runs one case: a
Session (threaded decoding, as the app runs it) reads from a fake transport
that plays a handshake, one full-screen Raw update (the console in normal
use: framebuffer touched, a screenful decoded) and then the case's frames.
It prints one JSON line: the peak RSS after the normal update (``baseline``),
at the end (``peak``), what the session reported, and how the session ended
(a ProtocolError refusing the input is a fine ending; a MemoryError is not).

Peak RSS is the kernel's high-water mark (VmHWM), so nothing is sampled; the child also runs under
an address-space limit so that a regression fails fast instead of paging.
"""

from __future__ import annotations

import asyncio
import json
import resource
import struct
import sys
import zlib
from collections.abc import Callable, Iterator

import numpy as np

from qvmrc.errors import ConnectionClosed, QVMRCError
from qvmrc.rfb.encodings import numbers
from qvmrc.rfb.pixelformat import PRESETS
from tests.support.rfbstream import fbu, handshake, rect

FRAME = 1 << 20  # the hostile part arrives in WebSocket-frame-sized chunks


def _rss_mb() -> float:
    """Peak RSS of this process image (VmHWM: ru_maxrss would include the forking parent's)."""
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _frames(data: bytes, size: int = FRAME) -> Iterator[bytes]:
    for i in range(0, len(data), size):
        yield data[i : i + size]


# ------------------------------------------------------------------ the cases


def hextile_subrects(w: int, h: int) -> Iterator[bytes]:
    """131 KB: 256 tiles of 255 full-tile subrectangles each (2 bytes -> 256 pixels)."""
    tiles = ((w + 15) // 16) * ((h + 15) // 16)
    heavy = 256
    first = bytes([2 | 4 | 8]) + struct.pack("<II", 0x101010, 0x808080) + bytes([255]) + b"\x00\xff" * 255
    rest = bytes([8, 255]) + b"\x00\xff" * 255
    body = first + rest * (heavy - 1) + b"\x00" * (tiles - heavy)
    yield from _frames(fbu(rect(0, 0, w, h, numbers.HEXTILE, body)))


def hextile_strips(w: int, h: int) -> Iterator[bytes]:
    """The same subrectangles as many small rectangles (the bulk-run path)."""
    tile = bytes([2 | 4 | 8]) + struct.pack("<II", 0x101010, 0x808080) + bytes([255]) + b"\x00\xff" * 255
    rects = []
    for i in range(512):
        x = (i * 16) % (w - 16)
        y = ((i * 16) // (w - 16) * 16) % (h - 16)
        rects.append(rect(x, y, 16, 16, numbers.HEXTILE, tile))
    yield from _frames(fbu(*rects))


def rre_small(w: int, h: int) -> Iterator[bytes]:
    """4.8 MB: 400,000 RRE subrectangles of 8x7 pixels (the vectorised path)."""
    n = 400_000
    rng = np.random.default_rng(1)
    sub = np.zeros(n, dtype=[("c", "<u4"), ("x", ">u2"), ("y", ">u2"), ("w", ">u2"), ("h", ">u2")])
    sub["c"] = rng.integers(0, 1 << 24, n)
    sub["x"] = rng.integers(0, w - 8, n)
    sub["y"] = rng.integers(0, h - 7, n)
    sub["w"] = 8
    sub["h"] = 7
    body = struct.pack(">I", n) + struct.pack("<I", 0) + sub.tobytes()
    yield from _frames(fbu(rect(0, 0, w, h, numbers.RRE, body)))


def tight_gradient(w: int, h: int) -> Iterator[bytes]:
    """~49 KB: one full-screen Tight gradient rectangle of zero differences."""
    size = w * h * 3
    z = zlib.compress(bytes(size), 9)
    n = len(z)
    compact = bytes([0x80 | (n & 0x7F), 0x80 | ((n >> 7) & 0x7F), n >> 14])
    body = bytes([0x40, 2]) + compact + z  # stream 0, filter id follows: gradient
    yield from _frames(fbu(rect(0, 0, w, h, numbers.TIGHT, body)))


def bells(w: int, h: int) -> Iterator[bytes]:
    """One 8 MB frame of Bell messages (one byte each)."""
    yield b"\x02" * (8 << 20)


def empty_updates(w: int, h: int) -> Iterator[bytes]:
    """One 8 MB frame of empty FramebufferUpdates (four bytes each)."""
    yield fbu() * (2 << 20)


def zlib_huge_payload(w: int, h: int) -> Iterator[bytes]:
    """A 16x16 Zlib rectangle announcing (and sending) 60 MB of payload."""
    n = 60 << 20
    yield fbu(rect(0, 0, 16, 16, numbers.ZLIB, struct.pack(">I", n)))
    junk = bytes(FRAME)
    for _ in range(n // FRAME):
        yield junk


def tiny_rects(w: int, h: int) -> Iterator[bytes]:
    """One 12 MB frame of updates, each 65,535 one-pixel Raw rectangles (16 bytes each)."""
    one = fbu(*[rect(i % w, (i // w) % h, 1, 1, numbers.RAW, b"\x01\x02\x03\x00") for i in range(65535)])
    yield one * 12


CASES: dict[str, Callable[[int, int], Iterator[bytes]]] = {
    f.__name__: f for f in (hextile_subrects, hextile_strips, rre_small, tight_gradient, bells,
                            empty_updates, zlib_huge_payload, tiny_rects)
}


# ------------------------------------------------------------------ the child


class _Transport:
    description = "hostile test server"

    def __init__(self, w: int, h: int, frames: Iterator[bytes], marks: dict[str, float]) -> None:
        pf = PRESETS["rgb888"]
        screen = np.arange(w * h, dtype="<u4").tobytes()
        self._frames = iter([handshake(width=w, height=h, pf=pf), fbu(rect(0, 0, w, h, numbers.RAW, screen))])
        self._hostile = frames
        self._marks = marks
        self._normal_done = False

    async def recv(self) -> bytes:
        for data in self._frames:
            return data
        if not self._normal_done:
            self._normal_done = True
            self._marks["baseline"] = _rss_mb()
        for data in self._hostile:
            return data
        raise ConnectionClosed("the hostile server has nothing more to say")

    async def send(self, data: bytes) -> None:
        pass

    def limit_frames(self, nbytes: int) -> None:
        self._marks["frame_limit"] = nbytes

    async def close(self) -> None:
        pass


def run_case(name: str, w: int, h: int) -> dict[str, object]:
    from qvmrc import session as session_mod
    from qvmrc.session import Session, SessionListener

    marks: dict[str, float] = {}
    counts = {"updates": 0, "bells": 0}

    class Listener(SessionListener):
        def framebuffer_updated(self, update: object) -> None:
            counts["updates"] += 1

        def bell(self) -> None:
            counts["bells"] += 1

    async def fake_open(url: str, **kwargs: object) -> _Transport:
        return _Transport(w, h, CASES[name](w, h), marks)

    session_mod.open_transport = fake_open  # type: ignore[assignment]
    sess = Session("ws://hostile.invalid/", listener=Listener())
    ending = "closed"
    try:
        asyncio.run(sess.run())
    except ConnectionClosed:
        ending = "closed"
    except QVMRCError as e:
        ending = f"{type(e).__name__}: {e}"
    except MemoryError:
        ending = "MemoryError"
    fb = sess.framebuffer
    return {"case": name, "baseline": marks.get("baseline", 0.0), "peak": _rss_mb(), "ending": ending,
            "frame_limit": marks.get("frame_limit"),
            "fb": [fb.width, fb.height] if fb is not None else None, **counts}


def main() -> None:
    name, w, h = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    limit = int(sys.argv[4]) << 20 if len(sys.argv) > 4 else 3 << 30
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    print(json.dumps(run_case(name, w, h)))


if __name__ == "__main__":
    main()
