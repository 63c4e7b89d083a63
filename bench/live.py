"""Live measurements against real servers through websockify on loopback.

    python bench/live.py [--idle-seconds 60] [--json out.json]

- idle: CPU of a connected console whose screen holds still (QEMU, still guest)
- first frame: session start -> first complete frame, 1024x768 QEMU, median of 10;
  and `qvmrc snapshot` wall time from process start, median of 5
- sustained: complete 1920x1080 updates per second, Tight+JPEG (bench/jpegserver.py
  answers each request at once, so the client is what's measured), decode ms/update
- input latency: KeyEvent call -> bytes received by the server, while that stream
  is being decoded (p50 / p99 / max)
- memory: peak RSS of a headless `qvmrc snapshot --settle 5` on that 1080p stream

Numbers only; nothing here asserts. Targets are from issue 4.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qvmrc.rfb import events as ev  # noqa: E402
from qvmrc.session import Session, SessionListener, SessionOptions  # noqa: E402
from tests.support import servers  # noqa: E402
from tests.support.ports import free_port  # noqa: E402

#: Extra SessionOptions for every session (``--option``), e.g. the app's front_buffer=1.
OPTIONS: dict[str, object] = {}


class Watcher(SessionListener):
    """Tracks coverage to know when a complete frame has arrived."""

    def __init__(self) -> None:
        import numpy as np

        self.np = np
        self.mask = None
        self.complete = asyncio.Event()
        self.full_updates = 0
        self.updates = 0

    def connected(self, info: ev.Connected) -> None:
        self.mask = self.np.zeros((info.height, info.width), bool)

    def desktop_resized(self, width: int, height: int) -> None:
        self.mask = self.np.zeros((height, width), bool)

    def framebuffer_updated(self, update: ev.FramebufferUpdated) -> None:
        self.updates += 1
        if self.mask is None or not update.damage:
            return
        area = sum(w * h for _, _, w, h in update.damage)
        if area >= self.mask.size:
            self.full_updates += 1
        if not self.complete.is_set():
            for x, y, w, h in update.damage:
                self.mask[y : y + h, x : x + w] = True
            if self.mask.all():
                self.complete.set()


async def first_frame_ms(url: str, encodings: tuple[str, ...]) -> float:
    w = Watcher()
    s = Session(url, SessionOptions(encodings=encodings, **OPTIONS), w)
    t0 = time.perf_counter()
    task = asyncio.create_task(s.run())
    await asyncio.wait_for(w.complete.wait(), 30)
    t1 = time.perf_counter()
    await s.close()
    await asyncio.gather(task, return_exceptions=True)
    return 1000 * (t1 - t0)


async def idle_cpu(url: str, seconds: float) -> float:
    w = Watcher()
    s = Session(url, SessionOptions(encodings=("tight", "zrle", "raw"), **OPTIONS), w)
    task = asyncio.create_task(s.run())
    await asyncio.wait_for(w.complete.wait(), 30)
    await asyncio.sleep(1.0)
    c0, t0 = time.process_time(), time.monotonic()
    await asyncio.sleep(seconds)
    c1, t1 = time.process_time(), time.monotonic()
    await s.close()
    await asyncio.gather(task, return_exceptions=True)
    return 100 * (c1 - c0) / (t1 - t0)


async def sustained(url: str, seconds: float, keys_every: float) -> dict[str, float]:
    w = Watcher()
    s = Session(url, SessionOptions(encodings=("tight",), jpeg_quality=6, **OPTIONS), w)
    task = asyncio.create_task(s.run())
    await asyncio.wait_for(w.complete.wait(), 30)
    sent: list[float] = []
    u0, d0 = w.full_updates, s.stats.total_decode_s
    t0 = time.monotonic()
    while time.monotonic() - t0 < seconds:
        await asyncio.sleep(keys_every)
        sent.append(time.monotonic())
        s.key_event(0x61, True)
        sent.append(time.monotonic())
        s.key_event(0x61, False)
    t1 = time.monotonic()
    u1, d1 = w.full_updates, s.stats.total_decode_s
    await asyncio.sleep(0.3)
    await s.close()
    await asyncio.gather(task, return_exceptions=True)
    n = max(1, u1 - u0)
    return {"updates_per_s": (u1 - u0) / (t1 - t0), "decode_ms_per_update": 1000 * (d1 - d0) / n,
            "keys_sent": len(sent), "_sent": sent}  # type: ignore[dict-item]


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    k = min(len(values) - 1, max(0, round(p / 100 * (len(values) - 1))))
    return values[k]


def start_jpegserver(port: int, keys_out: str) -> subprocess.Popen[str]:
    proc = subprocess.Popen([sys.executable, str(ROOT / "bench" / "jpegserver.py"), "--port", str(port),
                             "--keys-out", keys_out, "--lifetime", "600"],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    proc.stdout.readline()  # {"ready": true}
    return proc


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--idle-seconds", type=float, default=60)
    ap.add_argument("--sustain-seconds", type=float, default=10)
    ap.add_argument("--json", help="also write the results here")
    ap.add_argument("--option", action="append", default=[], metavar="NAME=INT",
                    help="a SessionOptions field for every session (front_buffer=1: the app's hand-over)")
    ap.add_argument("--double-buffer", action="store_true",
                    help="hand frames over by swapping buffers instead (bench/handover.py; with front_buffer=1)")
    args = ap.parse_args()
    for opt in args.option:
        name, _, value = opt.partition("=")
        OPTIONS[name] = int(value)
    if args.double_buffer:
        from bench.handover import install_double_buffer

        install_double_buffer()
    results: dict[str, object] = {}
    tmp = tempfile.mkdtemp(prefix="qvmrc-live-")

    with servers.qemu(width=1024, height=768) as q:
        q.wait_still(1024, 768)
        with servers.websockify(q.port) as url:
            ff = [asyncio.run(first_frame_ms(url, ("tight", "zrle", "raw"))) for _ in range(10)]
            results["first_frame_ms_median"] = round(statistics.median(ff), 1)
            results["first_frame_ms_all"] = [round(v, 1) for v in ff]
            snaps = []
            for _ in range(5):
                t0 = time.perf_counter()
                subprocess.run([sys.executable, "-m", "qvmrc", "snapshot", url, "-o", f"{tmp}/s.png"],
                               check=True, cwd=ROOT)
                snaps.append(time.perf_counter() - t0)
            results["snapshot_process_s_median"] = round(statistics.median(snaps), 3)
            results["idle_cpu_percent"] = round(asyncio.run(idle_cpu(url, args.idle_seconds)), 3)
            results["idle_seconds"] = args.idle_seconds

    port = free_port()
    keys_out = f"{tmp}/keys.json"
    jp = start_jpegserver(port, keys_out)
    try:
        with servers.websockify(port) as url:
            r = asyncio.run(sustained(url, args.sustain_seconds, 0.02))
            sent = r.pop("_sent")  # type: ignore[misc]
            time.sleep(0.5)
            recv = json.loads(Path(keys_out).read_text())
            lat = [1000 * (b - a) for a, b in zip(sent, recv, strict=False)]  # type: ignore[arg-type]
            results["sustained_1080p_tight_jpeg"] = {k: round(v, 2) for k, v in r.items()}
            if lat:
                results["input_latency_ms"] = {"p50": round(percentile(lat, 50), 3),
                                               "p99": round(percentile(lat, 99), 3),
                                               "max": round(max(lat), 3), "n": len(lat),
                                               "received": len(recv)}
            # The child reports its own peak RSS (RUSAGE_CHILDREN would include QEMU).
            code = ("import resource; from qvmrc.cli import main; "
                    f"rc = main(['snapshot', '{url}', '-o', '{tmp}/m.png', '--encodings', 'tight', "
                    "'--jpeg-quality', '6', '--settle', '5']); "
                    "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)")
            out = subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT, capture_output=True,
                                 text=True).stdout
            results["rss_mb_1080p_headless"] = round(int(out.split()[-1]) / 1024, 1)
    finally:
        jp.terminate()
        jp.wait()
    print(json.dumps(results, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONPATH", str(ROOT))
    raise SystemExit(main())
