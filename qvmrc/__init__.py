"""QVMRC: desktop console for LimiQuantix virtual machines."""

from typing import Any


def _version() -> str:
    """The installed distribution's version (pyproject.toml is the one place it is written)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("qvmrc")
    except PackageNotFoundError:  # a source tree that was never installed
        return "0+unknown"


def __getattr__(name: str) -> Any:
    # Looked up when asked for: importlib.metadata costs ~30 ms, paid by every
    # headless command (a snapshot's start) though only --version and About show it.
    if name == "__version__":
        return _version()
    raise AttributeError(f"module 'qvmrc' has no attribute {name!r}")
