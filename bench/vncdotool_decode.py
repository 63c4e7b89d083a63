"""Decode an FBS recording with vncdotool's RFB client, for QVMRC's benchmark.

    python bench/vncdotool_decode.py F.fbs [--out final.png]

Prints one JSON line ``{"pixels","seconds","mpix_per_s","rects", ...}`` like
``qvmrc replay --bench``; ``seconds`` is CPU time (``time.process_time``) from
the first byte after the handshake to the end of the recording. When vncdotool
cannot decode the recording (an encoding it lacks, or its decoder raises) the
line is ``{"fails": "<why>", ...}`` and the exit status is 3.

vncdotool is a Twisted protocol (``vncdotool.client.VNCDoToolClient``): we
give it a stub transport that swallows what it writes, and feed it the server
stream with ``dataReceived``, one FBS block per call as a socket would. What we
change, and why:

- the pixel format: the client would have sent SetPixelFormat itself; the
  recording's sidecar says which one the server used, and we set it (and
  vncdotool's matching PIL raw mode) when the handshake completes;
- the screen starts as a black image of the ServerInit size (vncdotool
  otherwise makes the first rectangle the screen);
- pseudo-encodings vncdotool does not know but which the recording client asked
  for (ExtendedDesktopSize, DesktopName, QEMU pointer motion change) are skipped
  here; vncdotool would not have asked for them;
- the cursor is not drawn into the screen (``nocursor``), as it would spoil the
  comparison of framebuffers.

vncdotool 1.4.2's ``VNCDoToolClient`` does not implement CopyRect (its
``copyRectangle`` is the base class's no-op): such recordings "decode" fast and
wrong; ``copyrect_noop`` in the output counts those rectangles.
"""

from __future__ import annotations

import argparse
import json
import struct
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import fbsstream  # noqa: E402

_SKIP_PSEUDO = (fbsstream.EXT_DESKTOP_SIZE, fbsstream.DESKTOP_NAME,
                fbsstream.POINTER_MOTION_CHANGE, fbsstream.XCURSOR)


class _Failed(Exception):
    pass


class _Transport:
    """Swallows what the client writes; remembers if it hung up."""

    def __init__(self) -> None:
        self.closed = False

    def write(self, data: bytes) -> None:
        pass

    def writeSequence(self, data: list[bytes]) -> None:  # noqa: N802 - Twisted's name
        pass

    def loseConnection(self) -> None:  # noqa: N802
        self.closed = True


class _Factory:
    password: str | None = None
    shared = True
    nocursor = True
    pseudocursor = False
    pseudodesktop = True
    last_rect = True
    qemu_extended_key = True
    force_caps = False

    def clientConnectionMade(self, client: Any) -> None:  # noqa: N802
        pass

    def clientConnectionLost(self, client: Any, reason: Any) -> None:  # noqa: N802
        pass

    def clientConnectionFailed(self, client: Any, reason: Any) -> None:  # noqa: N802
        raise _Failed(f"connection failed: {reason}")


def make_client(pixel_format: dict) -> Any:
    """A VNCDoToolClient subclass instance wired to the stub transport."""
    import warnings

    from vncdotool import client as vclient
    from vncdotool import rfb

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)

        class BenchClient(vclient.VNCDoToolClient):
            def __init__(self) -> None:
                super().__init__()
                self.failure: str | None = None
                self.rects = 0
                self.pixels = 0
                self.updates = 0
                self.copyrect_noop = 0
                self._pending = 0  # pixels of the rectangle being decoded

            def vncConnectionMade(self) -> None:  # noqa: N802
                pf = rfb.PixelFormat(
                    pixel_format["bits_per_pixel"], pixel_format["depth"],
                    bool(pixel_format["big_endian"]), bool(pixel_format["true_colour"]),
                    pixel_format["red_max"], pixel_format["green_max"], pixel_format["blue_max"],
                    pixel_format["red_shift"], pixel_format["green_shift"],
                    pixel_format["blue_shift"])
                mode = vclient.PF2IM.get(pf)
                if mode is None:
                    raise _Failed(f"vncdotool has no image mode for pixel format {pixel_format}")
                self.pixel_format = pf
                self._image_mode = mode
                from PIL import Image
                self.screen = Image.new("RGB", (self.width, self.height), "black")

            def vncProtocolError(self, reason: str) -> None:  # noqa: N802
                self.failure = str(reason)
                raise _Failed(self.failure)

            def _finish_rect(self) -> None:
                if self._pending >= 0 and self._pending_set:
                    self.rects += 1
                    self.pixels += self._pending
                self._pending_set = False

            _pending_set = False

            def _handleFramebufferUpdate(self, block: bytes) -> None:  # noqa: N802
                self.updates += 1
                super()._handleFramebufferUpdate(block)

            def commitUpdate(self, rectangles: Any = None) -> None:  # noqa: N802
                self._finish_rect()
                super().commitUpdate(rectangles)

            def _handleRectangle(self, block: bytes) -> None:  # noqa: N802
                self._finish_rect()
                x, y, w, h, enc = struct.unpack("!HHHHi", block)
                if enc in _SKIP_PSEUDO and self.rectangles:
                    self.rectangles -= 1
                    self._skip_pseudo(x, y, w, h, enc)
                    return
                if enc in fbsstream.PIXEL_ENCODINGS and self.rectangles:
                    self._pending = w * h
                    self._pending_set = True
                    if enc == fbsstream.COPYRECT:
                        self.copyrect_noop += 1
                super()._handleRectangle(block)

            def _skip_pseudo(self, x: int, y: int, w: int, h: int, enc: int) -> None:
                if enc == fbsstream.EXT_DESKTOP_SIZE:
                    def screens(block: bytes) -> None:
                        self.expect(lambda _b: self._after_skip(), 3 + 16 * block[0])
                    if y == 0 and (w, h) != self.screen.size:
                        self.updateDesktopSize(w, h)
                    self.expect(screens, 1)
                elif enc == fbsstream.DESKTOP_NAME:
                    self.expect(lambda b: self.expect(lambda _b: self._after_skip(),
                                                      struct.unpack("!I", b)[0]), 4)
                elif enc == fbsstream.XCURSOR and w and h:
                    self.expect(lambda _b: self._after_skip(), 6 + 2 * ((w + 7) // 8) * h)
                else:
                    self._after_skip()

            def _after_skip(self) -> None:
                self._doConnection()

        client = BenchClient()
    client.factory = _Factory()
    client.transport = _Transport()
    return client


def run(path: str, out: str | None = None) -> dict:
    blocks = fbsstream.read_fbs(path)
    side = fbsstream.read_sidecar(path)
    stream = b"".join(d for _, d in blocks)
    walk = fbsstream.walk_stream(stream, side.get("pixel_format"), side.get("security_type"))
    pf = walk.pixel_format
    client = make_client(pf)
    # The handshake, untimed; the client answers into the stub transport.
    hs = walk.handshake_len
    client.dataReceived(stream[:hs])
    messages: list[bytes] = []
    skip = hs
    for _, d in blocks:
        if skip >= len(d):
            skip -= len(d)
            continue
        messages.append(d[skip:])
        skip = 0
    failure = None
    t0 = time.process_time()
    try:
        for m in messages:
            client.dataReceived(m)
            if client.transport.closed:
                failure = client.failure or "vncdotool closed the connection"
                break
    except _Failed as e:
        failure = str(e)
    except Exception as e:  # vncdotool's decoders raise whatever they raise
        failure = f"{type(e).__name__}: {e}"
    seconds = time.process_time() - t0
    # A rectangle is counted when the next header is asked for; at the end of the
    # recording, count the last one if it was complete.
    if failure is None and getattr(client, "_expected_handler", None) is not None and \
            client._expected_handler.__name__ in ("_handleRectangle", "_handleConnection"):
        client._finish_rect()
    result: dict[str, Any] = {}
    if failure is not None:
        result["fails"] = failure[:300]
    else:
        result.update({
            "pixels": client.pixels,
            "seconds": round(seconds, 6),
            "mpix_per_s": round(client.pixels / seconds / 1e6, 3) if seconds > 0 else None,
            "rects": client.rects,
        })
    result.update({"updates": client.updates, "copyrect_noop": client.copyrect_noop,
                   "vncdotool": _version()})
    if out and failure is None and client.screen is not None:
        client.screen.save(out, compress_level=1)
    return result


def _version() -> str:
    from importlib.metadata import version
    return version("vncdotool")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("recording")
    ap.add_argument("--out", help="write the final framebuffer as PNG")
    args = ap.parse_args(argv)
    try:
        result = run(args.recording, args.out)
    except fbsstream.StreamError as e:
        result = {"error": str(e)}
        print(json.dumps(result))
        return 1
    print(json.dumps(result))
    return 3 if "fails" in result else 0


if __name__ == "__main__":
    sys.exit(main())
