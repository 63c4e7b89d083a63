"""Translations: the committed .ts is current, it is what the app reads, German shows in German.

The .ts check runs pyside6-lupdate over qvmrc/ui into a fresh file and compares
the (context, source) pairs with the committed qvmrc/i18n/qvmrc_de.ts: a new or
changed tr() string without `bash scripts/i18n.sh` fails here.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import QCoreApplication  # noqa: E402
from PySide6.QtGui import QAction  # noqa: E402

from qvmrc import i18n  # noqa: E402
from qvmrc.i18n import TsTranslator, choose_language, read_ts  # noqa: E402
from tests.test_i18n_static import PENDING  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
TS = ROOT / "qvmrc" / "i18n" / "qvmrc_de.ts"
LUPDATE = Path(sys.executable).parent / "pyside6-lupdate"


def _messages(path: Path) -> set[tuple[str, str]]:
    """(context, source) of the messages the code has now (vanished/obsolete ones left out)."""
    out = set()
    for ctx in ET.parse(path).getroot().iter("context"):
        for msg in ctx.iter("message"):
            tr = msg.find("translation")
            if tr is not None and tr.get("type") in ("vanished", "obsolete"):
                continue
            out.add((ctx.findtext("name") or "", msg.findtext("source") or ""))
    return out


@pytest.mark.skipif(not (LUPDATE.exists() or shutil.which("pyside6-lupdate")),
                    reason="pyside6-lupdate not installed")
def test_the_committed_ts_has_exactly_the_strings_of_the_code(tmp_path):
    fresh = tmp_path / "fresh_de.ts"
    tool = str(LUPDATE) if LUPDATE.exists() else "pyside6-lupdate"
    subprocess.run([tool, "-silent", "-locations", "none", "-extensions", "py",
                    "-target-language", "de", str(ROOT / "qvmrc" / "ui"), "-ts", str(fresh)],
                   check=True, capture_output=True, timeout=120)
    code, committed = _messages(fresh), _messages(TS)
    assert code, "lupdate found no strings at all"
    new = sorted(code - committed)
    gone = sorted(committed - code)
    assert (new, gone) == ([], []), ("qvmrc/i18n/qvmrc_de.ts is behind the code: run "
                                     f"`bash scripts/i18n.sh`.\nnew: {new}\ngone: {gone}")


def test_every_string_of_the_code_has_a_german_translation():
    unfinished = []
    for ctx in ET.parse(TS).getroot().iter("context"):
        for msg in ctx.iter("message"):
            tr = msg.find("translation")
            if tr is not None and tr.get("type") == "unfinished":
                unfinished.append((ctx.findtext("name"), msg.findtext("source")))
    assert unfinished == [], f"translate these in qvmrc/i18n/qvmrc_de.ts: {unfinished}"


def test_no_message_is_filed_under_an_empty_or_wrong_context():
    """An alias of translate() (t = QCoreApplication.translate) makes lupdate file the
    context as the source; such a string would never be translated."""
    names = {ctx.findtext("name") or "" for ctx in ET.parse(TS).getroot().iter("context")}
    assert "" not in names and "QCoreApplication" not in names


def test_every_translation_keeps_the_placeholders_of_its_source():
    fields = re.compile(r"\{\d*\}|%n")
    for (context, source, _), forms in read_ts(TS).items():
        for form in forms:
            assert sorted(fields.findall(form)) == sorted(fields.findall(source)), (context, source, form)


def test_the_main_dialogs_strings_are_translated_not_left_unfinished():
    table = read_ts(TS)
    for key in [("SettingsDialog", "QVMRC Preferences", ""), ("ConnectDialog", "Connect to a console", ""),
                ("AboutDialog", "About QVMRC", ""), ("MountIsoDialog", "Mount", ""),
                ("DebugPanel", "Copy diagnostics", ""), ("PowerAction", "Power off", "")]:
        assert table.get(key), key


# ------------------------------------------------------------------ translator


def _translator() -> TsTranslator:
    return TsTranslator("de", {("Ctx", "Hello", ""): ["Hallo"],
                               ("Ctx", "Pause", "log"): ["Anhalten"],
                               ("Ctx", "%n file(s)", ""): ["%n Datei", "%n Dateien"]})


def test_the_translator_answers_qt_with_the_table_and_lets_unknown_text_through(qapp):
    t = _translator()
    qapp.installTranslator(t)
    try:
        assert QCoreApplication.translate("Ctx", "Hello") == "Hallo"
        assert QCoreApplication.translate("Other", "Hello") == "Hello"  # another context
        assert QCoreApplication.translate("Ctx", "Not in the file") == "Not in the file"
        assert QCoreApplication.translate("Ctx", "Pause", "log") == "Anhalten"
        assert QCoreApplication.translate("Ctx", "%n file(s)", None, 1) == "1 Datei"
        assert QCoreApplication.translate("Ctx", "%n file(s)", None, 3) == "3 Dateien"
    finally:
        qapp.removeTranslator(t)


def test_a_qobject_subclass_finds_its_own_class_name_as_context(qapp):
    from PySide6.QtWidgets import QWidget

    class Ctx(QWidget):
        pass

    class Derived(Ctx):  # tr() in a base class's method: the base's context still answers
        pass

    t = _translator()
    qapp.installTranslator(t)
    try:
        assert Ctx().tr("Hello") == "Hallo"
        assert Derived().tr("Hello") == "Hallo"
    finally:
        qapp.removeTranslator(t)


def test_reading_a_ts_skips_unfinished_and_vanished_messages(tmp_path):
    ts = tmp_path / "qvmrc_xx.ts"
    ts.write_text(
        '<?xml version="1.0" encoding="utf-8"?><TS version="2.1" language="xx"><context><name>C</name>'
        '<message><source>done</source><translation>fertig</translation></message>'
        '<message><source>todo</source><translation type="unfinished"></translation></message>'
        '<message><source>old</source><translation type="vanished">alt</translation></message>'
        "</context></TS>", encoding="utf-8")
    assert read_ts(ts) == {("C", "done", ""): ["fertig"]}


def test_a_broken_translation_file_leaves_the_app_in_english(qapp, monkeypatch, tmp_path, caplog):
    bad = tmp_path / "qvmrc_de.ts"
    bad.write_text("<TS><context>", encoding="utf-8")
    monkeypatch.setattr(i18n, "ts_path", lambda lang: bad)
    assert i18n.install(qapp, {"QVMRC_LANG": "de"}) is None
    assert "translation de not loaded" in caplog.text
    assert QCoreApplication.translate("SettingsDialog", "QVMRC Preferences") == "QVMRC Preferences"


@pytest.mark.parametrize("env, system, expected", [
    ({}, ["de-DE", "en-US"], "de"),
    ({}, ["de_AT"], "de"),
    ({}, ["en-GB", "de-DE"], None),  # the user's first choice is English
    ({}, ["fr-FR"], None),  # no French .ts: English
    ({"QVMRC_LANG": "de"}, ["en-US"], "de"),  # the override wins
    ({"QVMRC_LANG": "en"}, ["de-DE"], None),
    ({"QVMRC_LANG": "C"}, ["de-DE"], None),
    ({"QVMRC_LANG": "xx"}, ["de-DE"], None),  # unknown override: English, and a log line
])
def test_the_language_is_the_systems_unless_qvmrc_lang_says_otherwise(env, system, expected):
    assert choose_language(env, system, ["de"]) == expected


def test_german_ships_next_to_the_module():
    assert "de" in i18n.available()
    assert i18n.ts_path("de").is_file()


# ------------------------------------------------------------------ German UI


@pytest.fixture
def german(qapp):
    assert i18n.install(qapp, {"QVMRC_LANG": "de"}) == "de"
    yield
    i18n.uninstall(qapp)


def test_with_german_the_preferences_dialog_is_german(qtbot, german):
    from qvmrc.settings import Settings
    from qvmrc.ui.settings_dialog import SettingsDialog

    s = Settings(pinned_certificates={"a:443": "AB", "b:443": "CD"})
    dlg = SettingsDialog(s)
    qtbot.addWidget(dlg)
    assert dlg.windowTitle() == "QVMRC-Einstellungen"
    assert dlg.smooth.text() == "Glatte Skalierung"
    assert dlg.reconnect.text() == "Automatisch neu verbinden, wenn eine Konsole abbricht"
    assert dlg.forget_pins.text() == "2 vertraute Zertifikate vergessen"  # the plural form
    assert dlg.theme.itemText(1) == "Dunkel"
    assert dlg.encoding.accessibleName() == "Bevorzugte Kodierung"


def test_with_german_the_connect_dialog_and_the_cd_menu_are_german(qtbot, german):
    from qvmrc.settings import Settings
    from qvmrc.ui.connect_dialog import ConnectDialog
    from qvmrc.ui.media import MediaButton

    dlg = ConnectDialog(Settings())
    qtbot.addWidget(dlg)
    assert dlg.windowTitle() == "Mit einer Konsole verbinden"
    assert dlg.connect_button.text() == "Verbinden"
    assert dlg.view_only.text() == "Nur ansehen (keine Tastatur- oder Mauseingaben senden)"
    with pytest.raises(ValueError, match="Geben Sie die Adresse der Konsole an"):
        dlg.request()
    button = MediaButton(None)
    qtbot.addWidget(button)
    assert "Steuerungsebene" in button.toolTip()


def test_with_german_power_actions_read_german_wherever_they_are_shown(german):
    from qvmrc.ui.power import ACTIONS

    assert ACTIONS["poweroff"].label == "Ausschalten"
    assert ACTIONS["poweroff"].english_label == "Power off"  # the log keeps English


@pytest.mark.xfail("main_window.py" in PENDING, strict=True,
                   reason="main_window.py does not use tr() yet (window helper); strict: once it "
                          "does and scripts/i18n.sh ran, this passes and PENDING must be emptied")
def test_with_german_the_main_menus_are_german(qtbot, german, tmp_path):
    from qvmrc.settings import Settings, SettingsStore
    from qvmrc.ui.main_window import MainWindow

    w = MainWindow(Settings(), SettingsStore(tmp_path), None, auto_refresh=False)
    qtbot.addWidget(w)
    titles = [a.text() for a in w.menuBar().actions()]
    assert titles == ["&Datei", "&Ansicht", "&Hilfe"]


def test_switching_back_to_english_restores_the_source_text(qapp, qtbot):
    from qvmrc.settings import Settings
    from qvmrc.ui.settings_dialog import SettingsDialog

    i18n.install(qapp, {"QVMRC_LANG": "de"})
    i18n.uninstall(qapp)
    dlg = SettingsDialog(Settings())
    qtbot.addWidget(dlg)
    assert dlg.windowTitle() == "QVMRC Preferences"


def test_with_german_the_console_toolbar_and_scale_choices_are_german(qtbot, german):
    from qvmrc.settings import Settings
    from qvmrc.ui.console_tab import ConsoleTab, ConsoleTarget
    from tests.support.console_fakes import FakeView
    from tests.support.fake_session import FakeSession

    tab = ConsoleTab(ConsoleTarget(key="k", title="vm", target="ws://127.0.0.1:1/x"), Settings(),
                     session_factory=FakeSession, view=FakeView())
    qtbot.addWidget(tab)
    assert tab.scale_box.itemText(0) == "Einpassen"
    texts = {a.text() for a in tab.findChildren(QAction)}
    assert {"Vollbild", "Nur ansehen", "Zwischenablage tippen"} <= texts
