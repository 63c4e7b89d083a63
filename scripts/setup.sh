#!/usr/bin/env bash
# Set up a machine to run and test QVMRC: system packages (Debian/Ubuntu, when
# root or sudo is available) and a virtualenv in .venv with the package installed.
# Idempotent: re-running it only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  # real servers and tools the integration tests drive
  qemu-system-x86 tigervnc-standalone-server x11-apps x11-xserver-utils xterm xvfb xdotool imagemagick
  binutils
  # link handler registration and packaging (register-handler, packaging/build.sh tests)
  xdg-utils desktop-file-utils
  # a real Wayland compositor (nested in Xvfb) for the platform-start tests
  weston xwayland
  # Qt's xcb platform plugin for a real window
  libxcb-icccm4 libxcb-keysyms1 libxcb-cursor0 libxcb-image0 libxcb-render-util0 libxcb-xkb1
  libxkbcommon-x11-0 libxcb-shape0 libxcb-randr0 libegl1 libgl1 libfontconfig1 libdbus-1-3
)

if [[ "${QVMRC_SKIP_APT:-}" != "1" ]] && command -v apt-get >/dev/null 2>&1; then
  missing=()
  for p in "${APT_PACKAGES[@]}"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
  done
  if ((${#missing[@]})); then
    SUDO=""
    [[ $(id -u) -ne 0 ]] && SUDO="sudo"
    echo "setup: installing ${missing[*]}" >&2
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
fi

# Python packages: the exact versions in constraints.txt (what CI tests and the
# bundles ship). QVMRC_LATEST=1 instead installs the newest versions pyproject.toml
# allows, into .venv-latest, to find the next toolkit break before users do.
PY="${PYTHON:-python3}"
VENV=.venv
PIN=(-c constraints.txt)
if [[ "${QVMRC_LATEST:-}" == "1" ]]; then
  VENV=.venv-latest
  PIN=(--upgrade --upgrade-strategy eager)
fi
VPY=$VENV/bin/python
[[ -x $VENV/Scripts/python.exe ]] && VPY=$VENV/Scripts/python.exe  # Windows (Git Bash: packaging/build.sh)
if [[ ! -x $VPY ]]; then
  "$PY" -m venv "$VENV"
  [[ -x $VENV/Scripts/python.exe ]] && VPY=$VENV/Scripts/python.exe
fi
stamp=$VENV/.qvmrc-installed
if [[ ! -f $stamp || pyproject.toml -nt $stamp || constraints.txt -nt $stamp || "${QVMRC_LATEST:-}" == "1" ]]; then
  "$VPY" -m pip install -q --upgrade pip
  "$VPY" -m pip install -q "${PIN[@]}" -e '.[test,bench,build]'
  touch "$stamp"
fi
