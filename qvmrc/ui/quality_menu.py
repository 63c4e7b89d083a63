"""Live per-console quality: encoding preference, JPEG quality and compression level.

As noVNC's sliders: a change goes to the server at once as a new SetEncodings
(``Session.set_encoding_preferences``) and stays for this console's reconnects;
the global preference is untouched.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QMenu, QSlider, QWidget, QWidgetAction

from qvmrc.rfb.encodings import numbers

#: (label, encoding) choices for "Preferred encoding".
PREFERRED = (("Tight", "tight"), ("ZRLE", "zrle"), ("TightPNG", "tightpng"), ("Hextile", "hextile"),
             ("Zlib", "zlib"), ("Raw", "raw"))


@dataclass(frozen=True)
class Quality:
    encodings: tuple[str, ...]
    jpeg_quality: int | None
    compress_level: int | None

    @property
    def preferred(self) -> str:
        return next((e for e in self.encodings if e != "copyrect"), "raw")

    def prefer(self, encoding: str) -> Quality:
        """``encoding`` first, then the rest in their order (CopyRect stays on top)."""
        rest = [e for e in self.encodings if e not in (encoding, "copyrect")]
        head = ["copyrect"] if "copyrect" in self.encodings else []
        if encoding not in numbers.PIXEL_ENCODINGS:
            raise ValueError(f"unknown encoding {encoding!r}")
        encs = head + [encoding] + rest
        if "raw" not in encs:
            encs.append("raw")
        return Quality(tuple(encs), self.jpeg_quality, self.compress_level)


class _SliderRow(QWidget):
    """A label, an optional on/off box and a 0-9 slider, for a QWidgetAction."""

    def __init__(self, text: str, value: int | None, checkable: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(12, 2, 12, 2)
        self.box = QCheckBox(text) if checkable else None  # text: translated by the caller
        if self.box is not None:
            self.box.setChecked(value is not None)
            self.box.setAccessibleName(self.tr("{0} on").format(text))
            lay.addWidget(self.box)
        else:
            lay.addWidget(QLabel(text))
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, 9)
        self.slider.setPageStep(1)
        self.slider.setTickPosition(QSlider.TickPosition.TicksBelow)
        self.slider.setMinimumWidth(140)
        self.slider.setValue(6 if value is None else value)
        self.slider.setAccessibleName(text)
        self.number = QLabel(str(self.slider.value()))
        self.number.setMinimumWidth(14)
        self.slider.valueChanged.connect(lambda v: self.number.setText(str(v)))
        lay.addWidget(self.slider, 1)
        lay.addWidget(self.number)
        self._sync()
        if self.box is not None:
            self.box.toggled.connect(lambda _: self._sync())

    def _sync(self) -> None:
        on = self.box is None or self.box.isChecked()
        self.slider.setEnabled(on)
        self.number.setEnabled(on)

    def value(self) -> int | None:
        if self.box is not None and not self.box.isChecked():
            return None
        return self.slider.value()


class QualityMenu(QMenu):
    """The console's Quality menu; ``changed`` carries the new :class:`Quality`."""

    changed = Signal(object)

    def __init__(self, quality: Quality, parent: QWidget | None = None) -> None:
        super().__init__(QCoreApplication.translate("QualityMenu", "Quality"), parent)
        self.setObjectName("qualityMenu")
        self._quality = quality
        self.addSection(self.tr("Preferred encoding"))
        self.encoding_group = QActionGroup(self)
        self.encoding_actions: dict[str, QAction] = {}
        for label, enc in PREFERRED:
            a = self.addAction(label)
            a.setCheckable(True)
            a.setChecked(enc == quality.preferred)
            a.triggered.connect(lambda _=False, e=enc: self._prefer(e))
            self.encoding_group.addAction(a)
            self.encoding_actions[enc] = a
        self.addSection(self.tr("Tight"))
        self.jpeg = _SliderRow(self.tr("JPEG quality"), quality.jpeg_quality, True)
        self.compress = _SliderRow(self.tr("Compression"), quality.compress_level, True)
        for row in (self.jpeg, self.compress):
            wa = QWidgetAction(self)
            wa.setDefaultWidget(row)
            self.addAction(wa)
            row.slider.valueChanged.connect(lambda _v, r=row: r.slider.isSliderDown() or self._sliders())
            row.slider.sliderReleased.connect(self._sliders)
            assert row.box is not None
            row.box.toggled.connect(lambda _: self._sliders())

    @property
    def quality(self) -> Quality:
        return self._quality

    def _prefer(self, encoding: str) -> None:
        self._set(self._quality.prefer(encoding))

    def _sliders(self) -> None:
        q = self._quality
        self._set(Quality(q.encodings, self.jpeg.value(), self.compress.value()))

    def _set(self, q: Quality) -> None:
        if q != self._quality:
            self._quality = q
            self.changed.emit(q)


def quality_of(encodings: Sequence[str], jpeg_quality: int | None, compress_level: int | None) -> Quality:
    return Quality(tuple(encodings), jpeg_quality, compress_level)
