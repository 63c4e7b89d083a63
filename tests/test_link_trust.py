"""Links are requests, not orders (issue 12, finding 1).

A qvmrc:// link whose control plane is not saved asks before connecting; the
answer "always allow" saves the control plane; fullscreen from a link waits
for that answer; a console shares the clipboard only when its control plane
is trusted, and never before the user's first key or click in it.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("PySide6")
pytest.importorskip("qasync")

from PySide6.QtCore import QPoint, Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox, QWidget  # noqa: E402

from qvmrc.settings import ControlPlane, SecretStore, Settings, SettingsStore, token_key  # noqa: E402
from qvmrc.ui.clipboard import ClipboardSync  # noqa: E402
from qvmrc.ui.console_tab import ConsoleTab, ConsoleTarget  # noqa: E402
from qvmrc.ui.linktrust import LinkDecision, build_link_dialog, confirm_link  # noqa: E402
from qvmrc.ui.main_window import MainWindow  # noqa: E402
from tests.support.console_fakes import FakeView  # noqa: E402
from tests.support.uiloop import run, settle  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
LINK = "qvmrc://connect?url=https%3A%2F%2Fevil.example%3A8443&vmId=vm-9&vmName=Payroll+DB&fullscreen=true"
LINK2 = "qvmrc://connect?url=https%3A%2F%2Fevil.example%3A8443%2F&vmId=vm-10&vmName=Other"


async def _never(_target: Any) -> Any:
    await asyncio.Event().wait()


class Confirmer:
    """Stands in for the dialog: records each question, answers as told."""

    def __init__(self, answer: LinkDecision) -> None:
        self.answer = answer
        self.asked: list[tuple[Any, ...]] = []
        self.release = asyncio.Event()
        self.release.set()

    async def __call__(self, _parent: Any, base_url: str, vm_id: str, vm_name: str | None,
                       fullscreen: bool) -> LinkDecision:
        self.asked.append((base_url, vm_id, vm_name, fullscreen))
        await self.release.wait()
        return self.answer


def _window(qtbot: Any, tmp_path: Path, settings: Settings | None = None,
            answer: LinkDecision = LinkDecision.CANCEL) -> MainWindow:
    settings = settings or Settings()

    def factory(target: ConsoleTarget) -> ConsoleTab:
        return ConsoleTab(target, settings, resolver=_never, view=FakeView())

    w = MainWindow(settings, SettingsStore(tmp_path), SecretStore(tmp_path, use_keyring=False),
                   tab_factory=factory, auto_refresh=False)
    w.link_confirmer = Confirmer(answer)
    qtbot.addWidget(w)
    return w


async def _answered(w: MainWindow) -> None:
    await asyncio.gather(*list(w.pending_links))
    await settle(10)


HOST_UI_LINK = "qvmc://connect/?url=https://evil.example:8443&vm=vm-9&name=Payroll+DB&password=pw&fullscreen=true"


@pytest.mark.parametrize("link", [LINK, HOST_UI_LINK, LINK.replace("qvmrc://", "QVMC://")])
def test_a_link_to_an_unsaved_control_plane_asks_and_cancel_opens_nothing(qtbot, loop, tmp_path, link):
    w = _window(qtbot, tmp_path, answer=LinkDecision.CANCEL)

    async def scenario() -> None:
        assert w.open_string(link) is None
        await _answered(w)
        assert w.link_confirmer.asked == [("https://evil.example:8443", "vm-9", "Payroll DB", True)]
        assert w.tabs.count() == 0 and not w.is_console_fullscreen
        assert w.settings.control_planes == []

    run(loop, scenario())


def test_fullscreen_from_a_link_waits_for_the_answer(qtbot, loop, tmp_path):
    w = _window(qtbot, tmp_path, answer=LinkDecision.ONCE)
    w.link_confirmer.release.clear()

    async def scenario() -> None:
        w.open_string(LINK)
        await settle(10)
        assert w.link_confirmer.asked and w.tabs.count() == 0 and not w.is_console_fullscreen
        w.link_confirmer.release.set()
        await _answered(w)
        assert w.tabs.count() == 1 and w.is_console_fullscreen
        await w.close_all()

    run(loop, scenario())


def test_connect_once_saves_nothing_and_shares_no_clipboard(qtbot, loop, tmp_path):
    w = _window(qtbot, tmp_path, answer=LinkDecision.ONCE)

    async def scenario() -> None:
        w.open_string(LINK)
        await _answered(w)
        tab = w.current_tab()
        assert tab is not None and tab.target.vm_id == "vm-9"
        assert w.settings.control_planes == []
        assert not tab.clipboard.enabled
        # A second link to the same control plane asks again.
        w.open_string(LINK2)
        await _answered(w)
        assert len(w.link_confirmer.asked) == 2
        await w.close_all()

    run(loop, scenario())


def test_always_allow_saves_the_control_plane_and_its_next_links_open_unasked(qtbot, loop, tmp_path):
    w = _window(qtbot, tmp_path, answer=LinkDecision.ALWAYS)

    async def scenario() -> None:
        w.open_string(LINK)
        await _answered(w)
        tab = w.current_tab()
        assert tab is not None and tab.clipboard.enabled
        [cp] = w.settings.control_planes
        assert cp.url == "https://evil.example:8443"
        assert [(v.id, v.name) for v in cp.vms] == [("vm-9", "Payroll DB")]  # in the sidebar now
        assert w.vm_item(cp.id, "vm-9") is not None
        saved = json.loads((tmp_path / "settings.json").read_text())
        assert saved["control_planes"][0]["url"] == "https://evil.example:8443"
        other = w.open_string(LINK2)  # same control plane, trailing slash: no question
        assert other is not None and other.clipboard.enabled
        assert len(w.link_confirmer.asked) == 1
        await w.close_all()

    run(loop, scenario())


def test_a_link_to_a_saved_control_plane_opens_unasked_with_its_fullscreen(qtbot, loop, tmp_path):
    settings = Settings(control_planes=[ControlPlane(url="https://evil.example:8443/", name="Lab")])
    w = _window(qtbot, tmp_path, settings)

    async def scenario() -> None:
        tab = w.open_string(LINK)
        assert tab is not None and tab.clipboard.enabled and not w.link_confirmer.asked
        await settle(10)
        assert w.is_console_fullscreen
        await w.close_all()

    run(loop, scenario())


def test_typed_direct_targets_do_not_ask_and_share_no_clipboard(qtbot, loop, tmp_path):
    w = _window(qtbot, tmp_path)

    async def scenario() -> None:
        tab = w.open_string("ws://127.0.0.1:5999/websockify")
        assert tab is not None and not w.link_confirmer.asked
        assert not tab.clipboard.enabled
        await w.close_all()

    run(loop, scenario())


def test_saving_the_control_plane_later_enables_sharing_in_its_open_consoles(qtbot, loop, tmp_path):
    w = _window(qtbot, tmp_path, answer=LinkDecision.ONCE)

    async def scenario() -> None:
        w.open_string(LINK)
        await _answered(w)
        tab = w.current_tab()
        assert tab is not None and not tab.clipboard.enabled
        w.save_control_plane(ControlPlane(url="https://EVIL.example:8443"), None)
        assert tab.clipboard.enabled
        await w.close_all()

    run(loop, scenario())


# ------------------------------------------------------------- the dialog


def test_the_question_shows_the_vm_name_as_plain_text(qapp):
    name = '<img src="file:///etc/passwd"><a href="x">click</a>\x1b[31m'
    box = build_link_dialog(None, "https://evil.example:8443", "vm-9", name, True)
    labels = [lb for lb in box.findChildren(QLabel) if lb.text()]
    assert labels and all(lb.textFormat() == Qt.TextFormat.PlainText for lb in labels)
    text = box.text()
    assert '<img src="file:///etc/passwd">' in text and "evil.example:8443" in text
    assert "\x1b" not in text
    assert "fullscreen" in box.informativeText()
    assert box.defaultButton() is box.button(QMessageBox.StandardButton.Cancel)
    box.deleteLater()


def _find_box() -> QMessageBox | None:
    return next((w for w in QApplication.allWidgets()
                 if isinstance(w, QMessageBox) and w.objectName() == "linkConfirm" and w.isVisible()), None)


@pytest.mark.parametrize("always", [False, True])
def test_the_real_dialog_answers_once_or_always(qtbot, loop, always):
    parent = QWidget()
    qtbot.addWidget(parent)
    parent.show()

    async def scenario() -> LinkDecision:
        task = asyncio.ensure_future(confirm_link(parent, "https://cp.example", "vm-1", "web", False))
        for _ in range(200):
            await asyncio.sleep(0.01)
            box = _find_box()
            if box is not None:
                break
        assert box is not None
        if always:
            box.checkBox().setChecked(True)
        connect = next(b for b in box.buttons() if b.objectName() == "linkConnect")
        QTest.mouseClick(connect, Qt.MouseButton.LeftButton)
        return await task

    assert run(loop, scenario()) is (LinkDecision.ALWAYS if always else LinkDecision.ONCE)


def test_escape_on_the_real_dialog_opens_nothing(qtbot, loop):
    parent = QWidget()
    qtbot.addWidget(parent)
    parent.show()

    async def scenario() -> LinkDecision:
        task = asyncio.ensure_future(confirm_link(parent, "https://cp.example", "vm-1", None, False))
        for _ in range(200):
            await asyncio.sleep(0.01)
            if _find_box() is not None:
                break
        box = _find_box()
        assert box is not None
        QTest.keyClick(box, Qt.Key.Key_Escape)
        return await task

    assert run(loop, scenario()) is LinkDecision.CANCEL


# -------------------------------------------------- clipboard before input


class Sink:
    ready = True

    def __init__(self) -> None:
        self.sent: list[str] = []

    def client_cut_text(self, text: str) -> None:
        self.sent.append(text)


def test_no_clipboard_moves_before_the_first_interaction(qapp):
    clip = qapp.clipboard()
    clip.setText("local secret")
    sync = ClipboardSync(clip)
    sink = Sink()
    sync.attach(sink)
    sync.push_local()  # what a connect does
    clip.setText("another local copy")
    sync.server_text("the server overwrites your clipboard")
    assert sink.sent == [] and clip.text() == "another local copy"
    sync.user_interacted()
    assert sink.sent == ["another local copy"]
    sync.server_text("from the VM after the user used it")
    assert clip.text() == "from the VM after the user used it"
    sync.close()


def test_a_click_in_the_console_is_the_first_interaction(qtbot, qapp):
    target = ConsoleTarget(key="k", title="t", target="vnc://127.0.0.1:1", trusted=True)
    tab = ConsoleTab(target, Settings(), resolver=_never, view=FakeView())
    qtbot.addWidget(tab)
    assert tab.clipboard.enabled and not tab.clipboard.interacted
    QTest.mouseClick(tab.view, Qt.MouseButton.LeftButton, pos=QPoint(5, 5))
    assert tab.clipboard.interacted
    tab.clipboard.close()


# ----------------------------------------------------- add-control-plane


def test_add_control_plane_saves_a_trusted_control_plane_headless(qtbot, loop, tmp_path):
    env = {**os.environ, "QVMRC_CONFIG_DIR": str(tmp_path), "CP_TOKEN": "tok-from-script-123",
           "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring", "PYTHONPATH": str(ROOT)}
    code = ("import sys; from qvmrc.cli import main; rc = main(sys.argv[1:]); "
            "assert not [m for m in sys.modules if m.startswith('PySide6')], 'Qt imported'; sys.exit(rc)")
    proc = subprocess.run([sys.executable, "-c", code, "add-control-plane", "https://evil.example:8443/",
                           "--name", "Lab", "--token-env", "CP_TOKEN", "--token-file"],
                          capture_output=True, text=True, env=env, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "saved control plane Lab" in proc.stdout
    settings_text = (tmp_path / "settings.json").read_text()
    assert "tok-from-script-123" not in settings_text
    store = SettingsStore(tmp_path)
    settings = store.load()
    [cp] = settings.control_planes
    assert cp.url == "https://evil.example:8443" and cp.name == "Lab"
    assert SecretStore(tmp_path, use_keyring=False).get(token_key(cp)) == "tok-from-script-123"

    again = subprocess.run([sys.executable, "-m", "qvmrc", "add-control-plane", "https://evil.example:8443",
                            "--name", "Lab 2"], capture_output=True, text=True, env=env, timeout=60)
    assert again.returncode == 0 and len(SettingsStore(tmp_path).load().control_planes) == 1

    w = _window(qtbot, tmp_path, settings)

    async def scenario() -> None:
        tab = w.open_string(LINK)
        assert tab is not None and not w.link_confirmer.asked
        assert tab.target.token == "tok-from-script-123"
        await w.close_all()

    run(loop, scenario())


def test_add_control_plane_with_a_token_and_no_keyring_asks_for_an_explicit_file(tmp_path):
    env = {**os.environ, "QVMRC_CONFIG_DIR": str(tmp_path), "CP_TOKEN": "tok-from-script-123",
           "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring", "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-m", "qvmrc", "add-control-plane", "https://cp.example",
                           "--token-env", "CP_TOKEN"], capture_output=True, text=True, env=env, timeout=60)
    assert proc.returncode == 1
    [line] = proc.stderr.strip().splitlines()
    assert line.startswith("qvmrc: error: no system keyring works here") and "--token-file" in line
    assert not (tmp_path / "secrets.json").exists()
    assert "tok-from-script-123" not in "".join(p.read_text() for p in tmp_path.glob("*") if p.is_file())


@pytest.mark.parametrize("url", ["ftp://cp", "https://user:pw@cp", "https://cp/?x=1", "https://[::1"])
def test_add_control_plane_refuses_bad_urls_in_one_line(tmp_path, url):
    env = {**os.environ, "QVMRC_CONFIG_DIR": str(tmp_path), "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-m", "qvmrc", "add-control-plane", url],
                          capture_output=True, text=True, env=env, timeout=60)
    assert proc.returncode == 1
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("qvmrc: error: invalid control plane URL")
    assert "pw" not in proc.stderr
    assert not (tmp_path / "settings.json").exists()


def test_the_control_plane_dialog_keeps_passwords_out_of_the_saved_url(qtbot):
    from qvmrc.ui.settings_dialog import ControlPlaneDialog

    dlg = ControlPlaneDialog(lambda cp, token: None)
    qtbot.addWidget(dlg)
    dlg.url.setText("https://admin:hunter2@cp.example")
    dlg._accept()
    assert dlg.result() != dlg.DialogCode.Accepted.value
    assert "Token field" in dlg.message.text()
