"""Parameter records that come after entries: the dossier rules must judge the lines that
follow them with what they say. A ***EXO record brings a fiscal year (TRA-X05), a ***CAE
record a tiers' nature (TRA-X06). Both engines keep per-value answers (dossier.py's caches,
the fast engine's remembered answers), so a later record must make them ask again.

Known bug, left to the owners of dossier.py and gridpieces.py (marked xfail): the answers
given before the record are kept after it."""

from __future__ import annotations

import io

import pytest

from tests.test_engines_differential import pieces
from tests.test_findings_french import parameter
from tests.tra_lines import put, std
from tratool.validation import ValidationConfig, validate

EXERCISE_2024 = "***EXO0010101202431122024OUV"
EXERCISE_2025 = "***EXO0020101202531122025OUV"
STALE = "the dossier rules' answers per value are kept after a later parameter record"


def findings(lines: list[str], engine: str, rule: str) -> list[int | None]:
    data = "".join(f"{line}\r\n" for line in [std()[0], *lines]).encode("cp1252")
    stream = io.BytesIO(data)
    stream.name = "x.tra"
    report = validate(stream, ValidationConfig(), max_findings=10_000, engine=engine)  # type: ignore[arg-type]
    return [f.line for f in report.findings if f.rule == rule]


@pytest.mark.xfail(strict=True, reason=STALE)
@pytest.mark.parametrize("engine", ["reference", "fast"])
@pytest.mark.parametrize("count", [3, 400])  # 400 pièces: past the fast engine's first read
def test_a_later_exo_record_brings_its_year(engine: str, count: int) -> None:
    # Every pièce dated 04/03/2025; only 2024 is known until the ***EXO of 2025 comes, after
    # the first pièce (lines 3-5): TRA-X05 on those three lines, none after.
    lines = [put(line, "date", "04032025") for line in pieces(count)]
    lines = [EXERCISE_2024, *lines[:3], EXERCISE_2025, *lines[3:]]
    assert findings(lines, engine, "TRA-X05") == [3, 4, 5]


@pytest.mark.xfail(strict=True, reason=STALE)
@pytest.mark.parametrize("engine", ["reference", "fast"])
@pytest.mark.parametrize("count", [3, 400])
def test_a_later_cae_record_brings_its_tiers_nature(engine: str, count: int) -> None:
    # CDUPONT is declared a supplier (FOU) after the first pièce; every pièce's first line is
    # an X line of CDUPONT on the customers' collective 41100000 (COC): TRA-X06 on each of
    # those after the record (lines 6, 9, … : the header, 3 lines, the record, then 3 a pièce).
    lines = pieces(count)
    lines = [*lines[:3], parameter("CAE", code="CDUPONT", nature="FOU"), *lines[3:]]
    expected = list(range(6, 6 + 3 * (count - 1), 3))
    assert findings(lines, engine, "TRA-X06") == expected
