"""click's own usage errors in the run's language.

click words its usage errors in English, through the standard library's gettext under its own
msgids. Rather than touching click's gettext, tratool's catalogue holds French for the
sentences click makes (the block "click's usage errors"), and the group shows a usage error
itself when the run speaks French: each sentence click made is matched against these
templates, its values taken from it (and re-worded in turn: an invalid value quotes the
type's own reason), and the French template filled with them. A sentence no template matches
(a newer click's, or one of tratool's own, already in the run's language) is shown as it is.
"""

from __future__ import annotations

import re
from functools import cache
from typing import IO

import click

from ..i18n import N_, catalogue

# click's sentences, as click 8 writes them ({name!r} is matched quoted, as it is shown; a
# path's kind titled, as click shows it). N_ marks them for the catalogue's completeness test.
CLICK_SENTENCES = tuple(
    text.template
    for text in (
        N_("Usage: {usage}"),
        N_("Try '{command} {option}' for help."),
        N_("Error: {message}"),
        N_("No such option {name!r}."),
        N_("No such command {name!r}."),
        N_("Did you mean {possibility}?"),
        N_("(Did you mean one of: {possibilities}?)"),
        N_("Missing argument {param_hint}."),
        N_("Missing option {param_hint}."),
        N_("Invalid value for {param_hint}: {message}"),
        N_("Invalid value: {message}"),
        N_("{value!r} is not one of {choices}."),
        N_("{value!r} is not {choice}."),
        N_("{value!r} is not a valid integer."),
        N_("{value} is not in the range {range}."),
        N_("Option {name!r} requires an argument."),
        N_("Got unexpected extra argument ({args})"),
        N_("Got unexpected extra arguments ({args})"),
        N_("{name} {filename!r} does not exist."),
        N_("{name} {filename!r} is a directory."),
        N_("{name} {filename!r} is a file."),
        N_("File"),
        N_("Directory"),
        N_("Path"),
    )
)
_PLACEHOLDER = re.compile(r"\{(\w+)(?:!r)?\}")


@cache
def _patterns() -> tuple[tuple[re.Pattern[str], str], ...]:
    compiled = []
    for sentence in CLICK_SENTENCES:
        parts = _PLACEHOLDER.split(sentence)  # literal, name, literal, name, …
        regex = "".join(
            re.escape(part) if index % 2 == 0 else f"(?P<{part}>.+?)"
            for index, part in enumerate(parts)
        )
        compiled.append((re.compile(regex, re.DOTALL), sentence))
    return tuple(compiled)


def reworded(sentence: str, language: str) -> str:
    """One sentence click made, in `language` (as it is when no template matches)."""
    french = catalogue(language)
    for pattern, template in _patterns():
        found = pattern.fullmatch(sentence)
        if found is None or template not in french:
            continue
        values = {name: reworded(value, language) for name, value in found.groupdict().items()}
        return _PLACEHOLDER.sub(r"{\1}", french[template]).format_map(values)
    return sentence


def message_of(error: click.UsageError, language: str) -> str:
    """The error's message in `language` (a suggestion after an unknown option reworded too)."""
    message = error.format_message()
    head = error.message
    if message != head and message.startswith(head + " "):
        tail = message.removeprefix(head + " ")
        return f"{reworded(head, language)} {reworded(tail, language)}"
    return reworded(message, language)


class WordedUsageError(click.UsageError):
    """A usage error of click's, shown in the run's language (same exit code, 2)."""

    def __init__(self, error: click.UsageError, language: str) -> None:
        super().__init__(error.message, error.ctx)
        self.error, self.language = error, language

    def show(self, file: IO[str] | None = None) -> None:
        def say(sentence: str) -> str:
            return reworded(sentence, self.language)

        ctx = self.ctx
        if ctx is not None:
            click.echo(say(ctx.get_usage()), file=file, err=file is None, color=ctx.color)
            names = ctx.command.get_help_option_names(ctx)
            if ctx.command.get_help_option(ctx) is not None and names:
                hint = f"Try '{ctx.command_path} {max(names, key=len)}' for help."
                click.echo(say(hint), file=file, err=file is None)
            click.echo(file=file, err=file is None)
        message = "Error: " + message_of(self.error, self.language)
        click.echo(say(message), file=file, err=file is None)
