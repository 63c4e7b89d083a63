"""Type clipboard through the guest's keyboard layout (QEMU scancodes), unit and real guest."""

from __future__ import annotations

import asyncio
import string

import pytest

pytest.importorskip("PySide6")

from qvmrc import keylayouts as kl  # noqa: E402
from qvmrc.rfb import messages  # noqa: E402
from qvmrc.ui.keyboard import KeyboardHandler, ScancodeSource  # noqa: E402
from tests.conftest import needs_qemu  # noqa: E402
from tests.support.fake_session import FakeSession  # noqa: E402

PRINTABLE = "".join(chr(c) for c in range(0x20, 0x7F))


def presses(text: str, layout: kl.Layout) -> list[tuple[int, bool]]:
    return [(xt, down) for _sym, xt, down in kl.key_events(text, layout)]


# ------------------------------------------------------------------ tables


@pytest.mark.parametrize("name", ["us", "uk", "de", "fr"])
def test_every_layout_types_all_of_printable_ascii(name):
    assert kl.LAYOUTS[name].missing(PRINTABLE + "\n\t") == []


def test_us_layout_types_letters_plainly_and_capitals_with_shift():
    assert presses("a", kl.US) == [(0x1E, True), (0x1E, False)]
    assert presses("A", kl.US) == [(0x2A, True), (0x1E, True), (0x1E, False), (0x2A, False)]
    assert presses("\n\t ", kl.US) == [(0x1C, True), (0x1C, False), (0x0F, True), (0x0F, False),
                                       (0x39, True), (0x39, False)]


def test_german_layout_swaps_y_and_z_and_reaches_at_with_altgr():
    assert presses("z", kl.DE) == [(0x15, True), (0x15, False)]  # the US "y" key
    assert presses("y", kl.DE) == [(0x2C, True), (0x2C, False)]
    assert presses("@", kl.DE) == [(0xE038, True), (0x10, True), (0x10, False), (0xE038, False)]
    assert presses("ß", kl.DE) == [(0x0C, True), (0x0C, False)]


def test_a_dead_key_character_is_followed_by_space():
    assert presses("^", kl.DE) == [(0x29, True), (0x29, False), (0x39, True), (0x39, False)]
    assert presses("`", kl.DE) == [(0x2A, True), (0x0D, True), (0x0D, False), (0x2A, False),
                                   (0x39, True), (0x39, False)]


def test_a_direct_key_beats_a_dead_one():
    # French "^" is dead on its own key but plain on AltGr+9.
    assert presses("^", kl.FR) == [(0xE038, True), (0x0A, True), (0x0A, False), (0xE038, False)]


def test_french_azerty_digits_need_shift():
    assert presses("1", kl.FR) == [(0x2A, True), (0x02, True), (0x02, False), (0x2A, False)]
    assert presses("a", kl.FR) == [(0x10, True), (0x10, False)]


def test_uk_layout_has_pound_and_hash_where_a_uk_keyboard_does():
    assert presses("£", kl.UK) == [(0x2A, True), (0x04, True), (0x04, False), (0x2A, False)]
    assert presses("#", kl.UK) == [(0x2B, True), (0x2B, False)]
    assert presses('"', kl.UK) == [(0x2A, True), (0x03, True), (0x03, False), (0x2A, False)]


def test_characters_a_layout_cannot_type_are_named_not_dropped():
    with pytest.raises(kl.CannotType, match="English \\(US\\).*'ü'.*'€'"):
        kl.key_events("grüße €", kl.US)
    assert kl.DE.missing("grüße €") == []


# ------------------------------------------------------------------ handler


@pytest.fixture
def handler(qapp):
    h = KeyboardHandler(scancode_source=ScancodeSource.EVDEV)
    h.session = FakeSession(extended_keys=True)
    return h


def test_typing_with_extended_keys_sends_scancodes_of_the_chosen_layout(handler, qtbot):
    handler.guest_layout = "de"
    assert handler.type_text("zY")
    with qtbot.waitSignal(handler.typingFinished, timeout=5000):
        pass
    calls = handler.session.calls
    assert [(c[2], c[3]) for c in calls] == [
        (0x15, True), (0x15, False),
        (0x2A, True), (0x2C, True), (0x2C, False), (0x2A, False)]
    assert all(c[0] == "scan" for c in calls)
    # On the wire: QEMU client message 255, submessage 0, down flag, keysym, key number.
    wire = b"".join(messages.qemu_key_event(c[3], c[1], c[2]) for c in calls)
    assert wire[:12] == bytes([255, 0, 0, 1]) + ord("z").to_bytes(4, "big") + (0x15).to_bytes(4, "big")


def test_altgr_goes_on_the_wire_as_qemu_key_number_0xb8(handler, qtbot):
    handler.guest_layout = "de"
    handler.type_text("@")
    with qtbot.waitSignal(handler.typingFinished, timeout=5000):
        pass
    first = handler.session.calls[0]
    assert messages.qemu_key_event(first[3], first[1], first[2]) == \
        bytes([255, 0, 0, 1]) + (0xFE03).to_bytes(4, "big") + (0xB8).to_bytes(4, "big")


def test_a_character_the_layout_lacks_refuses_the_whole_text(handler):
    handler.guest_layout = "us"
    with pytest.raises(ValueError, match="cannot type 'é'"):
        handler.type_text("café")
    assert handler.session.calls == [] and not handler.typing


def test_without_extended_keys_typing_falls_back_to_keysyms(handler, qtbot):
    handler.session.extended_key_events = False
    handler.guest_layout = "de"
    handler.type_text("é")  # a keysym server types any Latin-1 character
    with qtbot.waitSignal(handler.typingFinished, timeout=5000):
        pass
    assert handler.session.calls == [("key", 0xE9, True), ("key", 0xE9, False)]


def test_cancel_typing_releases_a_held_scancode_modifier(handler):
    handler.guest_layout = "us"
    handler.type_text("A")
    handler._type_tick()  # Shift down
    handler._type_tick()  # A down
    handler.cancel_typing()
    assert handler.session.calls[-2:] == [("scan", ord("A"), 0x1E, False), ("scan", 0xFFE1, 0x2A, False)]


# ------------------------------------------------------------------ real guest


@pytest.fixture(scope="module")
def guest():
    from tests.support import linux_guest as lg

    found = lg.kernel_and_busybox()
    if found is None:
        pytest.skip("no Debian kernel / busybox-static package to build the Linux guest")
    with lg.linux_guest(*found) as g:
        g.wait_line("READY", timeout=120)
        yield g


@needs_qemu
@pytest.mark.real
def test_a_real_linux_guest_receives_every_printable_ascii_character_exactly(guest, loop, qtbot):
    """The guest's console runs the kernel's US keymap: typing in "US" mode by
    scancodes must arrive as exactly the text, all 95 printable characters."""
    from qvmrc.session import Session, SessionOptions
    from tests.support.uiloop import run

    async def until(cond, guard: float = 60.0) -> None:  # real round trips; the guard stops a hang
        deadline = asyncio.get_running_loop().time() + guard
        while not cond():
            assert asyncio.get_running_loop().time() < deadline, "condition never became true"
            await asyncio.sleep(0.01)

    text = PRINTABLE + "\n" + string.ascii_letters[::-1] + "\n"
    handler = KeyboardHandler(scancode_source=ScancodeSource.EVDEV)
    handler.guest_layout = "us"
    # QEMU's PS/2 keyboard queue holds 16 bytes and drops what does not fit: a TCG
    # guest on a busy host (the full suite) drains it slower than 10 ms per event,
    # and lost "IHG" once. Slower typing here keeps the check about the characters.
    handler._type_timer.setInterval(40)

    async def scenario() -> None:
        s = Session(guest.server.url, SessionOptions())
        task = asyncio.create_task(s.run())
        try:
            await asyncio.wait_for(s.wait_connected(), 30)
            await until(lambda: s.extended_key_events)
            handler.session = s
            assert handler.type_text(text)
            await until(lambda: not handler.typing)
            await s.flush()
        finally:
            await asyncio.sleep(0.2)
            await s.close()
            await asyncio.gather(task, return_exceptions=True)

    run(loop, scenario(), timeout=120)
    start = guest.lines().index("READY")
    got = guest.wait_line("GOT:" + string.ascii_letters[::-1][:5], timeout=60, after=start)
    lines = [ln for ln in guest.lines()[start:] if ln.startswith("GOT:")]
    assert lines[0] == "GOT:" + PRINTABLE
    assert got == "GOT:" + string.ascii_letters[::-1]


@needs_qemu
@pytest.mark.real
def test_custom_combinations_reach_a_real_guest_as_the_keys_they_name(guest, loop, qtbot):
    """Send key presses in order and releases in reverse: Shift+H is "H", Shift+1 is "!"."""
    from qvmrc.session import Session, SessionOptions
    from tests.support.uiloop import run

    handler = KeyboardHandler(scancode_source=ScancodeSource.EVDEV)

    async def scenario() -> None:
        s = Session(guest.server.url, SessionOptions())
        task = asyncio.create_task(s.run())
        try:
            await asyncio.wait_for(s.wait_connected(), 30)
            while not s.extended_key_events:
                await asyncio.sleep(0.01)
            handler.session = s
            for combo in ("Shift+H", "i", "Shift+1", "Shift+=", "Enter"):
                handler.send_keys(combo)
                await s.flush()
                await asyncio.sleep(0.1)  # a user picks menu entries far apart; QEMU's PS/2 queue is 16 bytes
        finally:
            await asyncio.sleep(0.2)
            await s.close()
            await asyncio.gather(task, return_exceptions=True)

    n = len(guest.lines())
    run(loop, scenario(), timeout=60)
    assert guest.wait_line("GOT:", timeout=30, after=n - 1) == "GOT:Hi!+"
