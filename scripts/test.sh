#!/usr/bin/env bash
# Set up (if needed) and run the whole test suite, real servers included.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export QT_QPA_PLATFORM=offscreen
.venv/bin/ruff check qvmrc/rfb qvmrc/transport qvmrc/session.py qvmrc/errors.py
.venv/bin/mypy qvmrc/rfb qvmrc/transport qvmrc/session.py qvmrc/errors.py
exec .venv/bin/python -m pytest -q -p no:cacheprovider "$@"
