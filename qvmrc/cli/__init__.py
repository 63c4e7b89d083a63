"""The ``qvmrc`` command.

Every failure ends as one stderr line ``qvmrc: error: ...`` and a non-zero
exit (2 for usage, 3 for a refused password), never a traceback. The parts:
:mod:`.parser` (grammar), :mod:`.resolve` (TARGET, shared with the app),
:mod:`.tls` (certificate options), :mod:`.commands`, :mod:`.output`.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Sequence

from qvmrc.allocator import keep_freed_memory
from qvmrc.cli.commands import (
    cmd_add_control_plane,
    cmd_gui,
    cmd_handler,
    cmd_record,
    cmd_replay,
    cmd_snapshot,
    cmd_type,
)
from qvmrc.cli.output import fail, setup_logging
from qvmrc.cli.parser import EXIT_USAGE, build_parser, with_open
from qvmrc.cli.tls import trust_hint
from qvmrc.errors import AuthenticationError, QVMRCError

EXIT_ERROR = 1
EXIT_AUTH = 3

__all__ = ["EXIT_AUTH", "EXIT_ERROR", "EXIT_USAGE", "build_parser", "main"]


def main(argv: Sequence[str] | None = None) -> int:
    argv = with_open(list(sys.argv[1:] if argv is None else argv))
    first = next((a for a in argv if not a.startswith("-")), None)
    parser = build_parser(with_devserver=first == "devserver" or first is None)
    args = parser.parse_args(argv)
    setup_logging(getattr(args, "verbose", False))
    keep_freed_memory()
    try:
        if args.command in (None, "open"):
            return cmd_gui(args)
        if args.command == "demo":
            return cmd_gui(args, demo=True)
        if args.command == "replay":
            return cmd_replay(args)
        if args.command == "add-control-plane":
            return cmd_add_control_plane(args)
        if args.command == "devserver":
            from qvmrc.controlplane.devserver import run as run_devserver

            return run_devserver(args)
        if args.command in ("register-handler", "unregister-handler"):
            return cmd_handler(args)
        command = {"snapshot": cmd_snapshot, "type": cmd_type, "record": cmd_record}[args.command]
        return asyncio.run(command(args))
    except AuthenticationError as e:
        fail(str(e))
        return EXIT_AUTH
    except QVMRCError as e:
        fail(str(e) + trust_hint(e, args))
        return EXIT_ERROR
    except KeyboardInterrupt:
        fail("interrupted")
        return 130
    except MemoryError:
        fail("out of memory")
        return EXIT_ERROR
