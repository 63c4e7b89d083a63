"""Long fuzz runs: ``python -m tests.fuzz --minutes 30`` (or ``bash scripts/fuzz.sh 30``).

Runs atheris (libFuzzer, coverage of qvmrc's own code) in a child process
with a per-input time limit (-timeout) and RSS limit (-rss_limit_mb, and a
per-input RSS growth check in the target); a finding ends the child, its
input is saved, and a new child goes on with the grown corpus until the time
is up. Prints what it found and how many inputs ran. Copy a finding into
tests/data/fuzz/ (small) once fixed: tests/test_fuzz.py replays them all.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _worker(argv: list[str]) -> None:
    """The child: atheris over tests.fuzz.target with qvmrc instrumented."""
    import atheris
    import numpy  # noqa: F401 - imported before instrumentation: not ours to cover

    with atheris.instrument_imports(include=["qvmrc"]):
        from tests.fuzz import target

    growth_mb = int(os.environ.get("QVMRC_FUZZ_RSS_GROWTH_MB", "256"))

    def one(data: bytes) -> None:
        before = target.rss_mb()
        target.peak_rss_mb(reset=True)
        r = target.run(data)
        grew = target.peak_rss_mb() - before
        fb_mb = r.client.fb.pixels.nbytes / 2**20
        if grew > growth_mb + 4 * fb_mb:
            raise target.Finding(f"RSS grew {grew:.0f} MB on one input (framebuffer {fb_mb:.0f} MB)")

    atheris.Setup([sys.argv[0], *argv], one)
    atheris.Fuzz()


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        _worker(sys.argv[2:])
        return 0
    ap = argparse.ArgumentParser(prog="python -m tests.fuzz", description=__doc__.splitlines()[0])
    ap.add_argument("--minutes", type=float, default=30.0)
    ap.add_argument("--corpus", default=str(ROOT / ".fuzz" / "corpus"), help="grows between runs (not committed)")
    ap.add_argument("--findings", default=str(ROOT / ".fuzz" / "findings"))
    ap.add_argument("--rss-limit-mb", type=int, default=2048)
    ap.add_argument("--timeout", type=int, default=20, help="seconds per input")
    ap.add_argument("--max-len", type=int, default=1 << 17)
    args = ap.parse_args()
    try:
        import atheris  # noqa: F401
    except ImportError:
        print("atheris is not installed: bash scripts/fuzz.sh installs it (the 'fuzz' extra)", file=sys.stderr)
        return 2
    corpus, findings = Path(args.corpus), Path(args.findings)
    corpus.mkdir(parents=True, exist_ok=True)
    findings.mkdir(parents=True, exist_ok=True)
    from tests.fuzz.seeds import seeds

    for s in seeds():
        (corpus / f"seed-{s.name}").write_bytes(s.data)
    for f in sorted((ROOT / "tests" / "data" / "fuzz").glob("*")):
        if f.is_file():
            (corpus / f"regression-{f.name}").write_bytes(f.read_bytes())
    deadline = time.monotonic() + 60 * args.minutes
    executions = 0
    found: list[str] = []
    runs = 0
    while (left := deadline - time.monotonic()) > 5:
        runs += 1
        cmd = [sys.executable, "-m", "tests.fuzz", "--worker", str(corpus),
               f"-max_total_time={int(left)}", f"-rss_limit_mb={args.rss_limit_mb}",
               f"-timeout={args.timeout}", f"-max_len={args.max_len}", "-print_final_stats=1",
               f"-artifact_prefix={findings}/", "-reload=0"]
        proc = subprocess.run(cmd, cwd=ROOT, stderr=subprocess.PIPE, text=True, errors="replace")
        log = proc.stderr
        (findings / f"run-{runs}.log").write_text(log[-200_000:])
        m = re.findall(r"stat::number_of_executed_units: (\d+)", log)
        if m:
            executions += int(m[-1])
        else:
            done = re.findall(r"^#(\d+)\s", log, re.M)
            executions += int(done[-1]) if done else 0
        arts = re.findall(r"Test unit written to (\S+)", log)
        for a in arts:
            found.append(a)
            reason = re.findall(r"(=== Uncaught Python exception: ===\n.*?\n)|(ERROR: libFuzzer: [^\n]*)", log, re.S)
            print(f"finding: {a}  {(reason[-1][0] or reason[-1][1]).strip()[:300] if reason else ''}", flush=True)
        if proc.returncode == 0 or not arts:
            break
    print(f"fuzz: {executions} executions in {runs} run(s), {args.minutes:g} min; "
          f"{len(found)} finding(s){': ' + ', '.join(found) if found else ''}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
