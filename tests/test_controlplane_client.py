"""The Connect-RPC client against the dev control plane and hand-made error shapes."""

from __future__ import annotations

import asyncio
import datetime
import hashlib
import ipaddress
import ssl

import pytest
from aiohttp import web
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from qvmrc.controlplane.client import (
    VM,
    Cdrom,
    ControlPlaneClient,
    fetch_server_certificate,
    pinned_ssl_context,
    power_state,
    ssl_context,
)
from qvmrc.controlplane.devserver import DevServer, DevVM, unused_port
from qvmrc.errors import ControlPlaneError, MaintenanceError
from tests.support.aiohttp_app import serve

SERVICE = "/limiquantix.compute.v1.VMService"


def answer(status: int, body: str | bytes, headers: dict[str, str] | None = None,
           content_type: str = "application/json") -> web.Application:
    """An app whose every VMService call gets this one answer."""
    async def handler(_request: web.Request) -> web.Response:
        return web.Response(status=status, body=body, headers=headers, content_type=content_type)
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handler)
    return app


def vms(n: int) -> list[DevVM]:
    return [DevVM(f"vm{i:02d}", "127.0.0.1", 5900 + i) for i in range(n)]


@pytest.fixture
async def dev():
    async with DevServer([*vms(7), DevVM("off", "127.0.0.1", 5999, state="STOPPED", password="pw")],
                         token="T0k") as srv:
        yield srv


@pytest.fixture
async def cp(dev):
    async with ControlPlaneClient(dev.base_url, token="T0k") as client:
        yield client


# ------------------------------------------------------------ VMService


async def test_list_vms_follows_page_tokens(cp, dev):
    got = await cp.list_vms(page_size=3)
    assert [v.name for v in got] == [v.name for v in dev.vms.values()]
    assert len(got) == 8


async def test_get_vm_parses_the_fields_a_console_needs(cp):
    vm = await cp.get_vm("off")
    assert vm == VM(id="off", name="off", description="dev VM on vnc://127.0.0.1:5999",
                    state="STOPPED", node_id="node-dev-1", error_message="", cdroms=(Cdrom("cdrom-1"),))


def test_vm_states_missing_prefixed_and_unknown():
    assert VM.from_json({"id": "a", "name": "a"}).state == "UNKNOWN"
    assert VM.from_json({"id": "a", "status": {"state": "POWER_STATE_PAUSED"}}).state == "PAUSED"
    assert VM.from_json({"id": "a", "status": {"state": "HIBERNATING"}}).state == "HIBERNATING"
    assert power_state("") == "UNKNOWN"
    crashed = VM.from_json({"id": "a", "name": "n", "status": {"state": "CRASHED", "nodeId": "n1",
                                                               "errorMessage": "boom"}})
    assert (crashed.node_id, crashed.error_message) == ("n1", "boom")


async def test_get_console_gives_the_password_and_hides_it_in_repr(cp, dev):
    info = await cp.get_console("off")
    assert info.password == "pw"
    assert info.port == dev.getconsole_port and info.host == "127.0.0.1"
    assert "pw" not in repr(info).replace("password", "")


async def test_power_actions_change_the_state(cp, dev):
    assert (await cp.start_vm("off")).state == "RUNNING"
    assert (await cp.pause_vm("off")).state == "PAUSED"
    assert (await cp.resume_vm("off")).state == "RUNNING"
    assert (await cp.reboot_vm("off")).state == "RUNNING"
    assert (await cp.stop_vm("off")).state == "STOPPED"
    assert dev.vms["off"].last_stop_force is False
    await cp.start_vm("off")
    assert (await cp.stop_vm("off", force=True)).state == "STOPPED"
    assert dev.vms["off"].last_stop_force is True


async def test_a_refused_power_action_is_failed_precondition(cp):
    with pytest.raises(ControlPlaneError) as info:
        await cp.start_vm("vm00")
    assert info.value.code == "failed_precondition"
    assert "running" in str(info.value)


async def test_unknown_vm_is_not_found(cp):
    with pytest.raises(ControlPlaneError) as info:
        await cp.get_vm("nope")
    assert info.value.code == "not_found"
    assert str(info.value) == "VM nope not found (not_found)"


@pytest.mark.parametrize("token", [None, "wrong"])
async def test_missing_or_wrong_token_is_unauthenticated(dev, token):
    async with ControlPlaneClient(dev.base_url, token=token) as client:
        with pytest.raises(ControlPlaneError) as info:
            await client.list_vms()
    assert info.value.code == "unauthenticated"
    assert info.value.http_status == 401


async def test_maintenance_is_its_own_error_with_retry_after(dev, cp):
    dev.maintenance = True
    with pytest.raises(MaintenanceError) as info:
        await cp.list_vms()
    assert info.value.retry_after == 30
    assert "restarting for updates" in str(info.value)


# ----------------------------------------------------------- error shapes


async def test_an_unknown_code_is_kept_verbatim_and_the_status_ignored():
    app = answer(418, b'{"code":"quota_wobbled","message":"too many teapots"}')
    async with serve(app) as url, ControlPlaneClient(url) as client:
        with pytest.raises(ControlPlaneError) as info:
            await client.get_vm("x")
    assert (info.value.code, info.value.message) == ("quota_wobbled", "too many teapots")


async def test_a_non_json_error_page_becomes_one_line():
    app = answer(502, b"<html><body><h1>502 Bad Gateway</h1>\n</body></html>", content_type="text/html")
    async with serve(app) as url, ControlPlaneClient(url) as client:
        with pytest.raises(ControlPlaneError) as info:
            await client.list_vms()
    assert info.value.code == "unavailable"
    assert "HTTP 502" in str(info.value) and "\n" not in str(info.value)


async def test_401_without_a_body_is_unauthenticated():
    async with serve(answer(401, b"", content_type="text/plain")) as url, ControlPlaneClient(url) as client:
        with pytest.raises(ControlPlaneError) as info:
            await client.list_vms()
    assert info.value.code == "unauthenticated"
    assert "token" in str(info.value)


async def test_maintenance_json_with_retry_after_from_any_route():
    app = answer(503, b'{"error":"System is restarting for updates","maintenance":true}',
                 {"Retry-After": "12"})
    async with serve(app) as url, ControlPlaneClient(url) as client:
        with pytest.raises(MaintenanceError) as info:
            await client.get_console("x")
    assert info.value.retry_after == 12
    assert str(info.value).startswith("System is restarting for updates")


async def test_a_200_that_is_not_json_is_not_a_control_plane():
    app = answer(200, b"<!doctype html><title>SPA</title>", content_type="text/html")
    async with serve(app) as url, ControlPlaneClient(url) as client:
        with pytest.raises(ControlPlaneError) as info:
            await client.list_vms()
    assert info.value.code == "unimplemented"


async def test_a_plain_404_means_the_service_is_missing():
    async with serve(answer(404, b"404 page not found\n", content_type="text/plain")) as url:
        async with ControlPlaneClient(url) as client:
            with pytest.raises(ControlPlaneError) as info:
                await client.get_console("x")
    assert info.value.code == "unimplemented"


async def test_requests_carry_bearer_and_json_content_type():
    seen: dict[str, str] = {}

    async def handler(request: web.Request) -> web.Response:
        seen.update(request.headers)
        seen["body"] = await request.text()
        seen["path"] = request.path
        return web.json_response({"id": "v1", "name": "n"})
    app = web.Application()
    app.router.add_post(f"{SERVICE}/StopVM", handler)
    async with serve(app) as url, ControlPlaneClient(url + "/", token="abc") as client:
        await client.stop_vm("v1", force=True)
    assert seen["Authorization"] == "Bearer abc"
    assert seen["Content-Type"] == "application/json"
    assert seen["path"] == f"{SERVICE}/StopVM"
    assert seen["body"] == '{"id": "v1", "force": true}'


async def test_connection_refused_is_one_clear_line():
    url = f"http://127.0.0.1:{unused_port()}"
    async with ControlPlaneClient(url) as client:
        with pytest.raises(ControlPlaneError) as info:
            await client.list_vms()
    assert info.value.code == "unavailable"
    assert str(info.value).startswith(f"cannot reach the control plane at {url}")


async def test_a_silent_server_times_out():
    async def slow(_request: web.Request) -> web.Response:
        await asyncio.sleep(30)
        return web.json_response({})
    app = web.Application()
    app.router.add_post(f"{SERVICE}/ListVMs", slow)
    async with serve(app) as url, ControlPlaneClient(url, timeout=0.3) as client:
        with pytest.raises(ControlPlaneError) as info:
            await client.list_vms()
    assert info.value.code == "deadline_exceeded"


async def test_a_looping_page_token_is_refused():
    app = answer(200, b'{"vms":[{"id":"a"}],"nextPageToken":"same"}')
    async with serve(app) as url, ControlPlaneClient(url) as client:
        with pytest.raises(ControlPlaneError, match="repeated a page token"):
            await client.list_vms()


# ------------------------------------------------------------------ TLS


@pytest.fixture(scope="module")
def self_signed(tmp_path_factory) -> tuple[str, str, bytes]:
    """A self-signed certificate for a name the test never dials (appliance style)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "appliance.invalid")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=30))
            .add_extension(x509.SubjectAlternativeName([
                x509.DNSName("appliance.invalid"),
                x509.IPAddress(ipaddress.ip_address("192.0.2.1"))]), critical=False)
            .sign(key, hashes.SHA256()))
    d = tmp_path_factory.mktemp("tls")
    cert_file, key_file = d / "cert.pem", d / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return str(cert_file), str(key_file), cert.public_bytes(serialization.Encoding.DER)


@pytest.fixture
async def https_cp(self_signed):
    cert_file, key_file, _ = self_signed
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls.load_cert_chain(cert_file, key_file)
    app = answer(200, b'{"vms":[{"id":"a","name":"secure"}]}')
    async with serve(app, tls) as url:
        yield url


async def test_self_signed_certificate_is_refused_by_default(https_cp):
    async with ControlPlaneClient(https_cp) as client:
        with pytest.raises(ControlPlaneError) as info:
            await client.list_vms()
    assert "not trusted" in str(info.value)
    assert "\n" not in str(info.value)


async def test_trust_this_certificate_flow(https_cp, self_signed):
    _, _, der = self_signed
    cert = await fetch_server_certificate(https_cp)
    assert cert.der == der
    assert cert.sha256_bytes == hashlib.sha256(der).digest()
    assert len(cert.sha256.split(":")) == 32
    async with ControlPlaneClient(https_cp, ssl=pinned_ssl_context(cert.pem)) as client:
        assert [v.name for v in await client.list_vms()] == ["secure"]


async def test_a_pin_for_another_certificate_is_refused(https_cp, tmp_path):
    other_key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "other")])
    now = datetime.datetime.now(datetime.timezone.utc)
    other = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
             .public_key(other_key.public_key()).serial_number(1)
             .not_valid_before(now - datetime.timedelta(days=1))
             .not_valid_after(now + datetime.timedelta(days=1)).sign(other_key, hashes.SHA256()))
    pem = other.public_bytes(serialization.Encoding.PEM).decode()
    async with ControlPlaneClient(https_cp, ssl=pinned_ssl_context(pem)) as client:
        with pytest.raises(ControlPlaneError, match="not trusted"):
            await client.list_vms()


async def test_ca_file_and_verification_off_options(https_cp, self_signed):
    cert_file, _, _ = self_signed
    ctx = ssl_context(ca_file=cert_file)
    assert ctx is not None
    ctx.check_hostname = False  # the certificate names appliance.invalid, we dial 127.0.0.1
    async with ControlPlaneClient(https_cp, ssl=ctx) as client:
        assert len(await client.list_vms()) == 1
    async with ControlPlaneClient(https_cp, ssl=False) as client:
        assert len(await client.list_vms()) == 1
    with pytest.raises(ControlPlaneError, match="cannot load CA file"):
        ssl_context(ca_file="/nonexistent/ca.pem")
