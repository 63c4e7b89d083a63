"""Catching the keys Windows keeps for itself while a console holds the keyboard.

Qt's ``grabKeyboard()`` only routes key events inside the application:
Windows acts on the Windows key, Alt+Tab, Alt+Esc, Ctrl+Esc, Alt+Space,
Alt+F4 and PrintScreen before any window sees them. Like VMware's console,
QVMRC installs a low-level keyboard hook (``WH_KEYBOARD_LL``) while the console
has grabbed the keyboard and its window is in front, swallows those keys and
sends them to the guest itself. Ctrl+Alt+Del is the secure attention sequence
and cannot be caught; the "Send key" menu has it.

:class:`SystemKeyHook` holds the decisions (on :class:`.systemkeys.SystemKeys`) and is
tested on every platform;
:func:`install_windows_hook` is the ctypes binding, used only on Windows.
"""

from __future__ import annotations

import logging

from qvmrc.ui import keytables as kt
from qvmrc.ui.systemkeys import Caught, SystemKeys

log = logging.getLogger(__name__)

VK_TAB = 0x09
VK_CONTROL = 0x11
VK_ESCAPE = 0x1B
VK_SPACE = 0x20
VK_SNAPSHOT = 0x2C
VK_LWIN = 0x5B
VK_RWIN = 0x5C
VK_F4 = 0x73

LLKHF_EXTENDED = 0x01
LLKHF_INJECTED = 0x10
LLKHF_ALTDOWN = 0x20
LLKHF_UP = 0x80

def system_keysym(vk: int, flags: int, ctrl_down: bool) -> int | None:
    """The keysym of a key press Windows would act on itself; None lets it pass."""
    alt = bool(flags & LLKHF_ALTDOWN)
    if vk == VK_LWIN:
        return kt.XK_Super_L
    if vk == VK_RWIN:
        return kt.XK_Super_R
    if vk == VK_SNAPSHOT:
        return kt.XK_Print
    if vk == VK_TAB and alt:
        return kt.XK_Tab
    if vk == VK_ESCAPE and (alt or ctrl_down):
        return kt.XK_Escape
    if vk == VK_SPACE and alt:
        return 0x20
    if vk == VK_F4 and alt:
        return kt.F(4)
    return None


class SystemKeyHook(SystemKeys):
    """What the hook does with one key event; ``process`` returns True to swallow it."""

    def process(self, vk: int, scan: int, flags: int, ctrl_down: bool) -> bool:
        if flags & LLKHF_INJECTED:
            return False
        if flags & LLKHF_UP:
            return self.key_up(vk)

        def catch() -> Caught | None:
            keysym = system_keysym(vk, flags, ctrl_down)
            if keysym is None:
                return None
            extended = bool(flags & LLKHF_EXTENDED)
            # xt as QEMU wants it; native as Qt's nativeScanCode() gives it (0x100: extended).
            return keysym, (0xE000 if extended else 0) | (scan & 0xFF), (0x100 if extended else 0) | (scan & 0xFF)

        return self.key_down(vk, catch)


def install_windows_hook(hook: SystemKeyHook) -> bool:
    """Install ``hook`` as a WH_KEYBOARD_LL hook of this (GUI) thread; False if not possible.

    The callback runs on the thread that installed it while Qt's event loop
    pumps messages, so it may call into the keyboard handler directly. It
    must answer fast and must never raise into Windows.
    """
    return hook.install("win32", lambda: _WinHook(hook), "system keys (Windows key, Alt+Tab)")


class _WinHook:  # pragma: no cover - exercised on Windows only
    """The ctypes side: SetWindowsHookExW / CallNextHookEx / UnhookWindowsHookEx."""

    def __init__(self, hook: SystemKeyHook) -> None:
        import ctypes
        from ctypes import wintypes

        user32 = ctypes.WinDLL("user32", use_last_error=True)  # type: ignore[attr-defined]
        kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined]
        lresult = ctypes.c_ssize_t
        hookproc = ctypes.WINFUNCTYPE(lresult, ctypes.c_int, wintypes.WPARAM, wintypes.LPARAM)  # type: ignore[attr-defined]

        class KbdLLHookStruct(ctypes.Structure):
            _fields_ = [("vkCode", wintypes.DWORD), ("scanCode", wintypes.DWORD),
                        ("flags", wintypes.DWORD), ("time", wintypes.DWORD),
                        ("dwExtraInfo", ctypes.c_size_t)]

        user32.SetWindowsHookExW.argtypes = [ctypes.c_int, hookproc, wintypes.HINSTANCE, wintypes.DWORD]
        user32.SetWindowsHookExW.restype = wintypes.HHOOK
        user32.CallNextHookEx.argtypes = [wintypes.HHOOK, ctypes.c_int, wintypes.WPARAM, wintypes.LPARAM]
        user32.CallNextHookEx.restype = lresult
        user32.UnhookWindowsHookEx.argtypes = [wintypes.HHOOK]
        user32.UnhookWindowsHookEx.restype = wintypes.BOOL
        user32.GetAsyncKeyState.argtypes = [ctypes.c_int]
        user32.GetAsyncKeyState.restype = ctypes.c_short
        kernel32.GetModuleHandleW.argtypes = [wintypes.LPCWSTR]
        kernel32.GetModuleHandleW.restype = wintypes.HMODULE
        ptr = ctypes.POINTER(KbdLLHookStruct)

        def proc(n_code: int, w_param: int, l_param: int) -> int:
            try:
                if n_code == 0:  # HC_ACTION
                    kb = ctypes.cast(l_param, ptr).contents
                    ctrl = bool(user32.GetAsyncKeyState(VK_CONTROL) & 0x8000)
                    if hook.process(int(kb.vkCode), int(kb.scanCode), int(kb.flags), ctrl):
                        return 1
            except Exception:
                log.exception("system key hook failed; the key goes to Windows")
            return int(user32.CallNextHookEx(None, n_code, w_param, l_param))

        self._user32 = user32
        self._proc = hookproc(proc)  # keep a reference: Windows calls it
        self._handle = user32.SetWindowsHookExW(13, self._proc, kernel32.GetModuleHandleW(None), 0)  # WH_KEYBOARD_LL
        if not self._handle:
            raise ctypes.WinError(ctypes.get_last_error())  # type: ignore[attr-defined]
        log.debug("system key hook installed")

    def close(self) -> None:
        if self._handle:
            self._user32.UnhookWindowsHookEx(self._handle)
            self._handle = None
            log.debug("system key hook removed")


def foreground_is(window_id: int) -> bool:  # pragma: no cover - Windows only
    """True when the top-level window with this native id is the foreground window."""
    import ctypes

    user32 = ctypes.WinDLL("user32")  # type: ignore[attr-defined]
    user32.GetForegroundWindow.restype = ctypes.c_void_p
    return int(user32.GetForegroundWindow() or 0) == int(window_id)
