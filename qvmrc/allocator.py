"""Keep freed memory in the process (glibc), so decoding doesn't page-fault per update.

Every update allocates numpy temporaries of a few hundred KB to a few MB (a
Hextile pass's per-pixel indices, a ZRLE or Tight rectangle's inflated bytes).
glibc's malloc serves allocations that large with a fresh ``mmap`` and
unmaps them when freed until its adaptive threshold has caught up, and keeps
returning the top of the heap to the kernel; each time, the next allocation's
pages are faulted in and zeroed again. That kernel work was ~10% of decoding
desktop Hextile and QEMU ZRLE in a fresh process (interleaved A/B in
``bench/``). Fixing both thresholds up front keeps such blocks in the heap
for reuse; the cost is that up to 64 MB of freed heap may stay mapped.

macOS and Windows allocators have no such switch from Python; this does
nothing there, nor on a C library without ``mallopt``.
"""

from __future__ import annotations

import ctypes
import logging
import sys

log = logging.getLogger(__name__)

# glibc's mallopt parameters (malloc.h).
_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD = 32 << 20  # glibc's largest allowed value on 64-bit
TRIM_THRESHOLD = 64 << 20


def keep_freed_memory() -> bool:
    """Set glibc's mmap and trim thresholds; True when the C library took them."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    ok = mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD) == 1 and mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD) == 1
    log.debug("malloc thresholds %s", "set" if ok else "not settable here")
    return ok
