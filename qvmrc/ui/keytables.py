"""Key tables: Qt keys -> X11 keysyms, native scan codes -> XT (PC set 1) scancodes.

Kept apart from the key handling (as noVNC keeps ``core/input/`` tables apart)
so they can be read and tested as data.

XT scancodes are written the way a PC keyboard sends them: ``0x1E`` for A,
``0xE01D`` for an E0-prefixed key such as right Control.
``qvmrc.rfb.messages.qemu_key_event`` turns the E0 form into QEMU's key number
(``0x80 | code``). 0 means "no scancode known": the key then goes by keysym only.
"""

from __future__ import annotations

from PySide6.QtCore import Qt

K = Qt.Key

# ---------------------------------------------------------------- keysyms

XK_BackSpace = 0xFF08
XK_Tab = 0xFF09
XK_Return = 0xFF0D
XK_Pause = 0xFF13
XK_Scroll_Lock = 0xFF14
XK_Sys_Req = 0xFF15
XK_Escape = 0xFF1B
XK_Home = 0xFF50
XK_Left = 0xFF51
XK_Up = 0xFF52
XK_Right = 0xFF53
XK_Down = 0xFF54
XK_Page_Up = 0xFF55
XK_Page_Down = 0xFF56
XK_End = 0xFF57
XK_Print = 0xFF61
XK_Insert = 0xFF63
XK_Menu = 0xFF67
XK_Num_Lock = 0xFF7F
XK_KP_Enter = 0xFF8D
XK_F1 = 0xFFBE
XK_Shift_L = 0xFFE1
XK_Shift_R = 0xFFE2
XK_Control_L = 0xFFE3
XK_Control_R = 0xFFE4
XK_Caps_Lock = 0xFFE5
XK_Meta_L = 0xFFE7
XK_Alt_L = 0xFFE9
XK_Alt_R = 0xFFEA
XK_Super_L = 0xFFEB
XK_Super_R = 0xFFEC
XK_Delete = 0xFFFF
XK_ISO_Level3_Shift = 0xFE03
XK_dead_grave = 0xFE50


def F(n: int) -> int:
    """Keysym of function key Fn (X11 defines F1..F35 contiguously)."""
    return XK_F1 + n - 1


# Keys that produce no printable text (or whose text is a control character).
# Looked up before event.text(), so Return is Return and not "\r".
KEYSYM_BY_QT_KEY: dict[int, int] = {
    K.Key_Escape.value: XK_Escape,
    K.Key_Tab.value: XK_Tab,
    K.Key_Backtab.value: XK_Tab,  # Shift+Tab: Shift is already down on the guest
    K.Key_Backspace.value: XK_BackSpace,
    K.Key_Return.value: XK_Return,
    K.Key_Enter.value: XK_KP_Enter,  # Qt's Key_Enter is the keypad's
    K.Key_Insert.value: XK_Insert,
    K.Key_Delete.value: XK_Delete,
    K.Key_Pause.value: XK_Pause,
    K.Key_Print.value: XK_Print,
    K.Key_SysReq.value: XK_Sys_Req,
    K.Key_Clear.value: 0xFF0B,
    K.Key_Home.value: XK_Home,
    K.Key_End.value: XK_End,
    K.Key_Left.value: XK_Left,
    K.Key_Up.value: XK_Up,
    K.Key_Right.value: XK_Right,
    K.Key_Down.value: XK_Down,
    K.Key_PageUp.value: XK_Page_Up,
    K.Key_PageDown.value: XK_Page_Down,
    K.Key_Shift.value: XK_Shift_L,
    K.Key_Control.value: XK_Control_L,
    K.Key_Meta.value: XK_Super_L,  # the Windows key on Windows; guests want Super
    K.Key_Alt.value: XK_Alt_L,
    K.Key_AltGr.value: XK_ISO_Level3_Shift,
    K.Key_CapsLock.value: XK_Caps_Lock,
    K.Key_NumLock.value: XK_Num_Lock,
    K.Key_ScrollLock.value: XK_Scroll_Lock,
    K.Key_Super_L.value: XK_Super_L,
    K.Key_Super_R.value: XK_Super_R,
    K.Key_Menu.value: XK_Menu,
    K.Key_Hyper_L.value: 0xFFED,
    K.Key_Hyper_R.value: 0xFFEE,
    K.Key_Help.value: 0xFF6A,
    K.Key_Cancel.value: 0xFF69,
    K.Key_Execute.value: 0xFF62,
    K.Key_Find.value: 0xFF68,
    K.Key_Undo.value: 0xFF65,
    K.Key_Redo.value: 0xFF66,
    K.Key_Select.value: 0xFF60,
    K.Key_Multi_key.value: 0xFF20,
    K.Key_Kanji.value: 0xFF21,
    K.Key_Muhenkan.value: 0xFF22,
    K.Key_Henkan.value: 0xFF23,
    K.Key_Hiragana_Katakana.value: 0xFF27,
    K.Key_Zenkaku_Hankaku.value: 0xFF2A,
    K.Key_Hangul.value: 0xFF31,
    K.Key_Hangul_Hanja.value: 0xFF34,
    K.Key_VolumeDown.value: 0x1008FF11,
    K.Key_VolumeMute.value: 0x1008FF12,
    K.Key_VolumeUp.value: 0x1008FF13,
    K.Key_MediaPlay.value: 0x1008FF14,
    K.Key_MediaStop.value: 0x1008FF15,
    K.Key_MediaPrevious.value: 0x1008FF16,
    K.Key_MediaNext.value: 0x1008FF17,
    K.Key_PowerOff.value: 0x1008FF2A,
    K.Key_WakeUp.value: 0x1008FF2B,
    K.Key_Sleep.value: 0x1008FF2F,
}
KEYSYM_BY_QT_KEY.update({K.Key_F1.value + i: F(i + 1) for i in range(35)})

# Keypad keys (Qt sets KeypadModifier): NumLock on gives digits, off gives movement.
KEYPAD_KEYSYM_BY_QT_KEY: dict[int, int] = {
    **{K.Key_0.value + i: 0xFFB0 + i for i in range(10)},
    K.Key_Asterisk.value: 0xFFAA,
    K.Key_Plus.value: 0xFFAB,
    K.Key_Comma.value: 0xFFAC,  # KP_Separator
    K.Key_Minus.value: 0xFFAD,
    K.Key_Period.value: 0xFFAE,  # KP_Decimal
    K.Key_Slash.value: 0xFFAF,
    K.Key_Equal.value: 0xFFBD,
    K.Key_Enter.value: XK_KP_Enter,
    K.Key_Return.value: XK_KP_Enter,
    K.Key_Home.value: 0xFF95,
    K.Key_Left.value: 0xFF96,
    K.Key_Up.value: 0xFF97,
    K.Key_Right.value: 0xFF98,
    K.Key_Down.value: 0xFF99,
    K.Key_PageUp.value: 0xFF9A,
    K.Key_PageDown.value: 0xFF9B,
    K.Key_End.value: 0xFF9C,
    K.Key_Clear.value: 0xFF9D,  # KP_Begin (keypad 5 without NumLock)
    K.Key_Insert.value: 0xFF9E,
    K.Key_Delete.value: 0xFF9F,
}

MODIFIER_QT_KEYS = frozenset(k.value for k in (
    K.Key_Shift, K.Key_Control, K.Key_Alt, K.Key_AltGr, K.Key_Meta,
    K.Key_Super_L, K.Key_Super_R, K.Key_Hyper_L, K.Key_Hyper_R))

# Left/right modifiers are told apart by the physical key, never by Qt's key.
MODIFIER_KEYSYM_BY_XT: dict[int, int] = {
    0x2A: XK_Shift_L, 0x36: XK_Shift_R,
    0x1D: XK_Control_L, 0xE01D: XK_Control_R,
    0x38: XK_Alt_L, 0xE038: XK_Alt_R,
    0xE05B: XK_Super_L, 0xE05C: XK_Super_R,
}

# Qt's dead keys mirror X11's dead keysyms one to one (dead_grave .. dead_greek).
QT_DEAD_FIRST = K.Key_Dead_Grave.value  # 0x01001250 <-> XK_dead_grave 0xFE50
QT_DEAD_LAST = QT_DEAD_FIRST + (0xFE8C - XK_dead_grave)


def dead_keysym(qt_key: int) -> int | None:
    if QT_DEAD_FIRST <= qt_key <= QT_DEAD_LAST:
        return XK_dead_grave + (qt_key - QT_DEAD_FIRST)
    return None


# ------------------------------------------------------- XT (set 1) scancodes

# Keypad positions: used to tell a keypad key from its twin on macOS, where Qt
# also puts KeypadModifier on the arrow keys.
KEYPAD_XT = frozenset({0x37, 0x47, 0x48, 0x49, 0x4A, 0x4B, 0x4C, 0x4D, 0x4E, 0x4F, 0x50,
                       0x51, 0x52, 0x53, 0x59, 0x5C, 0x7E, 0xE01C, 0xE035})

# Linux evdev key codes (X11 and Wayland report evdev + 8) -> XT.
# Codes 1..83 (Esc .. keypad '.') are the XT codes themselves.
EVDEV_TO_XT: dict[int, int] = {code: code for code in range(1, 84)}
EVDEV_TO_XT.update({
    85: 0x76,     # ZENKAKUHANKAKU
    86: 0x56,     # 102ND (the extra key left of Z on ISO keyboards)
    87: 0x57,     # F11
    88: 0x58,     # F12
    89: 0x73,     # RO
    90: 0x78,     # KATAKANA
    91: 0x77,     # HIRAGANA
    92: 0x79,     # HENKAN
    93: 0x70,     # KATAKANAHIRAGANA
    94: 0x7B,     # MUHENKAN
    95: 0x5C,     # KPJPCOMMA
    96: 0xE01C,   # KPENTER
    97: 0xE01D,   # RIGHTCTRL
    98: 0xE035,   # KPSLASH
    99: 0xE037,   # SYSRQ: the Print Screen key
    100: 0xE038,  # RIGHTALT / AltGr
    102: 0xE047,  # HOME
    103: 0xE048,  # UP
    104: 0xE049,  # PAGEUP
    105: 0xE04B,  # LEFT
    106: 0xE04D,  # RIGHT
    107: 0xE04F,  # END
    108: 0xE050,  # DOWN
    109: 0xE051,  # PAGEDOWN
    110: 0xE052,  # INSERT
    111: 0xE053,  # DELETE
    113: 0xE020,  # MUTE
    114: 0xE02E,  # VOLUMEDOWN
    115: 0xE030,  # VOLUMEUP
    116: 0xE05E,  # POWER
    117: 0x59,    # KPEQUAL
    119: 0xE046,  # PAUSE
    121: 0x7E,    # KPCOMMA
    123: 0xE00D,  # HANJA
    124: 0x7D,    # YEN
    125: 0xE05B,  # LEFTMETA
    126: 0xE05C,  # RIGHTMETA
    127: 0xE05D,  # COMPOSE (the Menu key)
    128: 0xE068,  # STOP
    140: 0xE021,  # CALC
    142: 0xE05F,  # SLEEP
    143: 0xE063,  # WAKEUP
    158: 0xE06A,  # BACK
    159: 0xE069,  # FORWARD
    163: 0xE019,  # NEXTSONG
    164: 0xE022,  # PLAYPAUSE
    165: 0xE010,  # PREVIOUSSONG
    166: 0xE024,  # STOPCD
    172: 0xE032,  # HOMEPAGE
    173: 0xE067,  # REFRESH
    183: 0x5D,    # F13
    184: 0x5E,    # F14
    185: 0x5F,    # F15
    186: 0x55,    # F16
    187: 0xE003,  # F17
    188: 0xE077,  # F18
    189: 0xE004,  # F19
    190: 0x5A,    # F20
    191: 0x74,    # F21
    192: 0xE079,  # F22
    193: 0x6D,    # F23
    194: 0x6F,    # F24
})

# macOS virtual key codes (kVK_*, what Qt reports as nativeVirtualKey) -> XT.
MAC_VK_TO_XT: dict[int, int] = {
    0x00: 0x1E, 0x01: 0x1F, 0x02: 0x20, 0x03: 0x21, 0x04: 0x23, 0x05: 0x22,  # A S D F H G
    0x06: 0x2C, 0x07: 0x2D, 0x08: 0x2E, 0x09: 0x2F, 0x0A: 0x56, 0x0B: 0x30,  # Z X C V § B
    0x0C: 0x10, 0x0D: 0x11, 0x0E: 0x12, 0x0F: 0x13, 0x10: 0x15, 0x11: 0x14,  # Q W E R Y T
    0x12: 0x02, 0x13: 0x03, 0x14: 0x04, 0x15: 0x05, 0x16: 0x07, 0x17: 0x06,  # 1 2 3 4 6 5
    0x18: 0x0D, 0x19: 0x0A, 0x1A: 0x08, 0x1B: 0x0C, 0x1C: 0x09, 0x1D: 0x0B,  # = 9 7 - 8 0
    0x1E: 0x1B, 0x1F: 0x18, 0x20: 0x16, 0x21: 0x1A, 0x22: 0x17, 0x23: 0x19,  # ] O U [ I P
    0x24: 0x1C, 0x25: 0x26, 0x26: 0x24, 0x27: 0x28, 0x28: 0x25, 0x29: 0x27,  # Return L J ' K ;
    0x2A: 0x2B, 0x2B: 0x33, 0x2C: 0x35, 0x2D: 0x31, 0x2E: 0x32, 0x2F: 0x34,  # \ , / N M .
    0x30: 0x0F, 0x31: 0x39, 0x32: 0x29, 0x33: 0x0E, 0x35: 0x01,              # Tab Space ` BS Esc
    0x36: 0xE05C, 0x37: 0xE05B,  # right / left Command -> Super
    0x38: 0x2A, 0x39: 0x3A, 0x3A: 0x38, 0x3B: 0x1D,  # Shift CapsLock Option Control
    0x3C: 0x36, 0x3D: 0xE038, 0x3E: 0xE01D,  # right Shift, Option, Control
    0x40: 0xE003,  # F17
    0x41: 0x53, 0x43: 0x37, 0x45: 0x4E, 0x47: 0x45,  # KP . * + Clear(NumLock position)
    0x48: 0xE030, 0x49: 0xE02E, 0x4A: 0xE020,  # volume up / down / mute
    0x4B: 0xE035, 0x4C: 0xE01C, 0x4E: 0x4A, 0x51: 0x59,  # KP / Enter - =
    0x4F: 0xE077, 0x50: 0xE004, 0x5A: 0x5A,  # F18 F19 F20
    0x52: 0x52, 0x53: 0x4F, 0x54: 0x50, 0x55: 0x51, 0x56: 0x4B,  # KP 0 1 2 3 4
    0x57: 0x4C, 0x58: 0x4D, 0x59: 0x47, 0x5B: 0x48, 0x5C: 0x49,  # KP 5 6 7 8 9
    0x5D: 0x7D, 0x5E: 0x73, 0x5F: 0x7E,  # JIS Yen, Underscore (RO), KP comma
    0x60: 0x3F, 0x61: 0x40, 0x62: 0x41, 0x63: 0x3D, 0x64: 0x42, 0x65: 0x43,  # F5 F6 F7 F3 F8 F9
    0x66: 0x7B, 0x67: 0x57, 0x68: 0x70, 0x69: 0x5D, 0x6A: 0x55, 0x6B: 0x5E,  # Eisu F11 Kana F13 F16 F14
    0x6D: 0x44, 0x6F: 0x58, 0x71: 0x5F,  # F10 F12 F15
    0x72: 0xE052, 0x73: 0xE047, 0x74: 0xE049, 0x75: 0xE053,  # Help(=Insert) Home PgUp Delete
    0x76: 0x3E, 0x77: 0xE04F, 0x78: 0x3C, 0x79: 0xE051, 0x7A: 0x3B,  # F4 End F2 PgDn F1
    0x7B: 0xE04B, 0x7C: 0xE04D, 0x7D: 0xE050, 0x7E: 0xE048,  # arrows
}

# Scancodes for the keys the "Send key" combos and typing use.
XT_CONTROL_L = 0x1D
XT_ALT_L = 0x38
XT_DELETE = 0xE053
XT_BACKSPACE = 0x0E
XT_PRINT = 0xE037
XT_F = (0, 0x3B, 0x3C, 0x3D, 0x3E, 0x3F, 0x40, 0x41, 0x42, 0x43, 0x44, 0x57, 0x58)  # XT_F[n] = Fn
