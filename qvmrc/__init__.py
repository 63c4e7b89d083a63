"""QVMRC: desktop console for LimiQuantix virtual machines."""

__version__ = "0.1.0"
