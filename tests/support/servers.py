"""Real servers for integration tests: QEMU, Xvnc, websockify — all on 127.0.0.1.

Each helper starts a process, waits until it listens, and offers the server's
own view of the screen (QMP ``screendump`` for QEMU, ``xwd -root`` for Xvnc)
so tests can compare what the client shows with what the server has.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from tests.support.ports import free_display, free_port, wait_port

GUEST_SRC = Path(__file__).resolve().parent.parent / "guest" / "still.S"


def have(*programs: str) -> bool:
    return all(shutil.which(p) for p in programs)


def stop(proc: subprocess.Popen[Any], timeout: float = 5.0) -> None:
    """Terminate a server we started (kill it if it does not go within ``timeout`` s)."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


def build_guest(workdir: Path, width: int = 1024, height: int = 768) -> Path:
    """Assemble the still-picture boot sector into a 1 MiB raw disk image."""
    obj = workdir / "still.o"
    bin_ = workdir / "still.bin"
    img = workdir / f"still-{width}x{height}.img"
    subprocess.run(["as", "--32", "--defsym", f"WIDTH={width}", "--defsym", f"HEIGHT={height}",
                    str(GUEST_SRC), "-o", str(obj)], check=True)
    subprocess.run(["ld", "-m", "elf_i386", "-Ttext", "0x7c00", "--oformat", "binary", str(obj),
                    "-o", str(bin_)], check=True)
    data = bin_.read_bytes()
    img.write_bytes(data + b"\0" * (1024 * 1024 - len(data)))
    return img


@dataclass
class QemuServer:
    proc: subprocess.Popen[bytes]
    port: int
    qmp_path: str
    workdir: Path
    ws_port: int | None = None
    _qmp: socket.socket | None = field(default=None, repr=False)
    _qmp_buf: bytes = b""

    @property
    def url(self) -> str:
        return f"vnc://127.0.0.1:{self.port}"

    def qmp(self, command: str, **arguments: object) -> object:
        if self._qmp is None:
            s = socket.socket(socket.AF_UNIX)
            s.settimeout(10)
            s.connect(self.qmp_path)
            self._qmp = s
            self._qmp_read()  # greeting
            self._qmp_send("qmp_capabilities")
        self._qmp_send(command, **arguments)
        return None

    def _qmp_send(self, command: str, **arguments: object) -> dict:
        assert self._qmp is not None
        msg: dict[str, object] = {"execute": command}
        if arguments:
            msg["arguments"] = arguments
        self._qmp.sendall(json.dumps(msg).encode() + b"\n")
        while True:
            reply = self._qmp_read()
            if "return" in reply:
                return reply
            if "error" in reply:
                raise RuntimeError(f"QMP {command}: {reply['error']}")

    def _qmp_read(self) -> dict:
        assert self._qmp is not None
        while b"\n" not in self._qmp_buf:
            chunk = self._qmp.recv(65536)
            if not chunk:
                raise RuntimeError("QMP closed")
            self._qmp_buf += chunk
        line, self._qmp_buf = self._qmp_buf.split(b"\n", 1)
        return json.loads(line)

    def screendump(self) -> np.ndarray:
        """The guest screen as QEMU has it: (h, w, 3) uint8 RGB."""
        path = self.workdir / f"dump-{time.monotonic_ns()}.ppm"
        self.qmp("screendump", filename=str(path))
        with Image.open(path) as im:
            arr = np.asarray(im.convert("RGB"))
        path.unlink()
        return arr

    def wait_still(self, width: int, height: int, timeout: float = 20.0) -> np.ndarray:
        """Wait until the guest has painted its picture at the given size and it holds still."""
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            img = self.screendump()
            if img.shape[:2] == (height, width) and last is not None and np.array_equal(img, last):
                return img
            last = img
            time.sleep(0.3)
        raise RuntimeError("the QEMU guest did not paint a still picture in time")

    def close(self) -> None:
        if self._qmp is not None:
            self._qmp.close()
        stop(self.proc)


# RFC 7919's ffdhe2048 group: QEMU's GnuTLS reads DH parameters from dh-params.pem
# and would otherwise generate 2048-bit ones at start (slow).
_FFDHE2048 = int(
    "FFFFFFFFFFFFFFFFADF85458A2BB4A9AAFDC5620273D3CF1D8B9C583CE2D3695A9E13641146433FBCC939DCE"
    "249B3EF97D2FE363630C75D8F681B202AEC4617AD3DF1ED5D5FD65612433F51F5F066ED0856365553DED1AF3"
    "B557135E7F57C935984F0C70E0E68B77E2A689DAF3EFE8721DF158A136ADE73530ACCA4F483A797ABC0AB182"
    "B324FB61D108A94BB2C8E3FBB96ADAB760D7F4681D4F42A3DE394DF4AE56EDE76372BB190B07A7C8EE0A6D70"
    "9E02FCE1CDF7E2ECC03404CD28342F619172FE9CE98583FF8E4F1232EEF28183C3FE3B1B4C6FAD733BB5FCBC"
    "2EC22005C58EF1837D1683B2C6F34A26C1B2EFFA886B423861285C97FFFFFFFFFFFFFFFF", 16)


def _der(tag: int, body: bytes) -> bytes:
    n = len(body)
    length = bytes([n]) if n < 128 else bytes([0x80 | ((n.bit_length() + 7) // 8)]) + n.to_bytes(
        (n.bit_length() + 7) // 8, "big")
    return bytes([tag]) + length + body


def dh_params_pem() -> bytes:
    """PKCS#3 DHParameter (prime, generator 2) as PEM, written by hand (the group is fixed)."""
    import base64

    def integer(v: int) -> bytes:
        return _der(0x02, v.to_bytes(v.bit_length() // 8 + 1, "big"))

    b64 = base64.b64encode(_der(0x30, integer(_FFDHE2048) + integer(2))).decode()
    lines = [b64[i : i + 64] for i in range(0, len(b64), 64)]
    return ("-----BEGIN DH PARAMETERS-----\n" + "\n".join(lines) + "\n-----END DH PARAMETERS-----\n").encode()


def vnc_certificates(directory: Path, server_name: str = "hypervisor.test",
                     ca_name: str = "QVMRC test VNC CA") -> Path:
    """A CA and a server certificate signed by it, laid out as QEMU's tls-creds-x509 wants
    (ca-cert.pem, server-cert.pem, server-key.pem, dh-params.pem). Returns the CA's path."""
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    directory.mkdir(parents=True, exist_ok=True)
    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ca_subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, ca_name)])
    ca = (x509.CertificateBuilder().subject_name(ca_subject).issuer_name(ca_subject)
          .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
          .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=30))
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False, key_encipherment=False,
                                       data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                       crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
          .sign(ca_key, hashes.SHA256()))
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, server_name)]))
            .issuer_name(ca_subject).public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=30))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=True,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                         crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(server_name)]), critical=False)
            .sign(ca_key, hashes.SHA256()))
    pem = serialization.Encoding.PEM
    (directory / "ca-cert.pem").write_bytes(ca.public_bytes(pem))
    (directory / "server-cert.pem").write_bytes(cert.public_bytes(pem))
    (directory / "server-key.pem").write_bytes(key.private_bytes(
        pem, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()))
    (directory / "dh-params.pem").write_bytes(dh_params_pem())
    return directory / "ca-cert.pem"


@contextlib.contextmanager
def qemu(*, width: int = 1024, height: int = 768, websocket: bool = False, password: str | None = None,
         lossy: bool = False, still: bool = True, tls: str | None = None,
         tls_dir: Path | None = None, vga: tuple[str, ...] = ("-vga", "std")) -> Iterator[QemuServer]:
    """``vga``: the display device's arguments (e.g. ``("-device", "VGA,edid=on")``).
    ``tls``: "x509" (VeNCrypt X509None/X509Vnc; certificates from ``tls_dir``, see
    vnc_certificates) or "anon" (TLSNone/TLSVnc, anonymous DH)."""
    workdir = Path(tempfile.mkdtemp(prefix="qvmrc-qemu-"))
    port = free_port()
    display = port - 5900
    if display < 0:
        port, display = 5900 + 200 + os.getpid() % 500, 200 + os.getpid() % 500
    vnc = f"127.0.0.1:{display}"
    ws_port = None
    if websocket:
        ws_port = free_port()
        vnc += f",websocket={ws_port}"
    if password is not None:
        vnc += ",password=on"
    if lossy:
        vnc += ",lossy=on"
    tls_object: list[str] = []
    if tls == "x509":
        assert tls_dir is not None, "vnc_certificates(tls_dir) first"
        tls_object = ["-object", f"tls-creds-x509,id=tls0,dir={tls_dir},endpoint=server,verify-peer=no"]
    elif tls == "anon":
        anon_dir = workdir / "anon"
        anon_dir.mkdir()
        (anon_dir / "dh-params.pem").write_bytes(dh_params_pem())
        tls_object = ["-object", f"tls-creds-anon,id=tls0,dir={anon_dir},endpoint=server"]
    elif tls is not None:
        raise ValueError(f"tls must be 'x509' or 'anon', not {tls!r}")
    if tls_object:
        vnc += ",tls-creds=tls0"
    qmp_path = str(workdir / "qmp.sock")
    cmd = ["qemu-system-x86_64", "-nodefaults", *vga, "-display", "none", "-m", "32", *tls_object,
           "-vnc", vnc, "-qmp", f"unix:{qmp_path},server,nowait", "-no-reboot"]
    if still:
        cmd += ["-drive", f"file={build_guest(workdir, width, height)},format=raw,if=ide"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    server = QemuServer(proc, 5900 + display, qmp_path, workdir, ws_port)
    try:
        wait_port(server.port, proc=proc)
        if ws_port:
            wait_port(ws_port, proc=proc)
        for _ in range(100):
            if os.path.exists(qmp_path):
                break
            time.sleep(0.05)
        if password is not None:
            server.qmp("change-vnc-password", password=password)
        yield server
    finally:
        server.close()
        shutil.rmtree(workdir, ignore_errors=True)


def reference_picture(width: int, height: int, seed: int = 7) -> np.ndarray:
    """Deterministic content with noise, gradients, flat areas and thin lines."""
    rng = np.random.default_rng(seed)
    img = np.zeros((height, width, 3), dtype=np.uint8)
    h3 = height // 3
    img[:h3] = rng.integers(0, 256, size=(h3, width, 3), dtype=np.uint8)
    y, x = np.mgrid[h3 : 2 * h3, 0:width]
    img[h3 : 2 * h3, :, 0] = x % 256
    img[h3 : 2 * h3, :, 1] = y % 256
    img[h3 : 2 * h3, :, 2] = (x ^ y) % 256
    palette = np.array([[240, 240, 240], [48, 96, 192], [192, 48, 48], [48, 160, 64],
                        [255, 255, 255], [224, 192, 64], [64, 64, 64], [160, 160, 255]], dtype=np.uint8)
    y, x = np.mgrid[2 * h3 : height, 0:width]
    img[2 * h3 :] = palette[((x >> 6) + (y >> 5)) & 7]
    img[2 * h3 :][(y % 16 == 0) | (x % 32 == 0)] = (32, 32, 32)
    return img


@dataclass
class XvncServer:
    proc: subprocess.Popen[bytes]
    display: int
    port: int
    workdir: Path

    @property
    def url(self) -> str:
        return f"vnc://127.0.0.1:{self.port}"

    @property
    def env(self) -> dict[str, str]:
        return {**os.environ, "DISPLAY": f":{self.display}"}

    def show(self, img: np.ndarray) -> None:
        """Put a picture on the root window (ImageMagick's display exits 1 even when it worked)."""
        path = self.workdir / f"pic-{time.monotonic_ns()}.png"
        Image.fromarray(img, "RGB").save(path)
        subprocess.run(["display", "-window", "root", str(path)], env=self.env,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)

    def xwd(self) -> np.ndarray:
        """The root window as the X server has it: (h, w, 3) uint8 RGB."""
        raw = subprocess.run(["xwd", "-root", "-silent"], env=self.env, capture_output=True,
                             check=True, timeout=60).stdout
        png = subprocess.run(["convert", "xwd:-", "png:-"], input=raw, capture_output=True,
                             check=True, timeout=60).stdout
        from io import BytesIO

        with Image.open(BytesIO(png)) as im:
            return np.asarray(im.convert("RGB"))

    def close(self) -> None:
        stop(self.proc)


@contextlib.contextmanager
def xvnc(width: int = 800, height: int = 600, *, extra: tuple[str, ...] = ()) -> Iterator[XvncServer]:
    workdir = Path(tempfile.mkdtemp(prefix="qvmrc-xvnc-"))
    display = free_display()
    port = free_port()
    cmd = ["Xvnc", f":{display}", "-geometry", f"{width}x{height}", "-depth", "24",
           "-rfbport", str(port), "-SecurityTypes", "None", "-localhost", "-nolisten", "tcp",
           "-AlwaysShared", "-ac", *extra]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    server = XvncServer(proc, display, port, workdir)
    try:
        wait_port(port, proc=proc)
        yield server
    finally:
        server.close()
        shutil.rmtree(workdir, ignore_errors=True)


def self_signed_cert(workdir: Path, host: str = "127.0.0.1") -> tuple[Path, Path]:
    """A self-signed certificate for ``host`` (like a production appliance's)."""
    import datetime
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=30))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(host))]), False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
            .sign(key, hashes.SHA256()))
    cert_path = workdir / "cert.pem"
    key_path = workdir / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


@contextlib.contextmanager
def websockify(target_port: int, *, cert: Path | None = None, key: Path | None = None) -> Iterator[str]:
    """websockify in front of a VNC server, as a stand-in for the backend's proxy."""
    port = free_port()
    cmd = [sys.executable, "-m", "websockify", f"127.0.0.1:{port}", f"127.0.0.1:{target_port}"]
    if cert is not None:
        cmd += ["--cert", str(cert), "--key", str(key), "--ssl-only"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_port(port, proc=proc)
        yield f"{'wss' if cert else 'ws'}://127.0.0.1:{port}"
    finally:
        stop(proc)
