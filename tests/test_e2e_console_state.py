"""Console states and certificate trust for real: the dev control plane with faults, TLS, the CLI.

The tab runs a real Session through the real resolver against ``DevServer``
(aiohttp + console proxy + the demo VM); only the view and the "Trust?"
question are stand-ins. The CLI runs as a subprocess.
"""

from __future__ import annotations

import asyncio
import datetime
import ipaddress
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("PySide6")
pytest.importorskip("qasync")

from cryptography import x509  # noqa: E402
from cryptography.hazmat.primitives import hashes, serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ec  # noqa: E402
from cryptography.x509.oid import NameOID  # noqa: E402

from qvmrc.certs import fingerprint  # noqa: E402
from qvmrc.console import Phase  # noqa: E402
from qvmrc.controlplane.client import ControlPlaneClient  # noqa: E402
from qvmrc.controlplane.devserver import DevServer, DevVM  # noqa: E402
from qvmrc.session import SessionState  # noqa: E402
from qvmrc.settings import Settings  # noqa: E402
from qvmrc.ui.console_tab import ConsoleTab, target_from_string  # noqa: E402
from tests.support.console_fakes import FakeView  # noqa: E402
from tests.support.uiloop import FakeClock, close_loop, make_loop, run, settle  # noqa: E402
from tests.test_e2e_controlplane import link, qvmrc  # noqa: E402

GUARD = 60.0  # against hangs only


@pytest.fixture
def loop(qapp):
    lp = make_loop(qapp)
    yield lp
    close_loop(lp)


def leaf_cert(workdir: Path, ip: str = "127.0.0.1") -> tuple[Path, Path, str]:
    """An appliance-style certificate for an IP address: self-signed, no CA flag."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "quantix-appliance")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=30))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(ip))]), False)
            .sign(key, hashes.SHA256()))
    workdir.mkdir(parents=True, exist_ok=True)
    cert_path, key_path = workdir / "cert.pem", workdir / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path, fingerprint(cert.public_bytes(serialization.Encoding.DER))


async def eventually(cond: Callable[[], bool]) -> None:
    while not cond():
        await asyncio.sleep(0.02)


class Power:
    """PowerController's interface over a real client (no confirmation dialog)."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    async def perform(self, cp: Any, vm_id: str, name: str, key: str) -> Any:
        self.calls.append(key)
        async with ControlPlaneClient(cp.url) as client:
            return await (client.start_vm(vm_id) if key == "start" else client.resume_vm(vm_id))


def _tab(qtbot: Any, target: str, settings: Settings | None = None, **kw: Any) -> tuple[ConsoleTab, FakeClock]:
    clock = FakeClock()
    settings = settings or Settings()
    tab = ConsoleTab(target_from_string(target, settings), settings, view=FakeView(), sleep=clock.sleep, **kw)
    qtbot.addWidget(tab)
    return tab, clock


# --------------------------------------------------------------------- GUI


def test_vm_not_on_node_fails_for_good_without_a_retry_loop(qtbot, loop):
    async def scenario() -> None:
        async with DevServer([DevVM("web01", "127.0.0.1", 1, id="web01", fault="VM_NOT_ON_NODE")]) as srv:
            tab, clock = _tab(qtbot, link(srv, "web01", "web01"))
            tab.start()
            try:
                await eventually(lambda: tab.model.state.phase is Phase.FAILED)
                text = tab.overlay_text()
                assert "Code: VM_NOT_ON_NODE" in text
                assert "The VM is not running on its assigned node" in text
                assert "Vm not on node" not in text
                await settle(50)
                assert clock.waiting == 0 and srv.console_sessions == 0
            finally:
                await tab.close_console()

    run(loop, scenario(), timeout=GUARD)


@pytest.mark.parametrize(("state", "button", "phase"), [("STOPPED", "start", Phase.VM_STOPPED),
                                                         ("PAUSED", "resume", Phase.VM_PAUSED)])
def test_a_stopped_or_paused_vm_is_started_from_the_overlay_and_connects(qtbot, loop, state, button, phase):
    async def scenario() -> None:
        async with DevServer(demo=True) as srv:
            srv.vms["demo"].state = state
            power = Power()
            tab, clock = _tab(qtbot, link(srv, "demo"), power=power)
            tab.start()
            try:
                await eventually(lambda: tab.model.state.phase is phase)
                assert "Code: VM_NOT_RUNNING" in tab.overlay_text()
                assert not tab.overlay.buttons[button].isHidden()
                assert srv.console_sessions == 0
                tab.overlay.buttons[button].click()
                await eventually(lambda: tab.state is SessionState.CONNECTED)
                assert power.calls == [button] and srv.vms["demo"].state == "RUNNING"
                assert tab.overlay_text() == "" and srv.console_sessions == 1
            finally:
                await tab.close_console()

    run(loop, scenario(), timeout=GUARD)


def test_an_adhoc_wss_with_a_self_signed_certificate_is_trusted_pinned_and_connects(
        qtbot, loop, tmp_path, monkeypatch):
    from qvmrc.ui import dialogs

    cert, key, fp = leaf_cert(tmp_path)
    shown: list[str] = []

    async def confirm(_parent: Any, title: str, text: str, ok: str, detail: str = "") -> bool:
        shown.append(detail)
        return True

    monkeypatch.setattr(dialogs, "confirm", confirm)

    async def scenario() -> None:
        async with DevServer(demo=True, tls_cert=str(cert), tls_key=str(key)) as srv:
            url = f"wss://127.0.0.1:{srv.port}/api/console/demo/ws"
            settings = Settings()
            tab, clock = _tab(qtbot, url, settings)
            tab.start()
            try:
                await eventually(lambda: tab.model.state.phase is Phase.UNTRUSTED)
                text = tab.overlay_text()
                assert "self-signed certificate" in text and f"{fp[:47]}\n{fp[48:]}" in text
                assert not tab.overlay.buttons["trust"].isHidden()
                await settle(50)
                assert clock.waiting == 0 and srv.console_sessions == 0  # no "reconnecting" loop
                tab.overlay.buttons["trust"].click()
                await eventually(lambda: tab.state is SessionState.CONNECTED)
                assert fp in shown[0]
                assert settings.pinned_certificates == {f"127.0.0.1:{srv.port}": fp}
            finally:
                await tab.close_console()
            # The pin is what the next console of that server uses.
            again, _ = _tab(qtbot, url, settings)
            again.start()
            try:
                await eventually(lambda: again.state is SessionState.CONNECTED)
            finally:
                await again.close_console()
            assert srv.console_sessions == 2

    run(loop, scenario(), timeout=GUARD)


def test_the_ca_file_setting_trusts_an_appliance_reached_by_ip_address(qtbot, loop, tmp_path):
    cert, key, _ = leaf_cert(tmp_path)

    async def scenario() -> None:
        async with DevServer(demo=True, tls_cert=str(cert), tls_key=str(key)) as srv:
            tab, _ = _tab(qtbot, link(srv, "demo"), Settings(ca_file=str(cert)))
            tab.start()
            try:
                await eventually(lambda: tab.state is SessionState.CONNECTED)
            finally:
                await tab.close_console()

    run(loop, scenario(), timeout=GUARD)


# --------------------------------------------------------------------- CLI


async def test_cli_ca_file_honours_ip_sans_and_names_a_mismatch(tmp_path):
    cert, key, _ = leaf_cert(tmp_path / "good")
    async with DevServer(demo=True, tls_cert=str(cert), tls_key=str(key)) as srv:
        wss = f"wss://127.0.0.1:{srv.port}/api/console/demo/ws"
        for target in (link(srv, "demo"), wss):
            code, _, err = await qvmrc("snapshot", target, "-o", str(tmp_path / "a.png"), "--ca-file", str(cert))
            assert code == 0, err
    # A certificate for another address: the message says which name did not match.
    other, other_key, _ = leaf_cert(tmp_path / "other", ip="127.0.0.2")
    async with DevServer(demo=True, tls_cert=str(other), tls_key=str(other_key)) as srv:
        wss = f"wss://127.0.0.1:{srv.port}/api/console/demo/ws"
        code, _, err = await qvmrc("snapshot", wss, "-o", str(tmp_path / "b.png"), "--ca-file", str(other))
        assert code != 0 and err.count("\n") == 1
        assert "IP address mismatch" in err and "127.0.0.1" in err


async def test_cli_pin_trusts_exactly_that_certificate_and_says_what_did_not_match(tmp_path):
    cert, key, fp = leaf_cert(tmp_path)
    async with DevServer(demo=True, tls_cert=str(cert), tls_key=str(key)) as srv:
        wss = f"wss://127.0.0.1:{srv.port}/api/console/demo/ws"
        # Untrusted: the error names the fingerprint and the option that trusts it.
        code, _, err = await qvmrc("snapshot", wss, "-o", str(tmp_path / "a.png"))
        assert code != 0 and err.count("\n") == 1
        assert fp in err and f"--pin {fp.replace(':', '')}" in err
        for target in (link(srv, "demo"), wss):
            code, _, err = await qvmrc("snapshot", target, "-o", str(tmp_path / "b.png"), "--pin", fp)
            assert code == 0, err
        wrong = "AA" * 32
        for target in (link(srv, "demo"), wss):
            code, _, err = await qvmrc("snapshot", target, "-o", str(tmp_path / "c.png"), "--pin", wrong)
            assert code != 0 and err.count("\n") == 1
            assert f"expected SHA-256 {':'.join(['AA'] * 32)}" in err and f"presented {fp}" in err
        code, _, err = await qvmrc("snapshot", wss, "-o", str(tmp_path / "d.png"), "--pin", "12:34")
        assert code != 0 and "not a SHA-256 fingerprint" in err


async def test_the_cli_trusts_what_the_app_pinned(tmp_path):
    """One trust flow: a certificate trusted in the app (pinned in settings) works for the CLI."""
    from qvmrc.settings import SettingsStore

    cert, key, fp = leaf_cert(tmp_path)
    async with DevServer(demo=True, tls_cert=str(cert), tls_key=str(key)) as srv:
        wss = f"wss://127.0.0.1:{srv.port}/api/console/demo/ws"
        conf = tmp_path / "conf"
        env = {"QVMRC_CONFIG_DIR": str(conf)}
        code, _, err = await qvmrc("snapshot", wss, "-o", str(tmp_path / "a.png"), env=env)
        assert code != 0 and "not trusted" in err
        store = SettingsStore(conf)
        settings = store.load()
        settings.pinned_certificates[f"127.0.0.1:{srv.port}"] = fp
        store.save(settings)
        code, _, err = await qvmrc("snapshot", wss, "-o", str(tmp_path / "b.png"), env=env)
        assert code == 0, err
