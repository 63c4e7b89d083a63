"""Qt key events -> RFB key events (keysyms, and XT scancodes for QEMU).

Two ways a key reaches a VM:

* by keysym: what the key *typed* on the local layout (``event.text()`` for
  printable characters, so AltGr and dead-key results are right on any layout;
  a table for Return, F1, arrows, ...). Plain VNC servers (Xvnc) want this.
* by XT scancode (QEMU Extended Key Event): which *physical* key it was,
  derived from the native scan code. The guest applies its own layout, which
  is what a VM console wants. The keysym still goes along.

Every pressed key is remembered by its physical key (native scan code) with
exactly what was sent for it, and its release sends the same thing: under X a
release can arrive after Shift was let go, when Qt reports ``~`` as `` ` ``.
"""

from __future__ import annotations

import enum
import logging
import sys
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QKeyEvent

from qvmrc import keycombos, keylayouts
from qvmrc.rfb.keysyms import char_to_keysym, text_to_key_events
from qvmrc.ui import keytables as kt

log = logging.getLogger(__name__)

K = Qt.Key

# "Type clipboard": longer text is refused, text above the threshold should be confirmed.
TYPE_TEXT_LIMIT = 10_000
TYPE_CONFIRM_THRESHOLD = 200
# One key event per tick: ~20 ms per character. BIOS and installer prompts
# (SeaBIOS keeps 16 keys) drop keys when they come faster.
TYPE_INTERVAL_MS = 10


class KeySink(Protocol):
    """The part of ``qvmrc.session.Session`` the keyboard uses."""

    @property
    def extended_key_events(self) -> bool: ...

    def key_event(self, keysym: int, down: bool) -> None: ...

    def scancode_key_event(self, keysym: int, xt_scancode: int, down: bool) -> None: ...


class ScancodeSource(enum.Enum):
    """Where a platform's key events carry the physical key."""

    EVDEV = "evdev"      # X11 / Wayland: nativeScanCode = evdev code + 8
    WINDOWS = "windows"  # nativeScanCode = set-1 scancode, 0x100 = E0 prefix
    MAC = "mac"          # nativeVirtualKey = kVK_* code
    NONE = "none"


def scancode_source_for_platform(platform_name: str | None = None) -> ScancodeSource:
    name = platform_name if platform_name is not None else QGuiApplication.platformName()
    if name in ("xcb", "wayland", "wayland-egl", "eglfs", "linuxfb", "vnc"):
        return ScancodeSource.EVDEV
    if name in ("windows", "direct2d"):
        return ScancodeSource.WINDOWS
    if name == "cocoa":
        return ScancodeSource.MAC
    # offscreen / minimal: no real keyboard; synthetic events follow the host's convention.
    if sys.platform.startswith("linux"):
        return ScancodeSource.EVDEV
    if sys.platform == "win32":
        return ScancodeSource.WINDOWS
    if sys.platform == "darwin":
        return ScancodeSource.MAC
    return ScancodeSource.NONE


def xt_scancode(source: ScancodeSource, native_scan_code: int, native_virtual_key: int,
                qt_key: int = 0) -> int:
    """The XT scancode (``0xE0xx`` for extended keys) of a physical key, 0 if unknown."""
    if source is ScancodeSource.EVDEV:
        return kt.EVDEV_TO_XT.get(native_scan_code - 8, 0) if native_scan_code >= 8 else 0
    if source is ScancodeSource.WINDOWS:
        code = native_scan_code & 0x1FF
        if code == 0:
            return 0
        # Windows reports Pause as plain 0x45 and NumLock as extended 0x45.
        if qt_key == K.Key_Pause.value and (code & 0xFF) == 0x45:
            return 0xE046
        if qt_key == K.Key_NumLock.value:
            return 0x45
        return (0xE000 if code & 0x100 else 0) | (code & 0xFF)
    if source is ScancodeSource.MAC:
        return kt.MAC_VK_TO_XT.get(native_virtual_key, 0)
    return 0


# Windows native scan codes (0x100: extended): left Ctrl, Right Alt (AltGr).
_WIN_LCTRL = 0x1D
_WIN_RALT = 0x138


def _printable(ch: str) -> bool:
    code = ord(ch)
    return code >= 0x20 and code != 0x7F and not 0x80 <= code < 0xA0


def keysym_for_key(qt_key: int, text: str, modifiers: Qt.KeyboardModifier, xt: int = 0) -> int | None:
    """The keysym for one key press; None when the key types nothing we can name.

    Order matters: modifiers by physical position, keypad, the non-printable
    table (so Return is Return, not "\\r"), dead keys, then the typed text, and
    last the key code (Ctrl+C types "\\x03", the guest wants "c" with Control down).
    """
    if qt_key in kt.MODIFIER_QT_KEYS:
        if qt_key == K.Key_AltGr.value:
            return kt.XK_ISO_Level3_Shift
        if xt in kt.MODIFIER_KEYSYM_BY_XT:
            return kt.MODIFIER_KEYSYM_BY_XT[xt]
        return kt.KEYSYM_BY_QT_KEY[qt_key]
    keypad = bool(modifiers & Qt.KeyboardModifier.KeypadModifier) and (xt == 0 or xt in kt.KEYPAD_XT)
    if keypad and qt_key in kt.KEYPAD_KEYSYM_BY_QT_KEY:
        return kt.KEYPAD_KEYSYM_BY_QT_KEY[qt_key]
    if qt_key in kt.KEYSYM_BY_QT_KEY:
        return kt.KEYSYM_BY_QT_KEY[qt_key]
    dead = kt.dead_keysym(qt_key)
    if dead is not None:
        return dead
    if text and _printable(text[-1]):
        return char_to_keysym(text[-1])
    if 0x20 <= qt_key < 0x110000 and qt_key != 0x7F:
        ch = chr(qt_key)  # Qt names letters by their upper case
        if not modifiers & Qt.KeyboardModifier.ShiftModifier:
            ch = ch.lower()
        return char_to_keysym(ch)
    return None


@dataclass(frozen=True)
class _Sent:
    keysym: int
    xt: int
    by_scancode: bool


# The "Send key" menu's built-in combos: (keysym, xt) pressed in order, released in reverse.
SEND_KEY_COMBOS: dict[str, tuple[tuple[int, int], ...]] = {
    name: keycombos.keys_for(name) for name in keycombos.BUILTIN}
SEND_KEY_NAMES: tuple[str, ...] = tuple(SEND_KEY_COMBOS)

_HOTKEY_NAMES = {
    K.Key_Control.value: "Ctrl", K.Key_Alt.value: "Alt", K.Key_Shift.value: "Shift",
    K.Key_Meta.value: "Meta",
}
_HOTKEY_KEYS = {name: key for key, name in _HOTKEY_NAMES.items()}
# Release hotkeys that are one physical key, tapped alone: name -> XT scancode.
HOST_KEYS = {"Right Ctrl": 0xE01D}


def parse_hotkey(text: str) -> frozenset[int]:
    """"Ctrl+Alt" -> the Qt modifier keys; ValueError for anything else.

    Only two or more modifiers qualify: a hotkey with a letter would steal
    that letter from the guest, a single modifier every Ctrl+C.
    """
    names = [n.strip() for n in text.split("+")]
    try:
        keys = frozenset(_HOTKEY_KEYS[n] for n in names)
    except KeyError:
        raise ValueError(f"not a release hotkey: {text!r} (use modifiers like Ctrl+Alt)") from None
    if len(keys) < 2 or len(keys) != len(names):
        raise ValueError(f"not a release hotkey: {text!r} (it needs two or more different modifiers)")
    return keys


class TextTooLong(ValueError):
    """Text for "Type clipboard" is longer than TYPE_TEXT_LIMIT."""


def clean_text_for_typing(text: str) -> str:
    """Drop what no key can type (control characters other than newline and tab)."""
    text = text.replace("\r\n", "\n")
    return "".join(ch for ch in text if ch in "\n\t" or _printable(ch))


class KeyboardHandler(QObject):
    """Turns the console view's key events into session key events.

    The view forwards ``keyPressEvent``/``keyReleaseEvent``, input-method
    commits and focus loss here. ``hotkeyPressed`` fires when the release
    hotkey (Ctrl+Alt by default) was pressed and let go with nothing else in
    between, so Ctrl+Alt+Del still reaches the guest.
    """

    hotkeyPressed = Signal()
    typingFinished = Signal()

    def __init__(self, parent: QObject | None = None,
                 scancode_source: ScancodeSource | None = None) -> None:
        super().__init__(parent)
        self.session: KeySink | None = None
        self.scancode_source = scancode_source or scancode_source_for_platform()
        self.release_hotkey: frozenset[int] = frozenset({K.Key_Control.value, K.Key_Alt.value})
        # A single physical key as the release hotkey (VirtualBox's "host key"): its
        # XT scancode, 0 when the hotkey is a modifier combination. It never reaches the guest.
        self.host_key_xt = 0
        self._host_down = False
        self._pressed: dict[tuple[Any, ...], _Sent] = {}
        self._hotkey_held: set[int] = set()
        self._hotkey_spoiled = False
        self._hotkey_armed = False
        # "Type clipboard": (keysym, xt scancode or 0, down), one per timer tick.
        self._typing: deque[tuple[int, int, bool]] = deque()
        self.guest_layout = "us"  # a keylayouts.LAYOUTS name: how the guest maps scancodes
        # Windows AltGr: the last left Ctrl press (id, timestamp), fake Ctrls let go.
        self._last_lctrl: tuple[tuple[Any, ...], int] | None = None
        self._fake_ctrl: set[tuple[Any, ...]] = set()
        self._type_timer = QTimer(self)
        self._type_timer.setInterval(TYPE_INTERVAL_MS)
        self._type_timer.timeout.connect(self._type_tick)

    # ------------------------------------------------------------ state

    def set_release_hotkey(self, text: str) -> None:
        """Change the release hotkey ("Ctrl+Alt", see RELEASE_HOTKEYS); ValueError if invalid."""
        if text in HOST_KEYS:
            self.host_key_xt, self.release_hotkey = HOST_KEYS[text], frozenset()
        else:
            self.release_hotkey, self.host_key_xt = parse_hotkey(text), 0
        self._hotkey_held.clear()
        self._hotkey_spoiled = self._hotkey_armed = self._host_down = False

    @property
    def hotkey_text(self) -> str:
        if self.host_key_xt:
            return next(name for name, xt in HOST_KEYS.items() if xt == self.host_key_xt)
        order = [K.Key_Control.value, K.Key_Alt.value, K.Key_Shift.value, K.Key_Meta.value]
        return "+".join(_HOTKEY_NAMES[k] for k in order if k in self.release_hotkey)

    @property
    def pressed_keysyms(self) -> list[int]:
        """Keysyms currently held down on the guest (for tests and diagnostics)."""
        return [s.keysym for s in self._pressed.values()]

    @property
    def typing(self) -> bool:
        return bool(self._typing)

    def _by_scancode(self) -> bool:
        return bool(self.session is not None and self.session.extended_key_events)

    def _emit(self, sent: _Sent, down: bool) -> None:
        s = self.session
        if s is None:
            return
        if sent.by_scancode:
            s.scancode_key_event(sent.keysym, sent.xt, down)
        else:
            s.key_event(sent.keysym, down)

    def _tap(self, keysym: int) -> None:
        sent = _Sent(keysym, 0, False)
        self._emit(sent, True)
        self._emit(sent, False)

    def _key_id(self, event: QKeyEvent) -> tuple[Any, ...]:
        if self.scancode_source is ScancodeSource.MAC and event.nativeVirtualKey():
            return ("vk", event.nativeVirtualKey())
        if event.nativeScanCode():
            return ("scan", event.nativeScanCode())
        return ("qt", event.key())

    # ------------------------------------------------------------ events

    def _windows_altgr(self, event: QKeyEvent, kid: tuple[Any, ...]) -> bool:
        """Windows sends AltGr as a fake left Ctrl press, then Right Alt, same timestamp.

        The Ctrl went out already (we can't know in advance); when its Right Alt
        follows, the guest gets the Ctrl's release at once, and the real release
        later is dropped, so AltGr characters don't arrive as Ctrl+Alt+key.
        Returns True when ``event`` is a repeat of such a fake Ctrl (ignored).
        """
        if kid in self._fake_ctrl:
            return True
        scan = event.nativeScanCode()
        last = self._last_lctrl
        self._last_lctrl = None
        if scan == _WIN_LCTRL and not event.isAutoRepeat():
            self._last_lctrl = (kid, event.timestamp())
        elif scan == _WIN_RALT and last is not None and last[1] == event.timestamp():
            sent = self._pressed.pop(last[0], None)
            if sent is not None:
                self._emit(sent, False)
                self._fake_ctrl.add(last[0])
                self._hotkey_held.discard(K.Key_Control.value)  # AltGr is not Ctrl+Alt
        return False

    def key_press(self, event: QKeyEvent) -> None:
        key = event.key()
        kid = self._key_id(event)
        if self.scancode_source is ScancodeSource.WINDOWS and self._windows_altgr(event, kid):
            return
        if self.host_key_xt and self._host_key_press(event):
            return
        self._hotkey_on_press(key)
        held = self._pressed.get(kid)
        if held is not None:
            # Auto-repeat (or a lost release): repeat exactly what is held.
            self._emit(held, True)
            return
        xt = xt_scancode(self.scancode_source, event.nativeScanCode(), event.nativeVirtualKey(), key)
        text = event.text()
        keysym = keysym_for_key(key, text, event.modifiers(), xt)
        by_scancode = self._by_scancode() and xt != 0
        if not by_scancode:
            if keysym is None:
                return
            if kt.dead_keysym(key) is not None:
                return  # keysym mode: the composed character arrives as text or an IM commit
            # A dead key followed by a key that does not compose gives two characters.
            if len(text) > 1 and key not in kt.KEYSYM_BY_QT_KEY:
                for ch in text[:-1]:
                    if _printable(ch):
                        self._tap(char_to_keysym(ch))
        sent = _Sent(keysym or 0, xt, by_scancode)
        self._pressed[kid] = sent
        self._emit(sent, True)

    def key_release(self, event: QKeyEvent) -> None:
        key = event.key()
        if event.isAutoRepeat():
            return
        kid = self._key_id(event)
        if self.host_key_xt and self._host_key_release(event):
            return
        if kid in self._fake_ctrl:
            self._fake_ctrl.discard(kid)
        sent = self._pressed.pop(kid, None)
        if sent is not None:
            self._emit(sent, False)
        self._hotkey_on_release(key)

    def system_key(self, keysym: int, xt: int, native: int, down: bool) -> None:
        """A key a platform hook caught before Qt saw it (Windows key, Alt+Tab, Cmd+Tab;
        see winkeys and mackeys). ``native`` is what Qt would report for the key:
        the scan code on Windows, the virtual key code on macOS.

        Held keys are shared with Qt's path (same physical-key id), so a key
        pressed before the hook was installed is still released on the guest.
        """
        kind = "vk" if self.scancode_source is ScancodeSource.MAC else "scan"
        kid: tuple[Any, ...] = (kind, native) if native else ("system", keysym)
        if down:
            self._hotkey_on_press(-1)  # any other key spoils the release hotkey
            self._hotkey_spoiled |= self._host_down
            held = self._pressed.get(kid)
            if held is None:
                held = self._pressed[kid] = _Sent(keysym, xt, self._by_scancode() and xt != 0)
            self._emit(held, True)
        else:
            held = self._pressed.pop(kid, None)
            if held is not None:
                self._emit(held, False)

    def commit_text(self, text: str) -> None:
        """Text an input method composed (dead keys, compose, IME): typed as key taps."""
        for ch in text:
            if _printable(ch) or ch in "\n\t":
                self._tap(char_to_keysym(ch))

    def release_all(self) -> None:
        """Release every key the guest believes held (focus loss, grab release)."""
        pressed = list(self._pressed.values())
        self._pressed.clear()
        self._fake_ctrl.clear()
        self._last_lctrl = None
        for sent in reversed(pressed):
            self._emit(sent, False)
        self._hotkey_held.clear()
        self._hotkey_spoiled = False
        self._hotkey_armed = False
        self._host_down = False

    # ------------------------------------------------------------ hotkey

    def _is_host_key(self, event: QKeyEvent) -> bool:
        xt = xt_scancode(self.scancode_source, event.nativeScanCode(), event.nativeVirtualKey(), event.key())
        return xt == self.host_key_xt

    def _host_key_press(self, event: QKeyEvent) -> bool:
        """Host-key mode: True when ``event`` is the host key (kept from the guest)."""
        if not self._is_host_key(event):
            if self._host_down:
                self._hotkey_spoiled = True  # host key + another key is not a tap
            return False
        if not event.isAutoRepeat() and not self._host_down:
            self._host_down = True
            self._hotkey_spoiled = False
        return True

    def _host_key_release(self, event: QKeyEvent) -> bool:
        if not self._is_host_key(event):
            return False
        fire = self._host_down and not self._hotkey_spoiled
        self._host_down = self._hotkey_spoiled = False
        if fire:
            self.hotkeyPressed.emit()
        return True

    def _hotkey_on_press(self, key: int) -> None:
        if key in self.release_hotkey:
            self._hotkey_held.add(key)
            if self._hotkey_held == self.release_hotkey and not self._hotkey_spoiled:
                self._hotkey_armed = True
        elif self._hotkey_held:
            self._hotkey_spoiled = True
            self._hotkey_armed = False

    def _hotkey_on_release(self, key: int) -> None:
        if key not in self.release_hotkey:
            return
        fire = self._hotkey_armed and not self._hotkey_spoiled
        self._hotkey_held.discard(key)
        self._hotkey_armed = False
        if not self._hotkey_held:
            self._hotkey_spoiled = False
        if fire:
            # Stop the rest of the combo from counting as a second press.
            self._hotkey_spoiled = bool(self._hotkey_held)
            self.hotkeyPressed.emit()

    # ------------------------------------------------------------ send keys / type

    def send_keys(self, combo: str) -> None:
        """Press and release a built-in combo (SEND_KEY_NAMES) or any combination
        keycombos.parse accepts ("Ctrl+Alt+F2", "Win+R"); BadCombo if it is none."""
        keys = SEND_KEY_COMBOS.get(combo) or keycombos.keys_for(combo)
        by_scancode = self._by_scancode()
        sent = [_Sent(sym, xt, by_scancode) for sym, xt in keys]
        for s in sent:
            self._emit(s, True)
        for s in reversed(sent):
            self._emit(s, False)

    @staticmethod
    def needs_confirmation(text: str) -> bool:
        return len(clean_text_for_typing(text)) > TYPE_CONFIRM_THRESHOLD

    def type_text(self, text: str, confirm: Callable[[int], bool] | None = None) -> bool:
        """Type ``text`` as key presses, paced by a timer. Returns whether typing started.

        Above TYPE_CONFIRM_THRESHOLD characters ``confirm(length)`` is asked
        first (when given); above TYPE_TEXT_LIMIT it raises TextTooLong.

        With QEMU's extended key events the text goes as physical keys mapped
        through the guest's layout (``guest_layout``; keylayouts.CannotType
        names characters it has no key for); otherwise as keysyms.
        """
        text = clean_text_for_typing(text)
        if len(text) > TYPE_TEXT_LIMIT:
            raise TextTooLong(f"text of {len(text)} characters is longer than the "
                              f"{TYPE_TEXT_LIMIT} QVMRC types")
        if not text or self.session is None:
            return False
        events = self.typing_events(text)
        if len(text) > TYPE_CONFIRM_THRESHOLD and confirm is not None and not confirm(len(text)):
            return False
        self.release_all()  # held modifiers would change what the guest types
        self._typing.extend(events)
        if not self._type_timer.isActive():
            self._type_timer.start()
        return True

    def typing_events(self, text: str) -> list[tuple[int, int, bool]]:
        """(keysym, xt, down) for ``text``: scancodes through the guest layout when
        the server takes them, else keysyms (xt 0). Raises CannotType."""
        if self._by_scancode():
            layout = keylayouts.LAYOUTS.get(self.guest_layout, keylayouts.US)
            return keylayouts.key_events(text, layout)
        return [(sym, 0, down) for sym, down in text_to_key_events(text)]

    def cancel_typing(self) -> None:
        """Stop typing; a key left down (or Shift) is released."""
        pending = list(self._typing)
        self._typing.clear()
        self._type_timer.stop()
        # A release still pending whose press was already sent: send it now.
        pressed_later: set[tuple[int, int]] = set()
        owed: list[tuple[int, int]] = []
        for sym, xt, down in pending:
            if down:
                pressed_later.add((sym, xt))
            elif (sym, xt) not in pressed_later and (sym, xt) not in owed:
                owed.append((sym, xt))
        for sym, xt in owed:
            self._emit(_Sent(sym, xt, bool(xt)), False)
        self.typingFinished.emit()

    def _type_tick(self) -> None:
        if not self._typing or self.session is None:
            self._typing.clear()
            self._type_timer.stop()
            self.typingFinished.emit()
            return
        sym, xt, down = self._typing.popleft()
        self._emit(_Sent(sym, xt, bool(xt)), down)
        if not self._typing:
            self._type_timer.stop()
            self.typingFinished.emit()
