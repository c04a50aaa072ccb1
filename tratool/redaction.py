"""Keeping secrets out of logs, reprs and error messages.

A `Secret` holds a key, a connection string or a SAS URL and shows ``'***'`` wherever it is
printed; `redact` scrubs the secret parts out of any text (SAS signatures, account keys,
subscription keys) before it reaches a log or an exception.
"""

from __future__ import annotations

import logging
import re
import unicodedata

import attrs

from .i18n import N_, Text

_PATTERNS = [
    # SAS signature in a URL or token: keep the parameter, hide its value.
    (re.compile(r"(?i)(\bsig=)[^&\s\"']+"), r"\1REDACTED"),
    # Connection strings.
    (re.compile(r"(?i)(AccountKey=)[^;\s\"']+"), r"\1REDACTED"),
    (re.compile(r"(?i)(SharedAccessSignature=)[^;\s\"']+"), r"\1REDACTED"),
    # Loop API keys in headers, however they are printed.
    (
        re.compile(r"(?i)(ocp-apim-subscription-key['\"]?\s*[:=]\s*['\"]?)[^'\"\s,}]+"),
        r"\1REDACTED",
    ),
    (re.compile(r"(?i)(x-apikey['\"]?\s*[:=]\s*['\"]?)[^'\"\s,}]+"), r"\1REDACTED"),
]


def redact(text: str) -> str:
    """The text with every secret-looking value replaced by REDACTED."""
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def redact_text(text: Text) -> Text:
    """`text` with every secret-looking value redacted out of its text arguments (nested
    ones too), so that it says no secret in any language, wherever it is rendered."""
    args = tuple(
        (name, redact_text(value) if isinstance(value, Text) else redact(value))
        if isinstance(value, (str, Text))
        else (name, value)
        for name, value in text.args
    )
    return Text(text.template, args)


def credential_problem(value: str) -> Text | None:
    """What makes `value` unusable as a key, connection string or SAS URL, worded so that
    nothing of the value shows; None when it is fine.

    A credential with a stray newline or space is refused, not trimmed: something put it
    there (``echo`` into a secret store, a copy from a terminal), and a value silently
    repaired here would still be broken wherever else it is used.
    """
    if not value:
        # Counted as not set: CI systems give a missing secret as an empty variable, and
        # whoever needs the credential says that it is missing.
        return None
    if value != value.strip():
        return N_(
            "starts or ends with whitespace (often the newline `echo` adds: store it with "
            "`printf '%s'`)"
        )
    for position, char in enumerate(value, start=1):
        if char.isspace() or unicodedata.category(char) in ("Cc", "Cf"):
            return N_(
                "holds a space or control character (character {position})", position=position
            )
    try:
        value.encode("latin-1")
    except UnicodeEncodeError as exc:
        return N_(
            "holds a character HTTP headers cannot carry (character {position}, outside Latin-1)",
            position=exc.start + 1,
        )
    return None


@attrs.frozen(repr=False)
class Secret:
    """A secret string: `reveal()` gives it, everything else shows ``'***'``."""

    _value: str = attrs.field(alias="value")

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('***')"

    def __str__(self) -> str:
        return "***"

    def __bool__(self) -> bool:
        return bool(self._value)


class RedactingFilter(logging.Filter):
    """A logging filter that redacts secrets from every record it passes."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True
