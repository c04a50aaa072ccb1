"""French and English for what tratool says to people.

The French texts live in a gettext catalogue, ``locale/fr/LC_MESSAGES/tratool.po``, kept in
the repository and read with Babel when first needed: no compile step, so a fresh clone, an
editable install and a wheel all speak French the same way. Messages are written in English
with named ``{placeholders}`` and marked where they are made, so Babel's extractor finds them;
a test fails when one has no French text or when the placeholders differ. Two markers:

- ``_("…")`` where the language is known at once: ``_ = translator(lang)`` then
  ``_("{count} file(s)").format(count=n)``.
- ``N_("…", name=value)`` where a message is made before anyone knows who will read it (a
  validation finding, an exception): it returns a `Text`, the template and its arguments,
  and the words are chosen when it is shown. ``str(text)`` is the English;
  ``text.render("fr")`` the French. Babel finds ``N_`` among its default keywords.

Arguments are shown according to the language (`shown`): a `Decimal` is an amount with a
decimal comma, as TRA files write it (``1234,50``), to which French adds a no-break space
between thousands (``1 234,50``, U+00A0 so an amount never breaks across lines); a date is
``JJ/MM/AAAA`` in both; a `Text` is rendered in the same language; anything else is ``str()``.
A template may apply ``!r`` to a text argument (``journal {code!r}``) so that blanks and
control characters stay visible.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from functools import cache
from importlib.resources import files
from typing import TypeAlias

import attrs

LANGUAGES = ("en", "fr")
Translate = Callable[[str], str]


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


Argument: TypeAlias = "str | int | Decimal | dt.date | Text"


@attrs.frozen
class Text:
    """A message in waiting: its English template (the catalogue's msgid) and the values of
    its placeholders, sorted by name so that equal messages compare and hash equal."""

    template: str
    args: tuple[tuple[str, Argument], ...] = ()

    def render(self, language: str) -> str:
        """The message in `language`, its arguments shown the way that language writes them."""
        template = catalogue(language).get(self.template, self.template)
        return template.format_map({name: shown(v, language) for name, v in self.args})

    def __str__(self) -> str:
        return self.render("en")


def N_(template: str, /, **args: Argument) -> Text:
    """Mark `template` for extraction and bind its placeholders' values."""
    return Text(template, tuple(sorted(args.items())))


def shown(value: Argument, language: str) -> str:
    """One argument as `language` writes it (see the module's docstring)."""
    if isinstance(value, Text):
        return value.render(language)
    if isinstance(value, Decimal):
        text = f"{value:,.2f}" if language == "fr" else f"{value:.2f}"
        return text.replace(",", "\u00a0").replace(".", ",")
    if isinstance(value, dt.datetime):  # a moment: JJ/MM/AAAA HH:MM in French, ISO in English
        return f"{value:%d/%m/%Y %H:%M}" if language == "fr" else f"{value:%Y-%m-%d %H:%M}"
    if isinstance(value, dt.date):
        return f"{value:%d/%m/%Y}"
    return value if isinstance(value, str) else str(value)


def said(text: Text | None, language: str) -> str | None:
    """`text` in `language`, or None when there is nothing to say."""
    return None if text is None else text.render(language)


class TextValueError(ValueError):
    """A ValueError whose message is a `Text`: ``str()`` is the English, `text` says it in
    any language (a value parser's reason, quoted by the finding that reports the value)."""

    def __init__(self, text: Text) -> None:
        super().__init__(str(text))
        self.text = text
