"""VeNCrypt against a real QEMU with tls-creds: what the client shows equals QEMU's screendump.

QEMU offers exactly one VeNCrypt subtype, chosen by its options: tls-creds-x509
gives X509None (X509Vnc with password=on), tls-creds-anon gives TLSNone
(TLSVnc). The Plain subtypes need SASL in QEMU; they are covered by the
handshake unit tests and by a local TLS server in test_vencrypt_session.py.
Certificates are made by the test (a CA and a server certificate for
"hypervisor.test": the hypervisor's name, not the address we dial).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from qvmrc.cli import EXIT_AUTH, main
from tests.conftest import needs_qemu
from tests.support import servers
from tests.support.images import describe_mismatch, load_rgb

pytestmark = [needs_qemu, pytest.mark.real]

PASSWORD = "tls-s3cret"
SETUPS = {
    "X509None": ("x509", None),
    "X509Vnc": ("x509", PASSWORD),
    "TLSNone": ("anon", None),
    "TLSVnc": ("anon", PASSWORD),
}


@pytest.fixture(scope="module")
def certs(tmp_path_factory):
    base = tmp_path_factory.mktemp("vnc-tls")
    ca = servers.vnc_certificates(base / "server")
    other_ca = servers.vnc_certificates(base / "other", ca_name="Some other CA")
    return base / "server", ca, other_ca


@pytest.fixture(scope="module", params=list(SETUPS))
def tls_qemu(request, certs):
    """(subtype name, QEMU server, websockify URL in front of it, screendump, CA)."""
    kind, password = SETUPS[request.param]
    tls_dir, ca, _ = certs
    with servers.qemu(width=640, height=480, password=password, tls=kind, tls_dir=tls_dir) as srv:
        dump = srv.wait_still(640, 480)
        with servers.websockify(srv.port) as url:
            yield request.param, srv, url, dump, ca


def snapshot(tmp_path: Path, target: str, *args: str) -> tuple[int, np.ndarray | None]:
    out = tmp_path / "snap.png"
    rc = main(["snapshot", target, "-o", str(out), "--timeout", "30", *args])
    return rc, (load_rgb(str(out)) if rc == 0 else None)


def tls_args(subtype: str, ca: Path, monkeypatch) -> list[str]:
    args = ["--encodings", "zrle"]
    if subtype.startswith("X509"):
        args += ["--vnc-ca-file", str(ca)]
    if subtype.endswith("Vnc"):
        monkeypatch.setenv("QVMRC_TEST_PW", PASSWORD)
        args += ["--password-env", "QVMRC_TEST_PW"]
    return args


@pytest.mark.parametrize("via", ["tcp", "websockify"])
def test_snapshot_through_vencrypt_equals_screendump(tls_qemu, tmp_path, monkeypatch, via, caplog):
    subtype, srv, ws_url, dump, ca = tls_qemu
    caplog.set_level("INFO", logger="qvmrc")
    rc, got = snapshot(tmp_path, srv.url if via == "tcp" else ws_url, *tls_args(subtype, ca, monkeypatch))
    assert rc == 0
    assert got is not None and np.array_equal(got, dump), describe_mismatch(got, dump)
    # The session really went through the subtype's TLS (and says which).
    assert f"VeNCrypt {subtype}:" in caplog.text
    assert ("TLSv1.2 ADH-" if subtype.startswith("TLS") else "TLSv1.") in caplog.text


def test_record_of_a_vencrypt_session_replays_to_the_same_picture(tls_qemu, tmp_path, monkeypatch):
    subtype, srv, _, dump, ca = tls_qemu
    rec = tmp_path / "tls.fbs"
    rc = main(["record", srv.url, "-o", str(rec), "--duration", "1", "--timeout", "30",
               *tls_args(subtype, ca, monkeypatch)])
    assert rc == 0
    out = tmp_path / "replayed.png"
    assert main(["replay", str(rec), "-o", str(out)]) == 0
    got = load_rgb(str(out))
    assert np.array_equal(got, dump), describe_mismatch(got, dump)


def one_error_line(capsys) -> str:
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("qvmrc: error:"), err
    return err[0]


@pytest.fixture(scope="module")
def x509_qemu(certs):
    tls_dir, ca, other_ca = certs
    with servers.qemu(width=640, height=480, tls="x509", tls_dir=tls_dir, still=False) as srv:
        yield srv, ca, other_ca


def test_certificate_from_another_ca_is_a_clean_certificate_error(x509_qemu, tmp_path, capsys):
    srv, _, other_ca = x509_qemu
    rc, _ = snapshot(tmp_path, srv.url, "--vnc-ca-file", str(other_ca), "--timeout", "10")
    line = one_error_line(capsys)
    assert rc == 1
    assert "VNC server's certificate is not trusted" in line
    assert "local issuer" in line  # OpenSSL's reason: no path to a trusted CA


def test_certificate_naming_another_host_is_refused_when_a_name_is_required(x509_qemu, tmp_path, capsys):
    srv, ca, _ = x509_qemu
    rc, _ = snapshot(tmp_path, srv.url, "--vnc-ca-file", str(ca), "--vnc-server-name", "other.test",
                     "--timeout", "10")
    line = one_error_line(capsys)
    assert rc == 1
    assert "not trusted" in line and "other.test" in line


def test_certificate_naming_the_required_host_is_accepted(x509_qemu, tmp_path):
    srv, ca, _ = x509_qemu
    rc, got = snapshot(tmp_path, srv.url, "--vnc-ca-file", str(ca), "--vnc-server-name", "hypervisor.test",
                       "--timeout", "10")
    assert rc == 0 and got is not None  # (no guest here: any picture will do)


def test_x509_server_without_a_ca_file_says_what_is_missing(x509_qemu, tmp_path, capsys):
    srv, _, _ = x509_qemu
    rc, _ = snapshot(tmp_path, srv.url, "--timeout", "10")
    line = one_error_line(capsys)
    assert rc == EXIT_AUTH
    assert "X509None (260) needs the CA certificate" in line


def test_unreadable_ca_file_is_a_clean_error(x509_qemu, tmp_path, capsys):
    srv, _, _ = x509_qemu
    bad = tmp_path / "not-a-cert.pem"
    bad.write_text("hello")
    rc, _ = snapshot(tmp_path, srv.url, "--vnc-ca-file", str(bad), "--timeout", "10")
    line = one_error_line(capsys)
    assert rc == 1 and f"cannot use VNC CA file {bad}" in line


def test_wrong_password_inside_tls_is_an_authentication_error(certs, tmp_path, monkeypatch, capsys):
    tls_dir, _, _ = certs
    with servers.qemu(width=640, height=480, password=PASSWORD, tls="anon", still=False) as srv:
        monkeypatch.setenv("QVMRC_TEST_PW", "wrong")
        rc, _ = snapshot(tmp_path, srv.url, "--password-env", "QVMRC_TEST_PW", "--timeout", "10")
    line = one_error_line(capsys)
    assert rc == EXIT_AUTH and "authentication failed" in line.lower()


# ------------------------------------------------------ TigerVNC's Xvnc (GnuTLS too)


@pytest.mark.parametrize("subtype", ["TLSNone", "X509None"])
def test_xvnc_vencrypt_through_websockify_equals_xwd(certs, tmp_path, subtype, caplog):
    if not servers.have("Xvnc", "xwd", "convert", "display"):
        pytest.skip("needs Xvnc")
    tls_dir, ca, _ = certs
    extra = ("-SecurityTypes", subtype, "-X509Cert", str(tls_dir / "server-cert.pem"),
             "-X509Key", str(tls_dir / "server-key.pem"))
    caplog.set_level("INFO", logger="qvmrc")
    with servers.xvnc(320, 240, extra=extra) as srv:
        srv.show(servers.reference_picture(320, 240))
        dump = srv.xwd()
        with servers.websockify(srv.port) as url:
            rc, got = snapshot(tmp_path, url, "--encodings", "zrle", "--vnc-ca-file", str(ca))
    assert rc == 0
    assert got is not None and np.array_equal(got, dump), describe_mismatch(got, dump)
    assert f"VeNCrypt {subtype}:" in caplog.text
