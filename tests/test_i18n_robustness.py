"""A message in either language never breaks what shows it: odd argument types, braces in
values, errors pickled, printed by Python or logged, and no secret left in the French."""

from __future__ import annotations

import json
import logging
import pickle
from decimal import Decimal
from pathlib import Path

import click
import pytest

from tratool.cli import main
from tratool.cli.common import OutputSettings, said
from tratool.errors import (
    ConfigError,
    ConversionRejected,
    LoopTransportError,
    ParseError,
    StorageTransportError,
    TraError,
    UnreadableInput,
)
from tratool.i18n import N_, Text


class _Report:
    path = "ventes.tra"
    errors = 2


ERRORS: list[TraError] = [
    ParseError(message="bad date", path="v.tra", line=3, message_text=N_("Permission denied")),
    UnreadableInput("v.tra", N_("Permission denied")),
    ConfigError("tratool.toml", N_("Is a directory")),
    ConversionRejected(_Report()),
    LoopTransportError(N_("Not a directory"), request_id="r-1"),
    StorageTransportError(N_("No such file or directory")),
]


@pytest.mark.parametrize("error", ERRORS, ids=lambda e: type(e).__name__)
def test_an_error_carrying_a_text_survives_pickling(error: TraError) -> None:
    again = pickle.loads(pickle.dumps(error))
    assert type(again) is type(error)
    assert str(again) == str(error)
    assert again.args == error.args
    assert again.text == error.text
    assert repr(again) == repr(error)


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Path("/tmp/x.tra"), "/tmp/x.tra"),
        (None, "None"),
        (1.5, "1.5"),
        ("{hint} {0} {}", "{hint} {0} {}"),  # braces in a value are not a template
        (Decimal("-0.5"), "-0,50"),
    ],
)
def test_an_argument_of_any_type_renders_in_both_languages(value: object, shown: str) -> None:
    text = N_("hint: {hint}", hint=value)  # type: ignore[arg-type]
    assert text.render("en") == f"hint: {shown}"
    assert text.render("fr") == f"conseil : {shown}"


def test_a_text_with_braces_nested_in_a_text_renders_once() -> None:
    inner = N_("hint: {hint}", hint="{hint}")
    outer = N_("{message} [request id {request_id}]", message=inner, request_id="{x!r}")
    assert outer.render("fr") == "conseil : {hint} [identifiant de requête {x!r}]"


def test_python_and_logging_print_an_error_carrying_a_text(
    caplog: pytest.LogCaptureFixture,
) -> None:
    error = ConfigError("tratool.toml", N_("Is a directory"))
    assert str(error) == "tratool.toml: Is a directory"
    assert "tratool.toml" in repr(error)
    with caplog.at_level(logging.ERROR):
        logging.getLogger("tratool.test").error("failed: %s", error)
        try:
            raise error
        except ConfigError:
            logging.getLogger("tratool.test").exception("with traceback")
    assert "failed: tratool.toml: Is a directory" in caplog.text


SAS = "https://acct.blob.core.windows.net/c/f.tra?sv=2024&sig=S3cr3tSig%3D"


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_secret_in_a_text_argument_is_said_by_the_command_line_in_neither_language(
    language: str,
) -> None:
    error = StorageTransportError(
        N_("cannot reach {url}: {reason}", url="the storage", reason=f"refused {SAS}")
    )
    assert "S3cr3tSig" not in str(error)
    assert "S3cr3tSig" not in repr(error)
    assert isinstance(error.text, Text)
    assert "S3cr3tSig" not in error.text.render("fr")
    with click.Context(main) as context:
        context.meta["tratool.output"] = OutputSettings(language=language)
        line = said(error)
    assert "S3cr3tSig" not in line
    assert "sig=REDACTED" in line
    assert line.startswith("the storage injoignable" if language == "fr" else "cannot reach")


@pytest.mark.parametrize("kind", [StorageTransportError, LoopTransportError])
def test_the_text_an_error_carries_holds_no_secret_in_any_language(
    kind: type[StorageTransportError] | type[LoopTransportError],
) -> None:
    """Push results and doctor checks keep an error's Text and render it themselves (JSON
    with ``default=str``, progress lines, the doctor's table): the Text itself is clean."""
    reason = N_("hint: {hint}", hint=f"AccountKey=QUJDRA==;Endpoint {SAS}")
    error = kind(N_("cannot reach {url}: {reason}", url=SAS, reason=reason))
    assert isinstance(error.text, Text)
    for language in ("en", "fr"):
        said_there = error.text.render(language)
        assert "S3cr3tSig" not in said_there
        assert "QUJDRA" not in said_there
        assert "sig=REDACTED" in said_there
    assert "S3cr3tSig" not in json.dumps({"error": error.text}, default=str)
