"""RFB encoding numbers (rfbproto's registry)."""

RAW = 0
COPYRECT = 1
RRE = 2
HEXTILE = 5
ZLIB = 6
TIGHT = 7
ZRLE = 16
TIGHTPNG = -260

# Pseudo-encodings
JPEG_QUALITY_0 = -32  # -32 .. -23: quality 0..9
COMPRESS_LEVEL_0 = -256  # -256 .. -247: level 0..9
DESKTOP_SIZE = -223
LAST_RECT = -224
CURSOR = -239
XCURSOR = -240
QEMU_POINTER_MOTION_CHANGE = -257
QEMU_EXTENDED_KEY_EVENT = -258
DESKTOP_NAME = -307
EXTENDED_DESKTOP_SIZE = -308
FENCE = -312
CONTINUOUS_UPDATES = -313
EXTENDED_MOUSE_BUTTONS = -316  # buttons 8 and 9 (back, forward) in a 7-byte PointerEvent

NAMES = {
    RAW: "raw", COPYRECT: "copyrect", RRE: "rre", HEXTILE: "hextile", ZLIB: "zlib",
    TIGHT: "tight", ZRLE: "zrle", TIGHTPNG: "tightpng",
    DESKTOP_SIZE: "DesktopSize", LAST_RECT: "LastRect", CURSOR: "Cursor",
    XCURSOR: "XCursor",
    QEMU_POINTER_MOTION_CHANGE: "QEMUPointerMotionChange",
    QEMU_EXTENDED_KEY_EVENT: "QEMUExtendedKeyEvent", DESKTOP_NAME: "DesktopName",
    EXTENDED_DESKTOP_SIZE: "ExtendedDesktopSize", FENCE: "Fence",
    CONTINUOUS_UPDATES: "ContinuousUpdates", EXTENDED_MOUSE_BUTTONS: "ExtendedMouseButtons",
}

# Names the user may list with --encodings, in our default preference order.
PIXEL_ENCODINGS = {
    "tight": TIGHT, "zrle": ZRLE, "tightpng": TIGHTPNG, "zlib": ZLIB,
    "hextile": HEXTILE, "rre": RRE, "copyrect": COPYRECT, "raw": RAW,
}
DEFAULT_ENCODINGS = ("copyrect", "tight", "zrle", "hextile", "zlib", "rre", "raw")


def name_of(encoding: int) -> str:
    if encoding in NAMES:
        return NAMES[encoding]
    if -32 <= encoding <= -23:
        return f"JPEGQuality{encoding + 32}"
    if -256 <= encoding <= -247:
        return f"CompressLevel{encoding + 256}"
    return str(encoding)
