"""The receive buffer the protocol parses from.

Bytes arrive in arbitrary chunks; parsers check ``available()`` before they
read and leave the buffer untouched when a message is incomplete, so feeding
one byte at a time gives the same result as feeding everything at once.
"""

from __future__ import annotations

import struct

_U16 = struct.Struct(">H")
_U32 = struct.Struct(">I")

# Compact once this many consumed bytes sit in front of the data.
_COMPACT_AT = 1 << 16


class ReadBuffer:
    __slots__ = ("_buf", "_pos")

    def __init__(self) -> None:
        # bytes while it holds exactly one fed chunk (no copy), else a bytearray.
        self._buf: bytes | bytearray = b""
        self._pos = 0

    def feed(self, data: bytes | bytearray | memoryview) -> None:
        buf = self._buf
        pos = self._pos
        if pos >= len(buf):
            # Everything was consumed: keep the chunk itself, uncopied.
            self._buf = data if isinstance(data, bytes) else bytes(data)
            self._pos = 0
            return
        if isinstance(buf, bytes) or pos >= _COMPACT_AT:
            rest = bytearray(memoryview(buf)[pos:])
            rest += data
            self._buf = rest
            self._pos = 0
            return
        try:
            buf += data
        except BufferError:  # a view handed out earlier is still alive
            self._buf = bytearray(memoryview(buf)[pos:]) + data
            self._pos = 0

    def available(self) -> int:
        return len(self._buf) - self._pos

    def read(self, n: int) -> bytes:
        """Consume ``n`` bytes; the caller has checked ``available()``."""
        p = self._pos
        if n > len(self._buf) - p:
            raise IndexError("read past the end of the receive buffer")
        self._pos = p + n
        with memoryview(self._buf) as mv:
            return mv[p : p + n].tobytes()

    def view(self, n: int) -> memoryview:
        """Consume ``n`` bytes as a zero-copy view.

        Release it (``with buf.view(n) as mv:``), and every array made from
        it, before the next ``feed``: large Raw rectangles skip a copy this way.
        """
        p = self._pos
        if n > len(self._buf) - p:
            raise IndexError("read past the end of the receive buffer")
        self._pos = p + n
        return memoryview(self._buf)[p : p + n]

    def peek(self, n: int, offset: int = 0) -> bytes:
        p = self._pos + offset
        with memoryview(self._buf) as mv:
            return mv[p : p + n].tobytes()

    def skip(self, n: int) -> None:
        self._pos += n

    def unpack(self, st: struct.Struct, offset: int = 0) -> tuple:
        """Read a struct at ``offset`` without consuming (caller checks size)."""
        return st.unpack_from(self._buf, self._pos + offset)

    def peek_u8(self, offset: int = 0) -> int:
        return self._buf[self._pos + offset]

    def peek_u32(self, offset: int = 0) -> int:
        return int(_U32.unpack_from(self._buf, self._pos + offset)[0])

    def read_u32(self) -> int:
        v = int(_U32.unpack_from(self._buf, self._pos)[0])
        self._pos += 4
        return v
