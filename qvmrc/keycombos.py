"""Key combinations for "Send key": "Ctrl+Alt+F2" -> the keys to press, in order.

A combination is key names joined by "+"; its keys go down in order and come
up in reverse. Each key carries its keysym (for plain VNC servers) and its XT
scancode (for QEMU's extended key events), so a combination means the same
physical keys on any guest layout. Letters, digits and punctuation name the
key of a US keyboard. Data and parsing only: no Qt.
"""

from __future__ import annotations

Key = tuple[int, int]  # (keysym, XT scancode)

MAX_KEYS = 6  # more keys than a hand holds is a typo
MAX_COMBO_TEXT = 80

_SPECIAL: dict[str, tuple[str, Key]] = {}


def _add(canonical: str, key: Key, *aliases: str) -> None:
    for name in (canonical, *aliases):
        _SPECIAL[name.lower()] = (canonical, key)


_add("Ctrl", (0xFFE3, 0x1D), "Control", "LCtrl")
_add("RCtrl", (0xFFE4, 0xE01D))
_add("Shift", (0xFFE1, 0x2A), "LShift")
_add("RShift", (0xFFE2, 0x36))
_add("Alt", (0xFFE9, 0x38), "LAlt")
_add("AltGr", (0xFE03, 0xE038), "RAlt")
_add("Win", (0xFFEB, 0xE05B), "Super", "Meta", "Cmd", "LWin")
_add("RWin", (0xFFEC, 0xE05C))
_add("Menu", (0xFF67, 0xE05D), "Apps")
_add("Esc", (0xFF1B, 0x01), "Escape")
_add("Tab", (0xFF09, 0x0F))
_add("Enter", (0xFF0D, 0x1C), "Return")
_add("Backspace", (0xFF08, 0x0E))
_add("Space", (0x20, 0x39))
_add("Del", (0xFFFF, 0xE053), "Delete")
_add("Ins", (0xFF63, 0xE052), "Insert")
_add("Home", (0xFF50, 0xE047))
_add("End", (0xFF57, 0xE04F))
_add("PgUp", (0xFF55, 0xE049), "PageUp")
_add("PgDn", (0xFF56, 0xE051), "PageDown")
_add("Up", (0xFF52, 0xE048))
_add("Down", (0xFF54, 0xE050))
_add("Left", (0xFF51, 0xE04B))
_add("Right", (0xFF53, 0xE04D))
_add("PrintScreen", (0xFF61, 0xE037), "Print", "PrtSc")
_add("SysRq", (0xFF15, 0x54))
_add("Pause", (0xFF13, 0xE046), "Break")
_add("CapsLock", (0xFFE5, 0x3A))
_add("NumLock", (0xFF7F, 0x45))
_add("ScrollLock", (0xFF14, 0x46))
_F_XT = (0x3B, 0x3C, 0x3D, 0x3E, 0x3F, 0x40, 0x41, 0x42, 0x43, 0x44, 0x57, 0x58)
for _n, _xt in enumerate(_F_XT, start=1):
    _add(f"F{_n}", (0xFFBE + _n - 1, _xt))

# Keys of a US keyboard named by what they type unshifted.
_US_KEYS = {
    **dict(zip("1234567890-=", range(0x02, 0x0E), strict=True)),
    **dict(zip("qwertyuiop[]", range(0x10, 0x1C), strict=True)),
    **dict(zip("asdfghjkl;'`", range(0x1E, 0x2A), strict=True)),
    "\\": 0x2B,
    **dict(zip("zxcvbnm,./", range(0x2C, 0x36), strict=True)),
}

_US_SHIFTED = {ord(a): ord(b) for a, b in zip("1234567890-=qwertyuiop[]asdfghjkl;'`\\zxcvbnm,./",
                                               '!@#$%^&*()_+QWERTYUIOP{}ASDFGHJKL:"~|ZXCVBNM<>?', strict=True)}


class BadCombo(ValueError):
    """A key combination that cannot be sent; the message says why, for the user."""


def _key(name: str) -> tuple[str, Key]:
    low = name.lower()
    if low in _SPECIAL:
        return _SPECIAL[low]
    if len(name) == 1 and low in _US_KEYS:
        return low.upper() if low.isalpha() else low, (ord(low), _US_KEYS[low])
    raise BadCombo(f"unknown key {name!r}")


def parse(text: str) -> tuple[str, tuple[Key, ...]]:
    """(canonical name, keys) for a combination such as "ctrl+alt+f2" or "Win+R".

    "+" only separates keys (the "+" character is "Shift+="). Raises BadCombo
    with a sentence fit for the user.
    """
    if not isinstance(text, str) or not text.strip():
        raise BadCombo("the key combination is empty")
    if len(text) > MAX_COMBO_TEXT:
        raise BadCombo("the key combination is too long")
    names = [n.strip() for n in text.split("+")]
    if any(not n for n in names):
        raise BadCombo(f"{text.strip()!r} has an empty key name (keys are joined by '+')")
    if len(names) > MAX_KEYS:
        raise BadCombo(f"a key combination holds at most {MAX_KEYS} keys")
    parsed = [_key(n) for n in names]
    canon = [c for c, _ in parsed]
    if len(set(canon)) != len(canon):
        raise BadCombo(f"{text.strip()!r} names a key twice")
    keys = tuple(k for _, k in parsed)
    if {"Shift", "RShift"} & set(canon):
        # The keysym must say what Shift makes of the key: QEMU toggles Caps Lock
        # when a letter's case disagrees with Shift (its lock-key sync), and an X
        # server would type the unshifted symbol.
        keys = tuple((_US_SHIFTED.get(sym, sym), xt) for sym, xt in keys)
    return "+".join(canon), keys


def canonical(text: str) -> str:
    return parse(text)[0]


# The "Send key" menu's own entries: menu name -> combination.
BUILTIN: dict[str, str] = {
    "Ctrl+Alt+Del": "Ctrl+Alt+Del", "Ctrl+Alt+Backspace": "Ctrl+Alt+Backspace",
    **{f"Ctrl+Alt+F{i}": f"Ctrl+Alt+F{i}" for i in range(1, 13)},
    "Win": "Win", "Alt+Tab": "Alt+Tab", "PrintScreen": "PrintScreen",
    "SysRq": "Alt+PrintScreen",  # what a PC keyboard sends for SysRq
}


def keys_for(name: str) -> tuple[Key, ...]:
    """The keys of a built-in menu name or of any combination the user wrote."""
    return parse(BUILTIN.get(name, name))[1]
