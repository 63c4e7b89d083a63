"""Translations of the window's text: the committed Qt Linguist .ts files, read at start.

Why the .ts and not a compiled .qm: ``pyside6-lrelease`` is a developer tool that
neither a ``pip install`` nor the PyInstaller bundle carries, and a generated .qm
must not be committed. The .ts is small XML; :class:`TsTranslator` reads it with
ElementTree and answers Qt's ``translate`` itself, so the same file that
translators edit (and ``scripts/i18n.sh`` keeps current) is what ships.

The language is the system's (``QLocale.system().uiLanguages()``: LANGUAGE,
LC_ALL, LC_MESSAGES, LANG on Linux, the user's preference on Windows and macOS);
``QVMRC_LANG`` overrides it (``QVMRC_LANG=de``, or ``QVMRC_LANG=en`` for the
untranslated English text).
"""

from __future__ import annotations

import logging
import os
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping
from importlib.resources import files
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

log = logging.getLogger("qvmrc.i18n")

ENV = "QVMRC_LANG"
SOURCE_LANGUAGE = "en"  # the text in the code
MAX_TS_BYTES = 4 << 20  # a translation file is tens of kilobytes; refuse a runaway one

Key = tuple[str, str, str]  # context, source, disambiguation


def ts_path(language: str) -> Path:
    """Where the committed translation for ``language`` ("de") lives."""
    return Path(str(files("qvmrc.i18n") / f"qvmrc_{language}.ts"))


def available() -> list[str]:
    """Languages with a .ts next to this module (English is the source, always there)."""
    here = Path(str(files("qvmrc.i18n")))
    return sorted(p.stem.split("_", 1)[1] for p in here.glob("qvmrc_*.ts"))


def _plural_index(language: str, n: int) -> int:
    """Which numerus form Qt Linguist stores for ``n`` (the languages we ship: two forms)."""
    if language in ("fr", "pt_BR"):
        return 0 if n in (0, 1) else 1
    return 0 if n == 1 else 1


def read_ts(path: Path) -> dict[Key, list[str]]:
    """The finished translations of a .ts: (context, source, disambiguation) -> forms.

    Messages without a translation, and ones lupdate marked vanished or obsolete
    (no longer in the code), are left out: Qt then shows the English source.
    """
    if path.stat().st_size > MAX_TS_BYTES:
        raise ValueError(f"{path.name} is larger than {MAX_TS_BYTES} bytes")
    root = ET.parse(path).getroot()
    table: dict[Key, list[str]] = {}
    for ctx in root.iter("context"):
        name = ctx.findtext("name") or ""
        for msg in ctx.iter("message"):
            source = msg.findtext("source")
            tr = msg.find("translation")
            if source is None or tr is None or tr.get("type") in ("vanished", "obsolete"):
                continue
            forms = [f.text or "" for f in tr.iter("numerusform")] if msg.get("numerus") == "yes" \
                else [tr.text or ""]
            if not any(forms):
                continue
            table[(name, source, msg.findtext("comment") or "")] = forms
    return table


class TsTranslator(QTranslator):
    """A QTranslator answering from a .ts file's table (see the module's docstring)."""

    def __init__(self, language: str, table: Mapping[Key, list[str]]) -> None:
        super().__init__()
        self._language = language
        self._table = dict(table)

    @classmethod
    def load_language(cls, language: str) -> TsTranslator:
        return cls(language, read_ts(ts_path(language)))

    def isEmpty(self) -> bool:  # noqa: N802 - Qt's name
        return not self._table

    def language(self) -> str:
        return self._language

    def translate(self, context: str, source: str, disambiguation: str | None = None,
                  n: int = -1) -> str | None:
        forms = self._table.get((context, source, disambiguation or ""))
        if forms is None and disambiguation:
            forms = self._table.get((context, source, ""))
        if not forms:
            return None  # a null QString: Qt asks the next translator, else keeps the source
        if len(forms) == 1 or n < 0:
            text = forms[0]
        else:
            text = forms[min(_plural_index(self._language, n), len(forms) - 1)]
        return text.replace("%n", str(n)) if n >= 0 else text


def choose_language(env: Mapping[str, str], ui_languages: Iterable[str],
                    offered: Iterable[str]) -> str | None:
    """The .ts language to load, or None for the English source text.

    ``QVMRC_LANG`` wins; else the first of the system's UI languages we have
    ("de-DE" and "de_AT" both pick "de"). An English or unknown choice loads nothing.
    """
    have = set(offered)
    wanted = env.get(ENV, "").strip()
    candidates = [wanted] if wanted else list(ui_languages)
    for lang in candidates:
        norm = lang.replace("-", "_")
        for code in (norm, norm.split("_", 1)[0].lower()):
            if code == SOURCE_LANGUAGE or code in ("C", "POSIX"):
                return None
            if code in have:
                return code
    if wanted:
        log.warning("%s=%s: no such translation (have: %s)", ENV, wanted,
                    ", ".join(sorted(have)) or "none")
    return None


_installed: list[QTranslator] = []  # Qt does not own installed translators: keep them alive


def install(app: QCoreApplication, env: Mapping[str, str] | None = None) -> str | None:
    """Install the chosen language's translators on ``app``; returns the language or None.

    Loads Qt's own catalogue too (standard buttons such as Cancel and OK), where
    the Qt install has one. A broken .ts is logged and the app stays in English.
    """
    uninstall(app)
    lang = choose_language(os.environ if env is None else env,
                           QLocale.system().uiLanguages(), available())
    if lang is None:
        return None
    try:
        ours = TsTranslator.load_language(lang)
    except (OSError, ValueError, ET.ParseError) as e:
        log.warning("translation %s not loaded: %s", lang, e)
        return None
    qt = QTranslator()
    if qt.load(f"qtbase_{lang}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(qt)
        _installed.append(qt)
    app.installTranslator(ours)
    _installed.append(ours)
    log.info("language: %s", lang)
    return lang


def uninstall(app: QCoreApplication) -> None:
    """Back to the English source text (tests switch languages)."""
    while _installed:
        app.removeTranslator(_installed.pop())


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:  # noqa: N802 - the name lupdate looks for
    """Mark ``text`` for lupdate under ``context``; show it later through
    ``QCoreApplication.translate(context, text)``. (PySide's own is typed as returning object.)"""
    return text
