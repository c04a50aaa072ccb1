"""Keeping secrets out of logs, reprs and error messages.

A `Secret` holds a key, a connection string or a SAS URL and shows ``'***'`` wherever it is
printed; `redact` scrubs the secret parts out of any text (SAS signatures, account keys,
subscription keys) before it reaches a log or an exception.
"""

from __future__ import annotations

import logging
import re

import attrs

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
