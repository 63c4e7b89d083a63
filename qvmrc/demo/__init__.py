"""The demo VM: a small VNC server with a live screen, for trying QVMRC and for tests.

It is a demo and a fixture, never a stand-in for real servers in the engine's tests.
"""

from qvmrc.demo.screen import DemoScreen
from qvmrc.demo.server import DemoServer

__all__ = ["DemoServer", "DemoScreen"]
