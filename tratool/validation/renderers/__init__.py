"""Every output format of a validation, by name: the validate and push commands share them.

text, json and github live in ``validation/render.py``; the others have a module each here,
and ``markup.py`` is the one place that escapes file content for XML and HTML.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from .. import render
from ..findings import Report
from .gitlab import gitlab
from .html_report import html
from .junit import junit
from .sarif import sarif


class Renderer(Protocol):
    """Reports in one format; `lang` is the language of the words meant for people (the
    findings' messages and hints). JSON keeps its English messages for programs."""

    def __call__(self, reports: Sequence[Report], /, *, lang: str = "en") -> str: ...


RENDERERS: dict[str, Renderer] = {
    "text": render.text,
    "json": render.to_json,
    "github": render.github,
    "sarif": sarif,
    "junit": junit,
    "gitlab": gitlab,
    "html": html,
}
FORMAT_NAMES = tuple(RENDERERS)

__all__ = ["FORMAT_NAMES", "RENDERERS", "Renderer", "gitlab", "html", "junit", "sarif"]
