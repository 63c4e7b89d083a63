"""TightPNG (encoding -260), as QEMU sends it.

Tight's framing with one more compression type, 0b1010 PNG (compact length +
a PNG file). QEMU (ui/vnc-enc-tight.c) sends fill for solid areas, JPEG when
lossy and the client asked for a quality, and PNG for everything else -
except when the client's pixel format is 8 bpp: then it can't use PNG and
falls back to Tight's basic mode (mono palette and copy filter). So this
decoder is the Tight decoder with PNG allowed, basic mode included, and its
own four zlib streams.
"""

from __future__ import annotations

from qvmrc.rfb.encodings import numbers
from qvmrc.rfb.encodings.tight import TightDecoder


class TightPNGDecoder(TightDecoder):
    encoding = numbers.TIGHTPNG
    name = "tightpng"
    _png_allowed = True
