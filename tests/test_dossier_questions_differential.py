"""The fast engine's questions to the dossier rules against the reference engine: TRA-X06
asked by account and line type alone while no tiers' nature is known (from the configuration or
a ***CAE record), with the auxiliary once one is; TRA-X05 not asked while no fiscal year is
known. Configurations (tiers, chart of accounts, fiscal years, a dossier's settings) crossed
with files whose ***CAE and ***EXO records come before or between grid blocks."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from tests.test_engines_differential import fast, pieces, reference, summary
from tests.test_findings_french import parameter
from tests.tra_lines import put, std
from tratool.validation import TiersInfo, ValidationConfig, gridpieces
from tratool.validation.configuration import AccountInfo, FiscalYear
from tratool.validation.gridvalues import BlockWords

AUXILIARIES = ["CDUPONT", "CMARTIN", "FDURAND", "", "SPAUL", "CDUPONT"]
Y2024 = "***EXO0010101202431122024OUV"
Y2025 = "***EXO0020101202531122025OUV"


def body(count: int) -> list[str]:
    """Clean pièces, their X line varied: other auxiliaries, a supplier collective, an
    account outside class 4, a 411 general line without auxiliary, another year."""
    lines = pieces(count)
    for n in range(count):
        at = 3 * n
        x = put(lines[at], "auxiliary", AUXILIARIES[n % len(AUXILIARIES)])
        if n % 7 == 3:
            x = put(x, "account", "40100000")
        if n % 11 == 5:
            x = put(x, "account", "62260000")
        if n % 13 == 6:
            x = put(put(x, "line_type", ""), "auxiliary", "")
        if n % 17 == 8:
            x = put(x, "date", "04032025")
        lines[at] = x
        if n % 17 == 8:
            lines[at + 1] = put(lines[at + 1], "date", "04032025")
            lines[at + 2] = put(lines[at + 2], "date", "04032025")
    return lines


CHART = {
    "41100000": AccountInfo(nature="COC"),
    "40100000": AccountInfo(nature="COF"),
    "62260000": AccountInfo(nature="CHA"),
    "70610000": AccountInfo(nature="PRO"),
}
CONFIGS = {
    "default": ValidationConfig(),
    "tiers": ValidationConfig(tiers={"CDUPONT": TiersInfo(nature="FOU")}),
    "tiers-empty-nature": ValidationConfig(tiers={"CDUPONT": TiersInfo()}),
    "chart": ValidationConfig(chart_of_accounts=CHART),
    "chart+tiers": ValidationConfig(
        chart_of_accounts=CHART, tiers={"FDURAND": TiersInfo(nature="CLI")}
    ),
    "years": ValidationConfig(
        fiscal_years=(FiscalYear(dt.date(2024, 1, 1), dt.date(2024, 12, 31)),),
        closed_until=dt.date(2024, 3, 31),
    ),
    "dossier": ValidationConfig().with_dossier("D1", {"chart_of_accounts": CHART}),
}
CAE_FOU = parameter("CAE", code="CDUPONT", nature="FOU")
CAE_EMPTY = parameter("CAE", code="CMARTIN", nature="")
CAE_SAL = parameter("CAE", code="SPAUL", nature="SAL")
SHAPES = {
    "none": {},
    "cae-fou-mid": {250: [CAE_FOU]},
    "cae-empty-mid": {250: [CAE_EMPTY]},
    "cae-empty-then-sal": {150: [CAE_EMPTY], 450: [CAE_SAL]},
    "exo-first-mid": {300: [Y2025]},
    "exo-start-and-mid": {0: [Y2024], 300: [Y2025]},
    "all": {0: [CAE_EMPTY], 100: [Y2024], 200: [CAE_FOU], 400: [Y2025, CAE_SAL]},
}


def build(shape: dict[int, list[str]], count: int = 600) -> bytes:
    lines = body(count)
    out: list[str] = [std()[0]]
    for n in range(count):
        out += shape.get(n, [])
        out += lines[3 * n : 3 * n + 3]
    return "".join(f"{line}\r\n" for line in out).encode("cp1252")


@pytest.mark.parametrize("shape", list(SHAPES))
@pytest.mark.parametrize("config", list(CONFIGS))
def test_the_fast_engine_reports_what_the_reference_reports(config: str, shape: str) -> None:
    data = build(SHAPES[shape])
    assert len(data) > 64 << 10
    want = reference(data, CONFIGS[config], max_findings=100_000)
    got, _ = fast(data, CONFIGS[config], block_lines=64, max_findings=100_000)
    assert summary(got) == summary(want)
    assert any(f.rule == "TRA-X06" for f in want.findings)


def test_both_questions_are_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    """Until the ***CAE record, TRA-X06 is asked of accounts and line types (18 characters);
    after it, with the auxiliary (35); and pièces are still proved."""
    asked: list[str] = []
    original = gridpieces.DossierProof._collective

    def spy(self: gridpieces.DossierProof, joined: str) -> bool:
        asked.append(joined)
        return original(self, joined)

    monkeypatch.setattr(gridpieces.DossierProof, "_collective", spy)
    _, run = fast(build(SHAPES["cae-empty-mid"]), ValidationConfig(), 64, max_findings=100_000)
    assert run.proved_pieces > 100
    assert {len(joined) for joined in asked} == {18, 35}
    assert "41100000         X" in asked  # the shortcut's value: account and line type


def test_the_short_key_is_the_first_18_bytes_of_the_long_one() -> None:
    row = "VTE01012024FC41100000         XCDUPONT".ljust(222)
    words = BlockWords()
    words.load(np.frombuffer(row.encode("ascii"), dtype=np.uint8).reshape(1, 222))
    long = words.key([(13, 48)])  # account, line type, auxiliary: 35 bytes
    short = gridpieces._leading(long, 18)
    expected = [b"41100000", b"        ", b" X"]
    assert [int(word[0]) for word in short] == [int.from_bytes(b, "little") for b in expected]
