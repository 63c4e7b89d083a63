"""One fuzz input -> one RFB client run, with the checks that make a run a finding.

Input layout: 4 header bytes, then what the server sends.

- byte 0: bits 0-1 pixel format (rgb888, rgb565, bgr233, bgr888); bits 2-3 how
  the stream is cut into chunks (whole, 1-7 bytes, 997 bytes, pseudo-random);
  bit 4 opaque framebuffer; bit 7: the stream starts at the server's version
  string (handshake included) instead of after ServerInit.
- bytes 1, 2: framebuffer width - 1 and height - 1 (after-ServerInit mode).
- byte 3: which pixel encodings the client offers (bit i: ENCODINGS[i]; 0: all).

A run is fine when it ends in a ProtocolError or AuthenticationError or
decodes; anything else (another exception, a hang in ``more_to_parse``,
damage outside the screen, a framebuffer of the wrong type) is a finding.
RSS and time per input are limited by the fuzzer driving this.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from qvmrc.errors import AuthenticationError, ProtocolError
from qvmrc.rfb import events as ev
from qvmrc.rfb.connection import RFBClient
from qvmrc.rfb.pixelformat import PRESETS

HEADER = 4
FORMATS = ("rgb888", "rgb565", "bgr233", "bgr888")
ENCODINGS = ("raw", "copyrect", "rre", "hextile", "zlib", "tight", "zrle", "tightpng")
HANDSHAKE = 0x80
OPAQUE = 0x10


class Finding(AssertionError):
    """The client misbehaved on this input (not merely refused it)."""


@dataclass
class Run:
    client: RFBClient
    refused: str  # the ProtocolError/AuthenticationError message, "" when none
    updates: int


def header(fmt: str, *, handshake: bool = False, width: int = 64, height: int = 64,
           encodings: tuple[str, ...] = (), chunking: int = 0, opaque: bool = False) -> bytes:
    """The 4 header bytes for a run with these settings."""
    b0 = FORMATS.index(fmt) | (chunking & 3) << 2 | (OPAQUE if opaque else 0) | (HANDSHAKE if handshake else 0)
    mask = 0
    for name in encodings:
        mask |= 1 << ENCODINGS.index(name)
    return bytes([b0, width - 1, height - 1, mask])


def _chunks(stream: bytes, how: int) -> Iterator[bytes]:
    if how == 0:
        yield stream
        return
    i, k, state = 0, 0, len(stream) | 1
    while i < len(stream):
        if how == 1:
            n = 1 + k % 7
        elif how == 2:
            n = 997
        else:
            state = (state * 1103515245 + 12345) & 0x7FFFFFFF
            n = 1 + state % 3000
        yield stream[i : i + n]
        i += n
        k += 1


def run(data: bytes, *, differential: bool = True) -> Run:
    """Decode one input; raises Finding for a bug, returns the client otherwise.

    ``differential``: also decode the stream whole when the header asks for
    chunks (and in 1-7 byte chunks when it asks for it whole); both must
    agree on refusing it and, when accepted, on every pixel and update. Being
    fed in pieces must not change what a sans-IO parser does (and the whole
    stream takes the bulk paths, e.g. Hextile runs, that small chunks don't).
    """
    first = _run(data)
    if differential:
        how = data[0] if data else 0
        other = bytes([how ^ 0x04 if (how & 0x0C) in (0x00, 0x04) else how & ~0x0C]) + data[1:]
        second = _run(other)
        if bool(first.refused) != bool(second.refused):
            raise Finding(f"chunking changes the outcome: {first.refused!r} vs {second.refused!r}")
        if not first.refused:
            a, b = first.client.fb.pixels, second.client.fb.pixels
            if a.shape != b.shape or not np.array_equal(a, b):
                raise Finding("chunking changes the picture")
            if first.updates != second.updates or first.client.buffered != second.client.buffered:
                raise Finding(f"chunking changes the updates: {first.updates} vs {second.updates}")
    return first


def _run(data: bytes) -> Run:
    if len(data) < HEADER:
        data = data + bytes(HEADER - len(data))
    b0, bw, bh, mask = data[:HEADER]
    fmt = FORMATS[b0 & 3]
    offered = tuple(n for i, n in enumerate(ENCODINGS) if mask >> i & 1) or ENCODINGS
    client = RFBClient(password="fuzz", pixel_format=fmt, encodings=offered, opaque=bool(b0 & OPAQUE))
    if not b0 & HANDSHAKE:
        client.start_replay(bw + 1, bh + 1, PRESETS[fmt])
    stream = data[HEADER:]
    updates = 0
    try:
        for chunk in _chunks(stream, (b0 >> 2) & 3):
            client.receive_data(chunk)
            updates += _check_events(client)
            rounds = 0
            while client.more_to_parse:
                before = client.buffered
                client.receive_data(b"")
                updates += _check_events(client)
                rounds += 1
                if rounds > 2 + len(stream) and client.buffered >= before:
                    raise Finding("more_to_parse stays set without progress")
            client.data_to_send()
    except (ProtocolError, AuthenticationError) as e:
        return Run(client, str(e) or type(e).__name__, updates)
    except Finding:
        raise
    except Exception as e:  # noqa: BLE001 - the point: anything else is a finding
        raise Finding(f"{type(e).__name__}: {e}") from e
    px = client.fb.pixels
    if px.dtype != np.uint32 or px.ndim != 2:
        raise Finding(f"framebuffer is {px.dtype} with {px.ndim} dimensions")
    return Run(client, "", updates)


def _check_events(client: RFBClient) -> int:
    events = client.next_events()
    h, w = client.fb.pixels.shape
    resized = any(isinstance(e, ev.DesktopResized) for e in events)
    n = 0
    for e in events:
        if isinstance(e, ev.FramebufferUpdated):
            n += 1
            if resized:
                continue
            for x, y, dw, dh in e.damage:
                if x < 0 or y < 0 or x + dw > w or y + dh > h:
                    raise Finding(f"damage {dw}x{dh}+{x}+{y} outside the {w}x{h} screen")
    return n


def _status_mb(field: str) -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(field):
                return int(line.split()[1]) / 1024
    return 0.0


def rss_mb() -> float:
    return _status_mb("VmRSS:")


def peak_rss_mb(reset: bool = False) -> float:
    """This process's peak RSS (VmHWM); ``reset`` starts a new peak from now (Linux >= 4.0)."""
    if reset:
        try:
            with open("/proc/self/clear_refs", "w") as fh:
                fh.write("5")
        except OSError:
            pass
    return _status_mb("VmHWM:")
