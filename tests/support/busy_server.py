"""An RFB server that answers every update request at once with a few small Raw bands.

The harshest steady load for the client's update -> paint path: no encoder cost on
the server side, so the client repaints as fast as it can ask. Used by the soak
test (PySide6 6.12.0 aborted within seconds under it).

Run: python tests/support/busy_server.py --port P [--width 640 --height 480]
"""

from __future__ import annotations

import argparse
import asyncio
import struct

BANDS = 4
BAND_H = 8


async def _serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                 width: int, height: int) -> None:
    writer.write(b"RFB 003.008\n")
    await reader.readexactly(12)
    writer.write(b"\x01\x01")  # one security type: None
    await reader.readexactly(1)
    writer.write(struct.pack(">I", 0))
    await reader.readexactly(1)  # ClientInit
    name = b"busy"
    pf = struct.pack(">BBBBHHHBBBxxx", 32, 24, 0, 1, 255, 255, 255, 16, 8, 0)
    writer.write(struct.pack(">HH", width, height) + pf + struct.pack(">I", len(name)) + name)
    bpp = 4
    frame = 0
    while True:
        kind = (await reader.readexactly(1))[0]
        if kind == 0:  # SetPixelFormat
            body = await reader.readexactly(19)
            bpp = max(1, body[3] // 8)
        elif kind == 2:  # SetEncodings
            _, n = struct.unpack(">BH", await reader.readexactly(3))
            await reader.readexactly(4 * n)
        elif kind == 3:  # FramebufferUpdateRequest: answer at once
            await reader.readexactly(9)
            frame += 1
            parts = [struct.pack(">BxH", 0, BANDS)]
            for i in range(BANDS):
                y = (frame * 3 + i * (height // BANDS)) % (height - BAND_H)
                shade = bytes([(frame * 7 + i * 50) & 0xFF, (frame * 3) & 0xFF, (i * 60) & 0xFF, 0])
                pixel = (shade * ((bpp + 3) // 4))[:bpp]
                parts.append(struct.pack(">HHHHi", 0, y, width, BAND_H, 0) + pixel * (width * BAND_H))
            writer.write(b"".join(parts))
            await writer.drain()
        elif kind == 4:  # KeyEvent
            await reader.readexactly(7)
        elif kind == 5:  # PointerEvent
            await reader.readexactly(5)
        elif kind == 6:  # ClientCutText
            _, n = struct.unpack(">3sI", await reader.readexactly(7))
            await reader.readexactly(n)
        else:
            break
    writer.close()


async def _handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                  width: int, height: int) -> None:
    try:
        await _serve(reader, writer, width, height)
    except (asyncio.IncompleteReadError, ConnectionError):
        pass


async def main(port: int, width: int, height: int) -> None:
    server = await asyncio.start_server(lambda r, w: _handle(r, w, width, height), "127.0.0.1", port)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--width", type=int, default=640)
    ap.add_argument("--height", type=int, default=480)
    a = ap.parse_args()
    asyncio.run(main(a.port, a.width, a.height))
