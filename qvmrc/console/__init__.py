"""The console's model below Qt: what state a console is in and what happens next.

The UI renders :class:`~qvmrc.console.state.ConsoleState`; it decides nothing.
Nothing here imports Qt (a test checks it).
"""

from qvmrc.console.failures import Failure, FailureKind, classify
from qvmrc.console.state import Action, ConsoleModel, ConsoleState, Outcome, Phase, Plan

__all__ = ["Action", "ConsoleModel", "ConsoleState", "Failure", "FailureKind", "Outcome", "Phase",
           "Plan", "classify"]
