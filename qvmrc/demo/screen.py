"""What the demo VM shows: a clock, a text console echoing keys, the pointer's trail.

The state changes on input; :meth:`DemoScreen.render` draws it with Pillow
(text needs a font rasteriser, not numpy) once per change and hands out a
numpy ``uint32`` ``0x00RRGGBB`` array, the framebuffer's own layout.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from functools import lru_cache

import numpy as np
from PIL import Image, ImageDraw, ImageFont

MAX_TYPED = 8192
TRAIL = 160
SIZES = ((1024, 768), (800, 600))  # F2 toggles: shows DesktopSize working

BG = (28, 34, 48)
BAR = (44, 62, 94)
PANEL = (12, 14, 20)
EDGE = (90, 100, 120)
TEXT = (225, 230, 240)
DIM = (150, 160, 180)
GREEN = (120, 230, 140)
YELLOW = (250, 210, 90)
TRAIL_UP = (90, 170, 255)
TRAIL_DOWN = (255, 90, 90)

# X keysyms we turn into text (the rest of 0x20..0xff is Latin-1 itself).
K_BACKSPACE, K_TAB, K_RETURN, K_KP_ENTER, K_F2 = 0xFF08, 0xFF09, 0xFF0D, 0xFF8D, 0xFFBF
_KEYPAD = {0xFFAA: "*", 0xFFAB: "+", 0xFFAD: "-", 0xFFAE: ".", 0xFFAF: "/", 0xFFBD: "=",
           **{0xFFB0 + i: str(i) for i in range(10)}}


def keysym_text(keysym: int) -> str | None:
    """The character a key types, "\\n" for Enter, None for keys that type nothing."""
    if 0x20 <= keysym <= 0x7E or 0xA0 <= keysym <= 0xFF:
        return chr(keysym)
    if 0x01000100 <= keysym <= 0x0110FFFF:  # Unicode keysyms
        return chr(keysym - 0x01000000)
    if keysym in (K_RETURN, K_KP_ENTER):
        return "\n"
    if keysym == K_TAB:
        return "\t"
    return _KEYPAD.get(keysym)


@lru_cache(maxsize=8)
def _font(size: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    try:
        return ImageFont.load_default(size=size)
    except (TypeError, OSError, ImportError):  # pragma: no cover - Pillow without FreeType
        return ImageFont.load_default()


class DemoScreen:
    """The demo VM's state and its picture. ``version`` grows with every visible change."""

    def __init__(self, width: int = 1024, height: int = 768, title: str = "QVMRC demo VM",
                 now: Callable[[], float] | None = None) -> None:
        self.width, self.height = width, height
        self.title = title
        self._now = now or time.time
        self.typed = ""
        self.keys_pressed = 0
        self.pointer = (width // 2, height // 2)
        self.buttons = 0
        self.wheel = 0
        self.trail: deque[tuple[int, int, int]] = deque(maxlen=TRAIL)
        self.clipboard = ""
        self.clients = 0
        self.version = 0
        self._listeners: set[Callable[[], None]] = set()
        self._clock = self._clock_text()
        self._pixels: np.ndarray | None = None
        self._pixels_version = -1

    # -- change notification ------------------------------------------------

    def subscribe(self, callback: Callable[[], None]) -> None:
        self._listeners.add(callback)

    def unsubscribe(self, callback: Callable[[], None]) -> None:
        self._listeners.discard(callback)

    def changed(self) -> None:
        self.version += 1
        for cb in list(self._listeners):
            cb()

    # -- input -----------------------------------------------------------------

    def key(self, down: bool, keysym: int) -> None:
        if not down:
            return
        self.keys_pressed += 1
        if keysym == K_BACKSPACE:
            self.typed = self.typed[:-1]
        elif keysym == K_F2:
            i = SIZES.index((self.width, self.height)) if (self.width, self.height) in SIZES else -1
            self.resize(*SIZES[(i + 1) % len(SIZES)])
            return
        else:
            ch = keysym_text(keysym)
            if ch is not None:
                self.typed = (self.typed + ch)[-MAX_TYPED:]
        self.changed()

    def pointer_event(self, x: int, y: int, buttons: int) -> None:
        x, y = min(max(x, 0), self.width - 1), min(max(y, 0), self.height - 1)
        if buttons & 0x08 and not self.buttons & 0x08:
            self.wheel += 1
        if buttons & 0x10 and not self.buttons & 0x10:
            self.wheel -= 1
        if (x, y, buttons) == (*self.pointer, self.buttons):
            return
        self.pointer, self.buttons = (x, y), buttons
        self.trail.append((x, y, buttons))
        self.changed()

    def cut_text(self, text: str) -> None:
        self.clipboard = text[:200]
        self.changed()

    def resize(self, width: int, height: int) -> None:
        self.width, self.height = width, height
        self.pointer = (min(self.pointer[0], width - 1), min(self.pointer[1], height - 1))
        self.trail.clear()
        self.changed()

    def set_clients(self, n: int) -> None:
        self.clients = n
        self.changed()

    def _clock_text(self) -> str:
        return time.strftime("%Y-%m-%d  %H:%M:%S", time.localtime(self._now()))

    def tick(self) -> None:
        """Called about every second: repaint only when the shown time changed."""
        text = self._clock_text()
        if text != self._clock:
            self._clock = text
            self.changed()

    # -- picture ---------------------------------------------------------------

    def render(self) -> np.ndarray:
        """The current picture, (height, width) uint32 0x00RRGGBB (cached per version)."""
        if self._pixels is None or self._pixels_version != self.version:
            rgb = np.asarray(self._draw(), dtype=np.uint8).astype(np.uint32)
            self._pixels = (rgb[..., 0] << 16) | (rgb[..., 1] << 8) | rgb[..., 2]
            self._pixels_version = self.version
        return self._pixels

    def _draw(self) -> Image.Image:
        w, h = self.width, self.height
        img = Image.new("RGB", (w, h), BG)
        d = ImageDraw.Draw(img)
        big, mid, small = _font(24), _font(16), _font(13)

        d.rectangle((0, 0, w, 44), fill=BAR)
        d.text((16, 10), self.title, font=big, fill=TEXT)
        d.text((w - 16, 10), self._clock, font=big, fill=YELLOW, anchor="ra")

        # Text console (left).
        x0, y0, x1, y1 = 16, 60, int(w * 0.62), h - 36
        d.rectangle((x0, y0, x1, y1), fill=PANEL, outline=EDGE)
        d.text((x0 + 10, y0 + 8), "Console: type here (Enter and Backspace work)", font=small, fill=DIM)
        line_h = 20
        cols = max(8, int((x1 - x0 - 20) // max(1.0, mid.getlength("M") * 0.8)))
        rows = max(1, (y1 - y0 - 40) // line_h)
        lines = _wrap(self.typed.replace("\t", "    ") + "_", cols)[-rows:]
        for i, line in enumerate(lines):
            d.text((x0 + 10, y0 + 32 + i * line_h), line, font=mid, fill=GREEN)

        # Pointer and status (right).
        px = x1 + 20
        x, y = self.pointer
        d.text((px, 64), "Pointer", font=mid, fill=TEXT)
        d.text((px, 90), f"x = {x}   y = {y}", font=mid, fill=TEXT)
        for i, name in enumerate(("Left", "Middle", "Right")):
            bx = px + i * 110
            down = bool(self.buttons & (1 << i))
            d.rectangle((bx, 120, bx + 100, 150), fill=TRAIL_DOWN if down else PANEL, outline=EDGE)
            d.text((bx + 50, 135), name, font=small, fill=TEXT, anchor="mm")
        d.text((px, 162), f"wheel: {self.wheel:+d}", font=small, fill=DIM)
        d.text((px, 200), f"keys pressed: {self.keys_pressed}", font=small, fill=DIM)
        d.text((px, 220), f"characters typed: {len(self.typed)}", font=small, fill=DIM)
        d.text((px, 240), f"viewers connected: {self.clients}", font=small, fill=DIM)
        d.text((px, 260), f"screen: {w} x {h}  (F2 changes it)", font=small, fill=DIM)
        if self.clipboard:
            d.text((px, 290), "clipboard: " + self.clipboard[:40].replace("\n", " "), font=small, fill=DIM)
        d.text((16, h - 26), "Move the pointer to draw its trail; hold a button to draw in red.",
               font=small, fill=DIM)

        pts = list(self.trail)
        for (ax, ay, ab), (bx2, by2, bb) in zip(pts, pts[1:], strict=False):
            down = bool(ab & bb & 0x07)
            d.line((ax, ay, bx2, by2), fill=TRAIL_DOWN if down else TRAIL_UP, width=4 if down else 2)
        d.line((x - 8, y, x + 8, y), fill=YELLOW, width=1)
        d.line((x, y - 8, x, y + 8), fill=YELLOW, width=1)
        return img


def _wrap(text: str, cols: int) -> list[str]:
    out: list[str] = []
    for line in text.split("\n"):
        out.extend(line[i:i + cols] for i in range(0, max(len(line), 1), cols))
    return out
