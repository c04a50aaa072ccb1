"""Parameter records that come after entries: the dossier rules must judge the lines that
follow them with what they say. A ***EXO record brings a fiscal year (TRA-X05), a ***CAE
record a tiers' nature (TRA-X06). Both engines keep per-value answers (dossier.py's caches,
the fast engine's remembered answers), so a later record must make them ask again. (A nature
the configuration gives is known from the start.)"""

from __future__ import annotations

import io

import pytest

from tests.test_engines_differential import fast, pieces
from tests.test_findings_french import parameter
from tests.tra_lines import put, std
from tratool.validation import TiersInfo, ValidationConfig, validate

EXERCISE_2024 = "***EXO0010101202431122024OUV"
EXERCISE_2025 = "***EXO0020101202531122025OUV"


def findings(
    lines: list[str], engine: str, rule: str, config: ValidationConfig | None = None
) -> list[int | None]:
    data = "".join(f"{line}\r\n" for line in [std()[0], *lines]).encode("cp1252")
    config = config or ValidationConfig()
    if engine == "fast":  # blocks of 64 lines, so that grid blocks come before the record
        report, _ = fast(data, config, block_lines=64, max_findings=10_000)
    else:
        stream = io.BytesIO(data)
        stream.name = "x.tra"
        report = validate(stream, config, max_findings=10_000, engine="reference")
    return [f.line for f in report.findings if f.rule == rule]


# (pièces, pièces before the record): 400 pièces reach past the fast engine's first read (64
# KiB, line by line); a record after 200 of them comes after grid blocks it proved.
SHAPES = [(3, 1), (400, 1), (400, 200)]


@pytest.mark.parametrize("engine", ["reference", "fast"])
@pytest.mark.parametrize(("count", "at"), SHAPES)
def test_a_later_exo_record_brings_its_year(engine: str, count: int, at: int) -> None:
    # Every pièce dated 04/03/2025, of 3 lines; only 2024 is known until the ***EXO of 2025
    # comes, after `at` pièces (lines 3 to 2 + 3 × at): TRA-X05 on those lines, none after.
    lines = [put(line, "date", "04032025") for line in pieces(count)]
    lines = [EXERCISE_2024, *lines[: 3 * at], EXERCISE_2025, *lines[3 * at :]]
    assert findings(lines, engine, "TRA-X05") == list(range(3, 3 + 3 * at))


@pytest.mark.parametrize("engine", ["reference", "fast"])
@pytest.mark.parametrize(("count", "at"), SHAPES)
def test_a_later_cae_record_brings_its_tiers_nature(engine: str, count: int, at: int) -> None:
    # CDUPONT is declared a supplier (FOU) after `at` pièces; every pièce's first line is an X
    # line of CDUPONT on the customers' collective 41100000 (COC): TRA-X06 on each of those
    # after the record (the header, 3 × at lines, the record, then one every 3 lines).
    lines = pieces(count)
    record = parameter("CAE", code="CDUPONT", nature="FOU")
    lines = [*lines[: 3 * at], record, *lines[3 * at :]]
    first = 3 * at + 3
    assert findings(lines, engine, "TRA-X06") == list(range(first, first + 3 * (count - at), 3))


@pytest.mark.parametrize("engine", ["reference", "fast"])
@pytest.mark.parametrize(
    ("nature", "reported"), [("FOU", True), ("CLI", False), ("DIV", False), ("", False)]
)
def test_a_tiers_nature_from_the_configuration(engine: str, nature: str, reported: bool) -> None:
    # The same X lines of CDUPONT on 41100000 (COC), its nature known from the start, from the
    # configuration: TRA-X06 on each of them (lines 2, 5, ...) unless the nature fits. (While
    # no nature is known, the fast engine asks TRA-X06 without the auxiliary.)
    config = ValidationConfig(tiers={"CDUPONT": TiersInfo(nature=nature)})
    expected = list(range(2, 2 + 3 * 400, 3)) if reported else []
    assert findings(pieces(400), engine, "TRA-X06", config) == expected


@pytest.mark.parametrize("engine", ["reference", "fast"])
@pytest.mark.parametrize(("count", "at"), SHAPES)
def test_a_first_exo_record_after_entries_is_heeded(engine: str, count: int, at: int) -> None:
    # No fiscal year is known at first (TRA-X05 has nothing to check the dates against); the
    # ***EXO of 2024 comes after `at` pièces dated 04/03/2025: TRA-X05 on every line after it.
    lines = [put(line, "date", "04032025") for line in pieces(count)]
    lines = [*lines[: 3 * at], EXERCISE_2024, *lines[3 * at :]]
    first = 3 * at + 3
    assert findings(lines, engine, "TRA-X05") == list(range(first, first + 3 * (count - at)))
