"""Catching the shortcuts macOS keeps for itself while a console holds the keyboard.

Qt's ``grabKeyboard()`` doesn't stop Cmd+Tab (the app switcher), Cmd+Space
(Spotlight), Ctrl+arrows (Spaces) or the app's own Cmd+Q/H/M. Like VMware
Fusion, QVMRC then puts a Quartz event tap (``CGEventTapCreate``) in front of
the session's keyboard events, swallows those combinations and sends them to
the guest itself. The tap needs the Accessibility permission (System Settings >
Privacy & Security); without it the console works, those shortcuts stay with
macOS, and the log says why.

:class:`MacSystemKeyHook` holds the decisions and is tested on every
platform; :func:`install_mac_tap` is the ctypes binding, used only on macOS.
"""

from __future__ import annotations

import logging

from qvmrc.ui import keytables as kt
from qvmrc.ui.systemkeys import Caught, SystemKeys

log = logging.getLogger(__name__)

KEY_DOWN = 10  # kCGEventKeyDown
KEY_UP = 11  # kCGEventKeyUp
TAP_DISABLED_BY_TIMEOUT = 0xFFFFFFFE
TAP_DISABLED_BY_USER_INPUT = 0xFFFFFFFF

FLAG_SHIFT = 1 << 17
FLAG_CONTROL = 1 << 18
FLAG_OPTION = 1 << 19
FLAG_COMMAND = 1 << 20

VK_Q, VK_H, VK_M = 0x0C, 0x04, 0x2E
VK_TAB, VK_SPACE, VK_GRAVE = 0x30, 0x31, 0x32
VK_LEFT, VK_RIGHT, VK_DOWN, VK_UP = 0x7B, 0x7C, 0x7D, 0x7E

_COMMAND_KEYS = {VK_TAB: kt.XK_Tab, VK_SPACE: 0x20, VK_GRAVE: 0x60, VK_Q: 0x71, VK_H: 0x68, VK_M: 0x6D}
_CONTROL_KEYS = {VK_SPACE: 0x20, VK_LEFT: kt.XK_Left, VK_RIGHT: kt.XK_Right, VK_DOWN: kt.XK_Down,
                 VK_UP: kt.XK_Up}

def system_keysym(vk: int, flags: int) -> int | None:
    """The keysym of a key press macOS (or the app menu) would act on; None lets it pass."""
    if flags & FLAG_COMMAND and vk in _COMMAND_KEYS:
        return _COMMAND_KEYS[vk]
    if flags & FLAG_CONTROL and vk in _CONTROL_KEYS:
        return _CONTROL_KEYS[vk]
    return None


class MacSystemKeyHook(SystemKeys):
    """What the tap does with one key event; ``process`` returns True to swallow it."""

    def process(self, event_type: int, vk: int, flags: int) -> bool:
        if event_type == KEY_UP:
            return self.key_up(vk)
        if event_type != KEY_DOWN:
            return False

        def catch() -> Caught | None:
            keysym = system_keysym(vk, flags)
            return None if keysym is None else (keysym, kt.MAC_VK_TO_XT.get(vk, 0), vk)

        return self.key_down(vk, catch)


def install_mac_tap(hook: MacSystemKeyHook) -> bool:
    """Put ``hook`` in a session event tap on the main run loop; False if not possible."""
    return hook.install("darwin", lambda: _MacTap(hook), "system shortcuts (Cmd+Tab, Cmd+Space)")


class _MacTap:  # pragma: no cover - exercised on macOS only
    """The ctypes side: CGEventTapCreate + a run loop source on the main run loop."""

    def __init__(self, hook: MacSystemKeyHook) -> None:
        import ctypes
        from ctypes import c_bool, c_int64, c_long, c_uint32, c_uint64, c_void_p

        cg = ctypes.CDLL("/System/Library/Frameworks/ApplicationServices.framework/ApplicationServices")
        cf = ctypes.CDLL("/System/Library/Frameworks/CoreFoundation.framework/CoreFoundation")
        callback_type = ctypes.CFUNCTYPE(c_void_p, c_void_p, c_uint32, c_void_p, c_void_p)
        cg.CGEventTapCreate.argtypes = [c_uint32, c_uint32, c_uint32, c_uint64, callback_type, c_void_p]
        cg.CGEventTapCreate.restype = c_void_p
        cg.CGEventTapEnable.argtypes = [c_void_p, c_bool]
        cg.CGEventGetIntegerValueField.argtypes = [c_void_p, c_uint32]
        cg.CGEventGetIntegerValueField.restype = c_int64
        cg.CGEventGetFlags.argtypes = [c_void_p]
        cg.CGEventGetFlags.restype = c_uint64
        cf.CFMachPortCreateRunLoopSource.argtypes = [c_void_p, c_void_p, c_long]
        cf.CFMachPortCreateRunLoopSource.restype = c_void_p
        cf.CFRunLoopGetMain.restype = c_void_p
        cf.CFRunLoopAddSource.argtypes = [c_void_p, c_void_p, c_void_p]
        cf.CFRunLoopRemoveSource.argtypes = [c_void_p, c_void_p, c_void_p]
        cf.CFMachPortInvalidate.argtypes = [c_void_p]
        cf.CFRelease.argtypes = [c_void_p]
        modes = c_void_p.in_dll(cf, "kCFRunLoopCommonModes")

        def on_event(_proxy: int, event_type: int, event: int, _info: int) -> int | None:
            try:
                if event_type in (TAP_DISABLED_BY_TIMEOUT, TAP_DISABLED_BY_USER_INPUT):
                    cg.CGEventTapEnable(self._port, True)  # macOS turned it off: back on
                    return event
                if event_type in (KEY_DOWN, KEY_UP):
                    vk = int(cg.CGEventGetIntegerValueField(event, 9))  # kCGKeyboardEventKeycode
                    if hook.process(event_type, vk, int(cg.CGEventGetFlags(event))):
                        return None
            except Exception:
                log.exception("system shortcut tap failed; the key goes to macOS")
            return event

        self._cg, self._cf, self._modes = cg, cf, modes
        self._callback = callback_type(on_event)  # keep a reference: macOS calls it
        mask = (1 << KEY_DOWN) | (1 << KEY_UP)
        self._port = cg.CGEventTapCreate(1, 0, 0, mask, self._callback, None)  # session tap, head, active
        if not self._port:
            raise OSError("macOS refused the event tap: allow QVMRC (or the Python running it) under "
                          "System Settings > Privacy & Security > Accessibility")
        self._source = cf.CFMachPortCreateRunLoopSource(None, self._port, 0)
        cf.CFRunLoopAddSource(cf.CFRunLoopGetMain(), self._source, modes)
        cg.CGEventTapEnable(self._port, True)
        log.debug("system shortcut tap installed")

    def close(self) -> None:
        if self._port:
            self._cg.CGEventTapEnable(self._port, False)
            self._cf.CFRunLoopRemoveSource(self._cf.CFRunLoopGetMain(), self._source, self._modes)
            self._cf.CFMachPortInvalidate(self._port)
            self._cf.CFRelease(self._source)
            self._cf.CFRelease(self._port)
            self._port = None
            log.debug("system shortcut tap removed")
