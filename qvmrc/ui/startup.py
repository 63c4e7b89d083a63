"""What happens around the window on start: one instance, links from the OS, first-start steps.

``run_app`` calls these in order; each is small and testable without running
the whole app:

- :func:`claim_instance` hands the launch to a running QVMRC (then this process
  exits 0) or makes this process the instance;
- :func:`prepare` imports the old qvmc client's saved VMs once;
- :class:`Startup` wires requests from later launches and macOS link events to
  the window, asks once whether QVMRC should open ``qvmrc://`` links, and asks
  where tokens go when no keyring works.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMessageBox, QPushButton, QToolBar, QWidget

from qvmrc.i18n import QT_TRANSLATE_NOOP
from qvmrc.paths import config_dir
from qvmrc.settings import SecretStore, Settings, SettingsStore
from qvmrc.ui import dialogs
from qvmrc.ui.a11y import name_buttons
from qvmrc.ui.file_open import LinkOpenFilter
from qvmrc.ui.file_open import install as install_link_filter
from qvmrc.ui.single_instance import Claim, InstanceServer, OpenRequest, bring_to_front, claim

log = logging.getLogger(__name__)

HANDLER_QUESTION = QT_TRANSLATE_NOOP("Startup", "Open qvmrc:// links from the web UI with QVMRC?")

__all__ = ["HANDLER_QUESTION", "Startup", "claim_instance", "install_link_filter", "prepare"]


def claim_instance(target: str | None, demo: bool, token: str | None, password: str | None,
                   new_instance: bool) -> Claim | bool | None:
    """True: a running instance took the request (exit 0). Else a Claim to ``listen()`` once the
    QApplication exists (None with ``--new-instance``). Needs no QApplication itself."""
    request = OpenRequest(target=target, demo=demo, token=token, password=password)
    result = claim(config_dir(), request, new_instance)
    if result is True:
        log.info("handed over to the running QVMRC")
    return result


def prepare(settings: Settings, store: SettingsStore) -> str | None:
    """Import the old qvmc client's config once; returns a line for the status bar (or None)."""
    if settings.legacy_imported:
        return None
    from qvmrc.legacy_import import import_legacy

    try:
        result = import_legacy(settings)
    except Exception as e:  # never let an old file stop the app from starting
        log.warning("importing the old qvmc config failed: %s: %s", type(e).__name__, e)
        return None
    settings.legacy_imported = True
    if result is None:
        _save(store, settings)  # nothing to import: don't look again
        return None
    if result.warning:
        log.warning("%s", result.warning)
    else:
        log.info("%s", result.summary())
    _save(store, settings)
    return result.summary()


def _save(store: SettingsStore | None, settings: Settings) -> None:
    if store is None:
        return
    try:
        store.save(settings)
    except OSError as e:
        log.warning("cannot save settings: %s", e.strerror or e)


def describe_target(target: str) -> str:
    """For the log: a link's scheme and VM, or an address without credentials or query."""
    from urllib.parse import parse_qs, urlsplit

    from qvmrc.settings import display_url

    try:
        parts = urlsplit(target.strip())
        query = parse_qs(parts.query)
    except ValueError:
        return "(an invalid address)"
    if parts.scheme.lower() in ("qvmrc", "qvmc"):
        vm = (query.get("vmId") or query.get("vm") or [""])[0]
        return f"a {parts.scheme.lower()}:// link to VM {vm[:80]!r}"
    return display_url(target)


class Startup:
    """Connects a shown MainWindow to the instance server, link events and first-start questions."""

    def __init__(self, window: Any, settings: Settings, store: SettingsStore | None,
                 secrets: SecretStore | None, *, instance: InstanceServer | None = None,
                 links: LinkOpenFilter | None = None,
                 start_demo: Callable[[Any], Awaitable[Any]] | None = None) -> None:
        self.window = window
        self.settings = settings
        self.store = store
        self.secrets = secrets
        self.instance = instance
        self.start_demo = start_demo
        self.demo_servers: list[Any] = []
        self.banner: QToolBar | None = None
        self._asking_secret = False
        if instance is not None:
            instance.requestReceived.connect(self.deliver)
        if links is not None:
            links.set_receiver(lambda link: self.deliver(OpenRequest(target=link)))
        if secrets is not None:
            secrets.on_needs_choice = lambda: QTimer.singleShot(0, self._ask_secret_storage)

    # ----------------------------------------------------------- requests

    def deliver(self, request: OpenRequest) -> None:
        """A later launch's (or macOS's) request: window to the front, then open or focus."""
        bring_to_front(self.window)
        if request.demo:
            from qvmrc.ui.app import DEMO_KEY

            tab = self.window.tabs_by_key.get(DEMO_KEY)
            if tab is not None:
                self.window.tabs.setCurrentWidget(tab)
            elif self.start_demo is not None:
                asyncio.ensure_future(self._demo())
        elif request.target:
            log.info("opening %s, asked for by another launch", describe_target(request.target))
            self.window.open_string(request.target, token=request.token, password=request.password)

    async def _demo(self) -> None:
        assert self.start_demo is not None
        self.demo_servers.append(await self.start_demo(self.window))

    async def close(self) -> None:
        if self.instance is not None:
            self.instance.close()
        for server in self.demo_servers:
            server.close()
            await server.wait_closed()

    # ------------------------------------------------- link handler question

    async def maybe_ask_handler(self) -> None:
        """First GUI start with no handler registered: ask once (a bar, not a modal dialog)."""
        if self.settings.link_handler_asked:
            return
        from qvmrc import handlers

        try:
            registered = await asyncio.to_thread(handlers.is_registered)
        except Exception as e:
            log.info("cannot tell whether links open QVMRC: %s", e)
            return
        if registered is not False:  # registered, or the OS decides (macOS Info.plist)
            return
        self.show_handler_banner()

    def show_handler_banner(self) -> QToolBar:
        bar = QToolBar(QCoreApplication.translate("Startup", "Links"), self.window)
        bar.setObjectName("linkHandlerBar")
        bar.setMovable(False)
        box = QWidget()
        lay = QHBoxLayout(box)
        lay.setContentsMargins(8, 2, 8, 2)
        label = QLabel(QCoreApplication.translate("Startup", "<b>{0}</b> Then “Open console” in the web UI opens it here.").format(QCoreApplication.translate("Startup", HANDLER_QUESTION)))
        yes = QPushButton(QCoreApplication.translate("Startup", "Open links with QVMRC"))
        no = QPushButton(QCoreApplication.translate("Startup", "Not now"))
        yes.setAccessibleName(QCoreApplication.translate("Startup", "Open links with QVMRC"))
        no.setAccessibleName(QCoreApplication.translate("Startup", "Do not open links with QVMRC now"))
        yes.setObjectName("handlerYes")
        no.setObjectName("handlerNo")
        lay.addWidget(label, 1)
        lay.addWidget(yes)
        lay.addWidget(no)
        bar.addWidget(box)
        self.window.addToolBar(bar)
        self.window.insertToolBarBreak(bar)
        yes.clicked.connect(lambda: asyncio.ensure_future(self.answer_handler(True)))
        no.clicked.connect(lambda: asyncio.ensure_future(self.answer_handler(False)))
        self.banner = bar
        return bar

    async def answer_handler(self, yes: bool) -> None:
        from qvmrc import handlers

        if self.banner is not None:
            self.banner.hide()
            self.banner.deleteLater()
            self.banner = None
        self.settings.link_handler_asked = True
        _save(self.store, self.settings)
        if not yes:
            log.info("link handler: not registered (the user said not now; `qvmrc register-handler` "
                     "does it later)")
            return
        try:
            lines = await asyncio.to_thread(handlers.register)
        except handlers.HandlerError as e:
            self.window.notify(QCoreApplication.translate("Startup", "Links"), str(e), True)
            return
        for line in lines:
            log.info("link handler: %s", line)
        self.window.notify(QCoreApplication.translate("Startup", "Links"), QCoreApplication.translate("Startup", "qvmrc:// and qvmc:// links now open QVMRC"), False)

    # ------------------------------------------------------- secret storage

    def _ask_secret_storage(self) -> None:
        if self._asking_secret or self.secrets is None or not self.secrets.needs_choice:
            return
        self._asking_secret = True
        asyncio.ensure_future(self.ask_secret_storage())

    async def ask_secret_storage(self) -> str:
        """No keyring works: the user chooses memory-only or a 0600 file; the answer is kept."""
        assert self.secrets is not None
        box = QMessageBox(QMessageBox.Icon.Warning, QCoreApplication.translate("Startup", "Where should tokens be kept?"),
                          QCoreApplication.translate("Startup", "No system keyring is available (Secret Service, Keychain or Credential "
                              "Locker), so QVMRC cannot store tokens safely."),
                          QMessageBox.StandardButton.NoButton, self.window)
        box.setInformativeText(
            QCoreApplication.translate("Startup", "Keep them for this session only (asked again after a restart), or save them in "
                "{0} — readable only by you, but NOT encrypted.").format(self.secrets.path))
        session = box.addButton(QCoreApplication.translate("Startup", "This session only"), QMessageBox.ButtonRole.RejectRole)
        box.addButton(QCoreApplication.translate("Startup", "Save in a file (not encrypted)"), QMessageBox.ButtonRole.AcceptRole)
        box.setDefaultButton(session)
        name_buttons(box)
        box.setObjectName("secretStorageQuestion")
        try:
            await dialogs._await_dialog(box)
            choice = "session" if box.clickedButton() is session or box.clickedButton() is None else "file"
            self.secrets.choose(choice)
            if choice == "file":  # "this session only" is asked again after a restart
                self.settings.secret_storage = choice
                _save(self.store, self.settings)
            if choice == "file":
                log.warning("tokens are stored unencrypted in %s (mode 0600), as chosen", self.secrets.path)
            else:
                log.info("tokens are kept in memory for this session only, as chosen")
            return choice
        finally:
            self._asking_secret = False
