"""X11 keysyms for text: what ``qvmrc type`` and "Type clipboard" send."""

from __future__ import annotations

SHIFT_L = 0xFFE1
CONTROL_L = 0xFFE3
ALT_L = 0xFFE9
RETURN = 0xFF0D
TAB = 0xFF09
BACKSPACE = 0xFF08
ESCAPE = 0xFF1B
DELETE = 0xFFFF

# Characters a US keyboard types with Shift: QEMU maps keysyms through a US
# keymap and needs the Shift press to produce them; X servers don't mind it.
US_SHIFTED = frozenset('~!@#$%^&*()_+{}|:"<>?ABCDEFGHIJKLMNOPQRSTUVWXYZ')

_CONTROL = {"\n": RETURN, "\r": RETURN, "\t": TAB, "\b": BACKSPACE, "\x1b": ESCAPE}


def char_to_keysym(ch: str) -> int:
    """The keysym for one character (X11's rule: Latin-1 as is, else Unicode + 0x01000000)."""
    if ch in _CONTROL:
        return _CONTROL[ch]
    code = ord(ch)
    if 0x20 <= code <= 0x7E or 0xA0 <= code <= 0xFF:
        return code
    if code < 0x20 or code == 0x7F:
        raise ValueError(f"cannot type control character {code:#x}")
    return 0x01000000 | code


def text_to_key_events(text: str) -> list[tuple[int, bool]]:
    """(keysym, down) pairs that type ``text``, wrapping US-shifted characters in Shift."""
    out: list[tuple[int, bool]] = []
    for ch in text:
        if ch == "\r":
            continue
        sym = char_to_keysym(ch)
        shifted = ch in US_SHIFTED
        if shifted:
            out.append((SHIFT_L, True))
        out.append((sym, True))
        out.append((sym, False))
        if shifted:
            out.append((SHIFT_L, False))
    return out
