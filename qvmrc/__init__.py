"""QVMRC: desktop console for LimiQuantix virtual machines."""

from importlib.metadata import PackageNotFoundError, version


def _version() -> str:
    """The installed distribution's version (pyproject.toml is the one place it is written)."""
    try:
        return version("qvmrc")
    except PackageNotFoundError:  # a source tree that was never installed
        return "0+unknown"


__version__ = _version()
