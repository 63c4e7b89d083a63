"""VNC Authentication: DES of the server's challenge with the password.

VNC uses the first 8 password bytes as a DES key with each byte's bits
reversed (a historical accident kept for compatibility).
"""

from __future__ import annotations

try:  # cryptography >= 43 moved TripleDES here; K1=K2=K3 is single DES
    from cryptography.hazmat.decrepit.ciphers.algorithms import TripleDES
except ImportError:  # pragma: no cover - older cryptography
    from cryptography.hazmat.primitives.ciphers.algorithms import TripleDES  # type: ignore[no-redef,unused-ignore]
from cryptography.hazmat.primitives.ciphers import Cipher, modes

_REVERSED = bytes(int(f"{i:08b}"[::-1], 2) for i in range(256))


def vnc_key(password: str) -> bytes:
    raw = password.encode("utf-8")[:8].ljust(8, b"\0")
    return raw.translate(_REVERSED)


def vnc_auth_response(password: str, challenge: bytes) -> bytes:
    if len(challenge) != 16:
        raise ValueError("VNC challenge must be 16 bytes")
    enc = Cipher(TripleDES(vnc_key(password) * 3), modes.ECB()).encryptor()
    return enc.update(challenge) + enc.finalize()
