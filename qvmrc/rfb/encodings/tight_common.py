"""Pieces Tight and TightPNG share that aren't about parsing the stream:
turning TPIXEL rows into framebuffer values, undoing the gradient filter,
and decoding PNG rectangles.

Everything here works on whole rectangles with numpy; the one loop (the
gradient filter's wavefront) runs once per anti-diagonal, not per pixel.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import as_strided

from qvmrc.rfb.jpeg import pillow_decode_into

_BE_U32 = np.dtype(">u4")


def rgb24_into(data: bytes, w: int, h: int, out: np.ndarray) -> None:
    """Packed R, G, B rows (Tight's 3-byte TPIXELs) -> ``out`` (h, w) uint32.

    Reads each pixel as a big-endian u32 at a 3-byte stride (R, G, B and the
    next pixel's R) and shifts the stray byte out, writing straight into the
    framebuffer slice: one pass, about twice as fast as splitting channels.
    The extra byte at the end keeps the last read inside the buffer.
    """
    padded = data + b"\0"
    v = np.ndarray(shape=(h, w), dtype=_BE_U32, buffer=padded, strides=(3 * w, 3))
    np.right_shift(v, 8, out=out)


def rgb24_values(data: bytes) -> np.ndarray:
    """Packed R, G, B bytes -> 1-D uint32 framebuffer values (palettes).

    Byte slicing into a zeroed big-endian buffer measured fastest for the
    2-256 entries of a palette (about 1 us, half the cost of numpy views).
    """
    n = len(data) // 3
    b = bytearray(4 * n)
    b[1::4] = data[0::3]
    b[2::4] = data[1::3]
    b[3::4] = data[2::3]
    return np.frombuffer(b, dtype=_BE_U32).astype(np.uint32)


def ungradient(diff: np.ndarray, maxes: tuple[int, int, int]) -> np.ndarray:
    """Undo Tight's gradient filter: (h, w, 3) channel differences -> channel values.

    Each value is predicted from its left, upper and upper-left neighbours
    (``clip(left + up - upleft, 0, max)``, zero outside the rectangle) and the
    wire carries ``(value - prediction) mod (max + 1)``. Also takes a batch,
    (n, h, w, 3): rectangles of one size undone together in the same number
    of steps, each step on n times the data for the same Python cost (QEMU
    refreshes a screen as a dozen 64x1024 gradient rectangles in one update).

    The prediction needs the reconstructed left pixel, so a row can't be done
    in one vector step; but every pixel on an anti-diagonal depends only on
    the two diagonals before it. The array is stored skewed, one anti-diagonal
    per row with the rectangles' rows back to back, so each of the h + w - 1
    steps reads and writes contiguous rows: six numpy calls (add, subtract,
    clip as maximum and minimum, add, wrap). Entries left of column 0 or right
    of a rectangle hold garbage that never reaches a real pixel; column 0 and
    each rectangle's top row are the zero border, reset after each step that
    writes them.
    """
    if diff.ndim == 3:
        return ungradient(diff[None], maxes)[0]
    n, h, w = diff.shape[0], diff.shape[1], diff.shape[2]
    # left + up needs one bit more than a channel; int16 covers 14-bit channels.
    it = np.int16 if max(maxes) < (1 << 14) else np.int64
    if n == 0 or h == 0 or w == 0:
        return np.zeros((n, h, w, 3), dtype=it)
    if h > w:  # the filter is symmetric; keep the diagonals short
        return ungradient(diff.transpose(0, 2, 1, 3), maxes).transpose(0, 2, 1, 3)
    steps = h + w + 1  # diagonals s = i + j of the (h+1) x (w+1) padded grid
    rows = h + 1  # per rectangle: the zero border row, then its h rows
    d = np.ascontiguousarray(diff, dtype=it)
    isz = d.itemsize
    # Row s - 2 of dz holds the differences of diagonal s (d[., i, s - 2 - i]).
    dz = np.zeros((steps - 2, n, rows, 3), dtype=it)
    dz[:, :, 1:] = as_strided(d, shape=(steps - 2, n, h, 3),
                              strides=(3 * isz, h * w * 3 * isz, (w - 1) * 3 * isz, isz))
    z = np.zeros((steps, n * rows, 3), dtype=it)
    t = np.empty((n * rows - 1, 3), dtype=it)
    right = list(z[:, 1:])  # row r seen from diagonal s: the pixel or its upper neighbour
    left = list(z[:, :-1])
    dr = list(dz.reshape(steps - 2, n * rows, 3)[:, 1:])
    # One maximum for all channels (8-bit) is a scalar: measurably faster than broadcasting.
    mx = maxes[0] if len(set(maxes)) == 1 else np.array(maxes, dtype=it)
    add, sub, hi, lo, wrap = np.add, np.subtract, np.maximum, np.minimum, np.bitwise_and
    for s in range(2, steps):
        add(right[s - 1], left[s - 1], out=t)  # left + up
        sub(t, left[s - 2], out=t)  # - upleft
        hi(t, 0, out=t)
        lo(t, mx, out=t)
        add(t, dr[s - 2], out=t)
        wrap(t, mx, out=right[s])
        zs = z[s]
        if n > 1:
            zs[rows::rows] = 0  # the next rectangle's border row got the last row's values
        if s <= h:
            zs[s::rows] = 0  # column 0 is the border
    zt = z.strides
    return as_strided(z, shape=(n, rows, w + 1, 3),
                      strides=(rows * zt[1], zt[0] + zt[1], zt[0], zt[2]))[:, 1:, 1:]


def ungradient_below(diff: np.ndarray, above: np.ndarray | None, maxes: tuple[int, int, int]) -> np.ndarray:
    """:func:`ungradient` for a band of rows whose reconstructed upper neighbour row is ``above``.

    A large rectangle is undone in bands (its temporaries are ~40 bytes a
    pixel). The row above enters as an extra first row whose differences
    rebuild exactly it (first-row prediction is the left neighbour), so the
    band's own first row sees it as its upper neighbour; that row is dropped.
    """
    if above is None:
        return ungradient(diff, maxes)
    it = np.int16 if max(maxes) < (1 << 14) else np.int64
    mx = np.array(maxes, dtype=it)
    top = above.astype(it)
    first = np.empty_like(top)
    first[0] = top[0]
    np.subtract(top[1:], top[:-1], out=first[1:])
    first &= mx
    return ungradient(np.concatenate([first[None], diff.astype(it, copy=False)]), maxes)[1:]


def ungradient_rgb8(diff: np.ndarray) -> np.ndarray:
    """:func:`ungradient` for 8-bit channels (Tight's 24-bit TPIXELs), as uint8."""
    return ungradient(diff, (255, 255, 255)).astype(np.uint8)


def decode_png_into(data: bytes | memoryview, out: np.ndarray) -> None:
    """Decode a PNG rectangle (TightPNG) into ``out`` (h, w) uint32.

    PNG pixels are 8-bit R, G, B whatever the session's pixel format (QEMU
    renders them from its own surface), so they go straight into the
    framebuffer; the size is checked before decoding.
    """
    pillow_decode_into(data, out, "PNG")
