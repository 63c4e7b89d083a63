"""Start the desktop app: QApplication + qasync loop, the main window, `qvmrc demo` / `qvmrc TARGET`.

Errors reach the user as a dialog or one line on stderr, never as a traceback:
a missing display is checked before Qt would abort the process, and anything
unexpected is logged (the debug panel has the details).
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
from collections.abc import Mapping
from types import TracebackType

from qvmrc.ui import platform_start

log = logging.getLogger("qvmrc.ui")

DEMO_KEY = "demo"


def _no_display_reason() -> str | None:
    if sys.platform.startswith(("win", "darwin")) or os.environ.get("QT_QPA_PLATFORM"):
        return None
    if os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
        return None
    return "no display: DISPLAY and WAYLAND_DISPLAY are not set (the desktop app needs a screen)"


def preferred_platform(env: Mapping[str, str], platform: str = sys.platform) -> str | None:
    """The Qt platform(s) to ask for, or None for Qt's own choice (see platform_start)."""
    return platform_start.platform_env(env, platform)


def _setup_logging(handler: logging.Handler) -> None:
    """Debug panel sees INFO (DEBUG with -v); stderr keeps what the CLI chose; secrets are scrubbed."""
    from qvmrc.ui.logscrub import install

    root = logging.getLogger()
    before = root.level or logging.WARNING
    for h in root.handlers:
        if h.level == logging.NOTSET:
            h.setLevel(before)
    root.addHandler(handler)
    root.setLevel(min(before, logging.INFO))
    install(root)


def _excepthook(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
    if issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, value, tb)
        return
    log.error("unexpected error: %s: %s", kind.__name__, " ".join(str(value).split())[:300])
    log.debug("details", exc_info=(kind, value, tb))


def run_app(target: str | None = None, demo: bool = False, *, token: str | None = None,
            password: str | None = None, new_instance: bool = False) -> int:
    """Run the window until it closes; returns the process exit code."""
    reason = _no_display_reason()
    if reason:
        sys.stderr.write(f"qvmrc: error: {reason}\n")
        return 1
    try:
        import qasync
        from PySide6.QtWidgets import QApplication
    except ImportError as e:  # a broken install: both are dependencies of the package
        sys.stderr.write(f"qvmrc: error: the desktop app cannot load Qt ({e}); reinstall qvmrc\n")
        return 1
    from qvmrc.ui import startup

    claimed = startup.claim_instance(target, demo, token, password, new_instance)
    if claimed is True:
        return 0  # the running QVMRC opens it

    from qvmrc.settings import SecretStore, SettingsStore
    from qvmrc.ui.debug_panel import QtLogHandler
    from qvmrc.ui.main_window import MainWindow, apply_theme

    end = platform_start.AppEnd()
    existing = QApplication.instance()
    chosen = None if isinstance(existing, QApplication) else preferred_platform(os.environ)
    if chosen:
        os.environ["QT_QPA_PLATFORM"] = chosen
    if not isinstance(existing, QApplication):
        platform_start.install_qt_messages(end)
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    links = startup.install_link_filter(app)  # macOS: a link that starts the app comes as an event
    instance = claimed.listen() if claimed else None
    app.setApplicationName("QVMRC")
    app.setOrganizationName("LimiQuantix")
    app.setDesktopFileName("qvmrc")
    from importlib.resources import files

    from PySide6.QtGui import QIcon

    icon = files("qvmrc") / "resources" / "qvmrc.svg"
    if icon.is_file():
        app.setWindowIcon(QIcon(str(icon)))
    app.setQuitOnLastWindowClosed(False)
    from qvmrc import i18n

    i18n.install(app)  # before any window: texts are translated when widgets are made

    handler = QtLogHandler()
    _setup_logging(handler)
    from qvmrc import logfile

    logfile.install()
    platform_start.log_platform()
    old_hook = sys.excepthook
    sys.excepthook = _excepthook

    from PySide6 import __version__ as pyside_version
    from PySide6.QtCore import QCoreApplication

    from qvmrc.ui.toolkit import toolkit_problem
    from qvmrc.ui.vitals import install as install_vitals

    problem = toolkit_problem(pyside_version)
    if problem:
        log.error("%s", problem)
        sys.stderr.write(f"qvmrc: warning: {problem}\n")

    store = SettingsStore()
    settings = store.load()
    imported = startup.prepare(settings, store)
    secrets = SecretStore(fallback=settings.secret_storage)
    apply_theme(settings)

    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    window = MainWindow(settings, store, secrets, handler)
    if store.warning:
        sys.stderr.write(f"qvmrc: warning: {store.warning}\n")
        window.notify(QCoreApplication.translate("app", "Settings"), store.warning, error=False)
    if problem:
        window.statusBar().showMessage(problem)
    _vitals = install_vitals(window)  # lives as long as this function
    platform_start.place_first_window(window)
    window.show()
    boot = startup.Startup(window, settings, store, secrets, instance=instance, links=links,
                           start_demo=_start_demo)
    if imported:
        window.notify(QCoreApplication.translate("app", "Old qvmc client"), imported, error=False)

    async def main() -> int:
        closed = asyncio.Event()
        app.lastWindowClosed.connect(closed.set)

        def on_signal(signum: int) -> None:
            end.signal = signum
            log.info("%s: closing the consoles", platform_start.signal_name(signum))
            window.close()
            closed.set()

        unwatch = platform_start.watch_signals(on_signal)
        server = None
        asyncio.ensure_future(boot.maybe_ask_handler())
        try:
            if demo:
                server = await _start_demo(window)
            elif target:
                window.open_string(target, token=token, password=password)
            await closed.wait()
        finally:
            unwatch()
            if not end.display_lost:  # else the loop is gone: nothing can be awaited
                await window.close_all()
                await boot.close()
                if server is not None:
                    server.close()
                    await server.wait_closed()
        return end.exit_code

    def quiet_after_display_loss(lp: asyncio.AbstractEventLoop, context: dict[str, object]) -> None:
        if not end.display_lost:
            lp.default_exception_handler(context)

    loop.set_exception_handler(quiet_after_display_loss)
    try:
        with loop:
            return loop.run_until_complete(main())
    except KeyboardInterrupt:
        return 130
    except RuntimeError:
        if not end.display_lost:  # Qt stops the loop when the X server is gone
            raise
        sys.stderr.write(end.message() + "\n")
        sys.stderr.flush()
        logging.shutdown()  # the log file keeps what happened
        # Nothing can be closed without a display; Qt's and asyncio's teardown
        # (pending coroutines, the dead X connection) would only add noise.
        os._exit(1)
    finally:
        sys.excepthook = old_hook
        logging.getLogger().removeHandler(handler)
        logfile.uninstall()


async def _start_demo(window: object) -> object:
    """The demo VM in this process, opened in a tab like any other console."""
    from qvmrc.demo import DemoServer
    from qvmrc.ui.console_tab import ConsoleTarget

    server = DemoServer()
    port = await server.start("127.0.0.1", int(os.environ.get("QVMRC_DEMO_PORT", "0") or 0))
    log.info("demo VM listening on vnc://127.0.0.1:%d", port)
    window.open_target(ConsoleTarget(key=DEMO_KEY, title="Demo VM",  # type: ignore[attr-defined]
                                     target=f"vnc://127.0.0.1:{port}", trusted=True))
    return server
