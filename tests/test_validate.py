"""Validator as a whole: properties, totals, configuration and the command line."""

from __future__ import annotations

import datetime as dt
import io
import json
import tomllib
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

import tratool
from tests.conftest import FIXTURES
from tratool.cli import main
from tratool.validation import ValidationConfig, validate

LABEL_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyzéèàçùêôÉ '-/0123456789"


@st.composite
def balanced_piece(draw: st.DrawFn, journal: str, number: int) -> list[tratool.Entry]:
    date = draw(st.dates(dt.date(2000, 1, 1), dt.date(2030, 12, 31)))
    label = draw(st.text(LABEL_CHARS, min_size=1, max_size=35).map(str.strip).filter(bool))
    common: dict[str, Any] = {
        "journal": journal,
        "date": date,
        "piece_type": draw(st.sampled_from(["FC", "FF", "OD", "RC"])),
        "reference": f"REF-{number}",
        "label": label,
        "piece_number": number,
    }
    amounts = draw(st.lists(st.integers(1, 10**9), min_size=1, max_size=5))
    lines = []
    for index, cents in enumerate(amounts):
        tiers = draw(st.booleans())
        lines.append(
            tratool.Entry(
                **common,
                account=("41100000" if tiers else f"6{index}610000"),
                line_type="X" if tiers else "",
                auxiliary=f"C{index}" if tiers else "",
                direction="D",
                amount=Decimal(cents).scaleb(-2),
            )
        )
    total = Decimal(sum(amounts)).scaleb(-2)
    lines.append(tratool.Entry(**common, account="70610000", direction="C", amount=total))
    return lines


@st.composite
def balanced_files(draw: st.DrawFn) -> list[tratool.Record]:
    journal = draw(st.sampled_from(["VTE", "HA", "OD", "BQ1"]))
    count = draw(st.integers(1, 4))
    entries = [e for n in range(1, count + 1) for e in draw(balanced_piece(journal, n))]
    return [tratool.Header(format=draw(st.sampled_from(["STD", "ETE"]))), *entries]


@given(balanced_files())
def test_balanced_pieces_from_the_writer_validate_without_error(
    records: list[tratool.Record],
) -> None:
    buffer = io.BytesIO()
    tratool.write(records, buffer)
    report = validate(io.BytesIO(buffer.getvalue()), ValidationConfig())
    errors = [(f.rule, f.line, f.message) for f in report.findings if f.severity == "error"]
    assert errors == []


def _amount(entry: tratool.Entry) -> Decimal:
    assert entry.amount is not None  # every entry line of the fixtures carries an amount
    return entry.amount


@pytest.mark.parametrize("name", ["ventes-std.tra", "achats-ete.tra", "dossier-cae.tra"])
def test_summary_totals_match_independent_sums(name: str) -> None:
    report = validate(FIXTURES / name)
    entries = [e for _, e in tratool.read(FIXTURES / name).entries()]
    general = [e for e in entries if not e.is_analytic]
    assert report.totals.debit == sum(_amount(e) for e in general if e.direction == "D")
    assert report.totals.credit == sum(_amount(e) for e in general if e.direction == "C")
    assert report.totals.entries == len(entries)
    assert report.totals.pieces == len({e.piece_key for e in general})
    assert report.totals.first_date == min(e.date for e in entries if e.date)
    assert report.totals.last_date == max(e.date for e in entries if e.date)


# -- configuration ---------------------------------------------------------------------------
def _copy_fixture(folder: Path, name: str = "ventes-std.tra") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    target.write_bytes((FIXTURES / name).read_bytes())
    return target


def test_config_is_found_upward_from_the_file(tmp_path: Path) -> None:
    (tmp_path / "tratool.toml").write_text(
        "[validate]\nfiscal_years = [{start = 2023-01-01, end = 2023-12-31}]\n", encoding="utf-8"
    )
    path = _copy_fixture(tmp_path / "exports" / "mars")
    report = validate(path)
    assert {f.rule for f in report.findings if f.severity == "error"} == {"TRA-X05"}


def test_pyproject_tool_table_is_used(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\n[tool.tratool.validate]\nignore = ["TRA-D07"]\n'
        'severity = {"TRA-X09" = "off"}\n',
        encoding="utf-8",
    )
    report = validate(_copy_fixture(tmp_path))
    assert {"TRA-D07", "TRA-X09"}.isdisjoint(f.rule for f in report.findings)


def test_unknown_config_key_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "tratool.toml").write_text("[validate]\nfiscal_year = []\n", encoding="utf-8")
    with pytest.raises(tratool.errors.ConfigError, match=r"unknown key.*fiscal_year"):
        validate(_copy_fixture(tmp_path))


def test_chart_of_accounts_csv(tmp_path: Path) -> None:
    (tmp_path / "plan.csv").write_text(
        "account;nature;lettrable\n41100000;COC;X\n70610000;PRO;-\n", encoding="utf-8"
    )
    (tmp_path / "tratool.toml").write_text(
        '[validate]\nchart_of_accounts = "plan.csv"\n', encoding="utf-8"
    )
    report = validate(_copy_fixture(tmp_path))
    unknown = {f.value.strip() for f in report.findings if f.rule == "TRA-F04" and f.value}
    assert unknown == {"44571000", "51210000"}  # not in the chart


# -- command line ----------------------------------------------------------------------------
def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def _broken(tmp_path: Path) -> Path:
    path = _copy_fixture(tmp_path)
    data = path.read_bytes().replace(b"VTE04032024", b"VTE31042024", 1)
    path.write_bytes(data)
    return path


def test_cli_validate_clean_and_broken(tmp_path: Path) -> None:
    code, out, _ = run("validate", str(FIXTURES / "ventes-std.tra"))
    assert code == 0
    assert "ok: 0 error(s), 0 warning(s)" in out
    broken = _broken(tmp_path)
    code, out, _ = run("validate", str(broken))
    assert code == 1
    assert f"{broken}:2:4: error TRA-F02 date: entry date '31042024' is not a calendar date" in out
    assert "       ^" in out  # the caret under column 4


def test_cli_strict_fails_on_warnings(tmp_path: Path) -> None:
    path = _copy_fixture(tmp_path, "ventes-std.tra")
    path.write_bytes(path.read_bytes().replace(b"\r\n", b"\n"))  # LF endings: a warning
    assert run("validate", str(path))[0] == 0
    assert run("validate", "--strict", str(path))[0] == 1
    assert run("validate", "--strict", "--ignore", "TRA-D02", str(path))[0] == 0


def test_cli_json_document(tmp_path: Path) -> None:
    code, out, _ = run("validate", "--format", "json", str(_broken(tmp_path)))
    assert code == 1
    document = json.loads(out)
    assert document["version"] == 1
    assert document["ok"] is False
    [file] = document["files"]
    assert set(file) == {"path", "ok", "encoding", "format", "summary", "findings"}
    assert file["encoding"] == "cp1252"
    assert file["format"] == "STD"
    assert file["summary"]["debit"] == "4116.59"
    assert file["summary"]["journals"] == {"BQ1": 2, "VTE": 9}
    first = file["findings"][0]
    assert {k: first[k] for k in ("rule", "severity", "line", "column", "field")} == {
        "rule": "TRA-F02",
        "severity": "error",
        "line": 2,
        "column": 4,
        "field": "date",
    }
    assert first["cegid_message"].startswith("Date comptable")


def test_cli_github_annotations(tmp_path: Path) -> None:
    broken = _broken(tmp_path)
    code, out, _ = run("validate", "--format", "github", "--select", "TRA-F02", str(broken))
    assert code == 1
    assert out.splitlines() == [
        f"::error file={broken},line=2,col=4,title=TRA-F02 date::entry date '31042024' is not "
        "a calendar date: 04/2024 has 30 days — Cegid would silently use 30/04/2024"
    ]


def test_cli_print_config_shows_the_file_found(tmp_path: Path) -> None:
    (tmp_path / "tratool.toml").write_text(
        '[validate]\ngeneral_account_length = 8\njournals = {VTE = {mode = "-"}}\n',
        encoding="utf-8",
    )
    path = _copy_fixture(tmp_path)
    code, out, _ = run("validate", "--print-config", str(path))
    assert code == 0
    assert out.splitlines()[0] == f"# {tmp_path / 'tratool.toml'}"
    assert "general_account_length = 8" in out
    assert tomllib.loads(out)["validate"]["journals"]["VTE"]["mode"] == "-"


def test_cli_usage_errors_exit_2(tmp_path: Path) -> None:
    assert run("validate")[0] == 2
    code, _, err = run("validate", str(tmp_path / "missing.tra"))
    assert code == 2
    assert "cannot read" in err
    bad = tmp_path / "bad.toml"
    bad.write_text("[validate]\nnope = 1\n", encoding="utf-8")
    code, _, err = run("validate", "--config", str(bad), str(FIXTURES / "ventes-std.tra"))
    assert code == 2
    assert "unknown key(s) in [validate]: nope" in err


def test_docs_list_every_rule_with_its_default_severity() -> None:
    from tests.conftest import ROOT
    from tratool.validation import RULES

    doc = (ROOT / "docs" / "validation.md").read_text(encoding="utf-8")
    for rule in RULES.values():
        assert f"| `{rule.id}` | {rule.severity} | {rule.title} |" in doc
    import re

    assert set(re.findall(r"^\| `(TRA-[SFXD]\d\d)` \|", doc, re.M)) == set(RULES)


def test_docs_configuration_example_is_valid(tmp_path: Path) -> None:
    import re

    from tests.conftest import ROOT

    doc = (ROOT / "docs" / "validation.md").read_text(encoding="utf-8")
    [example] = re.findall(r"```toml\n(.*?)```", doc, re.S)
    (tmp_path / "tratool.toml").write_text(example, encoding="utf-8")
    (tmp_path / "plan-comptable.csv").write_text(
        "account;nature;lettrable;ventilable\n41100000;COC;X;\n70610000;PRO;-;A1\n",
        encoding="utf-8",
    )
    config = tratool.validation.config_for(_copy_fixture(tmp_path))
    assert config.general_account_length == 8
    assert config.journals is not None
    assert config.journals["BQ1"].mode == "BOR"
    assert config.chart_of_accounts is not None
    assert config.chart_of_accounts["70610000"].ventilable == frozenset({"A1"})
    assert config.severity == {"TRA-X11": "off", "TRA-D02": "error"}
    assert config.fiscal_years[1].state == "CLO"
