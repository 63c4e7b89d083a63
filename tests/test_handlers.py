"""Link registration on all three OSes, and what the installers declare.

Linux runs for real in a throwaway HOME: ``qvmrc register-handler``, then
``xdg-open 'qvmc://connect?...'`` must reach the running app. Windows and
macOS can't run here: their registry writer runs against a fake registry (and
a stand-in ``winreg`` module), the Info.plist is written with plistlib and read
back, the Inno Setup script and the PyInstaller spec are checked, and a
synthetic QFileOpenEvent stands in for macOS's open-URL event.
"""

from __future__ import annotations

import os
import plistlib
import shutil
import subprocess
import sys
import types
from pathlib import Path
from typing import Any

import pytest

from qvmrc.handlers import linux, macos, windows
from tests.support import xvfb

ROOT = Path(__file__).resolve().parent.parent
needs_xdg = pytest.mark.skipif(not (shutil.which("xdg-open") and shutil.which("xdg-mime")),
                               reason="xdg-utils not installed")


def _home_env(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("XDG_") and k not in ("DISPLAY", "WAYLAND_DISPLAY", "BROWSER")}
    return {**env, "HOME": str(home), "PYTHONPATH": str(ROOT), **extra}


def _qvmrc() -> str:
    exe = Path(sys.executable).with_name("qvmrc")
    if not exe.is_file():
        pytest.skip("the qvmrc script is not installed next to this Python")
    return str(exe)


# --------------------------------------------------------------------- Linux


@needs_xdg
def test_register_handler_then_xdg_open_reaches_the_running_app(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    qvmrc = _qvmrc()
    env = _home_env(home, QT_QPA_PLATFORM="offscreen", QVMRC_CONFIG_DIR=str(tmp_path / "config"))

    out = subprocess.run([qvmrc, "register-handler"], env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    desktop = home / ".local/share/applications/qvmrc.desktop"
    assert f"Exec={qvmrc} %u" in desktop.read_text()
    for scheme in ("qvmrc", "qvmc"):
        query = subprocess.run(["xdg-mime", "query", "default", f"x-scheme-handler/{scheme}"], env=env,
                               capture_output=True, text=True, check=True)
        assert query.stdout.strip() == "qvmrc.desktop"
    if shutil.which("desktop-file-validate"):
        check = subprocess.run(["desktop-file-validate", str(desktop)], capture_output=True, text=True)
        assert check.returncode == 0 and not check.stdout.strip(), check.stdout

    # The app runs; xdg-open (generic mode: no desktop environment) runs the .desktop file's
    # Exec with the link, and that launch hands the link to the running app.
    log = tmp_path / "app.log"
    with open(log, "wb") as fh:
        app = subprocess.Popen([qvmrc, "demo", "-v"], env=env, stdout=fh, stderr=subprocess.STDOUT)
    try:
        xvfb.wait_for(lambda: "console Demo VM connected" in log.read_text(errors="replace"), "the app")
        link = "qvmc://connect?url=http%3A%2F%2F127.0.0.1%3A9&vmId=vm-xdg-42&vmName=web+01"
        # xdg-open only consults scheme handlers when it believes there is a display; the app
        # itself runs offscreen, so the name is never dialled.
        opened = subprocess.run(["xdg-open", link], env={**env, "DISPLAY": ":4242"}, capture_output=True,
                                text=True, timeout=60)
        assert opened.returncode == 0, opened.stderr
        xvfb.wait_for(lambda: "a qvmc:// link to VM 'vm-xdg-42', asked for by another launch"
                      in log.read_text(errors="replace"), "the link to reach the app")
    finally:
        app.terminate()
        app.wait(15)

    out = subprocess.run([qvmrc, "unregister-handler"], env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert not desktop.exists()
    query = subprocess.run(["xdg-mime", "query", "default", "x-scheme-handler/qvmc"], env=env,
                           capture_output=True, text=True)
    assert "qvmrc" not in query.stdout


def test_unregister_keeps_other_mime_defaults(tmp_path: Path) -> None:
    env = {"HOME": str(tmp_path)}
    mimeapps = tmp_path / ".config" / "mimeapps.list"
    mimeapps.parent.mkdir(parents=True)
    mimeapps.write_text("[Default Applications]\ntext/html=firefox.desktop\n"
                        "x-scheme-handler/qvmc=qvmrc.desktop\n\n[Added Associations]\n"
                        "x-scheme-handler/qvmrc=other.desktop;qvmrc.desktop;\n")
    linux._set_defaults(mimeapps, add=False)
    text = mimeapps.read_text()
    assert "text/html=firefox.desktop" in text
    assert "x-scheme-handler/qvmc=" not in text
    assert "x-scheme-handler/qvmrc=other.desktop;" in text and "qvmrc.desktop" not in text
    assert not linux.is_registered(env) or shutil.which("xdg-mime")


@pytest.mark.skipif(shutil.which("desktop-file-validate") is None, reason="desktop-file-utils not installed")
def test_an_install_path_with_spaces_and_quotes_gives_a_valid_exec_line(tmp_path: Path) -> None:
    path = tmp_path / "Program Files" / 'we"ird$dir' / "qvmrc"
    entry = linux.desktop_entry([str(path)])
    desktop = tmp_path / "qvmrc.desktop"
    desktop.write_text(entry)
    check = subprocess.run(["desktop-file-validate", str(desktop)], capture_output=True, text=True)
    assert check.returncode == 0 and not check.stdout.strip(), check.stdout
    exec_line = next(line for line in entry.splitlines() if line.startswith("Exec="))
    assert exec_line.endswith(" %u") and exec_line.startswith('Exec="')
    assert '\\"' in exec_line and "\\$" in exec_line


def test_the_old_hand_written_desktop_file_is_gone_and_build_uses_the_generated_one() -> None:
    assert not (ROOT / "packaging/linux/qvmrc.desktop").exists()
    assert "desktop_entry" in (ROOT / "packaging/build.sh").read_text()


# ------------------------------------------------------------------- Windows


class FakeRegistry:
    """HKCU as a dict of key path -> {value name: data}, case-insensitive like Windows."""

    def __init__(self) -> None:
        self.keys: dict[str, dict[str, str]] = {}

    def set_value(self, path: str, name: str, value: str) -> None:
        parts = path.split("\\")
        for i in range(1, len(parts) + 1):  # CreateKeyEx creates the parents too
            self.keys.setdefault("\\".join(parts[:i]).lower(), {})
        self.keys[path.lower()][name] = value

    def get_value(self, path: str, name: str) -> str | None:
        return self.keys.get(path.lower(), {}).get(name)

    def delete_tree(self, path: str) -> None:
        p = path.lower()
        for k in [k for k in self.keys if k == p or k.startswith(p + "\\")]:
            del self.keys[k]


def test_windows_register_writes_both_url_protocols_under_hkcu() -> None:
    reg = FakeRegistry()
    exe = r"C:\Users\Ann Lee\AppData\Local\Programs\QVMRC\qvmrcw.exe"
    assert not windows.is_registered(reg)
    windows.register([exe], reg)
    for scheme in ("qvmrc", "qvmc"):
        base = f"Software\\Classes\\{scheme}"
        assert reg.get_value(base, "URL Protocol") == ""
        assert reg.get_value(base, "").startswith("URL:")
        assert reg.get_value(f"{base}\\shell\\open\\command", "") == f'"{exe}" "%1"'
    assert windows.is_registered(reg)
    windows.unregister(reg)
    assert not any(k.startswith("software\\classes\\qvm") for k in reg.keys)
    assert not windows.is_registered(reg)


def test_windows_unregister_leaves_another_programs_handler_alone() -> None:
    reg = FakeRegistry()
    reg.set_value("Software\\Classes\\qvmc\\shell\\open\\command", "", '"C:\\qvmc\\qvmc.exe" "%1"')
    assert windows.unregister(reg) == ["no QVMRC link handler was registered"]
    assert reg.get_value("Software\\Classes\\qvmc\\shell\\open\\command", "")


class FakeWinreg(types.SimpleNamespace):
    """The slice of ``winreg`` WinRegistry uses, over a FakeRegistry."""

    HKEY_CURRENT_USER = "HKCU"
    KEY_WRITE = KEY_READ = REG_SZ = 1

    def __init__(self) -> None:
        super().__init__()
        self.reg = FakeRegistry()

    class _Key:
        def __init__(self, path: str) -> None:
            self.path = path

        def __enter__(self) -> Any:
            return self

        def __exit__(self, *exc: object) -> None:
            return None

    def CreateKeyEx(self, root: str, path: str, reserved: int, access: int) -> Any:  # noqa: N802
        assert root == "HKCU"
        self.reg.set_value(path, "\0touch", "")
        del self.reg.keys[path.lower()]["\0touch"]
        return self._Key(path)

    def SetValueEx(self, key: Any, name: str, reserved: int, kind: int, value: str) -> None:  # noqa: N802
        self.reg.set_value(key.path, name, value)

    def OpenKey(self, root: str, path: str, reserved: int = 0, access: int = 1) -> Any:  # noqa: N802
        if path.lower() not in self.reg.keys:
            raise FileNotFoundError(path)
        return self._Key(path)

    def QueryValueEx(self, key: Any, name: str) -> tuple[str, int]:  # noqa: N802
        value = self.reg.get_value(key.path, name)
        if value is None:
            raise FileNotFoundError(name)
        return value, 1

    def EnumKey(self, key: Any, i: int) -> str:  # noqa: N802
        p = key.path.lower() + "\\"
        children = sorted({k[len(p):].split("\\")[0] for k in self.reg.keys if k.startswith(p)})
        if i >= len(children):
            raise OSError("no more items")
        return children[i]

    def DeleteKey(self, root: str, path: str) -> None:  # noqa: N802
        p = path.lower()
        if any(k.startswith(p + "\\") for k in self.reg.keys):
            raise PermissionError("key has subkeys")  # like the real DeleteKey
        self.reg.keys.pop(p, None)


def test_the_winreg_side_creates_queries_and_deletes_depth_first() -> None:
    fake = FakeWinreg()
    real = windows.WinRegistry(fake)
    windows.register([r"C:\QVMRC\qvmrcw.exe"], real)
    assert windows.is_registered(real)
    assert real.get_value("Software\\Classes\\qvmrc", "URL Protocol") == ""
    windows.unregister(real)
    assert not any(k.startswith("software\\classes\\qvm") for k in fake.reg.keys)


def test_the_inno_setup_script_installs_per_user_with_start_menu_and_both_schemes() -> None:
    iss = (ROOT / "packaging/windows/qvmrc.iss").read_text()
    assert "PrivilegesRequired=lowest" in iss
    assert "{userprograms}\\QVMRC" in iss
    for scheme in ("qvmrc", "qvmc"):
        assert f'Subkey: "Software\\Classes\\{scheme}"; ValueType: string; ValueName: "URL Protocol"' in iss
        assert (f'Subkey: "Software\\Classes\\{scheme}\\shell\\open\\command"; ValueType: string; '
                'ValueName: ""; ValueData: """{app}\\qvmrcw.exe"" ""%1"""') in iss
    # the registry writer and the installer agree on the command
    assert windows.command_line(["{app}\\qvmrcw.exe"]) == '"{app}\\qvmrcw.exe" "%1"'


# --------------------------------------------------------------------- macOS


def test_the_info_plist_declares_both_url_schemes_and_survives_a_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "Info.plist"
    macos.write_info_plist(path, "1.2.3", base={"CFBundleExecutable": "qvmrc"})
    with open(path, "rb") as fh:
        data = plistlib.load(fh)
    assert macos.url_schemes(data) == ["qvmrc", "qvmc"]
    assert data["CFBundleIdentifier"] == "com.limiquantix.qvmrc"
    assert data["CFBundleShortVersionString"] == "1.2.3"
    assert data["CFBundleExecutable"] == "qvmrc" and data["CFBundleIconFile"] == "qvmrc.icns"


def test_the_icns_and_ico_are_written_and_read_back(qapp, tmp_path: Path) -> None:
    pytest.importorskip("PySide6.QtSvg")
    sys.path.insert(0, str(ROOT / "packaging"))
    try:
        import icons
    finally:
        sys.path.remove(str(ROOT / "packaging"))
    from PIL import Image

    out = icons.build(tmp_path)
    icns = Image.open(out["icns"])
    assert icns.format == "ICNS" and icns.size[0] >= 512
    ico = Image.open(out["ico"])
    assert ico.format == "ICO" and (256, 256) in ico.info["sizes"]
    png = Image.open(tmp_path / "hicolor/48x48/apps/qvmrc.png")
    assert png.size == (48, 48) and png.getextrema()[3][1] == 255  # not an empty picture


@pytest.mark.parametrize("platform", ["linux", "win32", "darwin"])
def test_the_pyinstaller_spec_runs_for_each_os(platform: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Execute the spec with stand-ins for PyInstaller's build classes and check what it asks for."""
    made: dict[str, list[dict[str, Any]]] = {}

    def recorder(kind: str) -> Any:
        def make(*args: Any, **kwargs: Any) -> Any:
            made.setdefault(kind, []).append({"args": args, **kwargs})
            return types.SimpleNamespace(pure=[], scripts=[], binaries=[], datas=[], kind=kind)
        return make

    hooks = types.ModuleType("PyInstaller.utils.hooks")
    hooks.collect_submodules = lambda name, filter=None: [f"{name}.cli"]  # type: ignore[attr-defined]
    hooks.copy_metadata = lambda name: [(f"/site/{name}-1.dist-info", f"{name}-1.dist-info")]  # type: ignore[attr-defined]
    for mod in ("PyInstaller", "PyInstaller.utils"):
        monkeypatch.setitem(sys.modules, mod, types.ModuleType(mod))
    monkeypatch.setitem(sys.modules, "PyInstaller.utils.hooks", hooks)
    monkeypatch.setattr(sys, "platform", platform)
    spec = ROOT / "packaging" / "qvmrc.spec"
    namespace = {"SPECPATH": str(spec.parent), "__file__": str(spec),
                 **{k: recorder(k) for k in ("Analysis", "PYZ", "EXE", "COLLECT", "BUNDLE")}}
    exec(compile(spec.read_text(), str(spec), "exec"), namespace)

    analysis = made["Analysis"][0]
    assert analysis["args"][0][0].endswith("launcher.py")
    assert str(ROOT) in analysis["pathex"]
    assert "qvmrc.cli" in analysis["hiddenimports"]
    assert any("dist-info" in d[1] for d in analysis["datas"])  # --version reads package metadata
    names = [e["name"] for e in made["EXE"]]
    assert names == (["qvmrc", "qvmrcw"] if platform == "win32" else ["qvmrc"])
    if platform == "darwin":
        bundle = made["BUNDLE"][0]
        assert bundle["name"] == "QVMRC.app" and bundle["icon"].endswith("qvmrc.icns")
        assert macos.url_schemes(bundle["info_plist"]) == ["qvmrc", "qvmc"]
    else:
        assert "BUNDLE" not in made


# ------------------------------------------------- macOS: QFileOpenEvent links


def test_a_file_open_event_link_opens_a_console_also_before_the_window_exists(qtbot, qapp, loop,
                                                                               tmp_path: Path) -> None:
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QFileOpenEvent

    from qvmrc.settings import Settings
    from qvmrc.ui.file_open import install
    from qvmrc.ui.main_window import MainWindow
    from qvmrc.ui.startup import Startup

    links = install(qapp)
    try:
        # The click that starts the app: the event arrives before any window.
        link = "qvmc://connect?url=https%3A%2F%2Fcp.example&vmId=vm-7&vmName=web+07"
        qapp.sendEvent(qapp, QFileOpenEvent(QUrl(link)))
        not_ours = QFileOpenEvent(QUrl.fromLocalFile(str(tmp_path / "disk.iso")))
        assert qapp.sendEvent(qapp, not_ours) is False  # files are not taken
        assert len(links.pending) == 1

        from qvmrc.settings import ControlPlane
        from qvmrc.ui.console_tab import ConsoleTab
        from tests.support.console_fakes import FakeView

        opened: list[Any] = []
        settings = Settings()  # the links' control plane is saved, so they open unasked
        settings.control_planes.append(ControlPlane(url="https://cp.example", name="Lab"))

        def factory(target: Any) -> ConsoleTab:
            opened.append(target)
            return ConsoleTab(target, settings, resolver=_never, view=FakeView())

        window = MainWindow(settings, None, None, auto_refresh=False, tab_factory=factory)
        qtbot.addWidget(window)
        Startup(window, window.settings, None, None, links=links)
        assert [t.vm_id for t in opened] == ["vm-7"] and links.pending == []
        # A later link (the app already running) goes straight to the window.
        qapp.sendEvent(qapp, QFileOpenEvent(QUrl("qvmrc://connect?url=https%3A%2F%2Fcp.example&vmId=vm-8")))
        assert [t.vm_id for t in opened] == ["vm-7", "vm-8"]
        assert window.tabs.count() == 2
    finally:
        qapp.removeEventFilter(links)


async def _never(_target: Any) -> Any:
    import asyncio

    await asyncio.Event().wait()


@pytest.mark.parametrize("platform,frozen,expected", [
    ("win32", True, "qvmrcw.exe"), ("win32", False, "qvmrcw.exe"), ("linux", False, "qvmrc")])
def test_the_handler_runs_this_install_windowed_on_windows(tmp_path: Path, monkeypatch, platform, frozen,
                                                          expected) -> None:
    from qvmrc import handlers

    for name in ("qvmrc.exe", "qvmrcw.exe", "qvmrc", "python.exe"):
        (tmp_path / name).write_text("")
    monkeypatch.setattr(sys, "platform", platform)
    monkeypatch.setattr(sys, "frozen", frozen, raising=False)
    monkeypatch.setattr(sys, "executable", str(tmp_path / ("qvmrc.exe" if frozen else "python.exe")))
    monkeypatch.setattr(sys, "argv", [str(tmp_path / ("qvmrc.exe" if platform == "win32" else "qvmrc"))])
    assert handlers.launcher_argv() == [str(tmp_path / expected)]


def test_a_source_checkout_registers_python_dash_m(tmp_path: Path, monkeypatch) -> None:
    from qvmrc import handlers

    monkeypatch.setattr(sys, "executable", str(tmp_path / "python3"))
    monkeypatch.setattr(sys, "argv", [str(ROOT / "qvmrc" / "__main__.py")])
    monkeypatch.setenv("PATH", str(tmp_path))
    assert handlers.launcher_argv() == [str(tmp_path / "python3"), "-m", "qvmrc"]
