"""The width diagnostic (TRA-S09) and the not-a-header diagnostic (TRA-S02) as the library
returns them: loss, width, column, field, message and hint, for the cases validation-rules.md
lists (shorter than 150, cut inside a right-justified field, stripped, longer, blanks after)."""

from __future__ import annotations

import pytest

from tests.conftest import VECTORS
from tratool.tra.diagnose import Loss, WidthProblem, entry_width, not_a_header

English = tuple[Loss, int, int, str | None, str, str]


def english(problem: WidthProblem | None) -> English | None:
    """The problem with its message and hint in English, as a tuple to compare."""
    if problem is None:
        return None
    message, hint = str(problem.message), str(problem.hint)
    return (problem.loss, problem.width, problem.column, problem.field, message, hint)


VAT = VECTORS["TV-E2"][3]  # a STD line of 222 characters (tra-format.md §10)


def test_a_std_line_shorter_than_its_amount_is_cut() -> None:
    assert english(entry_width(VAT[:100], "", False, "007")) == (
        Loss.CUT,
        100,
        101,
        "label",  # 84-118
        "the line is 100 characters long; an entry line has 222",
        "the line stops before its amount is complete: it was cut or a field is missing",
    )


def test_an_ete_line_shorter_than_its_amount_needs_at_least_222() -> None:
    problem = entry_width(VAT[:149], "", True, "007")
    assert problem is not None
    assert (problem.loss, problem.width, problem.column, problem.field) == (
        Loss.CUT,
        149,
        150,
        "amount",  # 131-150
    )
    assert str(problem.message) == "the line is 149 characters long; an entry line has at least 222"


def test_a_line_ending_inside_due_number_was_cut() -> None:
    assert english(entry_width(VAT[:221], "", False, "007")) == (
        Loss.CUT,
        221,
        221,
        "due_number",
        "the line is 221 characters long; an entry line has 222",
        "it stops inside the right-justified due_number (221-222), whose value always reaches "
        "the field's last column: the line was cut",
    )


def test_a_line_ending_after_establishment_was_stripped() -> None:
    assert english(entry_width(VAT[:218], "", True, "007")) == (
        Loss.STRIPPED,
        218,
        219,
        "axis",  # 219-220
        "the line is 218 characters long; an entry line has at least 222",
        "columns 219-222 are read as blanks, as Cegid does: trailing blanks were probably "
        "stripped, and nothing is lost",
    )


def test_a_std_line_of_exactly_222_and_150_characters() -> None:
    assert entry_width(VAT, "", False, "007") is None
    problem = entry_width(VAT[:150], "", False, "007")
    assert problem is not None
    assert (problem.loss, problem.column, problem.field) == (Loss.STRIPPED, 151, "entry_type")


@pytest.mark.parametrize("extra", ["X", "\t", "X  ", "  X"])
def test_characters_after_a_std_line_are_ignored(extra: str) -> None:
    assert english(entry_width(VAT + extra, "", False, "007")) == (
        Loss.IGNORED,
        222 + len(extra),
        223,
        None,
        f"the line is {222 + len(extra)} characters long; a STD line ends at column 222",
        "Cegid ignores the characters after column 222; tratool keeps them as they are",
    )


def test_blanks_after_a_std_line_are_only_blanks() -> None:
    assert english(entry_width(VAT + "   ", "", False, "007")) == (
        Loss.BLANKS,
        225,
        223,
        None,
        "the line is 225 characters long; a STD line ends at column 222",
        "only blanks follow",
    )


def test_an_ete_line_longer_than_its_version_allows() -> None:
    general = VAT.ljust(1281, "Z")  # version 009: general lines end at 1280 (§12.2)
    problem = entry_width(general, "", True, "009")
    assert problem is not None
    assert (problem.loss, problem.width, problem.column) == (Loss.IGNORED, 1281, 1281)
    assert str(problem.message) == (
        "the line is 1281 characters long; this ETE line ends at column 1280 (header version 009)"
    )
    assert entry_width(general, "", True, "009", limit=1281) is None


def test_a_legacy_ccimpex_line_1() -> None:
    assert tuple(map(str, not_a_header("!CCIMPEX"))) == (
        "line 1 starts with '!': a legacy CCIMPEX file without TRA header",
        "start the file with a header such as ***S5CLIJRLETE…: without it Cegid takes line 1 "
        "as a title and its entry is lost",
    )


def test_a_line_1_that_is_no_header_is_quoted_on_14_characters() -> None:
    message, _ = not_a_header("VTE01012013FC41110001")
    assert str(message) == "line 1 is not a TRA header (it starts 'VTE01012013FC4')"
    message, _ = not_a_header("X!")
    assert str(message) == "line 1 is not a TRA header (it starts 'X!')"
