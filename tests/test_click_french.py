"""click's own usage errors in French when the run speaks French, unchanged in English."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from tratool.cli import main
from tratool.cli.click_words import CLICK_SENTENCES

FRENCH = {"LANG": "fr_FR.UTF-8", "LC_ALL": "", "LC_MESSAGES": "", "TRATOOL_LANG": ""}
ENGLISH = {"LANG": "C.UTF-8", "LC_ALL": "", "LC_MESSAGES": "", "TRATOOL_LANG": ""}


@pytest.mark.parametrize(
    ("argv", "french"),
    [
        (
            ["validate", "--bogus"],
            "Utilisation : tratool validate [OPTIONS] [FILES]...\n"
            "Essayez « tratool validate --help » pour l'aide.\n\n"
            "Erreur : Option inconnue : '--bogus'.\n",
        ),
        (
            ["--bogus", "validate"],
            "Utilisation : tratool [OPTIONS] COMMAND [ARGS]...\n"
            "Essayez « tratool --help » pour l'aide.\n\n"
            "Erreur : Option inconnue : '--bogus'.\n",
        ),
        (
            ["validate", "--debu"],
            "Erreur : Option inconnue : '--debu'. Vouliez-vous dire '--debug' ?\n",
        ),
        (["nosuch"], "Erreur : Commande inconnue : 'nosuch'.\n"),
        (["show"], "Erreur : Argument manquant : 'FILE'.\n"),
        (
            ["validate", "--format", "nope", "x.tra"],
            "Erreur : Valeur invalide pour '--format' : 'nope' n'est pas l'une des valeurs 'text',"
            " 'json', 'github', 'sarif', 'junit', 'gitlab', 'html'.\n",
        ),
        (
            ["validate", "--max-findings"],
            "Erreur : L'option '--max-findings' demande une valeur.\n",
        ),
    ],
)
def test_a_usage_error_is_french_under_a_french_locale(argv: list[str], french: str) -> None:
    result = CliRunner(env=FRENCH).invoke(main, argv, prog_name="tratool")
    assert result.exit_code == 2
    assert result.stderr.endswith(french)
    assert "Error" not in result.stderr
    assert "Usage" not in result.stderr


def test_lang_en_keeps_clicks_english() -> None:
    result = CliRunner(env=FRENCH).invoke(
        main, ["--lang", "en", "validate", "--bogus"], prog_name="tratool"
    )
    assert result.exit_code == 2
    assert result.stderr == (
        "Usage: tratool validate [OPTIONS] [FILES]...\n"
        "Try 'tratool validate --help' for help.\n\n"
        "Error: No such option '--bogus'.\n"
    )
    english = CliRunner(env=ENGLISH).invoke(main, ["validate", "--bogus"], prog_name="tratool")
    assert english.stderr == result.stderr


PLACEHOLDER = re.compile(r"\{(\w+)(?:![rs])?\}")


def test_the_sentences_are_clicks_own() -> None:
    """Each sentence starts with words found in click's source: a click that rewords them shows
    up here (its sentences would then be shown in English)."""
    source = "".join(
        path.read_text(encoding="utf-8") for path in Path(click.__file__).parent.glob("*.py")
    )
    for sentence in CLICK_SENTENCES:
        assert PLACEHOLDER.split(sentence)[0].strip() in source, sentence
