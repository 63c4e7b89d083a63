"""ExtendedDesktopSize (pseudo-encoding -308) and SetDesktopSize (client message 251).

The server's rectangle carries the whole screen size and its layout (a list of
screens); when it answers a SetDesktopSize of ours, ``x`` says who asked and
``y`` how it went. Kept apart from the connection so its parsing and building
are tested on their own.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

SET_DESKTOP_SIZE = 251

#: A layout with more screens than this is refused before anything is read:
#: the count is one byte, but nobody has 255 monitors on a VM.
MAX_SCREENS = 16

# Who changed the size (the rectangle's x).
REASON_SERVER = 0
REASON_THIS_CLIENT = 1
REASON_OTHER_CLIENT = 2

# How a request went (the rectangle's y when x is REASON_THIS_CLIENT).
STATUS_OK = 0
STATUS_PROHIBITED = 1
STATUS_OUT_OF_RESOURCES = 2
STATUS_INVALID_LAYOUT = 3
#: QEMU: passed on to the guest's display driver, which may change mode later.
STATUS_FORWARDED = 4

STATUS_TEXT = {
    STATUS_OK: "the server resized the remote screen",
    STATUS_PROHIBITED: "the server does not allow this client to resize the remote screen",
    STATUS_OUT_OF_RESOURCES: "the server has no resources for that size",
    STATUS_INVALID_LAYOUT: "the server refused the size (invalid screen layout)",
    STATUS_FORWARDED: "the request went to the guest; its display driver decides",
}

_SCREEN = struct.Struct(">IHHHHI")
_HEAD = struct.Struct(">BxHHBx")


@dataclass(frozen=True)
class Screen:
    id: int
    x: int
    y: int
    width: int
    height: int
    flags: int = 0


def status_text(status: int) -> str:
    return STATUS_TEXT.get(status, f"the server answered with unknown status {status}")


def parse_screens(data: bytes, count: int) -> tuple[Screen, ...]:
    """The screens of an ExtendedDesktopSize rectangle (``count`` * 16 bytes)."""
    return tuple(Screen(*_SCREEN.unpack_from(data, 16 * i)) for i in range(count))


def set_desktop_size(width: int, height: int, screens: tuple[Screen, ...] = ()) -> bytes:
    """Ask for one screen of ``width`` x ``height``.

    With one screen known, keep its id and flags (servers match screens by
    id); with none or several, ask for a single screen covering everything,
    as a window holds one picture.
    """
    if not (0 < width <= 0xFFFF and 0 < height <= 0xFFFF):
        raise ValueError(f"impossible desktop size {width}x{height}")
    sid, flags = (screens[0].id, screens[0].flags) if len(screens) == 1 else (0, 0)
    return _HEAD.pack(SET_DESKTOP_SIZE, width, height, 1) + _SCREEN.pack(sid, 0, 0, width, height, flags)
