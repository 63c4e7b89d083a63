#!/usr/bin/env bash
# Fuzz the client's server-to-client stream for N minutes (default 30):
#   bash scripts/fuzz.sh 30
# Installs atheris (the 'fuzz' extra, Linux x86-64) into .venv if missing, then runs
# python -m tests.fuzz; findings land in .fuzz/findings/, the corpus in .fuzz/corpus/.
set -euo pipefail
cd "$(dirname "$0")/.."
minutes="${1:-30}"
shift || true
[[ -x .venv/bin/python ]] || bash scripts/setup.sh
if ! .venv/bin/python -c "import atheris" 2>/dev/null; then
  .venv/bin/python -m pip install -q -c constraints.txt -e '.[fuzz]'
fi
exec .venv/bin/python -m tests.fuzz --minutes "$minutes" "$@"
