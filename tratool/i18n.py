"""French and English for what tratool says to people.

The French texts live in a gettext catalogue, ``locale/fr/LC_MESSAGES/tratool.po``, kept in
the repository and read with Babel when first needed: no compile step, so a fresh clone, an
editable install and a wheel all speak French the same way. Messages are written with named
``{placeholders}`` and marked ``_("…")`` where they are made, so Babel's extractor finds them;
a test fails when one has no French text or when the placeholders differ.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from functools import cache
from importlib.resources import files

from .errors import ConfigError

LANGUAGES = ("en", "fr")
Translate = Callable[[str], str]


def choose_language(explicit: str | None = None, environ: Mapping[str, str] = os.environ) -> str:
    """`--lang` when given, else TRATOOL_LANG, else the locale (LC_ALL, LC_MESSAGES, LANG:
    the first one set; French when it starts with "fr"), else English."""
    if explicit:
        return _checked(explicit, "--lang")
    chosen = environ.get("TRATOOL_LANG", "")
    if chosen:
        return _checked(chosen, "TRATOOL_LANG")
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name, "")
        if value:
            return "fr" if value.lower().startswith("fr") else "en"
    return "en"


def _checked(value: str, source: str) -> str:
    language = value.strip().lower()
    if language not in LANGUAGES:
        raise ConfigError(source, f"{value!r} is not a language tratool speaks (fr, en)")
    return language


@cache
def catalogue(language: str) -> dict[str, str]:
    """msgid -> translated text for `language` (empty for English, the source language)."""
    if language == "en":
        return {}
    from babel.messages.pofile import read_po  # only when French is asked for

    path = files("tratool") / "locale" / language / "LC_MESSAGES" / "tratool.po"
    with path.open("rb") as po:
        messages = read_po(po)
    return {
        str(m.id): str(m.string)
        for m in messages
        if m.id and isinstance(m.id, str) and m.string and not m.fuzzy
    }


def translator(language: str) -> Translate:
    """The function that turns an English message into `language` (itself when unknown)."""
    texts = catalogue(language)
    return lambda message: texts.get(message, message)
