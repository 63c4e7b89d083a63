#!/usr/bin/env bash
# Build QVMRC for the OS this runs on, with the pinned versions (constraints.txt):
#   Linux:   dist/qvmrc-<version>-linux-<arch>.tar.gz (one folder, runs without Python)
#            dist/qvmrc_<version>_<debarch>.deb        (/opt/qvmrc, /usr/bin/qvmrc, .desktop, icons)
#   Windows: dist/qvmrc-<version>-windows/ (one folder) and, with Inno Setup's iscc on PATH,
#            dist/qvmrc-<version>-setup.exe (per user, Start menu, qvmrc:// + qvmc://)
#   macOS:   dist/QVMRC.app (Info.plist URL types, .icns) and dist/qvmrc-<version>-macos.zip;
#            signing and notarization: packaging/macos/NOTARIZE.md
# QVMRC_DIST / QVMRC_BUILD move the output / work folders (tests build into a temp dir).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
DIST="$(mkdir -p "${QVMRC_DIST:-dist}" && cd "${QVMRC_DIST:-dist}" && pwd)"
WORK="$(mkdir -p "${QVMRC_BUILD:-build}" && cd "${QVMRC_BUILD:-build}" && pwd)"

bash scripts/setup.sh   # .venv with the exact versions of constraints.txt, pyinstaller included
case "$(uname -s)" in
  MINGW*|MSYS*|CYGWIN*) OS=windows; PY=.venv/Scripts/python ;;
  Darwin) OS=macos; PY=.venv/bin/python ;;
  *) OS=linux; PY=.venv/bin/python ;;
esac
VERSION="$("$PY" -c 'from qvmrc import __version__; print(__version__)')"
echo "build: qvmrc $VERSION for $OS" >&2

export QVMRC_ICONS="$WORK/icons"
QT_QPA_PLATFORM=offscreen "$PY" packaging/icons.py "$QVMRC_ICONS" >/dev/null
"$PY" -m PyInstaller --noconfirm --log-level WARN --distpath "$WORK/app" --workpath "$WORK/pyinstaller" \
  packaging/qvmrc.spec

linux() {
  local arch debarch bundle stage deb
  arch="$(uname -m)"
  debarch="$(dpkg --print-architecture 2>/dev/null || echo amd64)"
  bundle="$WORK/app/qvmrc"
  "$bundle/qvmrc" --version >/dev/null   # the bundle runs at all
  tar -C "$WORK/app" -czf "$DIST/qvmrc-$VERSION-linux-$arch.tar.gz" qvmrc

  stage="$WORK/deb"
  rm -rf "$stage"
  mkdir -p "$stage/DEBIAN" "$stage/opt" "$stage/usr/bin" "$stage/usr/share/applications" \
    "$stage/usr/share/icons"
  cp -a "$bundle" "$stage/opt/qvmrc"
  ln -s /opt/qvmrc/qvmrc "$stage/usr/bin/qvmrc"
  cp -a "$QVMRC_ICONS/hicolor" "$stage/usr/share/icons/hicolor"
  "$PY" -c 'import sys; from qvmrc.handlers.linux import desktop_entry; sys.stdout.write(desktop_entry(["/opt/qvmrc/qvmrc"], marker=False))' \
    > "$stage/usr/share/applications/qvmrc.desktop"
  if command -v desktop-file-validate >/dev/null; then
    desktop-file-validate "$stage/usr/share/applications/qvmrc.desktop"
  fi
  local size
  size="$(du -sk "$stage/opt" | cut -f1)"
  sed -e "s/@VERSION@/$VERSION/" -e "s/@ARCH@/$debarch/" -e "s/@SIZE@/$size/" \
    packaging/linux/control.in > "$stage/DEBIAN/control"
  install -m 0755 packaging/linux/postinst "$stage/DEBIAN/postinst"
  install -m 0755 packaging/linux/postrm "$stage/DEBIAN/postrm"
  deb="$DIST/qvmrc_${VERSION}_${debarch}.deb"
  dpkg-deb --build --root-owner-group -Zgzip "$stage" "$deb" >/dev/null
  echo "build: $DIST/qvmrc-$VERSION-linux-$arch.tar.gz" >&2
  echo "build: $deb" >&2
}

windows() {
  rm -rf "$DIST/qvmrc-$VERSION-windows"
  cp -a "$WORK/app/qvmrc" "$DIST/qvmrc-$VERSION-windows"
  if command -v iscc >/dev/null; then
    iscc -Q "/DAppVersion=$VERSION" "/DSourceDir=$(cygpath -w "$DIST/qvmrc-$VERSION-windows")" \
      "/DIconFile=$(cygpath -w "$QVMRC_ICONS/qvmrc.ico")" "/O$(cygpath -w "$DIST")" \
      packaging/windows/qvmrc.iss
    echo "build: $DIST/qvmrc-$VERSION-setup.exe" >&2
  else
    echo "build: Inno Setup (iscc) not on PATH: one-folder app only, in $DIST/qvmrc-$VERSION-windows" >&2
  fi
}

macos() {
  rm -rf "$DIST/QVMRC.app"
  cp -a "$WORK/app/QVMRC.app" "$DIST/QVMRC.app"
  /usr/libexec/PlistBuddy -c 'Print :CFBundleURLTypes' "$DIST/QVMRC.app/Contents/Info.plist" >/dev/null
  ditto -c -k --keepParent "$DIST/QVMRC.app" "$DIST/qvmrc-$VERSION-macos.zip"
  echo "build: $DIST/QVMRC.app and $DIST/qvmrc-$VERSION-macos.zip (sign and notarize: packaging/macos/NOTARIZE.md)" >&2
}

"$OS"
