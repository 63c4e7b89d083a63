"""TLS trust decisions (qvmrc.certs) and where they are saved."""

from __future__ import annotations

import ssl

import pytest

from qvmrc import certs
from qvmrc.errors import InvalidTarget
from qvmrc.settings import Settings, settings_from_json

FP = ":".join(["AB"] * 32)


@pytest.mark.parametrize("text", [FP, FP.lower(), FP.replace(":", ""), f"sha256:{FP}", f"SHA256={FP}",
                                  f"  {FP.replace(':', ' ')}  "])
def test_fingerprints_are_accepted_in_the_usual_spellings(text: str) -> None:
    assert certs.normalise_fingerprint(text) == FP


@pytest.mark.parametrize("text", ["", "AB:CD", "zz" * 32, "AB" * 33, "md5:" + "AB" * 16])
def test_anything_else_is_one_clear_error(text: str) -> None:
    with pytest.raises(InvalidTarget, match="not a SHA-256 fingerprint"):
        certs.normalise_fingerprint(text)


def test_a_pinned_context_checks_the_fingerprint_not_names_or_chains() -> None:
    ctx = certs.pinned_context(FP.lower())
    assert isinstance(ctx, certs.PinnedContext) and ctx.pin_sha256 == FP
    assert ctx.verify_mode is ssl.CERT_NONE and not ctx.check_hostname


def test_a_pin_wins_over_a_ca_file_which_wins_over_the_os_store(tmp_path) -> None:
    assert isinstance(certs.context_for(pin=FP, ca_file="/nonexistent"), certs.PinnedContext)
    with pytest.raises(InvalidTarget, match="cannot use CA file /nonexistent"):
        certs.context_for(ca_file="/nonexistent")
    default = certs.context_for()
    assert default.verify_mode is ssl.CERT_REQUIRED and default.check_hostname
    assert type(default).__module__.startswith("truststore")


def test_the_mismatch_error_names_both_fingerprints() -> None:
    err = certs.pin_mismatch(FP, "CD:" * 31 + "CD")
    assert isinstance(err, ssl.SSLCertVerificationError)
    assert f"expected SHA-256 {FP}" in err.verify_message and "presented CD:CD" in err.verify_message


def test_pins_for_adhoc_servers_are_keyed_by_host_and_port() -> None:
    assert certs.host_key("wss://10.0.0.5/api/console/x/ws") == "10.0.0.5:443"
    assert certs.host_key("wss://Appliance.Example.:8443/x") == "appliance.example:8443"
    assert certs.host_key("https://[::1]:9443") == "[::1]:9443"
    assert certs.host_key("not a url") == ""


def test_pins_and_the_ca_file_round_trip_through_the_settings_file() -> None:
    s = Settings(ca_file="/etc/ssl/appliance.pem", pinned_certificates={"10.0.0.5:443": FP})
    back, reset = settings_from_json(s.to_json())
    assert reset == [] and back.ca_file == s.ca_file and back.pinned_certificates == {"10.0.0.5:443": FP}
    bad, reset = settings_from_json({"pinned_certificates": {"x:1": "nope"}, "ca_file": 3})
    assert set(reset) == {"pinned_certificates", "ca_file"} and bad.pinned_certificates == {}
