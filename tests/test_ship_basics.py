"""The package is the app: version from metadata, OS trust store, platform folders, headless stays Qt-free,
Help › Keyboard shortcuts and Help › About."""

from __future__ import annotations

import os
import ssl
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest

from qvmrc.controlplane.devserver import DevServer
from tests.support import servers
from tests.test_e2e_controlplane import link, qvmrc

ROOT = Path(__file__).resolve().parent.parent


def test_version_comes_from_the_package_metadata() -> None:
    out = subprocess.run([sys.executable, "-m", "qvmrc", "--version"], capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=60)
    assert out.stdout.strip() == f"qvmrc {version('qvmrc')}"


def test_pyproject_has_no_gui_extra_and_the_app_needs_no_extra() -> None:
    text = (ROOT / "pyproject.toml").read_text()
    import re

    assert not re.search(r"^gui\s*=", text, re.M) and "[gui]" not in (ROOT / "packaging" / "README.md").read_text()
    for dep in ("PySide6-Essentials", "qasync", "keyring", "truststore", "platformdirs"):
        assert f'"{dep}' in text


def test_system_trust_goes_through_truststore() -> None:
    import truststore

    from qvmrc.tls import system_context

    ctx = system_context()
    assert isinstance(ctx, truststore.SSLContext)
    assert ctx.verify_mode == ssl.CERT_REQUIRED and ctx.check_hostname


async def test_an_appliance_ca_installed_in_the_os_trust_store_just_works(tmp_path: Path) -> None:
    """SSL_CERT_FILE is the OS trust store as OpenSSL (and so truststore on Linux) reads it."""
    cert, key = servers.self_signed_cert(tmp_path)
    srv = DevServer(demo=True, tls_cert=str(cert), tls_key=str(key))
    async with srv:
        target = link(srv, "demo")
        code, _, err = await qvmrc("snapshot", target, "-o", str(tmp_path / "a.png"), "--timeout", "30",
                                   env={"SSL_CERT_FILE": str(cert)})
        assert code == 0, err  # no --ca-file: the API call and the wss console both trust the OS store
        assert srv.console_sessions == 1


def test_config_and_log_folders_come_from_platformdirs_unless_overridden(monkeypatch, tmp_path: Path) -> None:
    import platformdirs

    from qvmrc.paths import config_dir, log_dir

    monkeypatch.delenv("QVMRC_CONFIG_DIR", raising=False)
    assert config_dir() == Path(platformdirs.user_config_dir("qvmrc", appauthor=False, roaming=True))
    assert log_dir() == Path(platformdirs.user_log_dir("qvmrc", appauthor=False))
    monkeypatch.setenv("QVMRC_CONFIG_DIR", str(tmp_path))
    assert config_dir() == tmp_path and log_dir() == tmp_path / "logs"


@pytest.mark.parametrize("argv", [["register-handler"], ["unregister-handler"], ["--version"]])
def test_handler_commands_are_headless_and_never_import_qt(tmp_path: Path, argv: list[str]) -> None:
    code = ("import sys; from qvmrc.cli import main\n"
            f"try:\n    main({argv!r})\nexcept SystemExit:\n    pass\n"
            "print('QT' if any(m.startswith('PySide6') for m in sys.modules) else 'NO-QT')")
    env = {k: v for k, v in os.environ.items() if not k.startswith("XDG_")}
    env.update(HOME=str(tmp_path), PYTHONPATH=str(ROOT))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert out.stdout.strip().splitlines()[-1] == "NO-QT", out.stderr
    assert "Traceback" not in out.stderr


def test_the_log_file_rotates_and_is_scrubbed(tmp_path: Path) -> None:
    import logging

    from qvmrc import logfile
    from qvmrc.ui.logscrub import register_secret

    path = logfile.install(path=tmp_path / "logs" / "qvmrc.log")
    try:
        register_secret("s3cret-token-value")
        log = logging.getLogger("qvmrc.test.rotation")
        log.setLevel(logging.INFO)
        for i in range(40000):
            log.info("line %d with s3cret-token-value and Authorization: Bearer abcdef", i)
    finally:
        logfile.uninstall()
    assert path is not None
    files = sorted(path.parent.glob("qvmrc.log*"))
    assert [f.name for f in files] == ["qvmrc.log", "qvmrc.log.1", "qvmrc.log.2", "qvmrc.log.3"]
    assert all(f.stat().st_size <= logfile.MAX_BYTES for f in files)
    text = path.read_text()
    assert "s3cret-token-value" not in text and "abcdef" not in text and "line 39999" in text


def test_help_menu_has_shortcuts_and_about_with_versions_folders_and_copy(qtbot, qapp, tmp_path, monkeypatch):
    from PySide6 import QtCore
    from PySide6.QtGui import QGuiApplication

    from qvmrc import __version__
    from qvmrc.settings import Settings
    from qvmrc.ui.help import SHORTCUTS, AboutDialog, ShortcutsDialog
    from qvmrc.ui.main_window import MainWindow

    monkeypatch.setenv("QVMRC_CONFIG_DIR", str(tmp_path))
    window = MainWindow(Settings(), None, None, auto_refresh=False)
    qtbot.addWidget(window)
    help_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Help")
    texts = [a.text() for a in help_menu.actions()]
    assert texts == ["&Keyboard shortcuts", "&About QVMRC"]

    help_menu.actions()[0].trigger()
    shortcuts = window.findChild(ShortcutsDialog)
    assert shortcuts is not None and shortcuts.table.rowCount() == len(SHORTCUTS)
    keys = {shortcuts.table.item(r, 0).text() for r in range(shortcuts.table.rowCount())}
    assert {"F11", "Ctrl+Shift+D", "Ctrl+O"} <= keys

    help_menu.actions()[1].trigger()
    about = window.findChild(AboutDialog)
    assert about is not None
    shown = about.details.text()
    assert QtCore.qVersion() in shown and str(tmp_path) in shown and str(tmp_path / "logs") in shown
    about.copy_button.click()
    copied = QGuiApplication.clipboard().text()
    assert f"QVMRC: {__version__}" in copied and f"Config folder: {tmp_path}" in copied
    assert "PySide6: " in copied and "Log file: " in copied
