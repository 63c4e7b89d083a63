#!/usr/bin/env bash
# Regenerate constraints.txt (exact versions of every dependency, all platforms)
# from pyproject.toml with uv. Run after changing a dependency; then run the tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/python -m pip install -q uv
.venv/bin/uv pip compile pyproject.toml --extra test --extra bench --extra build --universal \
  --python-version 3.10 -q -o constraints.txt "$@"
