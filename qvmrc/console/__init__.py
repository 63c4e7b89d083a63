"""The console's model below Qt: what state a console is in and what happens next.

The UI renders :class:`~qvmrc.console.state.ConsoleState`; it decides nothing.
Nothing here imports Qt (a test checks it).

The names below load on first use, so the CLI's target parser (console.target)
does not pay for the reconnect model at start.
"""

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from qvmrc.console.failures import Failure, FailureKind, classify
    from qvmrc.console.state import Action, ConsoleModel, ConsoleState, Outcome, Phase, Plan

_HOME = {"Failure": "failures", "FailureKind": "failures", "classify": "failures",
         "Action": "state", "ConsoleModel": "state", "ConsoleState": "state", "Outcome": "state",
         "Phase": "state", "Plan": "state"}

__all__ = ["Action", "ConsoleModel", "ConsoleState", "Failure", "FailureKind", "Outcome", "Phase",
           "Plan", "classify"]


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module 'qvmrc.console' has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f"qvmrc.console.{home}"), name)
    globals()[name] = value
    return value
