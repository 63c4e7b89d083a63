"""One console in a tab: the glue between a session, its view, the overlay and the toolbar.

The parts live apart: the view (console_view), the overlay (state_overlay),
the toolbar and status bar (console_toolbar), what the buttons do
(console_actions), Start/Resume/Trust and the password prompt (console_trust),
and the session's listener (session_bridge), whose
signals reach view and tab alike.

The tab is glue around qvmrc.console: the ConsoleModel decides what state the
console is in and when to connect again; the tab renders that state as the
overlay and its buttons, runs each attempt (resolve the target, run a
Session) and performs Start/Resume/Trust. A fresh Session is made for each
attempt; the view keeps the previous session (and so the last frame, dimmed)
until the new one has connected, so the user never stares at a black box.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

from PySide6.QtCore import QEvent, QObject, Signal
from PySide6.QtWidgets import (
    QVBoxLayout,
    QWidget,
)

from qvmrc.console import Action, ConsoleModel, ConsoleState, Outcome, Phase
from qvmrc.console.driver import ConsoleDriver
from qvmrc.console.target import (  # noqa: F401 - the tab's public names, re-exported
    ConsoleTarget,
    look_at_certificate,
    resolver_for,
    target_for_vm,
    target_from_string,
    tls_for,
    vm_key,
)
from qvmrc.errors import AuthenticationError, QVMRCError
from qvmrc.rfb import events as ev
from qvmrc.session import (
    DEFAULT_RECORD_MAX,
    Session,
    SessionListener,
    SessionOptions,
    SessionState,
    backoff_delays,
)
from qvmrc.settings import Settings, display_url
from qvmrc.ui.clipboard import ClipboardSync
from qvmrc.ui.console_actions import ConsoleActionsMixin
from qvmrc.ui.console_toolbar import ConsoleToolbarMixin
from qvmrc.ui.console_trust import ConsoleTrustMixin
from qvmrc.ui.console_view import ConsoleView
from qvmrc.ui.keyboard import SEND_KEY_NAMES as SEND_KEYS  # noqa: F401 - re-exported
from qvmrc.ui.logscrub import register_secret
from qvmrc.ui.power import PowerController
from qvmrc.ui.quality_menu import Quality
from qvmrc.ui.remote_resize import RemoteResizer
from qvmrc.ui.session_bridge import SessionBridge
from qvmrc.ui.state_overlay import OverlaidConsole
from qvmrc.ui.view_session import ConsoleSession
from qvmrc.ui.zoom import SCALE_CHOICES, fit_window, scaled_size

log = logging.getLogger(__name__)

SCALE_LABELS = SCALE_CHOICES
_INTERACTIONS = (QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonDblClick)


# ---------------------------------------------------------------------- tab

SessionFactory = Callable[[str, SessionOptions, SessionListener], ConsoleSession]
Resolver = Callable[[ConsoleTarget], Awaitable[Any]]
Sleep = Callable[[float], Awaitable[None]]


class ConsoleTab(ConsoleToolbarMixin, ConsoleActionsMixin, ConsoleTrustMixin, QWidget):
    """A console with its own connection loop. Call :meth:`start` once a loop runs; :meth:`close_console` to end."""

    titleChanged = Signal(str)
    fullscreenRequested = Signal()
    notification = Signal(str, str, bool)
    recordingChanged = Signal(bool)
    stateTextChanged = Signal(str)
    #: The user pinned a control plane's certificate (the window saves it).
    certificateTrusted = Signal(object)
    #: The tab changed the settings (a pinned ad-hoc certificate): the window saves them.
    settingsChanged = Signal()

    def __init__(self, target: ConsoleTarget, settings: Settings, *,
                 power: PowerController | None = None,
                 session_factory: SessionFactory | None = None,
                 resolver: Resolver | None = None,
                 sleep: Sleep | None = None,
                 password_prompt: Callable[[], Awaitable[str | None]] | None = None,
                 view: ConsoleView | None = None,
                 delays: Callable[[], Iterator[float]] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.target = target
        self.settings = settings
        self.power = power
        self._session_factory: SessionFactory = self._with_quality(session_factory or Session)
        #: This console's own encodings and quality (the Quality menu); None: the preferences'.
        self.quality: Quality | None = None
        self._resolver = resolver or resolver_for(settings)
        self._sleep: Sleep = sleep or asyncio.sleep
        self._password_prompt = password_prompt
        self._delays = delays or backoff_delays
        self.session: ConsoleSession | None = None
        self.state = SessionState.IDLE
        self._task: asyncio.Task[None] | None = None
        self._closed = False
        self._restart = False
        self._ever_connected = False  # in the current attempt
        self._password: str | None = target.password
        self._record_path: str | None = None
        self._recording = False
        self.record_max_bytes = DEFAULT_RECORD_MAX
        self._server_name = ""
        self._in_session = False

        self.view = view if view is not None else ConsoleView()
        self.view.setObjectName("consoleView")
        self.view.scale_mode = settings.scale_mode
        self.view.smooth = settings.smooth_scaling
        self._apply_hotkey(settings)
        self._apply_keys()
        self.bridge = SessionBridge(self.ask_password, self)
        self.resizer = RemoteResizer(self.view, lambda: self.session, self)
        self.clipboard = ClipboardSync(enabled=settings.clipboard_sync and target.trusted, parent=self)
        # The first key or click in this console lets clipboard sharing start.
        self.view.installEventFilter(self)

        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        self.toolbar = self._build_toolbar()
        lay.addWidget(self.toolbar)
        self.area = OverlaidConsole(self.view, self)
        self.overlay = self.area.overlay
        lay.addWidget(self.area, 1)
        self.status = self._build_status()
        lay.addWidget(self.status)

        # The model decides; the tab renders its state and performs Start/Resume/Trust.
        self.model = ConsoleModel(self._where(), can_power=self.target.has_control_plane and power is not None,
                                  can_trust=self._trust_url() is not None, reconnect=settings.reconnect,
                                  delays=self._delays, on_change=self._render)
        self.driver = ConsoleDriver(self.model, self._attempt, self._perform, self._sleep)
        for action in Action:
            self.overlay.buttons[action.value].clicked.connect(
                lambda _=False, a=action: self.driver.press(a))
        # View and tab hear the session the same way; the view takes the new
        # session only once it has connected, so the last frame stays until then.
        self.bridge.stateChanged.connect(self._on_state)
        self.bridge.connectedInfo.connect(self._on_connected)
        self.bridge.frameChanged.connect(self.view.set_frame)
        self.bridge.frameUpdated.connect(self.view.framebuffer_updated)
        self.bridge.cursorChanged.connect(self.view.cursor_changed)
        self.bridge.pointerModeChanged.connect(self.view.pointer_mode_changed)
        self.bridge.sizeChanged.connect(lambda w, h: self.size_label.setText(f"{w} × {h}"))
        self.bridge.sizeChanged.connect(lambda _w, _h: self.resizer.schedule())
        self.bridge.sizeResult.connect(self.resizer.result)
        self.resizer.note.connect(self._note)
        self.bridge.nameChanged.connect(self._on_name)
        self.bridge.cutText.connect(self.clipboard.server_text)
        self.view.pointerModeText.connect(self.pointer_label.setText)
        self.pointer_label.setText(self.view.pointer_mode_text)
        self._render(self.model.state)

    # ------------------------------------------------------------ widgets

    # -------------------------------------------------------------- state

    def _where(self) -> str:
        if self.target.has_control_plane and self.target.cp is not None:
            return self.tr("{vm} on {control_plane}").format(vm=self.target.title, control_plane=self.target.cp.label)
        return display_url(self.target.target)

    def _show(self, title: str, detail: str = "", buttons: tuple[str, ...] = ()) -> None:
        self.overlay.show_state(title, detail, buttons)
        self.view.dimmed = True
        self.state_label.setText(title if not detail else f"{title} — {detail}".replace("\n", " · "))
        self.state_label.setToolTip(self.state_label.text())
        self.stateTextChanged.emit(self.overlay.text())

    def _hide_overlay(self) -> None:
        self.overlay.hide()
        self.view.dimmed = False

    def overlay_text(self) -> str:
        return "" if self.overlay.isHidden() else self.overlay.text()

    def _render(self, st: ConsoleState) -> None:
        """The model's state on screen: overlay and buttons, or the live console."""
        if st.phase is Phase.CONNECTED:
            self._hide_overlay()
            self.state_label.setText(self.tr("Connected to {where}").format(where=st.reason or self._where()))
            self.state_label.setToolTip(self.state_label.text())
            self.stateTextChanged.emit("")
            return
        self._show(st.title, st.detail, tuple(a.value for a in st.actions))

    def _on_state(self, state: SessionState, detail: str) -> None:
        self.state = state
        if state is SessionState.CONNECTING:
            self.model.attempt_started()
        elif state is SessionState.AUTHENTICATING:
            self.model.authenticating()
        elif state is SessionState.CONNECTED:
            self._ever_connected = True
            self.model.connected(detail)

    def _on_connected(self, info: ev.Connected) -> None:
        self._server_name = info.name
        self.view.set_session(self.session)
        self.clipboard.attach(self.session)
        self.clipboard.push_local()
        self.view.setFocus()
        log.info("console %s connected: %dx%d, %s", self.target.title, info.width, info.height,
                 info.pixel_format.describe())

    def _on_name(self, name: str) -> None:
        self._server_name = name

    # --------------------------------------------------------- connection

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.ensure_future(self._connect_loop())

    @property
    def task(self) -> asyncio.Task[None] | None:
        return self._task

    @property
    def vm_state(self) -> str:
        return self.model.power

    @vm_state.setter
    def vm_state(self, state: str) -> None:
        """The VM's power state (the sidebar's poller, a power action): the console follows it."""
        if state and state != self.model.power:
            self.model.power_state(state)
            self.driver.changed()

    async def _connect_loop(self) -> None:
        try:
            await self.driver.run()
        except asyncio.CancelledError:
            pass
        except Exception:  # a bug must not kill the tab silently or print a traceback at the user
            log.exception("console loop of %s failed", self.target.title)
            self._show(self.tr("Something went wrong"), self.tr("See the debug panel's log for details."))

    async def _attempt(self) -> tuple[Outcome, BaseException | None]:
        """One connection attempt, and how it ended."""
        self._ever_connected = False
        try:
            endpoint = await self._resolver(self.target)
        except QVMRCError as e:
            log.info("cannot open console %s: %s", self.target.title, e)
            await look_at_certificate(e)
            return Outcome.FAILED, e
        if self._closed:
            return Outcome.CLOSED, None
        password = self._password or getattr(endpoint, "password", None)
        register_secret(password)
        opts = SessionOptions(
            password=password, encodings=self.settings.encodings(),
            jpeg_quality=self.settings.jpeg_quality, compress_level=self.settings.compress_level,
            ssl=getattr(endpoint, "ssl_context", None),
            vnc_ca_file=self.settings.vnc_ca_file or None, username=self.settings.vnc_username or None,
            front_buffer=True)
        session = self._session_factory(endpoint.url, opts, self.bridge)
        self.session = session
        if self._record_path:
            try:
                session.start_recording(self._record_path, max_bytes=self.record_max_bytes)
                self._set_recording(True)
                asyncio.ensure_future(self._watch_recording_cap(session))
                log.info("recording %s to %s", self.target.title, self._record_path)
            except OSError as e:
                self.notification.emit(self.tr("Recording failed"), self.tr("cannot write {path}: {error}").format(
                    path=self._record_path, error=e.strerror or e),
                                       True)
                self._record_path = None
        self._restart = False
        err: QVMRCError | None = None
        try:
            self._in_session = True
            await session.run()
        except AuthenticationError as e:
            self._password = None  # wrong or refused: ask again next time
            err = e
        except QVMRCError as e:
            err = e
            await look_at_certificate(e)
        finally:
            self._in_session = False
            self._after_session()
        if self._closed:
            return Outcome.CLOSED, None
        if self._restart:
            return Outcome.RESTART, None
        log.info("console %s ended: %s", self.target.title, err or "the server closed the connection")
        return (Outcome.LOST if self._ever_connected else Outcome.FAILED), err

    def _after_session(self) -> None:
        self.clipboard.attach(None)
        if self._recording:
            self._set_recording(False)
            self._record_path = None

    def retry_now(self) -> None:
        self.driver.press(Action.RETRY)

    def cancel_reconnect(self) -> None:
        self.driver.press(Action.CANCEL)

    async def reconnect(self) -> None:
        """Drop the connection and connect again at once (settings changed, recording)."""
        self._restart = True
        if self.session is not None and self.state is SessionState.CONNECTED:
            await self.session.close()
        else:
            self.driver.press(Action.RETRY)

    async def close_console(self) -> None:
        self._closed = True
        self.driver.close()
        if self.session is not None:
            with contextlib.suppress(Exception):
                await self.session.close()
        task = self._task
        if task is not None and not task.done():
            if not self._in_session:
                task.cancel()  # waiting on the control plane or a dialog: nothing to finish
            try:
                await asyncio.wait_for(asyncio.shield(task), 3)
            except (asyncio.TimeoutError, asyncio.CancelledError):
                task.cancel()
        self.clipboard.close()

    # ------------------------------------------------------------ actions

    def set_scale_mode(self, mode: str) -> None:
        self.view.scale_mode = mode
        idx = self.scale_box.findData(mode)
        if idx >= 0 and idx != self.scale_box.currentIndex():
            self.scale_box.setCurrentIndex(idx)

    def fit_window_to_guest(self) -> None:
        """Show the console at 100% and make the window just big enough for it."""
        self.set_scale_mode("1:1")
        fb = self.view.frame_size
        window = self.window()
        if fb is None or window is self:
            return
        if window.isFullScreen():
            return  # fullscreen keeps the screen's size; 100% is all that changes
        want = scaled_size("1:1", fb, self.view.devicePixelRatioF())
        assert want is not None
        fit_window(window, self.area.scroll.viewport(), want)

    def set_remote_resize(self, on: bool) -> None:
        """Resize the guest to the window (this console only)."""
        if self.remote_resize_action.isChecked() != on:
            self.remote_resize_action.setChecked(on)
        self.resizer.set_enabled(on)

    def set_quality(self, quality: Quality) -> None:
        """New encodings/quality for this console: sent now, kept for its reconnects."""
        self.quality = quality
        s = self.session
        if s is not None:
            s.set_encoding_preferences(quality.encodings, quality.jpeg_quality, quality.compress_level)
        log.info("console %s: encodings %s, JPEG quality %s, compression %s", self.target.title,
                 ",".join(quality.encodings), quality.jpeg_quality, quality.compress_level)
        jpeg = self.tr("off") if quality.jpeg_quality is None else str(quality.jpeg_quality)
        level = self.tr("default") if quality.compress_level is None else str(quality.compress_level)
        self._note(self.tr("Quality: {encoding}, JPEG {jpeg}, compression {level}").format(
            encoding=quality.preferred, jpeg=jpeg, level=level))

    def _with_quality(self, factory: SessionFactory) -> SessionFactory:
        def make(url: str, opts: SessionOptions, listener: SessionListener) -> ConsoleSession:
            q = self.quality
            if q is not None:
                opts.encodings, opts.jpeg_quality, opts.compress_level = q.encodings, q.jpeg_quality, q.compress_level
            return factory(url, opts, listener)
        return make

    def _note(self, text: str) -> None:
        """A one-line note in the tab's status bar."""
        self.status.showMessage(text, 8000)
        log.info("console %s: %s", self.target.title, text)

    # ----------------------------------------------------------- settings

    def apply_settings(self, settings: Settings) -> None:
        """Live settings apply now; encoding choices apply at the next connect."""
        self.settings = settings
        self.clipboard.set_enabled(settings.clipboard_sync and self.target.trusted)
        self._apply_hotkey(settings)
        self._apply_keys()

    def _apply_keys(self, *_: object) -> None:
        """Guest layout and cursor choices from Settings onto the view."""
        self.view.keyboard.guest_layout = self.settings.guest_layout
        self.view.set_cursor_options(self.settings.show_local_cursor, self.settings.dot_cursor)

    def _apply_hotkey(self, settings: Settings) -> None:
        self.view.set_release_hotkey(settings.release_hotkey)

    def set_trusted(self, trusted: bool) -> None:
        """Its control plane was saved (or removed): clipboard sharing follows."""
        self.target.trusted = trusted
        self.clipboard.set_enabled(self.settings.clipboard_sync and trusted)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.view and event.type() in _INTERACTIONS:
            self.clipboard.user_interacted()
        return False
