"""Every output format of a validation, by name: the validate and push commands share them.

text, json and github live in ``validation/render.py``; the others have a module each here,
and ``markup.py`` is the one place that escapes file content for XML and HTML.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from .. import render
from ..findings import Report
from .gitlab import gitlab
from .html_report import html
from .junit import junit
from .sarif import sarif

Renderer = Callable[[Sequence[Report]], str]

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
