"""One parser of TARGETs for the app and the CLI: the same links, the same one-line errors."""

from __future__ import annotations

import pytest

from qvmrc.console.target import target_from_string
from qvmrc.controlplane.deeplink import is_deep_link
from qvmrc.errors import InvalidTarget
from qvmrc.settings import ControlPlane, Settings

QUERY = "connect?url=https%3A%2F%2Fcp.example%3A8443&vmId=vm-7&vmName=Web"


@pytest.mark.parametrize("scheme", ["qvmc", "qvmrc", "QVMC", "QvmRc"])
def test_both_link_schemes_in_any_case_are_links(scheme):
    link = f"{scheme}://{QUERY}"
    assert is_deep_link(link)
    target = target_from_string(link)
    assert target.from_link and target.vm_id == "vm-7" and target.title == "Web"
    assert target.cp is not None and target.cp.url == "https://cp.example:8443"


@pytest.mark.parametrize("text", [f"qvmc:{QUERY}", f"qvmrc:{QUERY}", f"qvmc:/{QUERY}"])
def test_a_link_without_double_slash_is_not_a_link_and_says_what_is_accepted(text):
    # The web UI emits qvmc://connect?...; OS handlers pass the link verbatim (%u, "%1").
    assert not is_deep_link(text)
    with pytest.raises(InvalidTarget, match="unsupported console target.*qvmrc://connect"):
        target_from_string(text)


def test_a_saved_control_plane_makes_its_links_trusted():
    settings = Settings(control_planes=[ControlPlane(url="https://cp.example:8443/", name="Lab")])
    target = target_from_string(f"qvmrc://{QUERY}", settings)
    assert target.trusted and target.cp is settings.control_planes[0]
    assert not target_from_string(f"qvmrc://{QUERY}").trusted


def test_direct_targets_keep_their_url_and_hide_userinfo_in_the_title():
    target = target_from_string("  wss://user:s3cret@h.example:6080/ws  ")
    assert target.target == "wss://user:s3cret@h.example:6080/ws" and not target.from_link
    assert "s3cret" not in target.title + target.key and target.title == "h.example:6080/ws"


@pytest.mark.parametrize("text, needle", [
    ("http://example.invalid/x", "unsupported console target"),
    ("vnc://[::1", "malformed console address"),
    ("ws:///nohost", "names no host"),
    ("qvmrc://connect?vmId=1", "'url' parameter"),
    ("qvmc://connect?url=https://u:p@cp&vmId=1", "user name or password"),
])
def test_the_cli_refuses_exactly_what_the_app_refuses_with_the_same_line(text, needle, capsys):
    from qvmrc.cli import main

    with pytest.raises(InvalidTarget) as app_error:
        target_from_string(text)
    assert needle in str(app_error.value)
    assert main(["snapshot", text, "-o", "never.png", "--timeout", "1"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("qvmrc: error: ") and needle in err[0]
