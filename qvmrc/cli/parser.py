"""The command line's grammar: subcommands, their options, and checks of option values.

Value checks live in argparse types so a bad value is a usage error (exit 2)
before anything connects.
"""

from __future__ import annotations

import argparse
import sys
from typing import NoReturn

from qvmrc import __version__

EXIT_USAGE = 2

#: Every subcommand; a first word that is none of these is a TARGET for ``open``.
COMMANDS = frozenset({"snapshot", "type", "record", "replay", "devserver", "demo", "open", "register-handler",
                      "unregister-handler", "add-control-plane"})


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        sys.stderr.write(f"qvmrc: error: {message} (see qvmrc --help)\n")
        raise SystemExit(EXIT_USAGE)


def _number(value: str, kind: type[int] | type[float], low: float, high: float, what: str) -> float:
    try:
        n = kind(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not {what}") from None
    if not low <= n <= high:
        raise argparse.ArgumentTypeError(f"{value} is out of range for {what}")
    return n


def _level(value: str) -> int:
    return int(_number(value, int, 0, 9, "a number 0-9"))


def _seconds(value: str) -> float:
    return _number(value, float, 0, 86400, "a number of seconds (0-86400)")


def _encodings(value: str) -> list[str]:
    from qvmrc.rfb.encodings.numbers import PIXEL_ENCODINGS

    names = [v.strip().lower() for v in value.split(",") if v.strip()]
    bad = [n for n in names if n not in PIXEL_ENCODINGS]
    if bad or not names:
        raise argparse.ArgumentTypeError(
            f"unknown encoding {', '.join(bad) or '(none)'}; choose from {','.join(PIXEL_ENCODINGS)}")
    return names


def _size(value: str) -> int:
    units = {"k": 1024, "m": 1024**2, "g": 1024**3}
    text = value.strip().lower().removesuffix("b")
    mult = units.get(text[-1:], 1)
    try:
        n = int(text[:-1] if text[-1:] in units else text) * mult
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a size (e.g. 500M, 2G)") from None
    if n < 1024:
        raise argparse.ArgumentTypeError(f"{value} is too small for a recording (at least 1K)")
    return n


def _pixel_format(value: str) -> str:
    from qvmrc.rfb.pixelformat import PIXEL_FORMAT_NAMES

    if value not in PIXEL_FORMAT_NAMES:
        raise argparse.ArgumentTypeError(f"unknown pixel format {value!r}; choose from {'|'.join(PIXEL_FORMAT_NAMES)}")
    return value


def _add_secret_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--password-env", metavar="VAR", help="read the VNC password from this environment variable")
    p.add_argument("--token-env", metavar="VAR", help="read the control plane's bearer token from this variable")


def _add_connect_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("target", metavar="TARGET",
                   help="ws://... | wss://... | vnc://host[:port] | qvmrc://connect?url=...&vmId=...")
    p.add_argument("--encodings", type=_encodings, default=None,
                   help="preference order, e.g. tight,zrle,hextile,raw")
    p.add_argument("--jpeg-quality", type=_level, default=None, help="0-9; without it no JPEG is offered")
    p.add_argument("--compress-level", type=_level, default=None, help="0-9")
    p.add_argument("--pixel-format", type=_pixel_format, default="rgb888",
                   help="rgb888|bgr888|rgb565|rgb555|bgr233|native")
    _add_secret_options(p)
    p.add_argument("--timeout", type=_seconds, default=15.0, help="seconds (default 15)")
    p.add_argument("--settle", type=_seconds, default=0.0,
                   help="after the first complete frame keep applying updates for S seconds")
    p.add_argument("--insecure", action="store_true", help="do not verify TLS certificates (labs only)")
    p.add_argument("--insecure-token", action="store_true",
                   help="like --insecure, and send the control plane's token all the same")
    p.add_argument("--ca-file", help="trust this CA / self-signed certificate (PEM) for https/wss")
    p.add_argument("--pin", metavar="SHA256",
                   help="trust exactly the https/wss certificate with this SHA-256 fingerprint")
    p.add_argument("--vnc-ca-file", metavar="PEM",
                   help="VeNCrypt X509*: the CA that signed the VNC server's own certificate")
    p.add_argument("--vnc-server-name", metavar="NAME",
                   help="VeNCrypt X509*: also require the VNC server's certificate to name NAME")
    p.add_argument("--username", help="VeNCrypt TLSPlain/X509Plain: the username (password: --password-env)")
    p.add_argument("-v", "--verbose", action="store_true", help="log protocol details to stderr")


def _add_app_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("-v", "--verbose", action="store_true")
    p.add_argument("--new-instance", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)


def build_parser(with_devserver: bool = True) -> argparse.ArgumentParser:
    """The whole parser; ``with_devserver=False`` skips importing the devserver
    (aiohttp, ~0.1 s) for commands that don't need it."""
    parser = _Parser(prog="qvmrc", description="QVMRC: console for LimiQuantix virtual machines.")
    parser.add_argument("--version", action="version", version=f"qvmrc {__version__}")
    parser.add_argument("--new-instance", action="store_true",
                        help="start a separate app instead of handing over to the running one")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    p = sub.add_parser("snapshot", help="connect, receive one complete frame, write a PNG")
    _add_connect_options(p)
    p.add_argument("-o", "--output", required=True, metavar="OUT.png")

    p = sub.add_parser("type", help="send text as key presses and releases")
    _add_connect_options(p)
    p.add_argument("--text", required=True)
    p.add_argument("--key-delay", type=_seconds, default=0.008,
                   help="seconds between keys (guests drop keys sent too fast; default 0.008)")

    p = sub.add_parser("record", help="save every byte the server sends (FBS 001.000)")
    _add_connect_options(p)
    p.add_argument("-o", "--output", required=True, metavar="F.fbs")
    p.add_argument("--duration", type=_seconds, required=True, metavar="S")
    p.add_argument("--max-bytes", type=_size, default=2 * 1024**3, metavar="N",
                   help="stop recording when the file would grow past N bytes (K/M/G suffixes; default 2G)")
    p.add_argument("--no-extended-clipboard", dest="extended_clipboard", action="store_false",
                   help="do not announce Extended Clipboard, so clients without it can replay the recording")

    p = sub.add_parser("replay", help="decode an FBS recording as fast as possible")
    p.add_argument("recording", metavar="F.fbs")
    p.add_argument("--bench", action="store_true", help='print {"pixels","seconds","mpix_per_s","rects"}')
    p.add_argument("-o", "--output", metavar="final.png")
    p.add_argument("--pixel-format", type=_pixel_format, default=None,
                   help="the format the recording was made with (default: from its sidecar, else rgb888)")

    p = sub.add_parser("add-control-plane", help="save a control plane as trusted (its links open unasked)")
    p.add_argument("url", metavar="URL", help="https://host[:port][/prefix]")
    p.add_argument("--name", default="", help="the name shown in the sidebar")
    p.add_argument("--token-env", metavar="VAR", help="save the bearer token from this environment variable")
    p.add_argument("--token-file", action="store_true",
                   help="where no system keyring works, keep tokens in a 0600 file (not encrypted)")

    p = sub.add_parser("devserver", help="a development control plane with console proxy")
    if with_devserver:
        from qvmrc.controlplane.devserver import add_arguments as devserver_arguments

        devserver_arguments(p)

    _add_app_options(sub.add_parser("demo", help="open the built-in demo VM in the desktop app"))

    for name, text in (("register-handler", "open qvmrc:// and qvmc:// links with this QVMRC (this user)"),
                       ("unregister-handler", "stop opening qvmrc:// and qvmc:// links with QVMRC")):
        sub.add_parser(name, help=text)

    p = sub.add_parser("open", help="open a console in the desktop app")
    p.add_argument("target", nargs="?", metavar="TARGET")
    _add_secret_options(p)
    _add_app_options(p)
    return parser


def with_open(argv: list[str]) -> list[str]:
    """``qvmrc [options] TARGET`` means ``qvmrc open [options] TARGET``."""
    first = next((a for a in argv if not a.startswith("-")), None)
    if first is not None and first not in COMMANDS and "--help" not in argv and "-h" not in argv:
        return ["open", *argv]
    return argv
