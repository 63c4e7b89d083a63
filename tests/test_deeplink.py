"""Deep links as the web UI and the host UI emit them, and the ones we refuse."""

from __future__ import annotations

import pytest

from qvmrc.controlplane.deeplink import DeepLink, is_deep_link, parse_deep_link
from qvmrc.errors import InvalidTarget

WEB = "qvmc://connect?url=https%3A%2F%2Fcp.example%3A8443&vmId=3f2a-77&vmName=web%2001"


def test_web_ui_link_is_parsed():
    link = parse_deep_link(WEB)
    assert link == DeepLink(base_url="https://cp.example:8443", vm_id="3f2a-77", vm_name="web 01",
                            variant="web")
    assert link.password is None and not link.fullscreen


@pytest.mark.parametrize("link", [
    WEB.replace("qvmc://", "qvmrc://"),
    WEB.replace("connect?", "connect/?"),
    WEB.replace("qvmc://connect", "QVMRC://Connect"),
    "qvmc://connect?url=https://cp.example:8443&vmId=3f2a-77&vmName=web+01",  # unencoded url, + for space
])
def test_accepted_variants_give_the_same_link(link):
    parsed = parse_deep_link(link)
    assert (parsed.base_url, parsed.vm_id, parsed.vm_name) == ("https://cp.example:8443", "3f2a-77", "web 01")


def test_host_ui_variant_with_password_and_fullscreen():
    link = parse_deep_link("qvmrc://connect?url=http%3A%2F%2F10.0.0.5%3A8443&vm=vm-1"
                           "&name=My+Little+VM&password=s3cr%2Bt&fullscreen=true")
    assert link.variant == "host"
    assert (link.base_url, link.vm_id, link.vm_name) == ("http://10.0.0.5:8443", "vm-1", "My Little VM")
    assert link.password == "s3cr+t"
    assert link.fullscreen is True


def test_password_never_appears_in_repr_or_str():
    link = parse_deep_link("qvmc://connect?url=http://h&vm=a&password=hunter2")
    assert "hunter2" not in repr(link)
    assert "hunter2" not in str(link)
    assert "***" in repr(link)


def test_base_url_keeps_its_path_prefix_without_trailing_slash():
    link = parse_deep_link("qvmc://connect?url=https%3A%2F%2Fcp%2Fprefix%2Fapi%2F&vmId=x")
    assert link.base_url == "https://cp/prefix/api"


def test_ipv6_control_plane_url():
    assert parse_deep_link("qvmc://connect?url=http://[fd00::1]:8080&vmId=x").base_url == "http://[fd00::1]:8080"


@pytest.mark.parametrize("target, expected", [
    ("qvmc://connect?x", True), ("QVMRC://connect", True), ("ws://h/x", False),
    ("vnc://h:1", False), ("qvmc:connect", False),
])
def test_is_deep_link(target, expected):
    assert is_deep_link(target) is expected


@pytest.mark.parametrize("link, words", [
    ("qvmc://connect?vmId=x", "'url'"),
    ("qvmc://connect?url=ftp%3A%2F%2Fh&vmId=x", "http:// or https://"),
    ("qvmc://connect?url=javascript:alert(1)&vmId=x", "http:// or https://"),
    ("qvmc://connect?url=https%3A%2F%2F&vmId=x", "no host"),
    ("qvmc://connect?url=https%3A%2F%2Fu%3Ap%40h&vmId=x", "user name"),
    ("qvmc://connect?url=https%3A%2F%2Fh%3A99999&vmId=x", "malformed"),
    ("qvmc://connect?url=https://h", "VM id is empty"),
    ("qvmc://connect?url=https://h&vmId=", "VM id is empty"),
    ("qvmc://connect?url=https://h&vmId=..%2F..%2Fetc", "characters"),
    ("qvmc://connect?url=https://h&vmId=a%20b", "characters"),
    ("qvmc://connect?url=https://h&vmId=" + "a" * 200, "longer than"),
    ("qvmc://connect?url=https://h&vmId=a&vmId=b", "twice"),
    ("qvmc://connect?url=https://h&vmId=a&vm=b", "different VMs"),
    ("qvmc://connect?url=https://h&vmId=a&fullscreen=maybe", "fullscreen"),
    ("qvmc://connect?url=https://h&vmId=a&vmName=" + "n" * 300, "longer than"),
    ("qvmc://connect?url=https://h&vmId=a&password=" + "p" * 300, "longer than"),
    ("qvmc://open?url=https://h&vmId=a", "qvmc://connect"),
    ("qvmc://connect/vm?url=https://h&vmId=a", "qvmc://connect"),
    ("https://h/?vmId=a", "qvmc://"),
    ("qvmc://connect?url=https://h&vmId=a&pad=" + "x" * 5000, "longer than"),
])
def test_bad_links_are_refused_with_a_clear_reason(link, words):
    with pytest.raises(InvalidTarget) as info:
        parse_deep_link(link)
    msg = str(info.value)
    assert msg.startswith("invalid console link:")
    assert words in msg
    assert "\n" not in msg


def test_control_characters_are_removed_from_the_display_name():
    link = parse_deep_link("qvmc://connect?url=https://h&vmId=a&vmName=%1b%5b31mred%0a")
    assert link.vm_name == "[31mred"


def test_unknown_parameters_are_ignored_for_forward_compatibility():
    assert parse_deep_link("qvmc://connect?url=https://h&vmId=a&theme=dark").vm_id == "a"
