"""Guest keyboard layouts: which physical keys type a character (for "Type clipboard").

With QEMU's Extended Key Event the guest receives *physical keys* (XT scancodes)
and applies its own layout. To type "z" into a German guest we must press the
key a US keyboard calls "y". Each layout here is a table
character -> key strokes ((scancode, modifiers), ...), built from rows of the
physical keys so the tables can be read as keyboards. A dead key (German "^")
types its own character when followed by Space.

The tables follow the Linux (xkb / kernel) layouts of the same name; Windows
agrees on every character listed except where noted. Data only: no Qt.
"""

from __future__ import annotations

from dataclasses import dataclass

from qvmrc.rfb.keysyms import char_to_keysym

# Modifier bits of a stroke.
SHIFT = 1
ALTGR = 2

XT_SHIFT_L = 0x2A
XT_ALTGR = 0xE038  # Right Alt
XT_SPACE = 0x39
XT_RETURN = 0x1C
XT_TAB = 0x0F
XK_SHIFT_L = 0xFFE1
XK_ISO_LEVEL3_SHIFT = 0xFE03
XK_RETURN = 0xFF0D
XK_TAB = 0xFF09

# The 48 writing keys, row by row, as XT scancodes (US names in the comments).
_ROW_E = (0x29, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A, 0x0B, 0x0C, 0x0D)  # ` 1 .. 0 - =
_ROW_D = (0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1A, 0x1B, 0x2B)  # q .. ] \
_ROW_C = (0x1E, 0x1F, 0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x28)  # a .. '
_ROW_B = (0x56, 0x2C, 0x2D, 0x2E, 0x2F, 0x30, 0x31, 0x32, 0x33, 0x34, 0x35)  # ISO <> key, z .. /
KEYS = _ROW_E + _ROW_D + _ROW_C + _ROW_B

Stroke = tuple[int, int]  # (XT scancode, SHIFT/ALTGR bits)

_NONE = "\0"  # "this key types nothing on this level"


@dataclass(frozen=True)
class Layout:
    name: str
    label: str
    strokes: dict[str, tuple[Stroke, ...]]

    def missing(self, text: str) -> list[str]:
        """Characters of ``text`` this layout cannot type, each once, in order."""
        out: list[str] = []
        for ch in text:
            if ch not in self.strokes and ch not in "\n\t\r" and ch not in out:
                out.append(ch)
        return out


def _layout(name: str, label: str, base: str, shift: str, altgr: str = "", dead: str = "") -> Layout:
    """Rows as strings of 48 characters (one per key of KEYS; NUL: nothing).

    ``dead``: characters that are dead keys on the base and Shift levels (typed
    as key + Space). The plainest way to type a character wins: no modifier,
    then Shift, then AltGr, a dead key last.
    """
    levels = ((base, 0), (shift, SHIFT), (altgr or _NONE * len(KEYS), ALTGR))
    best: dict[str, tuple[int, tuple[Stroke, ...]]] = {" ": (0, ((XT_SPACE, 0),))}
    for chars, mods in levels:
        assert len(chars) == len(KEYS), (name, mods, len(chars))
        for code, ch in zip(KEYS, chars, strict=True):
            if ch == _NONE:
                continue
            is_dead = ch in dead and not mods & ALTGR
            cost = mods + (10 if is_dead else 0)
            stroke: tuple[Stroke, ...] = ((code, mods),)
            if is_dead:
                stroke += ((XT_SPACE, 0),)
            if ch not in best or cost < best[ch][0]:
                best[ch] = (cost, stroke)
    return Layout(name, label, {ch: strokes for ch, (_, strokes) in best.items()})


_N = _NONE

US = _layout(
    "us", "English (US)",
    base="`1234567890-=" "qwertyuiop[]\\" "asdfghjkl;'" + _N + "zxcvbnm,./",
    shift="~!@#$%^&*()_+" "QWERTYUIOP{}|" 'ASDFGHJKL:"' + _N + "ZXCVBNM<>?",
)

UK = _layout(
    "uk", "English (UK)",
    base="`1234567890-=" "qwertyuiop[]#" "asdfghjkl;'" "\\zxcvbnm,./",
    shift="¬!\"£$%^&*()_+" "QWERTYUIOP{}~" "ASDFGHJKL:@" "|ZXCVBNM<>?",
    altgr=_N * 4 + "€" + _N * 8 + _N * 13 + _N * 11 + _N * 11,
)

DE = _layout(
    "de", "German",
    base="^1234567890ß´" "qwertzuiopü+#" "asdfghjklöä" "<yxcvbnm,.-",
    shift="°!\"§$%&/()=?`" "QWERTZUIOPÜ*'" "ASDFGHJKLÖÄ" ">YXCVBNM;:_",
    altgr=_N * 2 + "²³" + _N * 3 + "{[]}\\" + _N
    + "@" + _N + "€" + _N * 8 + "~" + _N
    + _N * 11
    + "|" + _N * 6 + "µ" + _N * 3,
    dead="^´`",
)

FR = _layout(
    "fr", "French (AZERTY)",
    base="²&é\"'(-è_çà)=" "azertyuiop^$*" "qsdfghjklmù" "<wxcvbn,;:!",
    shift=_N + "1234567890°+" "AZERTYUIOP¨£µ" "QSDFGHJKLM%" ">WXCVBN?./§",
    altgr=_N * 2 + "~#{[|`\\^@]}"
    + _N * 2 + "€" + _N * 10
    + _N * 11
    + _N * 11,
    dead="^¨",
)

LAYOUTS: dict[str, Layout] = {lay.name: lay for lay in (US, UK, DE, FR)}


class CannotType(ValueError):
    """The chosen layout has no key for some characters of the text."""


def key_events(text: str, layout: Layout) -> list[tuple[int, int, bool]]:
    """(keysym, xt scancode, down) events that type ``text`` on a guest using ``layout``.

    Modifiers go down before the key and up after it; the keysym of each
    character goes along for servers that look at it. Raises CannotType
    naming every character the layout has no key for (nothing is dropped).
    """
    missing = layout.missing(text)
    if missing:
        shown = " ".join(repr(c) for c in missing[:10]) + (" …" if len(missing) > 10 else "")
        raise CannotType(f"the {layout.label} keyboard layout cannot type {shown}")
    out: list[tuple[int, int, bool]] = []
    for ch in text:
        if ch == "\r":
            continue
        if ch == "\n":
            strokes: tuple[Stroke, ...] = ((XT_RETURN, 0),)
        elif ch == "\t":
            strokes = ((XT_TAB, 0),)
        else:
            strokes = layout.strokes[ch]
        for i, (code, mods) in enumerate(strokes):
            sym = char_to_keysym(ch) if i == 0 else char_to_keysym(" ")
            if mods & SHIFT:
                out.append((XK_SHIFT_L, XT_SHIFT_L, True))
            if mods & ALTGR:
                out.append((XK_ISO_LEVEL3_SHIFT, XT_ALTGR, True))
            out.append((sym, code, True))
            out.append((sym, code, False))
            if mods & ALTGR:
                out.append((XK_ISO_LEVEL3_SHIFT, XT_ALTGR, False))
            if mods & SHIFT:
                out.append((XK_SHIFT_L, XT_SHIFT_L, False))
    return out
