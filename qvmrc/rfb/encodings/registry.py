"""Which decoder object handles which encoding number, pixels and pseudo alike."""

from __future__ import annotations

from qvmrc.rfb.encodings.base import Decoder
from qvmrc.rfb.encodings.copyrect import CopyRectDecoder
from qvmrc.rfb.encodings.cursor import CursorDecoder
from qvmrc.rfb.encodings.hextile import HextileDecoder
from qvmrc.rfb.encodings.pseudo import PSEUDO_DECODERS
from qvmrc.rfb.encodings.raw import RawDecoder
from qvmrc.rfb.encodings.rre import RREDecoder
from qvmrc.rfb.encodings.tight import TightDecoder
from qvmrc.rfb.encodings.tightpng import TightPNGDecoder
from qvmrc.rfb.encodings.zlib import ZlibDecoder
from qvmrc.rfb.encodings.zrle import ZRLEDecoder

DECODER_CLASSES: tuple[type[Decoder], ...] = (
    RawDecoder, CopyRectDecoder, RREDecoder, HextileDecoder, ZlibDecoder, ZRLEDecoder,
    TightDecoder, TightPNGDecoder, CursorDecoder, *PSEUDO_DECODERS,
)


def make_decoders() -> dict[int, Decoder]:
    """Fresh decoders (with fresh zlib streams) for one connection."""
    return {cls.encoding: cls() for cls in DECODER_CLASSES}
