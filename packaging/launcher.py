"""Entry point of the frozen app (PyInstaller runs this file; the package does the rest)."""

from qvmrc.cli import main

raise SystemExit(main())
