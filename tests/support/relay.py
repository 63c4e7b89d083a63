"""A TCP relay between a viewer and a VNC server that keeps what the viewer sent.

For real-window tests: the keys a VM received are the key messages that
crossed this relay, whatever the server (QEMU shows no typed keys anywhere).
"""

from __future__ import annotations

import socket
import struct
import threading


class Relay:
    """Listens on 127.0.0.1; each viewer connection is piped to ``upstream_port``."""

    def __init__(self, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        self._listen = socket.create_server(("127.0.0.1", 0))
        self.port = self._listen.getsockname()[1]
        self._lock = threading.Lock()
        self._streams: list[bytearray] = []
        self._socks: list[socket.socket] = []
        self._closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self._listen.accept()
            except OSError:
                return
            try:
                server = socket.create_connection(("127.0.0.1", self.upstream_port))
            except OSError:
                client.close()
                continue
            sent = bytearray()
            with self._lock:
                self._streams.append(sent)
                self._socks += [client, server]
            threading.Thread(target=self._pump, args=(client, server, sent), daemon=True).start()
            threading.Thread(target=self._pump, args=(server, client, None), daemon=True).start()

    def _pump(self, src: socket.socket, dst: socket.socket, keep: bytearray | None) -> None:
        try:
            while data := src.recv(65536):
                if keep is not None:
                    with self._lock:
                        keep += data
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def viewer_bytes(self) -> bytes:
        """What the latest viewer connection sent."""
        with self._lock:
            return bytes(self._streams[-1]) if self._streams else b""

    def key_events(self) -> list[tuple[int, bool]]:
        """(keysym, down) of every key message the latest viewer sent, in order."""
        return parse_key_events(self.viewer_bytes())

    def typed(self) -> str:
        """The printable keys pressed (key downs of Latin-1 keysyms) as text."""
        return "".join(chr(k) for k, down in self.key_events() if down and 0x20 <= k < 0x7F)

    def close(self) -> None:
        self._closed = True
        self._listen.close()
        with self._lock:
            for s in self._socks:
                s.close()


def parse_key_events(data: bytes) -> list[tuple[int, bool]]:
    """Key events in a viewer's RFB 3.8 byte stream (security None or VNC auth).

    Stops at the first incomplete message (the rest has not arrived yet).
    """
    if len(data) < 12 or not data.startswith(b"RFB 003.008\n"):
        return []
    pos = 12 + 1 + 1  # version, security type chosen (None), ClientInit
    keys: list[tuple[int, bool]] = []
    while pos < len(data):
        t = data[pos]
        size: int
        if t == 0:
            size = 20
        elif t == 2:
            if pos + 4 > len(data):
                break
            size = 4 + 4 * struct.unpack_from(">H", data, pos + 2)[0]
        elif t == 3:
            size = 10
        elif t == 4:
            size = 8
            if pos + size <= len(data):
                down, keysym = struct.unpack_from(">BxxI", data, pos + 1)
                keys.append((keysym, bool(down)))
        elif t == 5:
            size = 6
        elif t == 6:
            if pos + 8 > len(data):
                break
            size = 8 + abs(struct.unpack_from(">i", data, pos + 4)[0])
        elif t == 255:
            if pos + 2 > len(data):
                break
            if data[pos + 1] != 0:
                raise ValueError(f"unexpected QEMU client message {data[pos + 1]}")
            size = 12
            if pos + size <= len(data):
                down, keysym = struct.unpack_from(">HI", data, pos + 2)
                keys.append((keysym, bool(down)))
        else:
            raise ValueError(f"unexpected viewer message type {t} at {pos}")
        if pos + size > len(data):
            break
        pos += size
    return keys
