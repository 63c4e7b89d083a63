#!/usr/bin/env bash
# Set up (if needed) and run the whole test suite, real servers included.
# `--latest`: the newest dependency versions pyproject.toml allows (in .venv-latest)
# instead of the pinned ones in constraints.txt; other arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=.venv
if [[ "${1:-}" == "--latest" ]]; then
  shift
  export QVMRC_LATEST=1
  VENV=.venv-latest
fi
bash scripts/setup.sh
# noVNC's decoders for the benchmark harness's test (skipped when npm is missing).
if command -v npm >/dev/null 2>&1 && [[ ! -d bench/novnc/node_modules ]]; then
  npm --prefix bench/novnc ci --no-audit --no-fund --silent || echo "setup: npm install failed; noVNC harness tests will skip" >&2
fi
export QT_QPA_PLATFORM=offscreen
$VENV/bin/ruff check qvmrc/rfb qvmrc/transport qvmrc/session.py qvmrc/errors.py qvmrc/console qvmrc/frontbuffer.py qvmrc/redact.py qvmrc/certs.py qvmrc/settings qvmrc/trust.py
$VENV/bin/mypy qvmrc/rfb qvmrc/transport qvmrc/session.py qvmrc/errors.py qvmrc/console qvmrc/frontbuffer.py qvmrc/redact.py qvmrc/certs.py qvmrc/settings qvmrc/trust.py
exec $VENV/bin/python -m pytest -q -p no:cacheprovider "$@"
