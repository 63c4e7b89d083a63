"""JPEG decoding for Tight's JPEG rectangles, straight into framebuffer values.

simplejpeg (libjpeg-turbo in a wheel) is the fastest decoder we measured
(``bench/micro_jpeg.py``: about 1.5x Pillow on 1080p frames, 2.5x on the
1x1080 columns Xvnc trickles, 5x on 64x64 tiles, where Pillow's per-call
overhead dominates); Pillow is the fallback when simplejpeg is not
installed. PyTurboJPEG was not considered further: its wheel is pure Python
and needs the system's libturbojpeg, which QVMRC cannot count on.

The fast integer IDCT (``fastdct``) is ~6% faster on Xvnc's photo traffic
and its error is far below what JPEG quality levels already cost (the noVNC
baseline in bench/ decodes with libjpeg-turbo's TJFLAG_FASTDCT too).

libjpeg-turbo can write ``BGRX`` pixels, which on a little-endian machine
are exactly the framebuffer's ``uint32`` ``0x??RRGGBB`` values (``XRGB`` on a
big-endian one), so no channel shuffling is needed. libjpeg-turbo sets the pad
byte to 0xff, which the framebuffer allows (views treat it as opaque).

A JPEG's header names its own size. A server could announce a tiny rectangle
and send a JPEG that claims 60000x60000 pixels; the decoders below never let
the image allocate more than the rectangle it must fill.
"""

from __future__ import annotations

import io
import sys

import numpy as np

from qvmrc.errors import ProtocolError

try:  # pragma: no cover - which branch runs depends on the installation
    import simplejpeg as _sj
except ImportError:  # pragma: no cover
    _sj = None

#: Which library decodes JPEG here ("simplejpeg" or "pillow").
BACKEND = "simplejpeg" if _sj is not None else "pillow"

_LITTLE = sys.byteorder == "little"
_SJ_SPACE = "BGRX" if _LITTLE else "XRGB"
_PIL_RAW = "BGRX" if _LITTLE else "XRGB"


class Scratch:
    """A reusable output buffer, so a stream of 1080p JPEGs doesn't page-fault
    a fresh 8 MB allocation per frame. One per decoder (i.e. per connection):
    not shared between threads."""

    __slots__ = ("_arr",)

    def __init__(self) -> None:
        self._arr = np.empty(0, dtype=np.uint32)

    def get(self, n: int) -> np.ndarray:
        if self._arr.size < n:
            self._arr = np.empty(n, dtype=np.uint32)
        return self._arr[:n]


def decode_jpeg_into(data: bytes | bytearray | memoryview, out: np.ndarray,
                     scratch: Scratch | None = None) -> None:
    """Decode ``data`` into ``out``, a (h, w) uint32 array or framebuffer slice.

    Raises ProtocolError when the data is not a JPEG or its size is not
    exactly ``out``'s.
    """
    h, w = out.shape
    if h == 0 or w == 0:
        raise ProtocolError(f"server sent a JPEG for an empty {w}x{h} rectangle")
    if _sj is not None:
        # Full-width rectangles are contiguous in the framebuffer: decode in
        # place. Others go through a scratch buffer. Either way the buffer
        # bounds the allocation, so a JPEG claiming a larger size is refused.
        direct = out.flags.c_contiguous
        if direct:
            tmp = out.reshape(-1)
        else:
            tmp = scratch.get(w * h) if scratch is not None else np.empty(w * h, dtype=np.uint32)
        try:
            img = _sj.decode_jpeg(data, colorspace=_SJ_SPACE, buffer=tmp, fastdct=True)
        except (ValueError, RuntimeError, TypeError) as exc:
            raise ProtocolError(f"server sent a JPEG rectangle that does not decode: {exc}") from None
        if img.shape[0] != h or img.shape[1] != w:
            raise ProtocolError(
                f"server sent a {img.shape[1]}x{img.shape[0]} JPEG for a {w}x{h} rectangle")
        if not direct:
            out[...] = tmp.reshape(h, w)
        return
    pillow_decode_into(data, out, "JPEG")  # pragma: no cover - fallback


def pillow_decode_into(data: bytes | bytearray | memoryview, out: np.ndarray, kind: str) -> None:
    """Decode a ``kind`` ("JPEG", "PNG") image with Pillow into ``out`` (h, w) uint32.

    The size in the image header is checked before any pixel is decoded, so a
    small rectangle can't make us allocate a huge image.
    """
    from PIL import Image

    h, w = out.shape
    try:
        with Image.open(io.BytesIO(bytes(data)), formats=(kind,)) as im:
            if im.size != (w, h):
                raise ProtocolError(
                    f"server sent a {im.size[0]}x{im.size[1]} {kind} for a {w}x{h} rectangle")
            if im.mode != "RGB":
                im = im.convert("RGB")
            raw = im.tobytes("raw", _PIL_RAW)
    except ProtocolError:
        raise
    except Exception as exc:  # Pillow raises many types (OSError, SyntaxError, ValueError, ...)
        raise ProtocolError(f"server sent a {kind} rectangle that does not decode: {exc}") from None
    out[...] = np.frombuffer(raw, dtype=np.uint32).reshape(h, w)
