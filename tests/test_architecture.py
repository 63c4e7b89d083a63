"""The layers stay layers: checked by reading every file's imports (ast), not by running them.

Function-local and ``TYPE_CHECKING`` imports count too: a lazy import still ties
the layers together. Each failure names the file:line of the offending import.
See docs/ARCHITECTURE.md for why each rule exists.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "qvmrc"
QT = ("PySide6", "PyQt5", "PyQt6", "shiboken6", "qasync")


def _module_of(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path, root: Path = ROOT) -> Iterator[tuple[int, str]]:
    """(line, absolute module name) for every import in the file, relative ones resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    module = _module_of(path, root)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*up, base] if base else up)
            yield node.lineno, base
            for alias in node.names:  # `from qvmrc import transport` names a module too
                yield node.lineno, f"{base}.{alias.name}"


def _matches(module: str, banned: tuple[str, ...]) -> bool:
    return any(module == b or module.startswith(b + ".") for b in banned)


def offenders(layer: str, banned: tuple[str, ...], root: Path = ROOT) -> list[str]:
    out = []
    where = root / "qvmrc" / layer
    for path in [where] if where.is_file() else sorted(where.rglob("*.py")):
        for line, module in imports(path, root):
            if _matches(module, banned):
                out.append(f"{path.relative_to(root)}:{line} imports {module}")
    return sorted(set(out))


RULES = [
    # The protocol core is sans-IO: bytes in, events and bytes out, testable without a loop.
    ("rfb", ("asyncio", *QT, "socket", "ssl", "websockets")),
    # The UI talks to a Session, never to a byte pipe.
    ("ui", ("qvmrc.transport",)),
    # The console model (targets, reconnect plan, failures) runs in the CLI and in plain tests.
    ("console", (*QT, "qvmrc.ui")),
    # Settings and trust decisions are read by the CLI and the console model as well.
    ("settings", (*QT, "qvmrc.ui")),
    ("trust.py", (*QT, "qvmrc.ui")),
    # The transport, the session and the control-plane client serve the headless CLI too.
    ("transport", QT),
    ("session.py", QT),
    ("controlplane", (*QT, "qvmrc.ui")),
]


@pytest.mark.parametrize("layer, banned", RULES, ids=[f"{layer}-imports" for layer, _ in RULES])
def test_layer_keeps_its_imports(layer: str, banned: tuple[str, ...]) -> None:
    assert (PACKAGE / layer).exists()
    bad = offenders(layer, banned)
    assert not bad, "layer rule broken:\n" + "\n".join(bad)


def test_the_import_reader_sees_lazy_relative_and_from_imports(tmp_path: Path) -> None:
    """The checker itself has teeth: each way of importing a banned module is caught."""
    probe = tmp_path / "qvmrc" / "rfb" / "encodings" / "probe.py"
    probe.parent.mkdir(parents=True)
    probe.write_text("from __future__ import annotations\n"
                     "def later():\n    import asyncio\n"
                     "from ... import transport\n"
                     "from PySide6.QtCore import QObject\n"
                     "if False:\n    import ssl as s\n", encoding="utf-8")
    found = {m for _, m in imports(probe, tmp_path)}
    assert {"asyncio", "qvmrc.transport", "PySide6.QtCore", "ssl"} <= found
    assert offenders("rfb", RULES[0][1], tmp_path) == [
        "qvmrc/rfb/encodings/probe.py:3 imports asyncio",
        "qvmrc/rfb/encodings/probe.py:5 imports PySide6.QtCore",
        "qvmrc/rfb/encodings/probe.py:5 imports PySide6.QtCore.QObject",
        "qvmrc/rfb/encodings/probe.py:7 imports ssl",
    ]
    assert offenders("ui", ("qvmrc.transport",), tmp_path) == []


# One home per helper: a second definition is how two copies start to disagree.
ONE_HOME = {
    "is_deep_link": "qvmrc/controlplane/deeplink.py",
    "redact_url": "qvmrc/redact.py",
    "normalise_fingerprint": "qvmrc/certs.py",
    "free_port": "tests/support/ports.py",
    "wait_port": "tests/support/ports.py",
    "compact_len": "tests/support/encode_tight.py",
}


def test_each_shared_helper_is_defined_once() -> None:
    seen: dict[str, list[str]] = {name: [] for name in ONE_HOME}
    for top in ("qvmrc", "tests", "bench", "scripts", "packaging"):
        for path in sorted((ROOT / top).rglob("*.py")):
            if "node_modules" in path.parts:
                continue
            for node in ast.parse(path.read_text(encoding="utf-8"), str(path)).body:  # module-level only
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name in seen:
                    seen[node.name].append(f"{path.relative_to(ROOT)}:{node.lineno}")
    for name, home in ONE_HOME.items():
        assert [p.rsplit(":", 1)[0] for p in seen[name]] == [home], f"{name} defined at {seen[name]}"


def test_no_support_module_shadows_the_standard_library() -> None:
    """Scripts in tests/support (fullscreen_probe.py, busy_server.py) run with that folder
    first on sys.path: a support module named like a stdlib one (http.py) breaks their imports."""
    import sys

    clashes = sorted(p.name for p in (ROOT / "tests" / "support").glob("*.py")
                     if p.stem in sys.stdlib_module_names)
    assert not clashes, f"rename these: {clashes}"
