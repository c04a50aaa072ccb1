"""Which language this run of the command speaks: `--lang`, else TRATOOL_LANG, else the locale.

Kept out of `tratool.i18n` (which only turns messages into a language) because refusing an
unknown language raises a `ConfigError`, and `tratool.errors` builds its messages with
`tratool.i18n`: one module each way would tie the two in a circle.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from ..errors import ConfigError
from ..i18n import LANGUAGES


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
        # Said in both languages: which one the reader wants is what is not known.
        raise ConfigError(
            source,
            f"{value!r} is not a language tratool speaks (fr, en)"
            f" / {value!r} n'est pas une langue que tratool parle (fr, en)",
        )
    return language
