"""The RFB handshake: version, security (None, VNC, VeNCrypt), ServerInit.

A mixin of :class:`~qvmrc.rfb.connection.RFBClient`: each ``_step_*`` reads
one handshake message when it has all arrived (else returns False, having
consumed nothing) and moves ``state`` on.
"""

from __future__ import annotations

import logging
import struct
from typing import TYPE_CHECKING

from qvmrc.errors import AuthenticationError, ProtocolError
from qvmrc.rfb import events as ev
from qvmrc.rfb import messages, vencrypt
from qvmrc.rfb.auth import vnc_auth_response
from qvmrc.rfb.buffer import ReadBuffer
from qvmrc.rfb.encodings.pseudo import MAX_NAME, server_text
from qvmrc.rfb.framebuffer import ALPHA, Framebuffer
from qvmrc.rfb.pixelformat import PRESETS, PixelFormat
from qvmrc.rfb.states import State

log = logging.getLogger(__name__)

SECURITY_NONE = 1
SECURITY_VNC = 2
SECURITY_VENCRYPT = vencrypt.SECURITY_VENCRYPT
SECURITY_NAMES = {
    0: "Invalid", 1: "None", 2: "VNC Authentication", 5: "RA2", 6: "RA2ne", 16: "Tight",
    17: "Ultra", 18: "TLS", 19: "VeNCrypt", 20: "SASL", 21: "MD5", 22: "xvp",
    30: "Apple Remote Desktop", 129: "Unix Login",
}

MAX_REASON = 4096
_SERVER_INIT = struct.Struct(">HH16sI")


class Handshake:
    """From the server's version string to ServerInit (``State.NORMAL``)."""

    state: State
    _buf: ReadBuffer
    _out: bytearray
    _events: list[ev.Event]
    _password: str | None
    _username: str | None
    _vencrypt: frozenset[int]
    _want_pf: str | PixelFormat
    _shared: bool
    _password_for: State
    _failure_is_auth: bool
    forced_security: int | None
    forced_subtype: int | None
    version: str
    minor: int
    security_type: int
    security_subtype: int
    name: str
    server_pixel_format: PixelFormat | None
    fb: Framebuffer
    opaque: bool

    if TYPE_CHECKING:
        def _set_pixel_format(self, pf: PixelFormat) -> None: ...
        def _drop_broken_zrle(self) -> None: ...
        def encoding_list(self) -> list[int]: ...

    def _step_version(self) -> bool:
        buf = self._buf
        if buf.available() < 12:
            if buf.available() >= 4 and buf.peek(4) != b"RFB ":
                raise ProtocolError(f"not a VNC server (it sent {buf.peek(buf.available())[:40]!r})")
            return False
        raw = buf.read(12)
        if raw[:4] != b"RFB " or raw[7:8] != b"." or raw[11:12] != b"\n":
            raise ProtocolError(f"not a VNC server (it sent {raw!r})")
        try:
            major, minor = int(raw[4:7]), int(raw[8:11])
        except ValueError:
            raise ProtocolError(f"not a VNC server (it sent {raw!r})") from None
        if major < 3 or (major == 3 and minor < 3):
            raise ProtocolError(f"server speaks RFB {major}.{minor}, older than 3.3")
        if major > 3 or minor >= 8:
            self.minor = 8
        elif minor == 7:
            self.minor = 7
        else:
            self.minor = 3
        self.version = f"3.{self.minor}"
        self._out += b"RFB 003.%03d\n" % self.minor
        self.state = State.SECURITY_TYPE_33 if self.minor == 3 else State.SECURITY_TYPES
        return True

    def _fail(self) -> bool:
        """Server refused: its reason follows as u32 length + text."""
        self.state = State.FAILURE_REASON
        return True

    def _step_failure_reason(self) -> bool:
        buf = self._buf
        if buf.available() < 4:
            return False
        n = buf.peek_u32()
        want = min(n, MAX_REASON)
        if buf.available() < 4 + want:
            return False
        buf.skip(4)
        text = server_text(buf.read(want)) or "no reason given"
        if self._failure_is_auth:
            raise AuthenticationError(f"authentication failed: {text}")
        raise ProtocolError(f"server refused the connection: {text}")

    def _step_security_types(self) -> bool:
        buf = self._buf
        if buf.available() < 1:
            return False
        n = buf.peek_u8()
        if n == 0:
            buf.skip(1)
            return self._fail()
        if buf.available() < 1 + n:
            return False
        buf.skip(1)
        types = list(buf.read(n))
        self._choose_security(types)
        self._out.append(self.security_type)
        return self._after_security_choice()

    def _step_security_33(self) -> bool:
        buf = self._buf
        if buf.available() < 4:
            return False
        t = buf.read_u32()
        if t == 0:
            return self._fail()
        if t not in (SECURITY_NONE, SECURITY_VNC):
            raise AuthenticationError(f"server requires security type {self._sec_name(t)}, which QVMRC does not support")
        self.security_type = t
        return self._after_security_choice()

    @staticmethod
    def _sec_name(t: int) -> str:
        return f"{SECURITY_NAMES.get(t, 'unknown')} ({t})"

    def _choose_security(self, types: list[int]) -> None:
        if self.forced_security is not None and self.forced_security in types:
            # Replaying a recording: follow the choice its client made.
            self.security_type = self.forced_security
        elif SECURITY_VENCRYPT in types and self._vencrypt:
            # Encrypted beats clear text, with or without a password.
            self.security_type = SECURITY_VENCRYPT
        elif SECURITY_NONE in types:
            self.security_type = SECURITY_NONE
        elif SECURITY_VNC in types:
            self.security_type = SECURITY_VNC
        else:
            offered = ", ".join(self._sec_name(t) for t in types)
            raise AuthenticationError(f"server offers only security types QVMRC does not support: {offered}")

    def _after_security_choice(self) -> bool:
        self._failure_is_auth = True
        if self.security_type == SECURITY_VNC:
            self.state = State.VNC_CHALLENGE
        elif self.security_type == SECURITY_VENCRYPT:
            self.state = State.VENCRYPT_VERSION
        elif self.minor >= 8:
            self.state = State.SECURITY_RESULT
        else:
            self._client_init()
        return True

    # ------------------------------------------------------------ VeNCrypt

    def _step_vencrypt_version(self) -> bool:
        buf = self._buf
        if buf.available() < 2:
            return False
        major, minor = buf.read(2)
        if (major, minor) < vencrypt.VERSION:
            self._out += b"\0\0"  # "cannot support it": the server closes
            raise AuthenticationError(
                f"the server speaks VeNCrypt {major}.{minor}; QVMRC needs version 0.2 or later")
        self._out += bytes(vencrypt.VERSION)
        self.state = State.VENCRYPT_VERSION_ACK
        return True

    def _step_vencrypt_version_ack(self) -> bool:
        if self._buf.available() < 1:
            return False
        if self._buf.read(1)[0] != 0:
            raise AuthenticationError("the server refused VeNCrypt version 0.2")
        self.state = State.VENCRYPT_SUBTYPES
        return True

    def _step_vencrypt_subtypes(self) -> bool:
        buf = self._buf
        if buf.available() < 1:
            return False
        n = buf.peek_u8()
        if n == 0:
            raise AuthenticationError("the server offers no VeNCrypt subtypes")
        if n > vencrypt.MAX_SUBTYPES:
            raise ProtocolError(f"the server lists {n} VeNCrypt subtypes")
        if buf.available() < 1 + 4 * n:
            return False
        buf.skip(1)
        offered = list(struct.unpack(f">{n}I", buf.read(4 * n)))
        if self.forced_subtype is not None and self.forced_subtype in offered:
            chosen: int | None = self.forced_subtype
        elif self.forced_security == SECURITY_VENCRYPT:
            chosen = offered[0]
        else:
            usable = {t for t in self._vencrypt if t not in vencrypt.PLAIN_AUTH or self._username is not None}
            chosen = vencrypt.choose(offered, usable)
        if chosen is None:
            x509, user = bool(self._vencrypt & vencrypt.X509), self._username is not None
            why = "; ".join(f"{vencrypt.subtype_name(t)} {vencrypt.why_unusable(t, x509=x509, username=user)}"
                            for t in offered)
            raise AuthenticationError(f"the server offers only VeNCrypt subtypes QVMRC cannot use here: {why}")
        self.security_subtype = chosen
        self._out += struct.pack(">I", chosen)
        self.state = State.VENCRYPT_SUBTYPE_ACK
        return True

    def _step_vencrypt_subtype_ack(self) -> bool:
        buf = self._buf
        if buf.available() < 1:
            return False
        if buf.read(1)[0] == 0:
            raise AuthenticationError(
                f"the server refused VeNCrypt subtype {vencrypt.subtype_name(self.security_subtype)}")
        if self.forced_security == SECURITY_VENCRYPT:
            # Replay: the recording holds what came out of the TLS session.
            self._inner_auth()
            return True
        if buf.available():
            # The client speaks first in TLS: anything here is not TLS.
            raise ProtocolError("the server sent data before the VeNCrypt TLS handshake")
        self.state = State.WAIT_TLS
        self._events.append(ev.StartTLS(anonymous=self.security_subtype in vencrypt.ANONYMOUS,
                                        subtype=vencrypt.SUBTYPE_NAMES[self.security_subtype]))
        return False

    def _inner_auth(self) -> None:
        subtype = self.security_subtype
        if subtype in vencrypt.VNC_AUTH:
            self.state = State.VNC_CHALLENGE
        elif subtype in vencrypt.PLAIN_AUTH:
            self.state = State.PLAIN_CREDENTIALS
        else:
            self.state = State.SECURITY_RESULT

    def _step_plain(self) -> bool:
        if self._password is None:
            # Nothing comes from the server before the credentials: ask now.
            self._password_for = State.PLAIN_CREDENTIALS
            self.state = State.WAIT_PASSWORD
            self._events.append(ev.PasswordRequired())
            return False
        try:
            self._out += vencrypt.plain_credentials(self._username or "", self._password)
        except ValueError as e:
            raise AuthenticationError(str(e)) from None
        self.state = State.SECURITY_RESULT
        return True

    # ------------------------------------------------------------------

    def _step_challenge(self) -> bool:
        if self._password is None:
            if self._buf.available() >= 16 and self.state is not State.WAIT_PASSWORD:
                self._password_for = State.VNC_CHALLENGE
                self.state = State.WAIT_PASSWORD
                self._events.append(ev.PasswordRequired())
            return False
        if self._buf.available() < 16:
            return False
        self._out += vnc_auth_response(self._password, self._buf.read(16))
        self.state = State.SECURITY_RESULT
        return True

    def _step_security_result(self) -> bool:
        buf = self._buf
        if buf.available() < 4:
            return False
        result = buf.read_u32()
        if result == 0:
            self._client_init()
            return True
        if self.minor >= 8:
            return self._fail()
        if result == 2:
            raise AuthenticationError("authentication failed: too many attempts")
        password_used = (self.security_type == SECURITY_VNC
                         or self.security_subtype in vencrypt.VNC_AUTH | vencrypt.PLAIN_AUTH)
        raise AuthenticationError("authentication failed" + (": wrong password" if password_used else ""))

    def _client_init(self) -> None:
        self._failure_is_auth = False
        self._out.append(1 if self._shared else 0)
        self.state = State.SERVER_INIT

    def _step_server_init(self) -> bool:
        buf = self._buf
        if buf.available() < 24:
            return False
        w, h, pf_raw, name_len = buf.unpack(_SERVER_INIT)
        if name_len > MAX_NAME:
            raise ProtocolError(f"server sent a desktop name of {name_len} bytes")
        if buf.available() < 24 + name_len:
            return False
        buf.skip(24)
        self.name = server_text(buf.read(name_len))
        server_pf = PixelFormat.unpack(pf_raw)
        self.server_pixel_format = server_pf
        if isinstance(self._want_pf, PixelFormat):
            pf = self._want_pf
        elif self._want_pf == "native":
            pf = server_pf
        else:
            pf = PRESETS[self._want_pf]
        pf.validate()
        self.fb = Framebuffer(w, h)
        if self.opaque:
            self.fb.pixels.fill(ALPHA)
        self._set_pixel_format(pf)
        if pf != server_pf:
            self._out += messages.set_pixel_format(pf)
        self._drop_broken_zrle()
        self._out += messages.set_encodings(self.encoding_list())
        self._out += messages.framebuffer_update_request(False, 0, 0, w, h)
        self.state = State.NORMAL
        self._events.append(ev.Connected(
            width=w, height=h, name=self.name, version=self.version,
            security_type=self._security_description(),
            server_pixel_format=server_pf, pixel_format=pf,
        ))
        return True


    def _security_description(self) -> str:
        name = SECURITY_NAMES.get(self.security_type, str(self.security_type))
        if self.security_subtype:
            name += f" {vencrypt.SUBTYPE_NAMES.get(self.security_subtype, str(self.security_subtype))}"
        return name

