"""The command's contract: one stderr line on failure, never a traceback, exit codes."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading

import pytest

import qvmrc.cli as cli
from qvmrc.cli import main


def run(argv: list[str]) -> int:
    try:
        return main(argv)
    except SystemExit as e:  # argparse usage errors
        return int(e.code or 0)


def one_error_line(capsys) -> str:
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    assert err[0].startswith("qvmrc: error:")
    return err[0]


@pytest.mark.parametrize("argv,needle", [
    (["snapshot", "http://example.invalid/x", "-o", "x.png"], "unsupported console target"),
    (["snapshot", "vnc://127.0.0.1:1", "-o", "x.png", "--encodings", "bogus"], "unknown encoding"),
    (["snapshot", "vnc://127.0.0.1:1", "-o", "x.png", "--jpeg-quality", "12"], "0-9"),
    (["snapshot", "vnc://127.0.0.1:1", "-o", "x.png", "--pixel-format", "rgb999"], "pixel format"),
    (["snapshot", "vnc://127.0.0.1:1"], "required"),
    (["type", "vnc://127.0.0.1:1", "--text", "x", "--password-env", "QVMRC_NOPE_UNSET"], "QVMRC_NOPE_UNSET"),
    (["snapshot", "qvmrc://connect?vmId=1", "-o", "x.png"], "url"),
])
def test_bad_input_is_one_line(argv, needle, capsys, monkeypatch):
    monkeypatch.delenv("QVMRC_NOPE_UNSET", raising=False)
    assert run(argv) != 0
    assert needle in one_error_line(capsys)


def test_usage_errors_exit_2(capsys):
    with pytest.raises(SystemExit) as e:
        main(["replay"])
    assert e.value.code == 2
    one_error_line(capsys)


def test_refused_connection_is_one_line(capsys):
    from tests.support.ports import free_port

    assert main(["snapshot", f"vnc://127.0.0.1:{free_port()}", "-o", "x.png", "--timeout", "3"]) == 1
    assert "cannot connect" in one_error_line(capsys)


def test_a_silent_server_times_out_with_one_line(capsys):
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen()
    held: list[socket.socket] = []
    threading.Thread(target=lambda: held.append(srv.accept()[0]), daemon=True).start()
    port = srv.getsockname()[1]
    try:
        assert main(["snapshot", f"vnc://127.0.0.1:{port}", "-o", "x.png", "--timeout", "1"]) == 1
        line = one_error_line(capsys)
        assert "timed out" in line or "did not complete the VNC handshake" in line
    finally:
        srv.close()


def test_a_plain_target_opens_the_app_and_options_may_come_first(monkeypatch):
    seen = {}

    def fake_gui(args, demo=False):
        seen.update(target=getattr(args, "target", None), verbose=args.verbose, demo=demo)
        return 0

    monkeypatch.setattr(cli, "cmd_gui", fake_gui)
    assert main(["-v", "ws://127.0.0.1:9/x"]) == 0
    assert seen == {"target": "ws://127.0.0.1:9/x", "verbose": True, "demo": False}
    assert main(["demo"]) == 0 and seen["demo"] is True


def test_headless_commands_do_not_import_qt(tmp_path):
    code = ("import sys; from qvmrc.cli import main; "
            f"main(['replay', {str(tmp_path / 'none.fbs')!r}]); "
            "print(any(m.startswith('PySide6') for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "False"
    assert "Traceback" not in out.stderr
