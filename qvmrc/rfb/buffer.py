"""The receive buffer the protocol parses from.

Bytes arrive in arbitrary chunks; parsers check ``available()`` before they
read and leave the buffer untouched when a message is incomplete, so feeding
one byte at a time gives the same result as feeding everything at once.

Chunks are kept as they came and joined only as far as a read needs: a
message that spans two chunks costs a copy of that message, not of the next
chunk. Large payloads (Raw) can go further and take what is contiguous now
(:meth:`contiguous`), so a 256 KB chunk is never copied just because the
previous one ended mid-rectangle.
"""

from __future__ import annotations

import struct
from collections import deque

_U32 = struct.Struct(">I")

Chunk = bytes | memoryview


class ReadBuffer:
    __slots__ = ("_buf", "_pos", "_more", "_more_len")

    def __init__(self) -> None:
        self._buf: Chunk = b""  # the chunk being read
        self._pos = 0
        self._more: deque[Chunk] = deque()  # chunks after it, untouched
        self._more_len = 0

    def feed(self, data: bytes | bytearray | memoryview) -> None:
        if not data:
            return
        # The caller may reuse a bytearray or view: keep an immutable copy of those.
        chunk = data if isinstance(data, bytes) else bytes(data)
        if self._pos >= len(self._buf) and not self._more:
            self._buf = chunk
            self._pos = 0
        else:
            self._more.append(chunk)
            self._more_len += len(chunk)

    def available(self) -> int:
        return len(self._buf) - self._pos + self._more_len

    def contiguous(self) -> int:
        """Bytes readable now without joining chunks (at least 1 when any are buffered)."""
        have = len(self._buf) - self._pos
        if have == 0 and self._more:
            self._next_chunk()
            have = len(self._buf)
        return have

    def _next_chunk(self) -> None:
        c = self._more.popleft()
        self._more_len -= len(c)
        self._buf = c
        self._pos = 0

    def _ensure(self, n: int) -> None:
        """Make the next ``n`` bytes contiguous; the caller has checked ``available()``."""
        have = len(self._buf) - self._pos
        if have >= n:
            return
        if n > have + self._more_len:
            raise IndexError("read past the end of the receive buffer")
        if have == 0:
            self._next_chunk()
            have = len(self._buf)
            if have >= n:
                return
        parts: list[Chunk] = [memoryview(self._buf)[self._pos :]]
        need = n - have
        while need > 0:
            c = self._more.popleft()
            self._more_len -= len(c)
            if len(c) <= need:
                parts.append(c)
                need -= len(c)
            else:
                parts.append(memoryview(c)[:need])
                rest = memoryview(c)[need:]  # no copy: the rest stays where it is
                self._more.appendleft(rest)
                self._more_len += len(rest)
                need = 0
        self._buf = b"".join(parts)
        self._pos = 0

    def read(self, n: int) -> bytes:
        """Consume ``n`` bytes; the caller has checked ``available()``."""
        if self._pos + n > len(self._buf):
            self._ensure(n)
        p = self._pos
        self._pos = p + n
        b = self._buf
        if p == 0 and n == len(b) and isinstance(b, bytes):
            return b  # exactly one chunk, or exactly what a join just made: no second copy
        with memoryview(b) as mv:
            return mv[p : p + n].tobytes()

    def view(self, n: int) -> memoryview:
        """Consume ``n`` bytes as a zero-copy view (joined first if they span chunks).

        Release it (``with buf.view(n) as mv:``), and every array made from
        it, when done: large Raw rectangles skip a copy this way.
        """
        if self._pos + n > len(self._buf):
            self._ensure(n)
        p = self._pos
        self._pos = p + n
        return memoryview(self._buf)[p : p + n]

    def peek(self, n: int, offset: int = 0) -> bytes:
        if self._pos + offset + n > len(self._buf):
            self._ensure(min(offset + n, self.available()))
        p = self._pos + offset
        with memoryview(self._buf) as mv:
            return mv[p : p + n].tobytes()

    def skip(self, n: int) -> None:
        rem = len(self._buf) - self._pos
        if n <= rem:
            self._pos += n
            return
        if n > rem + self._more_len:
            raise IndexError("skipped past the end of the receive buffer")
        n -= rem
        self._buf = b""
        self._pos = 0
        while n > 0:
            self._next_chunk()
            if n < len(self._buf):
                self._pos = n
                return
            n -= len(self._buf)
        self._buf = b""

    def unpack(self, st: struct.Struct, offset: int = 0) -> tuple:
        """Read a struct at ``offset`` without consuming (caller checks size)."""
        if self._pos + offset + st.size > len(self._buf):
            self._ensure(offset + st.size)
        return st.unpack_from(self._buf, self._pos + offset)

    def take(self, st: struct.Struct) -> tuple:
        """Read a struct and consume it (caller checks size): unpack + skip in one call."""
        p = self._pos
        if p + st.size > len(self._buf):
            self._ensure(st.size)
            p = self._pos
        self._pos = p + st.size
        return st.unpack_from(self._buf, p)

    def take_at(self, n: int) -> tuple[Chunk, int]:
        """Consume ``n`` bytes and say where they lie: (chunk, offset), for a parser
        that unpacks in place (the connection's rectangle headers)."""
        p = self._pos
        if p + n > len(self._buf):
            self._ensure(n)
            p = self._pos
        self._pos = p + n
        return self._buf, p

    def peek_u8(self, offset: int = 0) -> int:
        if self._pos + offset >= len(self._buf):
            self._ensure(offset + 1)
        return self._buf[self._pos + offset]

    def peek_u32(self, offset: int = 0) -> int:
        if self._pos + offset + 4 > len(self._buf):
            self._ensure(offset + 4)
        return int(_U32.unpack_from(self._buf, self._pos + offset)[0])

    def read_u32(self) -> int:
        if self._pos + 4 > len(self._buf):
            self._ensure(4)
        v = int(_U32.unpack_from(self._buf, self._pos)[0])
        self._pos += 4
        return v
