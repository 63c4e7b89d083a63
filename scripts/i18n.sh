#!/usr/bin/env bash
# Bring the committed translation sources (qvmrc/i18n/qvmrc_*.ts) up to date with the
# strings in qvmrc/ui: new strings are added (unfinished, to translate), changed ones
# keep their old translation as "vanished" for reference. Run after changing any tr()
# text; tests/test_i18n.py fails while a .ts is behind the code. No .qm is built: the
# app reads the .ts itself (see qvmrc/i18n/__init__.py).
set -euo pipefail
cd "$(dirname "$0")/.."
LUPDATE=${LUPDATE:-.venv/bin/pyside6-lupdate}
LANGUAGES=(de)  # one qvmrc/i18n/qvmrc_<lang>.ts each; add a language here
for lang in "${LANGUAGES[@]}"; do
  "$LUPDATE" -silent -no-obsolete -locations none -extensions py -target-language "$lang" qvmrc/ui \
    -ts "qvmrc/i18n/qvmrc_$lang.ts"
done
