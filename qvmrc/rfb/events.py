"""Events the protocol hands out (``RFBClient.next_events()``): small, frozen."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from qvmrc.rfb.pixelformat import PixelFormat


@dataclass(frozen=True)
class PasswordRequired:
    """VNC Authentication was chosen and no password is known: call ``send_password``."""


@dataclass(frozen=True)
class StartTLS:
    """VeNCrypt agreed on a subtype: run the TLS handshake now, then call ``tls_established``.

    ``anonymous`` TLS (TLSNone/TLSVnc/TLSPlain) has no server certificate;
    otherwise (X509*) the certificate must be verified.
    """

    anonymous: bool
    subtype: str


@dataclass(frozen=True)
class Connected:
    """ServerInit arrived; the session is ready for input and updates."""

    width: int
    height: int
    name: str
    version: str
    security_type: str
    server_pixel_format: PixelFormat
    pixel_format: PixelFormat


@dataclass(frozen=True)
class FramebufferUpdated:
    """One FramebufferUpdate was received and painted completely.

    ``damage`` lists the painted rectangles (x, y, w, h); ``bounds`` is their
    union's bounding box or None when the update painted nothing (QEMU's first
    update may only acknowledge a pseudo-encoding).
    """

    damage: tuple[tuple[int, int, int, int], ...]
    bounds: tuple[int, int, int, int] | None
    rects: int
    encodings: dict[str, int] = field(default_factory=dict)
    nbytes: int = 0


@dataclass(frozen=True)
class DesktopResized:
    width: int
    height: int


@dataclass(frozen=True)
class DesktopSizeResult:
    """The server's answer to our SetDesktopSize (see ``rfb.desktopsize`` for the codes)."""

    status: int
    width: int
    height: int

    @property
    def accepted(self) -> bool:
        return self.status in (0, 4)


@dataclass(frozen=True)
class DesktopNameChanged:
    name: str


@dataclass(frozen=True)
class CursorShape:
    """The server's cursor: ``rgba`` is (h, w, 4) uint8 with alpha from the mask."""

    hotspot_x: int
    hotspot_y: int
    width: int
    height: int
    rgba: np.ndarray = field(compare=False)


@dataclass(frozen=True)
class PointerModeChanged:
    """QEMU told us whether it wants absolute or relative pointer motion."""

    absolute: bool


@dataclass(frozen=True)
class ExtendedKeyEventsEnabled:
    """The server acknowledged QEMU Extended Key Events: send keys as scancodes."""


@dataclass(frozen=True)
class Bell:
    pass


@dataclass(frozen=True)
class ServerCutText:
    text: str


@dataclass(frozen=True)
class ClipboardNegotiated:
    """The server's clipboard is known: UTF-8 (Extended Clipboard) or Latin-1 only."""

    extended: bool


@dataclass(frozen=True)
class ColourMapChanged:
    first: int
    count: int


Event = (PasswordRequired | StartTLS | Connected | FramebufferUpdated | DesktopResized | DesktopSizeResult
         | DesktopNameChanged
         | CursorShape | PointerModeChanged | ExtendedKeyEventsEnabled | Bell | ServerCutText
         | ClipboardNegotiated | ColourMapChanged)
