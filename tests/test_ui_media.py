"""CD/DVD media from the console's toolbar: Mount ISO… and Eject against the dev control plane.

Real HTTP, the real ControlPlaneClient, the devserver's emulation of the
backend's MountISO/EjectISO (its checks, codes and messages).
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("PySide6")
pytest.importorskip("qasync")

from qvmrc.controlplane.client import ControlPlaneClient  # noqa: E402
from qvmrc.controlplane.devserver import DEFAULT_ISOS, DevServer, DevVM  # noqa: E402
from qvmrc.settings import ControlPlane, SavedVM, Settings  # noqa: E402
from qvmrc.ui.console_tab import ConsoleTab, target_for_vm  # noqa: E402
from qvmrc.ui.media import MediaButton, check_iso_path  # noqa: E402
from qvmrc.ui.power import PowerController  # noqa: E402
from tests.support.console_fakes import FakeView  # noqa: E402
from tests.support.uiloop import run, until  # noqa: E402

SHOTS = os.environ.get("QVMRC_SHOT_DIR")


def shot(widget: Any, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        widget.grab().save(str(Path(SHOTS) / name))


async def _never(_target: Any) -> Any:
    await asyncio.Event().wait()


def _tab(qtbot: Any, srv: DevServer, vm_id: str, settings: Settings) -> tuple[ConsoleTab, list[tuple]]:
    cp = ControlPlane(url=srv.base_url, name="dev", id="cp1")
    power = PowerController(lambda c: ControlPlaneClient(c.url))
    tab = ConsoleTab(target_for_vm(cp, SavedVM(vm_id, vm_id)), settings, power=power, resolver=_never,
                     view=FakeView())
    qtbot.addWidget(tab)
    notes: list[tuple] = []
    tab.notification.connect(lambda *a: notes.append(a))
    return tab, notes


def test_mount_and_eject_an_iso_through_the_control_plane(qtbot, loop):
    settings = Settings()
    good = DEFAULT_ISOS[0]

    async def scenario() -> None:
        async with DevServer([DevVM("web", "127.0.0.1", 5999)]) as srv:
            tab, notes = _tab(qtbot, srv, "web", settings)
            button: MediaButton = tab.media_button
            assert button.isEnabled()
            tab.resize(1100, 400)
            shot(tab.toolbar, "console-toolbar-cddvd.png")
            await button.refresh()
            assert button.actions_text() == ["cdrom-1: empty", "Mount ISO…", "Eject"]
            eject = [a for a in button.menu_.actions() if a.text() == "Eject"][0]
            assert not eject.isEnabled()  # nothing to eject

            task = asyncio.ensure_future(button.mount_dialog())
            await until(lambda: button.dialog is not None)
            dlg = button.dialog
            assert dlg is not None
            dlg.path.setCurrentText(good)
            shot(dlg, "mount-iso-dialog.png")
            dlg.mount_button.click()
            vm = await task
            assert vm is not None and vm.cdroms[0].iso_path == good
            assert srv.vms["web"].cdroms == {"cdrom-1": good}  # the control plane has it
            assert settings.recent_isos == [good]
            assert "Eject debian-12.7.0-amd64-netinst.iso" in button.actions_text()
            assert notes[-1][2] is False and "debian-12.7.0-amd64-netinst.iso is in web" in notes[-1][1]
            button.menu_.adjustSize()
            shot(button.menu_, "media-menu-loaded.png")

            # Someone ejects in the web UI; opening the menu shows it (GetVM each time).
            srv.vms["web"].cdroms["cdrom-1"] = ""
            await button.refresh()
            assert button.actions_text()[0] == "cdrom-1: empty"
            srv.vms["web"].cdroms["cdrom-1"] = good
            await button.refresh()
            [eject] = [a for a in button.menu_.actions() if a.objectName() == "eject:cdrom-1"]
            eject.trigger()
            await until(lambda: srv.vms["web"].cdroms["cdrom-1"] == "" and not button.pending)
            assert button.actions_text()[0] == "cdrom-1: empty"
            await tab.close_console()

    run(loop, scenario())


def test_media_errors_reach_the_user_as_sentences(qtbot, loop):
    settings = Settings()

    async def scenario() -> None:
        vms = [DevVM("web", "127.0.0.1", 5999), DevVM("bare", "127.0.0.1", 5998, cdroms={})]
        async with DevServer(vms) as srv:
            tab, notes = _tab(qtbot, srv, "web", settings)
            button: MediaButton = tab.media_button
            await button.refresh()
            # A path the hypervisor cannot open (a running VM changes media live).
            assert await button.controller.mount("cdrom-1", "/var/lib/limiquantix/isos/nope.iso") is None
            title, text, error = notes[-1]
            assert error and title == "Mount ISO failed"
            assert text == ("Could not insert nope.iso into web (cdrom-1): failed to mount ISO: could not "
                            "open '/var/lib/limiquantix/isos/nope.iso': No such file or directory.")
            assert srv.vms["web"].cdroms == {"cdrom-1": ""}
            assert settings.recent_isos == []  # only what worked is remembered
            # A drive that no longer exists.
            assert await button.controller.eject("cdrom-9") is None
            assert notes[-1][1] == "Could not eject the media of web (cdrom-9): CD-ROM 'cdrom-9' not found."

            # A VM without a drive: the menu says so and Mount ISO… is off; no dialog opens.
            bare, bare_notes = _tab(qtbot, srv, "bare", settings)
            await bare.media_button.refresh()
            assert bare.media_button.actions_text()[0] == "This VM has no CD/DVD drive (add one in the web UI)"
            mount = [a for a in bare.media_button.menu_.actions() if a.objectName() == "mountIso"][0]
            assert not mount.isEnabled()
            assert await bare.media_button.mount_dialog() is None
            assert bare.media_button.dialog is None
            assert "bare has no CD/DVD drive" in bare_notes[-1][1]

            # The VM was deleted meanwhile.
            srv.remove_vm("web")
            await button.refresh()
            assert button.actions_text()[0] == "Cannot read the CD/DVD drives of web: VM web not found."
            await tab.close_console()
            await bare.close_console()

    run(loop, scenario())


def test_a_console_opened_by_url_has_no_media_menu(qtbot):
    from qvmrc.ui.console_tab import target_from_string

    tab = ConsoleTab(target_from_string("vnc://127.0.0.1:5901"), Settings(), resolver=_never, view=FakeView())
    qtbot.addWidget(tab)
    assert not tab.media_button.isEnabled()
    assert "control plane" in tab.media_button.toolTip()


def test_iso_paths_are_checked_before_they_are_sent():
    assert check_iso_path("  /var/lib/limiquantix/isos/a.iso ") == "/var/lib/limiquantix/isos/a.iso"
    for bad in ("", "   ", "/x\n.iso", "/" + "a" * 5000):
        with pytest.raises(ValueError):
            check_iso_path(bad)


def test_devserver_media_rpcs_follow_the_backend(loop):
    """Missing fields are invalid_argument, unknown VM/drive not_found; a stopped VM stores any path."""
    from qvmrc.errors import ControlPlaneError

    async def scenario() -> None:
        async with DevServer([DevVM("off", "127.0.0.1", 5999, state="STOPPED")]) as srv:
            async with ControlPlaneClient(srv.base_url) as c:
                with pytest.raises(ControlPlaneError) as e:
                    await c.call("MountISO", {"vmId": "off", "cdromId": "cdrom-1"})
                assert (e.value.code, e.value.message) == ("invalid_argument", "ISO path is required")
                with pytest.raises(ControlPlaneError) as e:
                    await c.eject_iso("ghost", "cdrom-1")
                assert (e.value.code, e.value.message) == ("not_found", "VM 'ghost' not found")
                vm = await c.mount_iso("off", "cdrom-1", "/somewhere/else.iso")
                assert vm.cdroms[0].iso_path == "/somewhere/else.iso" and vm.cdroms[0].connected
                assert (await c.get_vm("off")).cdroms[0].iso_path == "/somewhere/else.iso"
                assert (await c.eject_iso("off", "cdrom-1")).cdroms[0].has_media is False
    from qvmrc.controlplane.devserver import parse_vm_spec
    from qvmrc.errors import InvalidTarget

    assert list(parse_vm_spec("a=vnc://127.0.0.1:5901,cdroms=2").cdroms) == ["cdrom-1", "cdrom-2"]
    assert parse_vm_spec("a=vnc://127.0.0.1:5901,cdroms=0").cdroms == {}
    with pytest.raises(InvalidTarget):
        parse_vm_spec("a=vnc://127.0.0.1:5901,cdroms=lots")

    run(loop, scenario())
