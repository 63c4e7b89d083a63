"""``qvmrc devserver``: a development control plane that speaks LimiQuantix's API.

It answers the VMService Connect-RPC calls QVMRC uses (:mod:`.rpc`) and proxies
``/api/console/{vmId}/ws`` to real VNC servers named on the command line
(:mod:`.proxy`), the way the Go backend does: same preflight and error codes, no
WebSocket subprotocol selected, one binary frame per TCP read (or random
re-chunking with ``--chunking random`` to shake out framing bugs). GetConsole
answers the hypervisor's view, ``127.0.0.1`` and a port nobody should dial, so a
client that dials it is caught.

CD/DVD drives are emulated as the backend keeps them (``spec.cdroms[]``, one empty
drive ``cdrom-1`` per VM unless told otherwise, :mod:`.model`), with an ISO library
standing in for the platform's storage. :mod:`.command` is the command line.
"""

from qvmrc.controlplane.devserver.command import add_arguments, main, run
from qvmrc.controlplane.devserver.model import (
    CONSOLE_ERRORS,
    CONSOLE_MESSAGES,
    DEFAULT_ISOS,
    HOST,
    STATES,
    DevVM,
    parse_vm_spec,
    unused_port,
)
from qvmrc.controlplane.devserver.server import DevServer

__all__ = ["CONSOLE_ERRORS", "CONSOLE_MESSAGES", "DEFAULT_ISOS", "HOST", "STATES", "DevServer", "DevVM",
           "add_arguments", "main", "parse_vm_spec", "run", "unused_port"]
