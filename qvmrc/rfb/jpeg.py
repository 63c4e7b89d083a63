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
    out[...] = _decode_pillow(data, w, h)  # pragma: no cover - fallback


def decode_jpeg(data: bytes | bytearray | memoryview, width: int, height: int) -> np.ndarray:
    """Decode a JPEG that must be ``width`` x ``height`` -> (h, w) uint32 ``0x00RRGGBB``."""
    out = np.empty((height, width), dtype=np.uint32)
    decode_jpeg_into(data, out)
    return out


def decode_jpeg_rgb(data: bytes | bytearray | memoryview) -> np.ndarray:
    """Any JPEG -> (h, w, 3) uint8 R, G, B (tests and tools; not for server data)."""
    if _sj is not None:
        return _sj.decode_jpeg(data, colorspace="RGB")
    from PIL import Image  # pragma: no cover

    with Image.open(io.BytesIO(data)) as im:  # pragma: no cover
        return np.asarray(im.convert("RGB"))


def _decode_pillow(data: bytes | bytearray | memoryview, w: int, h: int) -> np.ndarray:
    """Pillow fallback: checks the header's size before decoding anything."""
    from PIL import Image

    try:
        with Image.open(io.BytesIO(bytes(data)), formats=("JPEG",)) as im:
            if im.size != (w, h):
                raise ProtocolError(
                    f"server sent a {im.size[0]}x{im.size[1]} JPEG for a {w}x{h} rectangle")
            if im.mode != "RGB":
                im = im.convert("RGB")
            raw = im.tobytes("raw", _PIL_RAW)
    except ProtocolError:
        raise
    except Exception as exc:  # Pillow raises many types (OSError, SyntaxError, ...)
        raise ProtocolError(f"server sent a JPEG rectangle that does not decode: {exc}") from None
    return np.frombuffer(raw, dtype=np.uint32).reshape(h, w)
