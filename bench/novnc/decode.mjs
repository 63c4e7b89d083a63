// Decode an FBS recording with noVNC's own decoder classes, for QVMRC's benchmark.
//
//   node bench/novnc/decode.mjs F.fbs [--out final.png|final.rgb] [--jpeg jpeg-turbo|sharp]
//
// Prints one JSON line {"pixels","seconds","mpix_per_s","rects", ...} where seconds is
// the CPU time (process.cpuUsage: user + system, every thread of the process) spent
// from the first byte after the handshake to the last rectangle painted. Reading the
// file and parsing the handshake are not timed.
//
// What is noVNC's and what is ours:
//   - noVNC 1.7 (npm @novnc/novnc): the decoder classes (core/decoders/*.js), their
//     zlib (vendored pako, through core/inflator.js) and the receive queue
//     (core/websock.js's Websock, fed one FBS block per WebSocket message).
//   - ours: the message loop (a copy of the shape of rfb.js's _normalMsg /
//     _framebufferUpdate / _handleRect: pseudo-encodings are skipped, the render queue
//     is flushed before each FramebufferUpdate as rfb.js does) and a stub Display that
//     writes into an RGBA Uint8Array the way canvas putImageData / fillRect /
//     drawImage would.
//   - JPEG and PNG (Display.imageRect): a browser decodes them natively (libjpeg-turbo
//     in Chromium and Firefox) behind a data: URL and an Image element. Here JPEG goes
//     by default to libjpeg-turbo itself, synchronously, through @julusian/jpeg-turbo
//     (native binding, prebuilt): the browser's decoder without the browser's per-image
//     overhead, so noVNC's JPEG rows are if anything flattered. `--jpeg sharp` uses
//     sharp (libvips, native, asynchronous, ~1 ms overhead per image) instead. PNG
//     (TightPNG) always goes through sharp. Their CPU time is counted. Rows with JPEG
//     are reported as "noVNC decoders + libjpeg-turbo".
//
// Pixel formats: noVNC asks servers for 32 bpp depth 24 little-endian with red at
// shift 0 (bytes R,G,B,X) and feeds the bytes to the canvas as they come; its Tight
// decoder reads TPIXELs as R,G,B whatever the format. A recording made with another
// 32 bpp depth 24 layout (QVMRC's rgb888: red at shift 16) decodes at the same speed
// with red and blue swapped for non-Tight encodings; with --out the stub display swaps
// them back (outside what noVNC does, so do not time runs with --out).

import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

// noVNC's logging module touches `window` when it loads, and websock.js reads the
// WebSocket state constants (Node 20 has no WebSocket global; the values are the
// standard ones).
globalThis.window = globalThis;
if (typeof globalThis.WebSocket === "undefined") {
    globalThis.WebSocket = { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 };
}

const here = path.dirname(fileURLToPath(import.meta.url));
const novncDir = path.join(here, "node_modules", "@novnc", "novnc");
const core = (p) => import(path.join(novncDir, "core", p));

const { default: Websock } = await core("websock.js");
const decoderModules = {
    0: "raw.js", 1: "copyrect.js", 2: "rre.js", 5: "hextile.js", 6: "zlib.js",
    7: "tight.js", 16: "zrle.js", [-260]: "tightpng.js",
};
const decoderClasses = {};
for (const [enc, file] of Object.entries(decoderModules)) {
    decoderClasses[enc] = (await core(path.join("decoders", file))).default;
}
function pkgVersion(name) {
    return JSON.parse(fs.readFileSync(path.join(here, "node_modules", name, "package.json"))).version;
}
const novncVersion = JSON.parse(fs.readFileSync(path.join(novncDir, "package.json"))).version;

let sharp = null;
let jpegTurbo = null;
let imageLib = "jpeg-turbo";
async function loadSharp() {
    if (sharp === null) {
        sharp = (await import("sharp")).default;
        sharp.concurrency(1);
        sharp.cache(false);
    }
    return sharp;
}

const TIGHT = 7, TIGHTPNG = -260;
const LAST_RECT = -224, DESKTOP_SIZE = -223, CURSOR = -239, XCURSOR = -240;
const POINTER_MOTION = -257, EXT_KEY = -258, DESKTOP_NAME = -307, EXT_DESKTOP_SIZE = -308;

function fail(msg) {
    process.stdout.write(JSON.stringify({ error: msg }) + "\n");
    process.exit(1);
}

// ------------------------------------------------------------------ FBS + handshake

export function readFbs(buf) {
    const magic = "FBS 001.000\n";
    if (buf.subarray(0, 12).toString("latin1") !== magic) {
        throw new Error("not an FBS 001.000 file");
    }
    const blocks = [];
    let pos = 12;
    while (pos + 4 <= buf.length) {
        const n = buf.readUInt32BE(pos);
        const padded = (n + 3) & ~3;
        if (pos + 8 + padded > buf.length) break;
        blocks.push(buf.subarray(pos + 4, pos + 4 + n));
        pos += 8 + padded;
    }
    return blocks;
}

export function parseHandshake(s, securityType) {
    let p = 0;
    const need = (n) => { if (p + n > s.length) throw new Error("recording ends inside the handshake"); };
    need(12);
    const ver = s.subarray(0, 12).toString("latin1");
    if (!/^RFB \d{3}\.\d{3}\n$/.test(ver)) throw new Error("no RFB version at the start: " + JSON.stringify(ver));
    const major = parseInt(ver.slice(4, 7), 10), minorRaw = parseInt(ver.slice(8, 11), 10);
    const minor = (major > 3 || minorRaw >= 8) ? 8 : (minorRaw === 7 ? 7 : 3);
    p = 12;
    let sec;
    if (minor === 3) {
        need(4); sec = s.readUInt32BE(p); p += 4;
    } else {
        need(1); const n = s[p]; p += 1;
        if (n === 0) throw new Error("server refused the connection in the recording");
        need(n); const offered = Array.from(s.subarray(p, p + n)); p += n;
        sec = securityType ?? (offered.includes(1) ? 1 : 2);
    }
    if (sec !== 1 && sec !== 2) throw new Error("unsupported security type " + sec);
    if (sec === 2) { need(16); p += 16; }
    if (sec === 2 || minor === 8) {
        need(4);
        if (s.readUInt32BE(p) !== 0) throw new Error("authentication failed in the recording");
        p += 4;
    }
    need(24);
    const width = s.readUInt16BE(p), height = s.readUInt16BE(p + 2);
    const pfb = s.subarray(p + 4, p + 20);
    const nameLen = s.readUInt32BE(p + 20);
    p += 24;
    need(nameLen); p += nameLen;
    const serverPf = {
        bits_per_pixel: pfb[0], depth: pfb[1], big_endian: !!pfb[2], true_colour: !!pfb[3],
        red_max: pfb.readUInt16BE(4), green_max: pfb.readUInt16BE(6), blue_max: pfb.readUInt16BE(8),
        red_shift: pfb[10], green_shift: pfb[11], blue_shift: pfb[12],
    };
    return { length: p, width, height, serverPf, version: "3." + minor };
}

// ------------------------------------------------------------------ stub display

// The canvas as noVNC sees it: RGBA bytes, row after row. Mirrors core/display.js:
// operations queue behind an image still being decoded (its render queue).
class StubDisplay {
    constructor(width, height, swapNonTight) {
        this.resize(width, height);
        this._swapNonTight = swapNonTight;
        this.swap = false;        // set per rectangle when --out asks for true colours
        this._renderQ = [];
        this._flushWaiters = [];
        this.images = 0;
    }

    resize(width, height) {
        const old = this.fb, oldW = this.width, oldH = this.height;
        this.width = width;
        this.height = height;
        this.fb = new Uint8Array(width * height * 4);
        this.fb32 = new Uint32Array(this.fb.buffer);
        if (old) {
            const w = Math.min(oldW, width) * 4;
            for (let y = 0; y < Math.min(oldH, height); y++) {
                this.fb.set(old.subarray(y * oldW * 4, y * oldW * 4 + w), y * width * 4);
            }
        }
    }

    pending() { return this._renderQ.length > 0; }

    flush() {
        if (this._renderQ.length === 0) return Promise.resolve();
        return new Promise((resolve) => this._flushWaiters.push(resolve));
    }

    fillRect(x, y, w, h, color, fromQueue) {
        if (this._renderQ.length !== 0 && !fromQueue) {
            this._renderQ.push({ type: "fill", x, y, w, h, color: [color[0], color[1], color[2]], swap: this.swap });
            return;
        }
        const swap = fromQueue ? fromQueue.swap : this.swap;
        const r = swap ? color[2] : color[0], b = swap ? color[0] : color[2];
        // Little-endian host: bytes R,G,B,A.
        const v = (r | (color[1] << 8) | (b << 16) | 0xff000000) >>> 0;
        const W = this.width, fb32 = this.fb32;
        if (x === 0 && w === W) {
            fb32.fill(v, y * W, (y + h) * W);
            return;
        }
        for (let j = y; j < y + h; j++) {
            const s = j * W + x;
            fb32.fill(v, s, s + w);
        }
    }

    copyImage(oldX, oldY, newX, newY, w, h, fromQueue) {
        if (this._renderQ.length !== 0 && !fromQueue) {
            this._renderQ.push({ type: "copy", oldX, oldY, newX, newY, w, h });
            return;
        }
        const W4 = this.width * 4, fb = this.fb, n = w * 4;
        if (newY > oldY) {
            for (let j = h - 1; j >= 0; j--) {
                fb.copyWithin((newY + j) * W4 + newX * 4, (oldY + j) * W4 + oldX * 4, (oldY + j) * W4 + oldX * 4 + n);
            }
        } else {
            for (let j = 0; j < h; j++) {
                fb.copyWithin((newY + j) * W4 + newX * 4, (oldY + j) * W4 + oldX * 4, (oldY + j) * W4 + oldX * 4 + n);
            }
        }
    }

    blitImage(x, y, w, h, arr, offset, fromQueue) {
        if (this._renderQ.length !== 0 && !fromQueue) {
            // As display.js does: keep a copy, the decoder reuses its buffer.
            const data = new Uint8Array(w * h * 4);
            data.set(new Uint8Array(arr.buffer, arr.byteOffset + offset, data.length));
            this._renderQ.push({ type: "blit", x, y, w, h, data, swap: this.swap });
            return;
        }
        const swap = fromQueue ? fromQueue.swap : this.swap;
        const W = this.width, fb = this.fb, n = w * 4;
        const src = new Uint8Array(arr.buffer, arr.byteOffset + offset, w * h * 4);
        if (x === 0 && w === W) {
            fb.set(src, y * W * 4);
        } else {
            for (let j = 0; j < h; j++) {
                fb.set(src.subarray(j * n, j * n + n), ((y + j) * W + x) * 4);
            }
        }
        if (swap) this._swapRB(x, y, w, h);
    }

    _swapRB(x, y, w, h) {
        const W = this.width, fb = this.fb;
        for (let j = y; j < y + h; j++) {
            for (let i = (j * W + x) * 4, e = i + w * 4; i < e; i += 4) {
                const t = fb[i]; fb[i] = fb[i + 2]; fb[i + 2] = t;
            }
        }
    }

    imageRect(x, y, w, h, mime, arr) {
        if (w === 0 || h === 0) return;
        this.images++;
        if (mime === "image/jpeg" && imageLib === "jpeg-turbo") {
            // libjpeg-turbo called directly and synchronously: a browser's decoder
            // without the browser's overhead (data: URL, Image element, events).
            const img = jpegTurbo.decompressSync(
                Buffer.from(arr.buffer, arr.byteOffset, arr.length),
                { format: jpegTurbo.FORMAT_RGBA });
            if (img.width !== w || img.height !== h) {
                throw new Error(`decoded image is ${img.width}x${img.height}, expected ${w}x${h}`);
            }
            this.blitImage(x, y, w, h, img.data, 0, this._renderQ.length ? undefined : { swap: false });
            return;
        }
        // A browser copies the bytes into a data: URL here; the decoder's array is a
        // view into the receive queue, so copy it too.
        const bytes = Buffer.from(arr);
        const item = { type: "img", x, y, w, h, done: false, raw: null, error: null };
        item.promise = sharp(bytes).ensureAlpha().raw().toBuffer({ resolveWithObject: true })
            .then(({ data, info }) => {
                if (info.width !== w || info.height !== h) {
                    throw new Error(`decoded image is ${info.width}x${info.height}, expected ${w}x${h}`);
                }
                item.raw = data;
            })
            .catch((err) => { item.error = err; })
            .finally(() => { item.done = true; this._scanRenderQ(); });
        this._renderQ.push(item);
    }

    _scanRenderQ() {
        while (this._renderQ.length > 0) {
            const a = this._renderQ[0];
            if (a.type === "img") {
                if (!a.done) return;
                if (a.error) { this.error = a.error; }
                else { this.blitImage(a.x, a.y, a.w, a.h, a.raw, 0, { swap: false }); }
            } else if (a.type === "fill") {
                this.fillRect(a.x, a.y, a.w, a.h, a.color, a);
            } else if (a.type === "copy") {
                this.copyImage(a.oldX, a.oldY, a.newX, a.newY, a.w, a.h, true);
            } else if (a.type === "blit") {
                this.blitImage(a.x, a.y, a.w, a.h, a.data, 0, a);
            }
            this._renderQ.shift();
        }
        const waiters = this._flushWaiters;
        this._flushWaiters = [];
        for (const f of waiters) f();
    }
}

// ------------------------------------------------------------------ the message loop

class Replayer {
    constructor(sock, display, depth, swapNonTight) {
        this.sock = sock;
        this.display = display;
        this.depth = depth;
        this.swapNonTight = swapNonTight;
        this.decoders = {};
        for (const [enc, cls] of Object.entries(decoderClasses)) this.decoders[enc] = new cls();
        this.fbuRects = 0;
        this.rect = null;
        this.rects = 0;
        this.pixels = 0;
        this.updates = 0;
    }

    // Returns false when more data is needed, "flush" when the render queue must drain.
    normalMsg() {
        const sock = this.sock;
        if (this.fbuRects > 0 || this.rect !== null) return this.framebufferUpdate();
        if (sock.rQwait("msg", 1)) return false;
        const t = sock.rQpeek8();
        switch (t) {
            case 0: {
                if (sock.rQwait("FBU header", 4)) return false;
                if (this.display.pending()) return "flush";
                sock.rQskipBytes(2);
                this.fbuRects = sock.rQshift16();
                this.updates++;
                if (this.fbuRects === 0) return true;
                return this.framebufferUpdate();
            }
            case 1: {
                if (sock.rQwait("colourmap", 6)) return false;
                const n = (sock._rQ[sock._rQi + 4] << 8) | sock._rQ[sock._rQi + 5];
                if (sock.rQwait("colourmap", 6 + 6 * n)) return false;
                sock.rQskipBytes(6 + 6 * n);
                return true;
            }
            case 2: sock.rQskipBytes(1); return true;
            case 3: {
                if (sock.rQwait("cut", 8)) return false;
                const n = new DataView(sock._rQ.buffer, sock._rQi + 4, 4).getUint32(0);
                if (sock.rQwait("cut", 8 + n)) return false;
                sock.rQskipBytes(8 + n);
                return true;
            }
            case 150: sock.rQskipBytes(1); return true;
            case 248: {
                if (sock.rQwait("fence", 9)) return false;
                const n = sock._rQ[sock._rQi + 8];
                if (sock.rQwait("fence", 9 + n)) return false;
                sock.rQskipBytes(9 + n);
                return true;
            }
            default:
                throw new Error("unknown server message type " + t);
        }
    }

    framebufferUpdate() {
        const sock = this.sock;
        while (this.fbuRects > 0 || this.rect !== null) {
            if (this.rect === null) {
                if (sock.rQwait("rect header", 12)) return false;
                this.rect = {
                    x: sock.rQshift16(), y: sock.rQshift16(), w: sock.rQshift16(), h: sock.rQshift16(),
                    enc: sock.rQshift32() >> 0,
                };
                this.fbuRects--;
            }
            const r = this.rect;
            const dec = this.decoders[r.enc];
            if (dec !== undefined) {
                if (r.x + r.w > this.display.width || r.y + r.h > this.display.height) {
                    throw new Error(`rectangle ${r.w}x${r.h}+${r.x}+${r.y} outside the screen`);
                }
                this.display.swap = this.swapNonTight && r.enc !== TIGHT && r.enc !== TIGHTPNG;
                if (!dec.decodeRect(r.x, r.y, r.w, r.h, sock, this.display, this.depth)) return false;
                this.rects++;
                this.pixels += r.w * r.h;
            } else {
                const done = this.pseudo(r);
                if (done === "last") { this.fbuRects = 0; this.rect = null; break; }
                if (!done) return false;
            }
            this.rect = null;
        }
        return true;
    }

    pseudo(r) {
        const sock = this.sock;
        switch (r.enc) {
            case LAST_RECT: return "last";
            case CURSOR: {
                const n = r.w * r.h * 4 + Math.floor((r.w + 7) / 8) * r.h;
                if (sock.rQwait("cursor", n)) return false;
                sock.rQskipBytes(n);
                return true;
            }
            case XCURSOR: {
                const n = (r.w && r.h) ? 6 + 2 * Math.floor((r.w + 7) / 8) * r.h : 0;
                if (sock.rQwait("xcursor", n)) return false;
                sock.rQskipBytes(n);
                return true;
            }
            case EXT_DESKTOP_SIZE: {
                if (sock.rQwait("ExtendedDesktopSize", 4)) return false;
                const n = 4 + 16 * sock.rQpeek8();
                if (sock.rQwait("ExtendedDesktopSize", n)) return false;
                sock.rQskipBytes(n);
                if (r.y === 0 && (r.w !== this.display.width || r.h !== this.display.height)) {
                    this.display.resize(r.w, r.h);
                }
                return true;
            }
            case DESKTOP_SIZE:
                this.display.resize(r.w, r.h);
                return true;
            case DESKTOP_NAME: {
                if (sock.rQwait("name", 4)) return false;
                const n = new DataView(sock._rQ.buffer, sock._rQi, 4).getUint32(0);
                if (sock.rQwait("name", 4 + n)) return false;
                sock.rQskipBytes(4 + n);
                return true;
            }
            case POINTER_MOTION:
            case EXT_KEY:
                return true;
            default:
                throw new Error("rectangle in an encoding noVNC's decoders lack: " + r.enc);
        }
    }
}

// ------------------------------------------------------------------ main

async function main() {
    const args = process.argv.slice(2);
    let file = null, out = null;
    for (let i = 0; i < args.length; i++) {
        if (args[i] === "--out") out = args[++i];
        else if (args[i] === "--jpeg") imageLib = args[++i];
        else if (args[i].startsWith("-")) fail("unknown option " + args[i]);
        else file = args[i];
    }
    if (!file) fail("usage: node decode.mjs F.fbs [--out final.png|final.rgb]");

    let blocks, side = {};
    try {
        blocks = readFbs(fs.readFileSync(file));
        if (fs.existsSync(file + ".json")) side = JSON.parse(fs.readFileSync(file + ".json", "utf8"));
    } catch (e) {
        fail(String(e.message || e));
    }
    const stream = Buffer.concat(blocks);
    let hs;
    try {
        hs = parseHandshake(stream, side.security_type);
    } catch (e) {
        fail(String(e.message || e));
    }
    const pf = side.pixel_format ?? hs.serverPf;
    let depth, swap;
    const is888 = pf.bits_per_pixel === 32 && pf.depth === 24 && pf.true_colour && !pf.big_endian
        && pf.red_max === 255 && pf.green_max === 255 && pf.blue_max === 255;
    if (is888 && pf.red_shift === 0 && pf.green_shift === 8 && pf.blue_shift === 16) {
        depth = 24; swap = false;
    } else if (is888 && pf.red_shift === 16 && pf.green_shift === 8 && pf.blue_shift === 0) {
        depth = 24; swap = out !== null;
    } else {
        fail("noVNC's decoders need 32 bpp depth 24 little-endian 8-bit channels at shift 0/8/16 or 16/8/0; recording has "
             + JSON.stringify(pf));
    }

    // The blocks after the handshake, as WebSocket messages.
    const messages = [];
    let skip = hs.length;
    for (const b of blocks) {
        if (skip >= b.length) { skip -= b.length; continue; }
        messages.push(b.subarray(skip));
        skip = 0;
    }
    if (imageLib !== "jpeg-turbo" && imageLib !== "sharp") fail("--jpeg must be jpeg-turbo or sharp");
    await loadSharp();  // PNG (TightPNG) always, JPEG with --jpeg sharp
    if (imageLib === "jpeg-turbo") {
        const { createRequire } = await import("node:module");
        jpegTurbo = createRequire(import.meta.url)("@julusian/jpeg-turbo");
    }

    const sock = new Websock();
    sock.init();
    const display = new StubDisplay(hs.width, hs.height, swap);
    const rep = new Replayer(sock, display, depth, swap);

    // A fresh ArrayBuffer per message, as a WebSocket delivers them (made before the
    // clock starts: in a browser that copy is the network stack's, not noVNC's).
    const arrayBuffers = messages.map((m) => m.buffer.slice(m.byteOffset, m.byteOffset + m.length));
    messages.length = 0;

    const wall0 = process.hrtime.bigint();
    const cpu0 = process.cpuUsage();
    try {
        for (const ab of arrayBuffers) {
            sock._recvMessage({ data: ab });
            for (;;) {
                if (sock.rQlen() === 0 && rep.fbuRects === 0 && rep.rect === null) break;
                const r = rep.normalMsg();
                if (r === "flush") { await display.flush(); continue; }
                if (!r) break;
            }
        }
        await display.flush();
    } catch (e) {
        fail("noVNC failed: " + String(e.message || e));
    }
    const cpu = process.cpuUsage(cpu0);
    const wall = Number(process.hrtime.bigint() - wall0) / 1e9;
    if (display.error) fail("image decode failed: " + String(display.error.message || display.error));
    const seconds = (cpu.user + cpu.system) / 1e6;

    if (out) {
        const n = display.width * display.height;
        const rgb = Buffer.alloc(n * 3);
        const fb = display.fb;
        for (let i = 0, j = 0; i < n * 4; i += 4, j += 3) {
            rgb[j] = fb[i]; rgb[j + 1] = fb[i + 1]; rgb[j + 2] = fb[i + 2];
        }
        if (out.endsWith(".png")) {
            await (await loadSharp())(rgb, { raw: { width: display.width, height: display.height, channels: 3 } })
                .png({ compressionLevel: 1 }).toFile(out);
        } else {
            fs.writeFileSync(out, rgb);
        }
    }

    const result = {
        pixels: rep.pixels,
        seconds: Number(seconds.toFixed(6)),
        mpix_per_s: seconds > 0 ? Number((rep.pixels / seconds / 1e6).toFixed(3)) : null,
        rects: rep.rects,
        updates: rep.updates,
        wall_seconds: Number(wall.toFixed(6)),
        images: display.images,
        tail_bytes: sock.rQlen(),
        width: display.width,
        height: display.height,
        novnc: novncVersion,
        node: process.versions.node,
        jpeg_decoder: imageLib === "jpeg-turbo" ? `@julusian/jpeg-turbo ${pkgVersion("@julusian/jpeg-turbo")} (libjpeg-turbo)`
            : `sharp ${pkgVersion("sharp")} (libvips ${sharp.versions?.vips ?? "?"})`,
        png_decoder: `sharp ${pkgVersion("sharp")} (libvips ${sharp.versions?.vips ?? "?"})`,
    };
    process.stdout.write(JSON.stringify(result) + "\n");
}

await main();
