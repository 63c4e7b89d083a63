"""One running app per user and config folder: later launches hand their request over.

A link clicked in the web UI starts ``qvmrc LINK``. With a window already open,
a second process would mean a second window, two consoles of one VM fighting
over its input and two writers of settings.json. So a launch first asks the
running instance (a QLocalServer named from the user and the config folder)
to open the console, and exits 0 if it answered.

- The claim (ask, else listen) runs under a QLockFile in the config folder, so
  two launches at the same moment cannot both become "the" instance; QLockFile
  sees a crashed holder's lock as stale.
- A crashed instance leaves its socket behind on Unix: nobody answers it, so the
  next launch removes it and listens in its place.
- ``QVMRC_CONFIG_DIR`` gives another name, hence an independent instance.
- The socket is restricted to the user (``UserAccessOption``); the request may
  carry a token or a VNC password given through ``--token-env`` /
  ``--password-env``.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import logging
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QLockFile, QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

log = logging.getLogger(__name__)

MAX_REQUEST = 64 * 1024
CONNECT_MS = 1000
ANSWER_MS = 5000
LOCK_MS = 5000
ACK = b"ok\n"


@dataclass
class OpenRequest:
    """What a launch asks for: a console TARGET, the demo VM, or just the window."""

    target: str | None = None
    demo: bool = False
    token: str | None = None
    password: str | None = None

    def to_bytes(self) -> bytes:
        return json.dumps(asdict(self)).encode() + b"\n"

    @classmethod
    def from_bytes(cls, data: bytes) -> OpenRequest:
        """Parse one request line; anything else is a ValueError (a local peer, still checked)."""
        raw = json.loads(data.decode("utf-8"))
        if not isinstance(raw, dict):
            raise ValueError("not an object")

        def text(key: str) -> str | None:
            v = raw.get(key)
            if v is not None and not isinstance(v, str):
                raise ValueError(f"{key} is not a string")
            return v

        return cls(target=text("target"), demo=raw.get("demo") is True, token=text("token"),
                   password=text("password"))


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name (containers): the uid still tells users apart
        return str(os.getuid()) if hasattr(os, "getuid") else "user"


def instance_name(config_dir: Path, user: str | None = None) -> str:
    """The local socket name for this user and config folder (short: Unix socket paths are)."""
    who = user if user is not None else _user()
    try:
        where = str(config_dir.resolve())
    except OSError:
        where = str(config_dir.absolute())
    digest = hashlib.sha256(f"{who}\0{where}".encode()).hexdigest()[:16]
    safe = "".join(c for c in who if c.isalnum())[:16] or "user"
    return f"qvmrc-{safe}-{digest}"


def hand_over(name: str, request: OpenRequest) -> bool:
    """Give the request to a running instance; True when it acknowledged it.

    Blocking calls on purpose: this runs before any event loop or QApplication
    exists, and a second launch has nothing else to do.
    """
    sock = QLocalSocket()
    sock.connectToServer(name)
    if not sock.waitForConnected(CONNECT_MS):
        return False
    try:
        sock.write(request.to_bytes())
        if not sock.waitForBytesWritten(ANSWER_MS):
            return False
        answer = b""
        while len(answer) < len(ACK) and sock.waitForReadyRead(ANSWER_MS):
            answer += bytes(sock.readAll().data())
        return answer.startswith(ACK)
    finally:
        sock.abort()


class InstanceServer(QObject):
    """Listens for later launches; emits each valid request once."""

    requestReceived = Signal(object)

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self.server = QLocalServer(self)
        self.server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self.server.newConnection.connect(self._accept)
        self._buffers: dict[QLocalSocket, bytes] = {}

    def listen(self) -> bool:
        """Listen, replacing a stale socket a crashed instance left behind."""
        if self.server.listen(self.name):
            return True
        QLocalServer.removeServer(self.name)
        if self.server.listen(self.name):
            log.info("replaced a stale instance socket (a previous run ended without cleaning up)")
            return True
        log.warning("cannot listen for other launches (%s); links will open new windows",
                    self.server.errorString())
        return False

    def close(self) -> None:
        self.server.close()

    def _accept(self) -> None:
        while self.server.hasPendingConnections():
            sock = self.server.nextPendingConnection()
            if sock is None:
                break
            self._buffers[sock] = b""
            sock.readyRead.connect(lambda s=sock: self._read(s))
            sock.disconnected.connect(lambda s=sock: self._drop(s))

    def _drop(self, sock: QLocalSocket) -> None:
        self._buffers.pop(sock, None)
        sock.deleteLater()

    def _read(self, sock: QLocalSocket) -> None:
        if sock not in self._buffers:
            return
        data = self._buffers[sock] + bytes(sock.readAll().data())
        if b"\n" not in data:
            if len(data) > MAX_REQUEST:
                log.warning("ignored an oversized request from another launch")
                self._buffers.pop(sock, None)
                sock.abort()
            else:
                self._buffers[sock] = data
            return
        line = data.split(b"\n", 1)[0]
        self._buffers.pop(sock, None)
        try:
            request = OpenRequest.from_bytes(line)
        except (ValueError, UnicodeDecodeError) as e:
            log.warning("ignored a malformed request from another launch (%s)", e)
            sock.abort()
            return
        sock.write(ACK)
        sock.flush()
        sock.disconnectFromServer()
        self.requestReceived.emit(request)


class Claim:
    """This process will be the instance: holds the claim lock until :meth:`listen` ran.

    Split in two because handing over needs no QApplication (a later launch
    exits before importing the window's modules or connecting to the display),
    while listening does (the server's socket notifier needs the event loop's
    thread). The lock keeps a launch arriving in between waiting, not racing.
    """

    def __init__(self, name: str, lock: Any) -> None:
        self.name = name
        self._lock = lock

    def listen(self) -> InstanceServer | None:
        try:
            server = InstanceServer(self.name)
            return server if server.listen() else None
        finally:
            self.release()

    def release(self) -> None:
        if self._lock is not None:
            self._lock.unlock()
            self._lock = None


def claim(config_dir: Path, request: OpenRequest, new_instance: bool = False) -> Claim | bool | None:
    """Hand ``request`` to a running instance (True), or claim the role (a :class:`Claim`).

    None with ``new_instance``: this process runs on its own, unannounced.
    """
    if new_instance:
        return None
    name = instance_name(config_dir)
    lock: Any = None
    try:
        config_dir.mkdir(parents=True, exist_ok=True)
        lock = QLockFile(str(config_dir / "instance.lock"))
        if not lock.tryLock(LOCK_MS):
            log.warning("another launch holds %s; starting without the single-instance check",
                        config_dir / "instance.lock")
            lock = None
    except OSError as e:
        log.warning("cannot use the config folder for the instance lock (%s)", e.strerror or e)
        lock = None
    try:
        handed = hand_over(name, request)
    except BaseException:
        if lock is not None:
            lock.unlock()
        raise
    if handed:
        if lock is not None:
            lock.unlock()
        return True
    return Claim(name, lock)


def bring_to_front(window: Any) -> None:
    """Un-minimise, raise and activate (the window manager may still only flash it)."""
    from PySide6.QtCore import Qt

    if window.isMinimized():
        window.showNormal()
    window.show()
    window.setWindowState((window.windowState() & ~Qt.WindowState.WindowMinimized)
                          | Qt.WindowState.WindowActive)
    window.raise_()
    window.activateWindow()
