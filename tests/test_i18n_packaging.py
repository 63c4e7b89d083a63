"""The translations ship: in the wheel (package data) and in the PyInstaller bundle's data."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_the_wheel_carries_the_ts_files(tmp_path):
    pytest.importorskip("setuptools")
    src = tmp_path / "src"  # built from a copy: the build leaves build/ and *.egg-info behind
    shutil.copytree(ROOT / "qvmrc", src / "qvmrc", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(tmp_path / "dist"), str(src)], check=True, capture_output=True, timeout=300)
    wheel = next((tmp_path / "dist").glob("qvmrc-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "qvmrc/i18n/qvmrc_de.ts" in names
    assert "qvmrc/i18n/__init__.py" in names


def test_the_bundle_spec_collects_the_ts_files():
    spec = (ROOT / "packaging" / "qvmrc.spec").read_text(encoding="utf-8")
    assert '(str(ROOT / "qvmrc" / "i18n" / "*.ts"), "qvmrc/i18n")' in spec
