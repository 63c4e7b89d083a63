"""JSON from outside (control plane, console proxy, recording sidecars), parsed so it
can only end in a value or a ValueError.

``json.loads`` alone lets hostile input escape as other exceptions: deep
nesting raises RecursionError, and ``Infinity``/``NaN`` become floats that
blow up later (``int(inf)`` is an OverflowError). Here both are ValueErrors.
"""

from __future__ import annotations

import json
import math
from typing import Any, NoReturn


def _no_constant(name: str) -> NoReturn:
    raise ValueError(f"{name} is not a JSON number")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):  # 1e400
        raise ValueError(f"the number {text[:20]} is out of range")
    return value


def loads(data: bytes | str) -> Any:
    """Parse untrusted JSON; raises ValueError (one readable line) for anything bad."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError:
            raise ValueError("not UTF-8") from None
    try:
        return json.loads(data, parse_constant=_no_constant, parse_float=_finite)
    except RecursionError:
        # The C parser recurses once per level and stops at the interpreter's limit.
        raise ValueError("nested too deeply") from None
