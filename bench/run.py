"""QVMRC's decode benchmark: qvmrc next to noVNC and vncdotool on the same bytes.

    python bench/run.py [--quick] [--runs N] [--only PATTERN ...] [--rerecord]
    python bench/run.py --live      # live targets (bench/live.py), kept for RESULTS.md

One command, from the repository root, with the venv's python:

1. makes the FBS recordings that are missing (bench/workloads/record.py: real
   Xvnc and QEMU on 127.0.0.1, scripted scenes, ``qvmrc record``);
2. installs noVNC's harness (``npm install`` in bench/novnc) if it is missing;
3. for each recording, in the same run and interleaved: ``python -m qvmrc
   replay F.fbs --bench``, noVNC 1.7's own decoders under Node
   (bench/novnc/decode.mjs) and vncdotool (bench/vncdotool_decode.py), each in a
   fresh process, ``--runs`` times -> medians of MPix per CPU-second;
4. the physical limits of the same payloads (bench/limits.py: zlib inflate
   alone, JPEG decode alone, a numpy copy per rectangle);
5. checks: decoded pixel counts agree with each other and with the stream's
   own structure (bench/fbsstream.py), and the final framebuffers of qvmrc and
   vncdotool equal noVNC's on lossless recordings (PSNR on JPEG ones);
6. prints a table and writes bench/RESULTS.md with the machine and versions.

``--quick``: one run per client, recordings (if missing) of 3 s.
Exit status 0 even when a target is missed: this is a measurement, not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(BENCH / "workloads"))

import fbsstream  # noqa: E402
import limits  # noqa: E402
import record  # noqa: E402

NOVNC_DIR = BENCH / "novnc"
WORK = BENCH / "work"
PY = sys.executable
CLIENT_TIMEOUT = 900


@dataclass
class Row:
    spec: record.Spec
    walk: fbsstream.Walk | None = None
    qvmrc: list[dict] = field(default_factory=list)
    novnc: list[dict] = field(default_factory=list)
    vncdotool: list[dict] = field(default_factory=list)
    limits: dict = field(default_factory=dict)
    checks: list[str] = field(default_factory=list)
    fb: dict = field(default_factory=dict)
    error: str | None = None


# ------------------------------------------------------------------ running clients

def _run_json(cmd: list[str], cwd: Path = REPO) -> dict:
    """Run one client process; its last stdout line is a JSON object."""
    try:
        p = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=CLIENT_TIMEOUT)
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {CLIENT_TIMEOUT} s"}
    lines = [ln for ln in p.stdout.strip().splitlines() if ln.startswith("{")]
    if lines:
        try:
            return json.loads(lines[-1])
        except json.JSONDecodeError:
            pass
    err = (p.stderr.strip().splitlines() or ["(no output)"])[-1]
    return {"error": f"exit {p.returncode}: {err[:300]}"}


def run_qvmrc(path: Path, out: Path | None = None) -> dict:
    cmd = [PY, "-m", "qvmrc", "replay", str(path), "--bench"]
    if out is not None:
        cmd += ["-o", str(out)]
    return _run_json(cmd)


def run_novnc(path: Path, out: Path | None = None) -> dict:
    cmd = ["node", str(NOVNC_DIR / "decode.mjs"), str(path)]
    if out is not None:
        cmd += ["--out", str(out)]
    return _run_json(cmd)


def run_vncdotool(path: Path, out: Path | None = None) -> dict:
    cmd = [PY, str(BENCH / "vncdotool_decode.py"), str(path)]
    if out is not None:
        cmd += ["--out", str(out)]
    return _run_json(cmd)


def ensure_novnc() -> str | None:
    """Install the Node harness's packages when missing; returns an error or None."""
    if shutil.which("node") is None:
        return "node is not installed"
    if (NOVNC_DIR / "node_modules" / "@novnc" / "novnc").exists():
        return None
    if shutil.which("npm") is None:
        return "npm is not installed"
    print("installing noVNC's harness: npm install in bench/novnc", flush=True)
    p = subprocess.run(["npm", "install", "--no-audit", "--no-fund"], cwd=NOVNC_DIR,
                       capture_output=True, text=True)
    if p.returncode != 0:
        return "npm install failed: " + (p.stderr.strip().splitlines() or ["?"])[-1]
    return None


def median_of(results: list[dict], key: str = "mpix_per_s") -> float | None:
    vals = [r[key] for r in results if isinstance(r.get(key), (int, float))]
    return statistics.median(vals) if vals else None


def failure_of(results: list[dict]) -> str | None:
    for r in results:
        if "fails" in r:
            return "fails: " + str(r["fails"])
        if "error" in r:
            return "error: " + str(r["error"])
    return None


# ------------------------------------------------------------------ framebuffers

def _load_rgb(path: Path):  # -> np.ndarray | None
    import numpy as np
    from PIL import Image
    if not path.exists():
        return None
    with Image.open(path) as im:
        return np.asarray(im.convert("RGB"))


def compare(a_path: Path, b_path: Path) -> dict:
    import numpy as np
    a, b = _load_rgb(a_path), _load_rgb(b_path)
    if a is None or b is None:
        return {"error": "no framebuffer"}
    if a.shape != b.shape:
        return {"error": f"sizes differ {a.shape[1]}x{a.shape[0]} vs {b.shape[1]}x{b.shape[0]}"}
    diff = np.any(a != b, axis=-1)
    n = int(diff.sum())
    mse = float(np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2))
    psnr = float("inf") if mse == 0 else 10 * np.log10(255 ** 2 / mse)
    return {"differing_pixels": n, "psnr": psnr}


# ------------------------------------------------------------------ targets

def dominant_encoding(walk: fbsstream.Walk) -> str:
    """The encoding that carries most of the recording's pixels."""
    share: dict[str, int] = {}
    for r in walk.rects:
        name = fbsstream.PIXEL_ENCODINGS[r.enc]
        share[name] = share.get(name, 0) + r.w * r.h
    return max(share, key=lambda k: share[k]) if share else ""


def target_ratio(spec: record.Spec, walk: fbsstream.Walk | None = None) -> float:
    """The issue's decode target against noVNC for this recording.

    Judged by what the server really sent: a recording with CopyRect rectangles is
    a CopyRect recording; otherwise the encoding carrying most pixels counts, so
    Xvnc's "copyrect" photo recording (nothing to copy: all Hextile) gets Hextile's.
    """
    if walk is not None and walk.counts.get("copyrect"):
        enc = "copyrect"  # a CopyRect recording, whatever paints the rest
    elif walk is not None and walk.rects:
        enc = dominant_encoding(walk)
    else:
        enc = spec.name.split("-", 2)[2]
    if enc in ("hextile", "rre"):
        return 0.5
    return 1.5 if spec.scene == "photo" else 1.0


def zlib_bound(spec: record.Spec) -> bool:
    """Recordings where inflate is most of the work: full-screen changes, lossless."""
    enc = spec.name.split("-", 2)[2]
    return spec.scene in ("photo", "anim") and enc in ("zrle", "tight", "zlib")


# ------------------------------------------------------------------ one recording

def bench_one(spec: record.Spec, runs: int, vnc_runs: int, use_vncdotool: bool,
              fb_dir: Path) -> Row:
    row = Row(spec)
    path = spec.path
    try:
        _, side, walk = fbsstream.load(path)
        if walk.complete_len < walk.stream_len:
            # Stopped mid-update: compare on whole messages only (noVNC paints a
            # partial Raw rectangle line by line, the others paint nothing).
            trimmed = WORK / "trimmed" / path.name
            trimmed.parent.mkdir(parents=True, exist_ok=True)
            if not trimmed.exists() or trimmed.stat().st_mtime < path.stat().st_mtime:
                fbsstream.trim(path, trimmed)
            path = trimmed
            _, side, walk = fbsstream.load(path)
        limits.check_inflate(walk)
    except (OSError, fbsstream.StreamError) as e:
        row.error = f"recording unreadable: {e}"
        return row
    row.walk = walk
    for i in range(runs):
        row.qvmrc.append(run_qvmrc(path))
        row.novnc.append(run_novnc(path))
        if use_vncdotool and i < vnc_runs and not failure_of(row.vncdotool):
            row.vncdotool.append(run_vncdotool(path))
    row.limits = limits.measure(walk, runs)

    # Pixel counts: every client against the stream's structure.
    expect = walk.pixels
    for name, results in (("qvmrc", row.qvmrc), ("noVNC", row.novnc), ("vncdotool", row.vncdotool)):
        got = {r.get("pixels") for r in results if "pixels" in r}
        if got and got != {expect}:
            row.checks.append(f"{name} pixels {sorted(got)} != stream's {expect}")

    # Final framebuffers (untimed runs).
    nv = fb_dir / f"{spec.name}.novnc.png"
    qv = fb_dir / f"{spec.name}.qvmrc.png"
    vd = fb_dir / f"{spec.name}.vncdotool.png"
    r_nv = run_novnc(path, nv)
    r_qv = run_qvmrc(path, qv)
    if "error" in r_nv or "error" in r_qv:
        row.checks.append("framebuffer run failed: " + str(r_nv.get("error") or r_qv.get("error")))
    else:
        row.fb["qvmrc"] = compare(qv, nv)
    if use_vncdotool and row.vncdotool and not failure_of(row.vncdotool):
        if "error" not in run_vncdotool(path, vd):
            row.fb["vncdotool"] = compare(vd, nv)
    lossless = spec.lossless and not walk.jpegs
    q = row.fb.get("qvmrc", {})
    if lossless and q.get("differing_pixels"):
        row.checks.append(f"qvmrc framebuffer differs from noVNC's in {q['differing_pixels']} pixels")
    if "error" in q:
        row.checks.append("qvmrc framebuffer: " + q["error"])
    return row


# ------------------------------------------------------------------ report

def _fmt(v: float | None, digits: int = 1) -> str:
    if v is None:
        return "—"
    if v >= 100:
        return f"{v:,.0f}"
    return f"{v:.{digits}f}"


def _ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def table(rows: list[Row]) -> list[str]:
    head = ("| recording | rects | MPix | qvmrc | noVNC | vncdotool | qvmrc/noVNC (target) "
            "| qvmrc/vncdotool | inflate | JPEG/PNG | copy | qvmrc/inflate | framebuffer |")
    lines = [head, "|" + "---|" * 13]
    for row in rows:
        s = row.spec
        if row.error or row.walk is None:
            lines.append(f"| {s.name} | " + " | ".join(["—"] * 11) + f" | {row.error} |")
            continue
        w = row.walk
        q, n, v = median_of(row.qvmrc), median_of(row.novnc), median_of(row.vncdotool)
        qf, nf = failure_of(row.qvmrc), failure_of(row.novnc)
        vf = failure_of(row.vncdotool)
        r_n = _ratio(q, n)
        tgt = target_ratio(s, w)
        mark = "" if r_n is None else (" ✓" if r_n >= tgt else " ✗")
        r_v = _ratio(q, v)
        vmark = "" if r_v is None else (" ✓" if r_v >= 10 else " ✗")
        inf = row.limits.get("inflate", {}).get("mpix_per_s")
        jpg = (row.limits.get("jpeg") or row.limits.get("png") or {}).get("mpix_per_s")
        cp = row.limits.get("copy", {}).get("mpix_per_s")
        r_i = _ratio(q, inf)
        imark = ""
        if r_i is not None and zlib_bound(s):
            imark = " ✓" if r_i >= 0.7 else " ✗"
        fbq = row.fb.get("qvmrc", {})
        if "differing_pixels" in fbq:
            if fbq["differing_pixels"] == 0:
                fbtxt = "= noVNC"
            elif s.lossless and not w.jpegs:
                fbtxt = f"≠ noVNC ({fbq['differing_pixels']} px)"
            else:
                fbtxt = f"PSNR {fbq['psnr']:.1f} dB vs noVNC"
        else:
            fbtxt = "—"
        fbv = row.fb.get("vncdotool", {})
        if fbv.get("differing_pixels"):
            fbtxt += f"; vncdotool ≠ ({fbv['differing_pixels']} px)"
        nov = _fmt(n) if not nf else nf.split(":")[0]
        if n is not None and w.jpegs:
            nov += " (+libjpeg-turbo)"
        vnc = _fmt(v) if not vf else "fails"
        if v is not None and w.counts.get("copyrect"):
            vnc += " (CopyRect no-op)"
        lines.append(
            f"| {s.name} | {len(w.rects):,} | {w.pixels / 1e6:,.1f} | "
            f"{_fmt(q) if not qf else qf.split(':')[0]} | {nov} | {vnc} | "
            f"{_fmt(r_n, 2) + 'x' if r_n else '—'}{mark} (≥{tgt}) | "
            f"{_fmt(r_v, 1) + 'x' if r_v else '—'}{vmark} | {_fmt(inf)} | {_fmt(jpg)} | {_fmt(cp)} | "
            f"{f'{r_i:.0%}' if r_i else '—'}{imark} | {fbtxt} |")
    return lines


def machine() -> dict[str, str]:
    info: dict[str, str] = {}
    cpu = "?"
    try:
        for ln in Path("/proc/cpuinfo").read_text().splitlines():
            if ln.startswith("model name"):
                cpu = ln.split(":", 1)[1].strip()
                break
    except OSError:
        cpu = platform.processor() or "?"
    info["CPU"] = f"{cpu}, {os.cpu_count()} cores visible"
    info["OS"] = platform.platform()
    info["Python"] = platform.python_version()
    from importlib.metadata import PackageNotFoundError, version
    for pkg in ("numpy", "Pillow", "simplejpeg", "vncdotool", "Twisted"):
        try:
            info[pkg] = version(pkg)
        except PackageNotFoundError:
            info[pkg] = "missing"
    try:
        info["Node"] = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()
    except OSError:
        info["Node"] = "missing"
    for pkg in ("@novnc/novnc", "@julusian/jpeg-turbo", "sharp"):
        pj = NOVNC_DIR / "node_modules" / pkg / "package.json"
        info[pkg] = json.loads(pj.read_text())["version"] if pj.exists() else "missing"
    info.update(record.tool_versions())
    try:
        rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO,
                             capture_output=True, text=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                               cwd=REPO, capture_output=True, text=True).stdout.strip()
        info["qvmrc commit"] = rev + (" (+ uncommitted changes)" if dirty else "")
    except OSError:
        pass
    return info


NOTES = """\
How to read this:

- MPix/s = pixels of all pixel rectangles in the recording (CopyRect included) per CPU
  second of decoding in a fresh process (medians of the runs; "cold process": noVNC's JIT
  warms up inside the measurement, as it would in a browser tab). Reading the file and
  the handshake are not timed.
- noVNC = noVNC 1.7's own decoder classes and Websock receive queue, driven by
  bench/novnc/decode.mjs with a stub display (RGBA array, as a canvas). Its JPEG rows
  ("+libjpeg-turbo") decode JPEG with libjpeg-turbo called synchronously
  (@julusian/jpeg-turbo, which uses TJFLAG_FASTDCT): no browser overhead, a fast IDCT,
  so noVNC is if anything flattered there. TightPNG goes through sharp (libvips).
- vncdotool = vncdotool's VNCDoToolClient (Twisted protocol, PIL screen) fed by
  bench/vncdotool_decode.py. It has no Tight, TightPNG or Zlib ("fails"), and its
  CopyRect is a no-op (fast and wrong: "CopyRect no-op").
- Limits (bench/limits.py) use the same payloads: inflate = zlib alone (one
  decompress per payload, streams as the encoding keeps them), JPEG/PNG = simplejpeg
  alone (TightPNG: Pillow's PNG decode alone), copy = one numpy slice assignment per
  rectangle.
- Targets (issue 4): qvmrc/noVNC ≥ 1.0x on Tight, Tight+JPEG, ZRLE, Zlib, Raw,
  CopyRect (and TightPNG), ≥ 1.5x on the photo ones, ≥ 0.5x on Hextile and RRE (by
  what the server sent: any CopyRect makes a CopyRect recording, else the encoding
  carrying most pixels counts, so Xvnc's photo "copyrect", all Hextile, is Hextile);
  ≥ 10x vncdotool where it decodes; ≥ 70% of inflate on zlib-bound recordings
  (counted here: photo and anim Zlib/ZRLE/Tight lossless). Framebuffers must equal
  noVNC's on lossless recordings; noVNC's are the reference ("= noVNC").
- Scenes: Xvnc 1920x1080 "desktop" (scrolling xterms, a window dragged around) and
  "photo" (full-screen pictures, 4 a second); QEMU "boot" (SeaBIOS text, small: its
  numbers are noise-prone) and "anim" (a boot sector repainting 1024x768 every frame).
- qvmrc's and noVNC's JPEG output differ slightly (different IDCT), hence PSNR.
- qvmrc runs as its CLI and app do, with glibc's malloc thresholds fixed at start
  (qvmrc/allocator.py); limits.py uses the same setting. Without it a fresh process
  mmaps, unmaps and faults in its numpy temporaries over and over (~10% on desktop
  Hextile and QEMU ZRLE).
- vncdotool's Raw is nearly a memcpy: on Raw and RRE-as-Raw rows 10x vncdotool is at
  or beyond a bare numpy copy of the same bytes, so that target can't be met there;
  the QEMU "boot" rows are 0.6 MPix, where a resize's page faults and first calls
  dominate.
"""


def write_results(rows: list[Row], args: argparse.Namespace, started: float,
                  took: float | None = None) -> Path:
    took = time.time() - started if took is None else took
    info = machine()
    lines = ["# QVMRC decode benchmark", "",
             f"Made by `{shlex.join(['python', 'bench/run.py', *args.argv])}` on "
             f"{time.strftime('%Y-%m-%d %H:%M', time.localtime(started))} "
             f"(took {took:.0f} s). MPix per CPU-second, medians of {args.runs} runs"
             f" (vncdotool: {args.vncdotool_runs}).", "", "## Machine", ""]
    lines += [f"- {k}: {v}" for k, v in info.items()]
    lines += ["", "## Decode throughput", ""] + table(rows)
    checks = [(r.spec.name, c) for r in rows for c in r.checks]
    lines += ["", "## Checks", ""]
    lines += [f"- {n}: {c}" for n, c in checks] or ["- all pixel counts agree; all lossless framebuffers equal noVNC's"]
    lines += ["", "## Recordings", ""]
    for r in rows:
        if r.walk is None:
            continue
        w = r.walk
        kinds = ", ".join(f"{k} {v}" for k, v in sorted(w.tight_kinds.items()))
        lines.append(f"- {r.spec.name}: {w.width}x{w.height}, {w.updates} updates, "
                     f"{len(w.rects)} rects ({', '.join(f'{k} {v}' for k, v in w.counts.items())}"
                     f"{'; tight: ' + kinds if kinds else ''}), {w.stream_len / 1e6:.1f} MB, "
                     f"encodings asked: {r.spec.encodings}"
                     f"{', JPEG quality ' + str(r.spec.jpeg_quality) if r.spec.jpeg_quality is not None else ''}")
    lines += ["", "## Notes", "", NOTES]
    lines += ["", "## Live", ""] + live_lines()
    out = BENCH / "RESULTS.md"
    out.write_text("\n".join(lines))
    return out


RESULTS_JSON = WORK / "results.json"


def save_rows(rows: list[Row]) -> None:
    """Keep the raw results so the report can be rebuilt (--report-only)."""
    data = [{"name": r.spec.name, "qvmrc": r.qvmrc, "novnc": r.novnc, "vncdotool": r.vncdotool,
             "limits": r.limits, "checks": r.checks, "fb": r.fb, "error": r.error}
            for r in rows]
    RESULTS_JSON.write_text(json.dumps(data, indent=1))


def load_rows() -> list[Row]:
    specs = {s.name: s for s in record.SPECS}
    rows = []
    for d in json.loads(RESULTS_JSON.read_text()):
        spec = specs.get(d["name"])
        if spec is None:
            continue
        row = Row(spec, qvmrc=d["qvmrc"], novnc=d["novnc"], vncdotool=d["vncdotool"],
                  limits=d["limits"], checks=d["checks"], fb=d["fb"], error=d["error"])
        trimmed = WORK / "trimmed" / spec.path.name
        path = trimmed if trimmed.exists() else spec.path
        if path.exists():
            row.walk = fbsstream.load(path)[2]
        rows.append(row)
    return rows


# ------------------------------------------------------------------ live

LIVE_FB_JSON = WORK / "live-front-buffer.json"
LIVE_JSON = WORK / "live.json"


def live(args: argparse.Namespace) -> int:
    """Live targets (issue 4) through websockify on loopback: bench/live.py measures,
    this keeps its JSON for RESULTS.md (rebuilt with --report-only)."""
    WORK.mkdir(parents=True, exist_ok=True)
    # Twice: the headless session (the figures kept since issue 4), then the app's
    # session, which also copies each update into the view's front buffer.
    cmd = [sys.executable, str(BENCH / "live.py"), "--json", str(LIVE_JSON)]
    if args.quick:
        cmd += ["--idle-seconds", "10", "--sustain-seconds", "5"]
    rc = subprocess.run(cmd, cwd=REPO).returncode
    if rc == 0:
        fb = [sys.executable, str(BENCH / "live.py"), "--json", str(LIVE_FB_JSON), "--option", "front_buffer=1",
              "--idle-seconds", "10"]
        rc = subprocess.run(fb + (["--sustain-seconds", "5"] if args.quick else []), cwd=REPO).returncode
    if rc == 0:
        print("\n".join(live_lines()))
    return rc


def live_lines() -> list[str]:
    if not LIVE_JSON.exists():
        return ["Not measured in this checkout: run `python bench/run.py --live`.", ""]
    d = json.loads(LIVE_JSON.read_text())
    sus = d.get("sustained_1080p_tight_jpeg", {})
    lat = d.get("input_latency_ms", {})

    def mark(ok: bool) -> str:
        return "✓" if ok else "✗"

    rows = [
        ("idle console CPU (% of one core, QEMU still screen, "
         f"{d.get('idle_seconds', '?')} s)", f"{d.get('idle_cpu_percent')}", "< 0.5",
         mark(d.get("idle_cpu_percent", 99) < 0.5)),
        ("connect -> first complete frame, 1024x768 QEMU (ms, median of 10)",
         f"{d.get('first_frame_ms_median')}", "< 150", mark(d.get("first_frame_ms_median", 1e9) < 150)),
        ("`qvmrc snapshot` from process start (s, median of 5)",
         f"{d.get('snapshot_process_s_median')}", "< 1.5", mark(d.get("snapshot_process_s_median", 99) < 1.5)),
        ("complete 1920x1080 Tight+JPEG updates/s (bench/jpegserver.py)",
         f"{sus.get('updates_per_s')}", ">= 30", mark(sus.get("updates_per_s", 0) >= 30)),
        ("decode time per 1080p update (ms)", f"{sus.get('decode_ms_per_update')}", "—", ""),
        ("key event on the wire while decoding that stream (ms, p50 / p99 / max)",
         f"{lat.get('p50')} / {lat.get('p99')} / {lat.get('max')}", "p99 < 5",
         mark(lat.get("p99", 99) < 5)),
        ("RSS of one headless 1080p console (MB)", f"{d.get('rss_mb_1080p_headless')}", "< 150",
         mark(d.get("rss_mb_1080p_headless", 1e9) < 150)),
    ]
    if LIVE_FB_JSON.exists():
        f = json.loads(LIVE_FB_JSON.read_text())
        fsus, flat = f.get("sustained_1080p_tight_jpeg", {}), f.get("input_latency_ms", {})
        rows += [
            ("with the app's front buffer: 1080p updates/s", f"{fsus.get('updates_per_s')}", ">= 30",
             mark(fsus.get("updates_per_s", 0) >= 30)),
            ("with the app's front buffer: key event p50 / p99 / max (ms)",
             f"{flat.get('p50')} / {flat.get('p99')} / {flat.get('max')}", "p99 < 5", mark(flat.get("p99", 99) < 5)),
            ("with the app's front buffer: RSS of the 1080p console (MB)", f"{f.get('rss_mb_1080p_headless')}",
             "< 150", mark(f.get("rss_mb_1080p_headless", 1e9) < 150)),
        ]
    out = ["| measurement | value | target | |", "|---|---|---|---|"]
    out += [f"| {a} | {b} | {c} | {m} |" for a, b, c, m in rows]
    out += ["", "Measured by `python bench/run.py --live` (bench/live.py) through websockify on "
            "127.0.0.1: QEMU with the still-picture guest (tests/guest/still.S) for idle and first "
            "frame; bench/jpegserver.py, which answers every update request at once with a full "
            "screen of new Tight JPEG tiles, for the sustained rate, input latency and RSS (so the "
            "client, not the server's encoder, is what's measured). Latency is KeyEvent call -> "
            "server receipt, both stamped with CLOCK_MONOTONIC.", ""]
    return out


# ------------------------------------------------------------------ main

def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="QVMRC's decode benchmark (see bench/run.py's docstring).")
    ap.add_argument("--quick", action="store_true", help="one run each, 3 s recordings if missing")
    ap.add_argument("--runs", type=int, help="runs per client (default 5, --quick 1)")
    ap.add_argument("--vncdotool-runs", type=int, help="runs of vncdotool (default min(runs, 3))")
    ap.add_argument("--only", nargs="*", help="recording names or glob patterns")
    ap.add_argument("--rerecord", action="store_true", help="remake the recordings first")
    ap.add_argument("--no-vncdotool", action="store_true")
    ap.add_argument("--no-record", action="store_true", help="never record; bench what exists")
    ap.add_argument("--live", action="store_true",
                    help="live measurements against real servers (bench/live.py); kept for RESULTS.md")
    ap.add_argument("--report-only", action="store_true",
                    help="rebuild the table and RESULTS.md from the last run's bench/work/results.json")
    args = ap.parse_args(argv)
    args.argv = list(sys.argv[1:] if argv is None else argv)
    if args.live:
        return live(args)
    if args.report_only:
        if not RESULTS_JSON.exists():
            print("run.py: error: no bench/work/results.json yet", file=sys.stderr)
            return 1
        rows = load_rows()
        print("\n".join(table(rows)))
        saved = json.loads((WORK / "results-args.json").read_text()) if (WORK / "results-args.json").exists() else {}
        args.argv = saved.get("argv", args.argv)
        args.runs = saved.get("runs", 0)
        args.vncdotool_runs = saved.get("vncdotool_runs", 0)
        out = write_results(rows, args, saved.get("started", time.time()), saved.get("took", 0.0))
        print(f"\nwrote {out.relative_to(REPO)}")
        return 0
    args.runs = args.runs or (1 if args.quick else 5)
    args.vncdotool_runs = args.vncdotool_runs or min(args.runs, 3)
    started = time.time()

    err = ensure_novnc()
    if err:
        print(f"run.py: error: {err}", file=sys.stderr)
        return 1
    specs = record.select(args.only)
    if not args.no_record:
        todo = specs if args.rerecord else [s for s in specs if not s.path.exists()]
        if todo:
            try:
                record.make(todo, 3.0 if args.quick else None,
                            log=lambda m: print(m, flush=True))
            except record.servers.ServerError as e:
                print(f"run.py: recording failed: {e}", file=sys.stderr)
    specs = [s for s in specs if s.path.exists()]
    if not specs:
        print("run.py: error: no recordings", file=sys.stderr)
        return 1
    fb_dir = WORK / "framebuffers"
    fb_dir.mkdir(parents=True, exist_ok=True)
    rows = []
    for s in specs:
        print(f"benchmarking {s.name} ...", flush=True)
        row = bench_one(s, args.runs, args.vncdotool_runs, not args.no_vncdotool, fb_dir)
        rows.append(row)
        print("\n".join(table([row])[2:]), flush=True)
    print()
    print("\n".join(table(rows)))
    for r in rows:
        for c in r.checks:
            print(f"check: {r.spec.name}: {c}")
    save_rows(rows)
    (WORK / "results-args.json").write_text(json.dumps(
        {"argv": args.argv, "runs": args.runs, "vncdotool_runs": args.vncdotool_runs,
         "started": started, "took": time.time() - started}))
    out = write_results(rows, args, started)
    print(f"\nwrote {out.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
