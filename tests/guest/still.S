/* A boot sector that paints a still, deterministic picture and halts.
 *
 * QEMU's SeaBIOS text screen blinks a cursor, so pixel comparisons need a
 * guest whose screen holds still. This one switches the std VGA (Bochs
 * DISPI) to WIDTH x HEIGHT x 32 bpp and draws three bands: noise (photo-like),
 * gradients (smooth), and flat blocks with grid lines (desktop-like).
 * Build: as --32 --defsym WIDTH=1024 --defsym HEIGHT=768 still.S, then
 * ld -m elf_i386 -Ttext 0x7c00 --oformat binary.
 */
    .set H1, HEIGHT/3
    .set H2, (HEIGHT*2)/3
    .code16
    .globl _start
_start:
    cli
    xor %ax, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %ss
    mov $0x7c00, %sp
    inb $0x92, %al              /* fast A20 */
    or $2, %al
    outb %al, $0x92

    .macro dispi idx, val
    mov $\idx, %ax
    mov $0x1ce, %dx
    out %ax, %dx
    mov $\val, %ax
    mov $0x1cf, %dx
    out %ax, %dx
    .endm
    dispi 4, 0                  /* disable */
    dispi 1, WIDTH
    dispi 2, HEIGHT
    dispi 3, 32
    dispi 4, 0x41               /* enable, linear framebuffer */

    /* BAR0 of the VGA at 00:02.0 is the linear framebuffer. */
    mov $0x80001010, %eax
    mov $0xcf8, %dx
    outl %eax, %dx
    mov $0xcfc, %dx
    inl %dx, %eax
    and $0xfffffff0, %eax
    mov %eax, lfb

    lgdt gdt_desc
    mov %cr0, %eax
    or $1, %eax
    mov %eax, %cr0
    ljmp $0x08, $pm

    .code32
pm:
    mov $0x10, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %ss
    mov $0x7c00, %esp
    mov lfb, %edi
    mov $0x12345678, %esi       /* xorshift seed */
    xor %ebx, %ebx              /* y */
yloop:
    xor %ecx, %ecx              /* x */
xloop:
    cmp $H1, %ebx
    jb noise
    cmp $H2, %ebx
    jb grad
    test $31, %ecx
    jz line
    test $15, %ebx
    jz line
    mov %ecx, %eax
    shr $6, %eax
    mov %ebx, %edx
    shr $5, %edx
    add %edx, %eax
    and $7, %eax
    mov palette(,%eax,4), %eax
    jmp store
line:
    mov $0x00202020, %eax
    jmp store
noise:
    mov %esi, %eax
    shl $13, %eax
    xor %eax, %esi
    mov %esi, %eax
    shr $17, %eax
    xor %eax, %esi
    mov %esi, %eax
    shl $5, %eax
    xor %eax, %esi
    mov %esi, %eax
    and $0x00ffffff, %eax
    jmp store
grad:
    mov %ecx, %eax
    and $255, %eax
    shl $16, %eax
    mov %ebx, %edx
    and $255, %edx
    shl $8, %edx
    or %edx, %eax
    mov %ecx, %edx
    xor %ebx, %edx
    and $255, %edx
    or %edx, %eax
store:
    mov %eax, (%edi)
    add $4, %edi
    inc %ecx
    cmp $WIDTH, %ecx
    jb xloop
    inc %ebx
    cmp $HEIGHT, %ebx
    jb yloop
halt:
    cli
    hlt
    jmp halt

    .p2align 2
lfb:
    .long 0
palette:
    .long 0x00f0f0f0, 0x003060c0, 0x00c03030, 0x0030a040
    .long 0x00ffffff, 0x00e0c040, 0x00404040, 0x00a0a0ff
    .p2align 3
gdt:
    .quad 0
    .quad 0x00cf9a000000ffff
    .quad 0x00cf92000000ffff
gdt_desc:
    .word gdt_desc - gdt - 1
    .long gdt

    .org 510
    .word 0xaa55
