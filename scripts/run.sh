#!/usr/bin/env bash
# Set up (if needed) and start QVMRC: the demo VM when no arguments are given,
# otherwise `qvmrc ARGS...` (a console target, a qvmrc:// link, or a subcommand).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if (($# == 0)); then
  exec .venv/bin/qvmrc demo
fi
exec .venv/bin/qvmrc "$@"
