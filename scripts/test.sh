#!/usr/bin/env bash
# Set up (if needed) and run the whole test suite, real servers included.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# noVNC's decoders for the benchmark harness's test (skipped when npm is missing).
if command -v npm >/dev/null 2>&1 && [[ ! -d bench/novnc/node_modules ]]; then
  npm --prefix bench/novnc ci --no-audit --no-fund --silent || echo "setup: npm install failed; noVNC harness tests will skip" >&2
fi
export QT_QPA_PLATFORM=offscreen
.venv/bin/ruff check qvmrc/rfb qvmrc/transport qvmrc/session.py qvmrc/errors.py
.venv/bin/mypy qvmrc/rfb qvmrc/transport qvmrc/session.py qvmrc/errors.py
exec .venv/bin/python -m pytest -q -p no:cacheprovider "$@"
