"""The committed fixtures are what fixtures/build.py writes, and they read clean."""

from __future__ import annotations

from pathlib import Path

import pytest

import tratool
from tests.conftest import FIXTURES, run_builder

NAMES = ["ventes-std.tra", "achats-ete.tra", "dossier-cae.tra"]


def test_fixtures_are_up_to_date(tmp_path: Path) -> None:
    run_builder(FIXTURES / "build.py", tmp_path)
    for name in NAMES:
        assert (tmp_path / name).read_bytes() == (FIXTURES / name).read_bytes(), name


@pytest.mark.parametrize("name", NAMES)
def test_fixture_reads_without_problems(name: str) -> None:
    with tratool.read(FIXTURES / name) as reader:
        records = [record for _, record in reader]
    assert reader.errors == []
    assert not any(isinstance(r, tratool.RawLine) for r in records)
    totals = tratool.Totals()
    for record in records:
        if isinstance(record, tratool.Entry):
            totals.add(record)
    assert totals.debit == totals.credit > 0


def test_dossier_fixture_has_typed_parameter_records() -> None:
    kinds = [type(r).__name__ for r in tratool.read(FIXTURES / "dossier-cae.tra").records()]
    assert kinds[:6] == ["Header", "Exercise", "Tiers", "Tiers", "GeneralAccount", "Journal"]


def test_ete_fixture_has_analytic_lines() -> None:
    entries = [e for _, e in tratool.read(FIXTURES / "achats-ete.tra").entries()]
    analytic = [e for e in entries if e.is_analytic]
    assert len(analytic) == 2
    assert all(isinstance(e.extension, tratool.AnalyticExtension) for e in analytic)
