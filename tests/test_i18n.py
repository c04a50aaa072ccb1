"""French and English: the catalogue is complete and the language is chosen as documented."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from click.testing import CliRunner

from tests.report_fixture import write_bad_file
from tratool.cli import main
from tratool.cli.language import choose_language
from tratool.errors import ConfigError
from tratool.i18n import N_, Text, catalogue

PACKAGE = Path(__file__).resolve().parent.parent / "tratool"
PLACEHOLDER = re.compile(r"\{(\w*(?:![rsa])?(?::[^{}]*)?)\}")  # {name}, {name!r}, {n:>3}


def marked_messages() -> set[str]:
    """Every message marked _("…") in tratool, as Babel's extractor finds them."""
    found = extract_from_dir(str(PACKAGE), method_map=[("**.py", "python")])
    return {message for _, _, message, _, _ in found if isinstance(message, str)}


def test_a_placeholder_is_its_name_with_its_conversion() -> None:
    assert PLACEHOLDER.findall("journal {code!r} on {day} ({n:>3})") == ["code!r", "day", "n:>3"]


def test_every_marked_message_has_a_french_text_with_the_same_placeholders() -> None:
    messages = marked_messages()
    assert "{errors} error(s), {warnings} warning(s), {infos} info" in messages
    french = catalogue("fr")
    missing = sorted(m for m in messages if not french.get(m))
    assert missing == []
    differ = {
        m: french[m]
        for m in messages
        if sorted(PLACEHOLDER.findall(m)) != sorted(PLACEHOLDER.findall(french[m]))
    }
    assert differ == {}
    assert set(french) <= messages  # no stale text left in the catalogue


@pytest.mark.parametrize(
    ("explicit", "environ", "expected"),
    [
        (None, {}, "en"),
        (None, {"LANG": "fr_FR.UTF-8"}, "fr"),
        (None, {"LANG": "en_US.UTF-8", "LC_MESSAGES": "fr_BE"}, "fr"),
        (None, {"LC_ALL": "C", "LANG": "fr_FR.UTF-8"}, "en"),
        (None, {"LANG": "fr_FR.UTF-8", "TRATOOL_LANG": "en"}, "en"),
        (None, {"LANG": "C.UTF-8", "TRATOOL_LANG": "FR"}, "fr"),
        ("en", {"TRATOOL_LANG": "fr", "LANG": "fr_FR"}, "en"),
    ],
)
def test_the_language_is_the_option_then_tratool_lang_then_the_locale(
    explicit: str | None, environ: dict[str, str], expected: str
) -> None:
    assert choose_language(explicit, environ) == expected


def test_an_unknown_language_is_a_configuration_error() -> None:
    with pytest.raises(ConfigError, match="TRATOOL_LANG"):
        choose_language(None, {"TRATOOL_LANG": "de"})


def test_validate_speaks_french_under_a_french_locale(tmp_path: Path) -> None:
    path = write_bad_file(tmp_path)
    env = {"LANG": "fr_FR.UTF-8", "LC_ALL": "", "LC_MESSAGES": "", "TRATOOL_LANG": ""}
    result = CliRunner(env=env).invoke(main, ["validate", str(path)])
    assert result.exit_code == 1
    out = result.stdout
    assert ":2:4: erreur TRA-F02 date:" in out
    assert "    conseil : " in out
    assert "  REFUSÉ : 3 erreur(s), 0 avertissement(s), 4 information(s)" in out
    assert "  lignes 12, écritures 11, pièces 4, journaux BQ1 (2), VTE (9)" in out
    # French amounts: a space between thousands, a decimal comma; dates JJ/MM/AAAA.
    assert "  dates 04/03/2024 → 25/03/2024, débit 4 116,59, crédit 4 216,59" in out
    english = CliRunner(env=env).invoke(main, ["validate", "--lang", "en", str(path)]).stdout
    assert "  FAILED: 3 error(s), 0 warning(s), 4 info" in english


def test_a_bad_tratool_lang_is_exit_2(tmp_path: Path) -> None:
    path = write_bad_file(tmp_path)
    result = CliRunner(env={"TRATOOL_LANG": "de"}).invoke(main, ["validate", str(path)])
    assert result.exit_code == 2
    # The language is what is unknown, so the error is said in both.
    assert result.stderr == (
        "tratool: TRATOOL_LANG: 'de' is not a language tratool speaks (fr, en)"
        " / 'de' n'est pas une langue que tratool parle (fr, en)\n"
    )


def test_a_text_is_english_until_it_is_rendered_in_french() -> None:
    text = N_("hint: {hint}", hint="x")
    assert str(text) == "hint: x"
    assert text.render("en") == "hint: x"
    assert text.render("fr") == "conseil : x"
    assert text == Text("hint: {hint}", (("hint", "x"),))
    assert hash(text) == hash(N_("hint: {hint}", hint="x"))  # a finding's message is hashable


def test_amounts_and_dates_are_written_the_way_each_language_writes_them() -> None:
    # Not in the catalogue: the template stays as it is, the arguments follow the language.
    text = N_(
        "{amount} on {day}, {count} times, code {code!r}",
        amount=Decimal("-12345.5"),
        day=dt.date(2024, 3, 1),
        count=1234,
        code="V E",
    )
    assert str(text) == "-12345,50 on 01/03/2024, 1234 times, code 'V E'"
    # French: a decimal comma and a no-break space between thousands; JJ/MM/AAAA.
    assert text.render("fr") == "-12\u00a0345,50 on 01/03/2024, 1234 times, code 'V E'"
    assert N_("{a}", a=Decimal("0.5")).render("fr") == "0,50"
    assert N_("{a}", a=Decimal("1234567")).render("fr") == "1\u00a0234\u00a0567,00"


def test_a_text_inside_a_text_is_rendered_in_the_same_language() -> None:
    outer = N_("{count} {inner}", count=2, inner=N_("hint: {hint}", hint="y"))
    assert str(outer) == "2 hint: y"
    assert outer.render("fr") == "2 conseil : y"


def test_no_message_is_in_the_catalogue_twice() -> None:
    """Two helpers' blocks appended to one catalogue could both carry a message: the later
    would silently win. Each msgid once."""
    po = (PACKAGE / "locale" / "fr" / "LC_MESSAGES" / "tratool.po").read_text(encoding="utf-8")
    entries = re.findall(r'^msgid ((?:".*"\n)+)', po, re.MULTILINE)
    ids = ["".join(re.findall(r'"(.*)"', entry)) for entry in entries]
    assert sorted({i for i in ids if ids.count(i) > 1}) == []


# A colon that is part of a location or an address, not of a sentence: `{path}:{row}:` (the
# compilers' file:line: form, as the CLI prints findings), host:port, URLs and code (`…`, '…',
# TOML such as "path" = "X").
_NOT_PROSE = re.compile(r"\{\w+\}(?::\{\w+\})+:?|https?://\S+|`[^`]*`|'[^']*'|\"[^\"]*\"")


def test_french_puts_a_space_before_double_punctuation_and_uses_guillemets() -> None:
    """The project's choice: a plain space before : ; ? ! (as the verdict line `REFUSÉ : …`
    and `conseil : …` show), « » around quoted words, nowhere a colon glued to its word."""
    glued = {}
    for english, french in catalogue("fr").items():
        prose = _NOT_PROSE.sub("", french)
        if re.search(r"[^\s:][:;?!](?=\s|$)", prose) or "“" in french or "”" in french:
            glued[english] = french
    assert glued == {}


def test_french_says_ecriture_only_for_accounting_entries_and_zone_for_tra_fields() -> None:
    french = catalogue("fr")
    # "écriture" is a journal entry to an accountant: writing a file is "écrire"
    assert french["{path}: cannot write: {reason}"] == "{path} : impossible d'écrire : {reason}"
    assert [e for e, f in french.items() if "écriture impossible" in f] == []
    # a TRA field is a "zone" (Cegid's word), as in every finding about one
    assert french["the {field} is empty"] == "la zone {field} est vide"
    assert (
        "la zone {field} d'un TRA"
        in french["{value!r} is {length} characters; a TRA {field} holds {limit}{hint}"]
    )
