"""Make the benchmark's FBS recordings from real servers on 127.0.0.1.

    python bench/workloads/record.py [--only PATTERN ...] [--force] [--duration S]

Recordings land in bench/recordings/ (not committed; ``run.py`` remakes the
missing ones). Each is made with ``python -m qvmrc record`` (which writes
F.fbs and the F.fbs.json sidecar with the pixel format and security type) while
a scripted scene runs:

- Xvnc (TigerVNC) 1920x1080 "desktop" and "photo" scenes (see scenes.py), one
  recording per encoding: raw, copyrect (+hextile), rre, hextile, zrle, tight
  (lossless), tight + JPEG quality 6. Xvnc 1.12 has no Zlib and no TightPNG.
- QEMU, started paused and let run once the recorder is connected: "boot"
  (no disk: SeaBIOS's text screens, small) and "anim" (qemu_anim.py's boot
  sector repainting 1024x768 every frame): raw, hextile, zlib, zrle, tight,
  tight + JPEG (``lossy=on``), tightpng. QEMU has no CopyRect and no RRE (it
  answers with Raw).

The pixel format is qvmrc's default (rgb888). Each recording is cut after its
last complete message (the recorder stops mid-update). ``bench/recordings/manifest.json``
says how each recording was made.
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

sys.path.insert(0, str(HERE.parent))

import fbsstream  # noqa: E402
import qemu_anim  # noqa: E402
import scenes  # noqa: E402
import servers  # noqa: E402

BENCH = HERE.parent
REPO = BENCH.parent
RECORDINGS = BENCH / "recordings"
WORK = BENCH / "work"
PYTHON = sys.executable


@dataclass(frozen=True)
class Spec:
    name: str
    server: str  # xvnc | qemu
    scene: str  # desktop | photo | boot
    encodings: str  # qvmrc record --encodings
    jpeg_quality: int | None = None
    duration: float = 6.0

    @property
    def lossless(self) -> bool:
        return self.jpeg_quality is None

    @property
    def path(self) -> Path:
        return RECORDINGS / f"{self.name}.fbs"


_XVNC_ENCODINGS = [
    ("raw", "raw", None),
    ("copyrect", "copyrect,hextile", None),
    ("rre", "rre", None),
    ("hextile", "hextile", None),
    ("zrle", "zrle", None),
    ("tight", "tight", None),
    ("tight-jpeg", "tight", 6),
]
_QEMU_ENCODINGS = [
    ("raw", "raw", None),
    ("hextile", "hextile", None),
    ("zlib", "zlib", None),
    ("zrle", "zrle", None),
    ("tight", "tight", None),
    ("tight-jpeg", "tight", 6),
    ("tightpng", "tightpng", None),
]

_BIG = ("raw", "rre")  # a few hundred MB a second: record them shorter

SPECS: list[Spec] = (
    [Spec(f"xvnc-desktop-{label}", "xvnc", "desktop", enc, q, 4.0 if label in _BIG else 8.0)
     for label, enc, q in _XVNC_ENCODINGS]
    + [Spec(f"xvnc-photo-{label}", "xvnc", "photo", enc, q, 5.0)
       for label, enc, q in _XVNC_ENCODINGS]
    + [Spec(f"qemu-boot-{label}", "qemu", "boot", enc, q, 5.0)
       for label, enc, q in _QEMU_ENCODINGS]
    + [Spec(f"qemu-anim-{label}", "qemu", "anim", enc, q, 5.0)
       for label, enc, q in _QEMU_ENCODINGS]
)


def record_cmd(spec: Spec, url: str, out: Path, duration: float) -> list[str]:
    cmd = [PYTHON, "-m", "qvmrc", "record", url, "-o", str(out),
           "--duration", str(duration), "--encodings", spec.encodings,
           # vncdotool reads a negative-length (Extended Clipboard) cut text as 4 GB to come
           "--no-extended-clipboard"]
    if spec.jpeg_quality is not None:
        cmd += ["--jpeg-quality", str(spec.jpeg_quality)]
    return cmd


def _record(spec: Spec, url: str, duration: float, after_connect: object = None) -> None:
    out = spec.path
    tmp = out.with_suffix(".part.fbs")
    proc = subprocess.Popen(record_cmd(spec, url, tmp, duration), cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if after_connect is not None:
        time.sleep(0.7)
        after_connect()  # type: ignore[operator]
    try:
        _, err = proc.communicate(timeout=duration + 60)
    except subprocess.TimeoutExpired:
        servers.stop(proc)
        raise servers.ServerError(f"{spec.name}: qvmrc record did not finish") from None
    if proc.returncode != 0:
        raise servers.ServerError(f"{spec.name}: qvmrc record failed: {err.decode().strip()[-300:]}")
    # Keep whole messages only: the recording stopped wherever the duration ended.
    fbsstream.trim(tmp, out)
    tmp.unlink()
    Path(str(tmp) + ".json").unlink(missing_ok=True)


def _manifest_update(done: list[tuple[Spec, float]]) -> None:
    path = RECORDINGS / "manifest.json"
    data = json.loads(path.read_text()) if path.exists() else {}
    for spec, duration in done:
        entry = asdict(spec)
        entry.update(duration=duration, lossless=spec.lossless,
                     recorded_at=time.strftime("%Y-%m-%dT%H:%M:%S"),
                     bytes=spec.path.stat().st_size)
        data[spec.name] = entry
    path.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")


def tool_versions() -> dict[str, str]:
    out = {}
    for name, cmd in (("xvnc", ["Xvnc", "-version"]), ("qemu", ["qemu-system-x86_64", "--version"])):
        try:
            r = subprocess.run(cmd, capture_output=True, text=True, timeout=10)
            text = (r.stdout + r.stderr).strip().splitlines()
            out[name] = next((ln.strip() for ln in text if ln.strip()), "?")
        except (OSError, subprocess.TimeoutExpired):
            out[name] = "missing"
    return out


def make(specs: list[Spec], duration: float | None = None, log: object = print) -> list[Spec]:
    """Record ``specs`` (grouped so one Xvnc serves one scene); returns the ones made."""
    RECORDINGS.mkdir(parents=True, exist_ok=True)
    WORK.mkdir(parents=True, exist_ok=True)
    made: list[tuple[Spec, float]] = []
    for scene in ("desktop", "photo"):
        group = [s for s in specs if s.server == "xvnc" and s.scene == scene]
        if not group:
            continue
        missing = servers.require("Xvnc", "xterm", "xdotool", "display")
        if missing:
            log(f"skip Xvnc {scene}: missing {', '.join(missing)}")  # type: ignore[operator]
            continue
        total = sum(duration or s.duration for s in group) + 10
        with servers.xvnc(log_dir=WORK) as srv:
            ctx = (scenes.desktop(srv, total) if scene == "desktop"
                   else scenes.photo(srv, total, WORK))
            with ctx:
                for spec in group:
                    d = duration or spec.duration
                    log(f"recording {spec.name} ({d:g} s)")  # type: ignore[operator]
                    _record(spec, srv.url, d)
                    made.append((spec, d))
    for spec in (s for s in specs if s.server == "qemu"):
        if servers.require("qemu-system-x86_64"):
            log("skip QEMU: qemu-system-x86_64 missing")  # type: ignore[operator]
            break
        d = duration or spec.duration
        disk = qemu_anim.write_image(WORK / "qemu-anim.img") if spec.scene == "anim" else None
        with servers.qemu(lossy=spec.jpeg_quality is not None, log_dir=WORK, disk=disk) as srv:
            log(f"recording {spec.name} ({d:g} s)")  # type: ignore[operator]
            qmp = srv.qmp
            assert qmp is not None
            _record(spec, srv.url, d, after_connect=lambda q=qmp: servers.qmp_cont(q))
            made.append((spec, d))
    if made:
        _manifest_update(made)
    return [s for s, _ in made]


def select(patterns: list[str] | None) -> list[Spec]:
    if not patterns:
        return list(SPECS)
    return [s for s in SPECS if any(fnmatch.fnmatch(s.name, p) or p == s.name for p in patterns)]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Make the benchmark's FBS recordings.")
    ap.add_argument("--only", nargs="*", help="recording names or glob patterns (default: all)")
    ap.add_argument("--force", action="store_true", help="remake recordings that exist")
    ap.add_argument("--duration", type=float, help="seconds per recording (default: per spec)")
    ap.add_argument("--list", action="store_true", help="list the recordings and exit")
    args = ap.parse_args(argv)
    specs = select(args.only)
    if args.list:
        for s in specs:
            state = "present" if s.path.exists() else "missing"
            print(f"{s.name:28s} {s.encodings:18s} jpeg={s.jpeg_quality} {state}")
        return 0
    if not args.force:
        specs = [s for s in specs if not s.path.exists()]
    try:
        make(specs, args.duration)
    except servers.ServerError as e:
        print(f"record: error: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
