"""The ``tratool`` command group and what its commands share.

Commands are thin shells over the library: they parse options, call one library function,
print, and choose the exit status. Exit codes, for every command: 0 success; 1 the input was
read but has errors (or the import failed); 2 usage error, unreadable input or invalid
configuration; 3 (push, status) the import was still running at the deadline; 4 a remote
service refused or could not be reached; 70 an internal error (a bug:
the message asks for a report with ``--debug`` output, which shows the traceback).

Streams: what a command was asked for (findings, summaries, converted data) goes to standard
output; diagnostics (why a file could not be read, notices, progress) go to standard error.
"""

from __future__ import annotations

import codecs
import datetime as dt
import importlib
import os
import sys
from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import IO, Any, NoReturn, TypeVar

import attrs
import click

from .._fsutil import atomic_output, same_file
from .._version import installed_version
from ..display import printable
from ..errors import ConfigError, ParseError
from ..i18n import LANGUAGES, Text, translator
from ..redaction import redact
from ..tra.values import format_money
from .click_words import WordedUsageError
from .language import choose_language

EXIT_OK, EXIT_ERRORS, EXIT_USAGE, EXIT_DEADLINE, EXIT_TRANSPORT = 0, 1, 2, 3, 4
EXIT_INTERNAL = 70  # EX_SOFTWARE in sysexits.h: a bug in tratool, not in the input
STDIO = "-"  # as a file argument: standard input; as -o: standard output

F = TypeVar("F", bound=Callable[..., Any])


@attrs.define
class OutputSettings:
    """How this run prints: set by the options of the group and of the command."""

    color: str = "auto"  # auto | always | never
    quiet: int = 0  # 1: only errors; 2: nothing, the exit code says it
    debug: bool = False
    config: Path | None = None  # --config before the command: instead of the one found
    lang: str | None = None  # --lang, before or after the command name
    language: str | None = None  # the language chosen for this run, once known


def settings() -> OutputSettings:
    ctx = click.get_current_context(silent=True)
    if ctx is None:
        return OutputSettings()
    found = ctx.find_root().meta.setdefault("tratool.output", OutputSettings())
    assert isinstance(found, OutputSettings)
    return found


def use_color(stream: IO[str] | None = None) -> bool:
    """--color always/never, else colour only on a terminal and when NO_COLOR is unset."""
    chosen = settings().color
    if chosen != "auto":
        return chosen == "always"
    if os.environ.get("NO_COLOR"):  # https://no-color.org: any non-empty value
        return False
    target = stream or sys.stdout
    return bool(getattr(target, "isatty", lambda: False)())


# The language last chosen by a command, for the threads of a batch push (click's context,
# which holds the run's settings, is not seen from them).
_chosen = ["en"]


def language() -> str:
    """The language of this run's messages: --lang, else TRATOOL_LANG, else the locale (see
    `tratool.cli.language.choose_language`); an unknown one stops the command (exit 2)."""
    if click.get_current_context(silent=True) is None:
        return _chosen[0]
    current = settings()
    if current.language is None:
        try:
            current.language = choose_language(current.lang)
        except ConfigError as exc:
            current.language = "en"  # the refusal itself can only be said in English
            fail(str(exc))
        _chosen[0] = current.language
    return current.language


def said(message: object) -> str:
    """A `Text`, or an error carrying one (its ``text``), in this run's language; anything
    else as it is."""
    text = getattr(message, "text", message)
    if not isinstance(text, Text):
        return str(message)
    # An error's English is redacted when it is made; the French is redacted here.
    return redact(text.render(language()))


def _(message: str) -> str:
    """`message` in this run's language (the name Babel's extractor looks for)."""
    return translator(language())(message)


def when(moment: dt.datetime) -> str:
    """A date and time for people: JJ/MM/AAAA in French, ISO order in English."""
    return f"{moment:%d/%m/%Y %H:%M}" if language() == "fr" else f"{moment:%Y-%m-%d %H:%M}"


def diagnostic(message: str, *, important: bool = False) -> None:
    """A line on stderr: hidden by -q unless `important`, hidden by -qq always."""
    quiet = settings().quiet
    if quiet >= 2 or (quiet and not important):
        return
    click.echo(printable(message), err=True)


def fail(message: str, code: int = EXIT_USAGE) -> NoReturn:
    diagnostic(f"tratool: {message}", important=True)
    sys.exit(code)


def report_parse_errors(errors: list[ParseError], total: int | None = None) -> None:
    levels = {"error": _("error"), "warning": _("warning"), "info": _("info")}
    for error in errors:
        field = f" {error.field}" if error.field else ""
        message = said(error.message_text or error.message)
        diagnostic(f"{error.location}: {levels[error.severity]}{field}: {message}", important=True)
        if error.hint:
            hint = said(error.hint_text or error.hint)
            diagnostic("    " + _("hint: {hint}").format(hint=hint), important=True)
    if total is not None and total > len(errors):
        more = _("… and {count} more problem(s) not shown").format(count=total - len(errors))
        diagnostic(more, important=True)


def french_amount(value: Decimal) -> str:
    """French display: 12 345,67."""
    return format_money(value, grouped=True)


def worst(codes: list[int]) -> int:
    """The exit status of a run over several inputs: the most serious of theirs."""
    for code in (EXIT_INTERNAL, EXIT_TRANSPORT, EXIT_USAGE, EXIT_DEADLINE, EXIT_ERRORS):
        if code in codes:
            return code
    return EXIT_OK


# -- options shared by the group and the commands ----------------------------------------------
def _set(name: str) -> Callable[[click.Context, click.Parameter, Any], None]:
    def store(ctx: click.Context, param: click.Parameter, value: Any) -> None:
        current = settings()
        if name == "quiet":
            current.quiet = max(current.quiet, value or 0)
        elif name == "debug":
            current.debug = current.debug or bool(value)
        elif name == "config":
            current.config = value or current.config
        elif value is not None:
            current.color = value

    return store


def output_options(command: F) -> F:
    """--color, -q/--quiet and --debug: accepted before or after the command name."""
    for option in (
        click.option(
            "--debug",
            is_flag=True,
            expose_value=False,
            is_eager=True,
            envvar="TRATOOL_DEBUG",
            callback=_set("debug"),
            help="Show the traceback of an internal error (to report it).",
        ),
        click.option(
            "-q",
            "--quiet",
            count=True,
            expose_value=False,
            is_eager=True,
            callback=_set("quiet"),
            help="Only errors; -qq: nothing, the exit code tells.",
        ),
        click.option(
            "--color",
            type=click.Choice(["auto", "always", "never"]),
            default=None,
            expose_value=False,
            is_eager=True,
            callback=_set("color"),
            help="Colour the output: auto (a terminal without NO_COLOR), always or never.",
        ),
    ):
        command = option(command)
    return command


def _set_language(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    current = settings()
    if value:
        current.lang, current.language = value, None
    if not isinstance(ctx.command, click.Group):
        language()  # an unknown TRATOOL_LANG stops the command before any work


def add_language_option(command: click.Command) -> None:
    """--lang on `command` and on every command under it: one global option, accepted before
    or after the command name, as --color and --quiet are."""
    command.params.append(
        click.Option(
            ["--lang"],
            type=click.Choice(LANGUAGES, case_sensitive=False),
            expose_value=False,
            is_eager=True,
            callback=_set_language,
            help="Language of the messages: fr or en (default: TRATOOL_LANG, else the locale "
            "(LC_ALL, LC_MESSAGES, LANG), else en).",
        )
    )
    if isinstance(command, click.Group):
        for subcommand in command.commands.values():
            add_language_option(subcommand)


def check_encoding(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """An ASCII-compatible text encoding (TRA and CSV lines are split on ASCII bytes)."""
    if value is None:
        return None
    try:
        info = codecs.lookup(value)
        usable = (
            getattr(info, "_is_text_encoding", True)
            and _PROBE.encode(info.name).removeprefix(codecs.BOM_UTF8) == _PROBE_B
            and _PROBE_B.decode(info.name) == _PROBE
            and bool(b"\xe9\xff".decode(info.name, errors="replace"))
        )
    except (LookupError, UnicodeError, ValueError):
        usable = False
    if not usable:
        message = _(
            "{value} is not an ASCII-compatible text encoding (e.g. cp1252, utf-8, iso-8859-15)"
        )
        raise click.BadParameter(message.format(value=repr(value)))
    return info.name


_PROBE = "JAL;01012024;411000\r\n"
_PROBE_B = _PROBE.encode("ascii")


encoding_option = click.option(
    "--encoding",
    default="cp1252",
    show_default=True,
    callback=check_encoding,
    help="Encoding of the input (cp1252 is Cegid's ANSI; also utf-8, iso-8859-15…).",
)


class OutputPath(click.ParamType):  # type: ignore[type-arg]
    """An output file, or ``-`` for standard output (given to the command as None)."""

    name = "path"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if value is None or str(value) == STDIO:
            return None
        if isinstance(value, Path):  # already converted (a default, or a second pass)
            return value
        path = Path(value)
        folder = path.parent if str(path.parent) else Path(".")
        if path.is_dir():
            self.fail(_("{path}: is a folder; give a file name").format(path=value), param, ctx)
        if not folder.is_dir():
            message = _("{path}: the folder {folder} does not exist")
            self.fail(message.format(path=value, folder=folder), param, ctx)
        return path


def _worded(error: click.UsageError) -> click.UsageError:
    """click's usage error in the run's language (itself in English, or when the language
    asked is unknown: the usage error is what the person needs first)."""
    try:  # before the group's context exists (an option before the command): the environment
        lang = language() if click.get_current_context(silent=True) else choose_language()
    except ConfigError:
        return error
    return error if lang == "en" else WordedUsageError(error, lang)


class TratoolGroup(click.Group):
    """The group, with the last-resort guard: an unexpected exception is a bug, shown as one
    line and exit 70 (the traceback only with --debug), never a stack trace by surprise. A
    usage error click finds (before or after the command name) is shown in the run's
    language. A command's module is imported when the command is first asked for
    (`modules`), and the command then gets --lang: ask for commands with `list_commands` and
    `get_command`, as click does, not from `commands`, which holds only those asked for."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.modules: dict[str, tuple[str, ...]] = {}  # a command: the modules defining it
        self._loaded: set[str] = set()  # the commands whose modules are in, given --lang

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *self.modules})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self._loaded:
            return self.commands[cmd_name]
        # Every module of its row, even when one of them registered it already: a group
        # (dossier) gets subcommands from several.
        for module in self.modules.get(cmd_name, ()):
            importlib.import_module(module, __package__)
        command = super().get_command(ctx, cmd_name)
        if command is not None:
            add_language_option(command)
            self._loaded.add(cmd_name)
        return command

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        if args and args[0] not in self.list_commands(ctx):
            # An unknown name: every command loaded, for click's "did you mean …?".
            for name in self.modules:
                self.get_command(ctx, name)
        return super().resolve_command(ctx, args)

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        try:
            return super().make_context(info_name, args, parent, **extra)
        except click.UsageError as error:
            raise _worded(error) from error

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.UsageError as error:
            raise _worded(error) from error
        except (click.exceptions.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as exc:
            if settings().debug:
                raise
            detail = redact(printable(f"{type(exc).__name__}: {exc}"))
            message = _("internal error: {detail}; please report it with --debug output")
            click.echo("tratool: " + message.format(detail=detail), err=True)
            ctx.exit(EXIT_INTERNAL)


def _print_version(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    """--version (click's own reads the package metadata at import, for every command)."""
    if not value or ctx.resilient_parsing:
        return
    # Not through _(): the same words in every language, shown even when TRATOOL_LANG is wrong.
    shown = f"tratool, version {installed_version()}"
    click.echo(shown)
    ctx.exit()


@click.group(cls=TratoolGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_print_version,
    help="Show the version and exit.",
)
@click.option(
    "--config",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    expose_value=False,
    is_eager=True,
    callback=_set("config"),
    help="Configuration file to use instead of the nearest tratool.toml / pyproject.toml.",
)
@output_options
def main() -> None:
    """Read, check and convert Cegid TRA accounting files, and import them into Cegid Loop
    exactly once (see the README and docs/).

    Results go to standard output, diagnostics to standard error. Exit status: 0 ok, 1 the
    input has errors, 2 usage or unreadable input, 3 deadline (push), 4 remote service,
    70 internal error.
    """


def write_report_file(rendered: str, output: Path, inputs: Sequence[Path]) -> None:
    """Write a validation report atomically to `output`, never over one of the inputs."""
    if any(same_file(source, output) for source in inputs):
        fail(_("{path}: is an input file; choose another output").format(path=output))
    try:
        with atomic_output(output, "w") as out:
            out.write(rendered)
    except OSError as exc:
        message = _("{path}: cannot write the report ({reason})")
        fail(message.format(path=output, reason=exc.strerror or exc))
