"""FBS 001.000 recordings (rfbproxy / vncrec / TigerVNC): what the server sent.

File: ``FBS 001.000\\n`` then blocks of (u32 BE length, data padded to a
multiple of 4, u32 BE milliseconds since the start). The stream holds only
server bytes, so the pixel format the client asked for is kept in a sidecar
JSON file (``F.fbs.json``).
"""

from __future__ import annotations

import json
import struct
from collections.abc import Iterator
from dataclasses import asdict
from typing import IO, Any

from qvmrc import safejson
from qvmrc.errors import ProtocolError
from qvmrc.rfb.pixelformat import PixelFormat

MAGIC = b"FBS 001.000\n"
MAX_BLOCK = 64 * 1024 * 1024
MAX_SIDECAR = 1024 * 1024
_U32 = struct.Struct(">I")


class FBSWriter:
    def __init__(self, fh: IO[bytes]) -> None:
        self._fh = fh
        fh.write(MAGIC)

    def write(self, data: bytes, millis: int) -> None:
        n = len(data)
        self._fh.write(_U32.pack(n))
        self._fh.write(data)
        pad = (-n) % 4
        if pad:
            self._fh.write(b"\0" * pad)
        self._fh.write(_U32.pack(millis & 0xFFFFFFFF))


def read_fbs(fh: IO[bytes]) -> Iterator[tuple[bytes, int]]:
    """Yield (data, millis) blocks; a damaged file raises ProtocolError."""
    head = fh.read(len(MAGIC))
    if head != MAGIC:
        raise ProtocolError("not an FBS 001.000 recording")
    while True:
        raw = fh.read(4)
        if not raw:
            return
        if len(raw) < 4:
            raise ProtocolError("recording is truncated (partial block header)")
        (n,) = _U32.unpack(raw)
        if n > MAX_BLOCK:
            raise ProtocolError(f"recording has an impossible block of {n} bytes")
        padded = n + (-n) % 4
        data = fh.read(padded)
        ts = fh.read(4)
        if len(data) < padded or len(ts) < 4:
            raise ProtocolError("recording is truncated (partial block)")
        yield data[:n], _U32.unpack(ts)[0]


def sidecar_path(path: str) -> str:
    return path + ".json"


def write_sidecar(path: str, info: dict[str, Any]) -> None:
    with open(sidecar_path(path), "w", encoding="utf-8") as fh:
        json.dump(info, fh, indent=2, sort_keys=True)


def read_sidecar(path: str) -> dict[str, Any] | None:
    try:
        with open(sidecar_path(path), "rb") as fh:
            data = safejson.loads(fh.read(MAX_SIDECAR + 1))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as e:
        raise ProtocolError(f"cannot read the recording's sidecar {sidecar_path(path)}: {e}") from None
    if not isinstance(data, dict):
        raise ProtocolError(f"the recording's sidecar {sidecar_path(path)} is not a JSON object")
    return data


def pixel_format_to_json(pf: PixelFormat) -> dict[str, Any]:
    return asdict(pf)


def pixel_format_from_json(data: Any) -> PixelFormat:
    """The sidecar's pixel format, held to what the wire could carry (u8 sizes and
    shifts, u16 maxima): a hand-edited file gets one clear error, never a traceback."""
    bad = ProtocolError("the recording's sidecar has an unreadable pixel format")
    if not isinstance(data, dict):
        raise bad
    fields: dict[str, Any] = {}
    for k, v in data.items():
        if k in ("big_endian", "true_colour"):
            fields[k] = bool(v)
        elif isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= (0xFFFF if k.endswith("_max") else 0xFF):
            fields[k] = v
        else:
            raise bad
    try:
        pf = PixelFormat(**fields)
    except TypeError:
        raise bad from None
    pf.validate()
    return pf


def encodings_from_sidecar(side: dict[str, Any] | None) -> tuple[str, ...]:
    """The encodings the recording's client offered (all it knows, for a sidecar without them).

    A replaying client accepts what the recording's server was allowed to send.
    """
    from qvmrc.rfb.encodings.numbers import PIXEL_ENCODINGS

    names = side.get("encodings") if isinstance(side, dict) else None
    if isinstance(names, list):
        known = tuple(n for n in names if isinstance(n, str) and n in PIXEL_ENCODINGS)
        if known:
            return known
    return tuple(PIXEL_ENCODINGS)
