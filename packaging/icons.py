"""Render resources/qvmrc.svg into every icon format the installers need.

    python packaging/icons.py OUT_DIR

writes OUT_DIR/hicolor/<N>x<N>/apps/qvmrc.png (+ scalable/apps/qvmrc.svg) for
Linux, OUT_DIR/qvmrc.ico for Windows and OUT_DIR/qvmrc.icns for macOS. Qt's
SVG renderer (in PySide6-Essentials) draws, Pillow writes .ico and .icns, so
no extra tool is needed on any OS.
"""

from __future__ import annotations

import io
import os
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SVG = ROOT / "resources" / "qvmrc.svg"
HICOLOR_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)


def render(size: int, svg: Path = SVG) -> bytes:
    """PNG bytes of the SVG at size x size (transparent background)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication([])  # noqa: F841 - keeps Qt's GUI side up
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"icons: cannot read {svg}")
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buf = QBuffer(data)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buf, "PNG")
    return bytes(data.data())


def build(out: Path, svg: Path = SVG) -> dict[str, Path]:
    from PIL import Image

    out.mkdir(parents=True, exist_ok=True)
    for n in HICOLOR_SIZES:
        target = out / "hicolor" / f"{n}x{n}" / "apps" / "qvmrc.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(render(n, svg))
    scalable = out / "hicolor" / "scalable" / "apps" / "qvmrc.svg"
    scalable.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(svg, scalable)
    big = Image.open(io.BytesIO(render(1024, svg))).convert("RGBA")
    ico = out / "qvmrc.ico"
    big.save(ico, format="ICO", sizes=[(n, n) for n in ICO_SIZES])
    icns = out / "qvmrc.icns"
    big.save(icns, format="ICNS")
    return {"hicolor": out / "hicolor", "ico": ico, "icns": icns}


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit("usage: python packaging/icons.py OUT_DIR")
    for kind, path in build(Path(sys.argv[1])).items():
        print(f"icons: {kind} -> {path}")
