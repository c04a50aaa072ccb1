"""The tratool command, run in-process through click and once as the installed program."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

import tratool
from tests.conftest import FIXTURES, VECTORS, tra_bytes
from tratool.cli import main

STD = FIXTURES / "ventes-std.tra"
ETE = FIXTURES / "achats-ete.tra"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_version() -> None:
    code, out, _ = run("--version")
    assert code == 0
    assert out.strip() == f"tratool, version {tratool.__version__}"


def test_show_prints_header_and_totals() -> None:
    code, out, err = run("show", str(STD))
    assert code == 0, err
    totals = tratool.Totals()
    for _, entry in tratool.read(STD).entries():
        totals.add(entry)
    assert "S5 CLI JRL STD, version 007" in out
    assert f"entries    {totals.entries}" in out
    assert f"pièces     {totals.pieces}" in out
    assert "BQ1 (2), VTE (9)" in out
    assert "04/03/2024 → 25/03/2024" in out
    assert "debit      4 116,59" in out
    assert "credit     4 116,59" in out
    assert "balance" not in out


def test_show_reports_errors_with_location_and_exit_1(tmp_path: Path) -> None:
    header = next(tratool.render_lines([tratool.Header(format="STD", generated_at=None)]))
    path = tmp_path / "short.tra"
    path.write_bytes(tra_bytes(header, VECTORS["TV-E2"][1][:221]))
    code, _, err = run("show", str(path))
    assert code == 1
    assert f"{path}:2:221: error due_number: the line is 221 characters long" in err
    assert "hint:" in err


def test_show_unreadable_input_exits_2() -> None:
    code, _, err = run("show", "/nonexistent.tra")
    assert code == 2
    assert "/nonexistent.tra: cannot read" in err


def test_export_json_to_stdout() -> None:
    code, out, err = run("export", str(STD), "--to", "json")
    assert code == 0, err
    rows = json.loads(out)
    entries = list(tratool.read(STD).entries())
    assert len(rows) == len(entries)
    first = rows[0]
    assert first["line"] == 2
    assert first["date"] == "2024-03-04"
    assert first["amount"] == "1500.00"
    assert first["due_date"] == "2024-04-03"
    assert first["amount2"] is None
    assert first["line_type"] == "X"
    assert first["piece_number"] == 101
    assert sum(Decimal(r["amount"]) for r in rows if r["direction"] == "D") == Decimal("4116.59")


def test_export_csv_of_ete_file_has_extension_columns(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    code, out, err = run("export", str(ETE), "--to", "csv", "-o", str(target))
    assert (code, out) == (0, ""), err
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert len(rows) == 5
    assert rows[0]["created_on"] == "2024-03-16"
    assert rows[0]["value_date"] == "2024-04-14"
    assert rows[2]["line_type"] == "A"
    assert rows[2]["sub_section_axis1"] == ""
    assert rows[1]["exchange_rate"] == "1"


def test_export_csv_never_drops_a_field_without_a_column() -> None:
    # An ETE entry given to the STD columns: refused (as csv.DictWriter did), not cut short.
    from tratool.conversion.export import write_csv

    with tratool.read(ETE) as reader:
        entries = list(reader.entries())
    with pytest.raises(ValueError, match="have no column"):
        write_csv(entries, io.StringIO(), extended=False)


def test_export_with_errors_writes_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "bad.tra"
    header = next(tratool.render_lines([tratool.Header(format="STD", generated_at=None)]))
    entry = VECTORS["TV-E2"][1]
    bad.write_bytes(tra_bytes(header, entry[:3] + "31042024" + entry[11:]))
    target = tmp_path / "out.json"
    code, _, err = run("export", str(bad), "--to", "json", "-o", str(target))
    assert code == 1
    assert f"{bad}:2:4: error date:" in err
    assert "not written" in err
    assert not target.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.tra"]


def test_export_refuses_to_overwrite_its_input(tmp_path: Path) -> None:
    copy = tmp_path / "in.tra"
    shutil.copy(STD, copy)
    code, _, err = run("export", str(copy), "--to", "json", "-o", str(copy))
    assert code == 2
    assert "is the input file" in err
    assert copy.read_bytes() == STD.read_bytes()


def test_export_requires_a_format() -> None:
    code, _, err = run("export", str(STD))
    assert code == 2
    assert "--to" in err


@pytest.mark.skipif(
    shutil.which("tratool", path=str(Path(sys.executable).parent)) is None,
    reason="needs the installed console script (make test installs it)",
)
def test_installed_console_script() -> None:
    exe = Path(sys.executable).parent / "tratool"
    done = subprocess.run([str(exe), "show", str(STD)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert "pièces     4" in done.stdout
