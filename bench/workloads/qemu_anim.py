"""A 200-byte boot sector that animates QEMU's screen, for the "anim" recordings.

SeaBIOS's own screens are a few hundred thousand pixels of text that then stand
still; a benchmark of QEMU's encodings (the only server here with Zlib and
TightPNG) needs a guest that keeps painting. This boot sector programs the
Bochs VBE registers of ``-vga std`` (ports 0x1CE/0x1CF) to 1024x768x32 in banked
mode and repaints the whole screen forever with a pattern that moves every
frame: red = x + 3f, green = y + 2f, blue = (x xor y) + f (f = frame number).
Every frame changes every pixel (a full-screen changing picture, smooth with
sharp diagonal edges). It runs about 7 frames per second under TCG here.

It was assembled from this source (GNU as, ``as --32`` then
``ld -m elf_i386 -Ttext 0x7c00 --oformat binary``); the bytes are kept here so
no assembler is needed::

    .code16
    .set bankv, 0x500
    _start: cli; xorw %ax,%ax; movw %ax,%ds; movw %ax,%ss; movw $0x7c00,%sp; cld
    .macro dispi idx, val   # Bochs VBE register idx := val
        movw $0x01ce,%dx; movw $\\idx,%ax; outw %ax,%dx
        incw %dx; movw $\\val,%ax; outw %ax,%dx
    .endm
        dispi 4, 0; dispi 1, 1024; dispi 2, 768; dispi 3, 32; dispi 4, 1
        movw $0xa000,%ax; movw %ax,%es; xorl %ebp,%ebp        # ebp: frame
    frame: xorl %esi,%esi; movw $0,bankv                       # esi: pixel index
    bank:  movw $0x01ce,%dx; movw $5,%ax; outw %ax,%dx; incw %dx
           movw bankv,%ax; outw %ax,%dx                        # 64 KiB bank
           xorw %di,%di; movw $16384,%cx
    pixel: movl %esi,%eax; andl $1023,%eax                     # x
           movl %esi,%edx; shrl $10,%edx                       # y
           movl %eax,%ebx; xorl %edx,%ebx; addl %ebp,%ebx; andl $255,%ebx
           addl %ebp,%eax; addl %ebp,%eax; addl %ebp,%eax; andl $255,%eax; shll $16,%eax
           addl %ebp,%edx; addl %ebp,%edx; andl $255,%edx; shll $8,%edx
           orl %edx,%eax; orl %ebx,%eax; stosl; incl %esi; loop pixel
           incw bankv; cmpw $48,bankv; jb bank
           incl %ebp; jmp frame
    .org 510
    .word 0xaa55
"""

from __future__ import annotations

from pathlib import Path

CODE = bytes.fromhex(
    "fa31c08ed88ed0bc007cfcbace01b80400ef42b80000efbace01b80100ef42b80004efbace01b802"
    "00ef42b80003efbace01b80300ef42b82000efbace01b80400ef42b80100efb800a08ec06631ed66"
    "31f6c70600050000bace01b80500ef42a10005ef31ffb900406689f06625ff0300006689f266c1ea"
    "0a6689c36631d36601eb6681e3ff0000006601e86601e86601e86625ff00000066c1e0106601ea66"
    "01ea6681e2ff00000066c1e2086609d06609d866ab6646e2b0ff060005833e00053072946645eb87"
)


def boot_sector() -> bytes:
    """The 512-byte disk image: code, zero padding, the 0x55 0xAA signature."""
    return CODE + bytes(510 - len(CODE)) + b"\x55\xaa"


def write_image(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = boot_sector()
    if not path.exists() or path.read_bytes() != data:
        path.write_bytes(data)
    return path
