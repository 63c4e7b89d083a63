"""A benchmark RFB server: a full screen of new Tight+JPEG content per request.

Real servers are the bottleneck when a 1920x1080 screen changes completely
(QEMU and Xvnc spend tens of milliseconds encoding each frame), so to measure
the client's own capacity this server pre-encodes a ring of noisy frames as
Tight JPEG tiles and answers every FramebufferUpdateRequest with the next one
at once. It also timestamps every KeyEvent it receives (CLOCK_MONOTONIC, the
same clock as the client's ``time.monotonic`` on Linux) to measure input
latency while the client is busy decoding.

Run: python bench/jpegserver.py --port P [--width 1920 --height 1080] [--keys-out F]
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import struct
import sys
import time
from pathlib import Path

import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the repository, for tests.support
from tests.support.encode_tight import compact_len  # noqa: E402

TILE_W, TILE_H = 480, 270


def make_frames(width: int, height: int, count: int, quality: int) -> list[bytes]:
    """Pre-encoded FramebufferUpdate messages, each covering the whole screen."""
    rng = np.random.default_rng(42)
    frames = []
    y, x = np.mgrid[0:height, 0:width]
    for i in range(count):
        base = np.stack([(x + 7 * i) % 256, (y + 3 * i) % 256, ((x ^ y) + 11 * i) % 256], axis=-1)
        noise = rng.integers(-40, 40, size=(height, width, 3))
        img = np.clip(base + noise, 0, 255).astype(np.uint8)
        rects = []
        for ty in range(0, height, TILE_H):
            for tx in range(0, width, TILE_W):
                tw, th = min(TILE_W, width - tx), min(TILE_H, height - ty)
                buf = io.BytesIO()
                Image.fromarray(img[ty : ty + th, tx : tx + tw]).save(buf, "JPEG", quality=quality)
                jpeg = buf.getvalue()
                rects.append(struct.pack(">HHHHi", tx, ty, tw, th, 7) + b"\x90" + compact_len(len(jpeg)) + jpeg)
        frames.append(struct.pack(">BxH", 0, len(rects)) + b"".join(rects))
    return frames


class Server:
    def __init__(self, width: int, height: int, frames: list[bytes], keys_out: str | None = None) -> None:
        self.keys_out = keys_out
        self.width = width
        self.height = height
        self.frames = frames
        self.key_times: list[float] = []
        self.updates_sent = 0

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            await self._session(reader, writer)
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()
            if self.keys_out:
                with open(self.keys_out, "w") as fh:
                    json.dump(self.key_times, fh)

    async def _session(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(b"RFB 003.008\n")
        await reader.readexactly(12)
        writer.write(bytes([1, 1]))
        await reader.readexactly(1)
        writer.write(struct.pack(">I", 0))
        await reader.readexactly(1)  # ClientInit
        pf = struct.pack(">BBBBHHHBBBxxx", 32, 24, 0, 1, 255, 255, 255, 16, 8, 0)
        name = b"jpegserver"
        writer.write(struct.pack(">HH", self.width, self.height) + pf + struct.pack(">I", len(name)) + name)
        i = 0
        while True:
            t = (await reader.readexactly(1))[0]
            if t == 0:
                await reader.readexactly(19)
            elif t == 2:
                (n,) = struct.unpack(">xH", await reader.readexactly(3))
                await reader.readexactly(4 * n)
            elif t == 3:
                await reader.readexactly(9)
                writer.write(self.frames[i % len(self.frames)])
                i += 1
                self.updates_sent += 1
                await writer.drain()
            elif t == 4:
                await reader.readexactly(7)
                self.key_times.append(time.monotonic())
            elif t == 5:
                await reader.readexactly(5)
            elif t == 6:
                (n,) = struct.unpack(">3xI", await reader.readexactly(7))
                await reader.readexactly(n)
            elif t == 255:
                await reader.readexactly(11)
                self.key_times.append(time.monotonic())
            else:
                return


async def serve(args: argparse.Namespace) -> None:
    frames = make_frames(args.width, args.height, args.frames, args.quality)
    server = Server(args.width, args.height, frames, args.keys_out)
    srv = await asyncio.start_server(server.handle, "127.0.0.1", args.port)
    print(json.dumps({"ready": True, "frame_bytes": sum(map(len, frames)) // len(frames)}), flush=True)
    async with srv:
        await asyncio.sleep(args.lifetime)


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--width", type=int, default=1920)
    p.add_argument("--height", type=int, default=1080)
    p.add_argument("--frames", type=int, default=8)
    p.add_argument("--quality", type=int, default=75)
    p.add_argument("--lifetime", type=float, default=120)
    p.add_argument("--keys-out")
    args = p.parse_args()
    try:
        asyncio.run(serve(args))
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
