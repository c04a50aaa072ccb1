"""Machine formats of `tratool validate`: SARIF, JUnit XML and GitLab Code Quality.

Each is checked against what its consumers read: SARIF against the official 2.1.0 JSON schema
(tests/data/sarif-schema.md says where the copy comes from), JUnit against the element and
attribute shape of the JUnit XSD that Jenkins and GitLab read, GitLab against the fields its
Code Quality documentation requires. Positions are the columns of tra-format.md.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner

from tests.report_fixture import AMOUNT_AT, DATE_AT, bad_lines, write_bad_file
from tratool.cli import main
from tratool.validation import RULES

DATA = Path(__file__).parent / "data"


def run_validate(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["validate", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.stdout


@pytest.fixture
def bad_file(tmp_path: Path) -> Path:
    return write_bad_file(tmp_path)


# --- SARIF ------------------------------------------------------------------------------------


def sarif_of(*args: str) -> dict[str, Any]:
    code, out = run_validate("--format", "sarif", *args)
    assert code == 1
    log: dict[str, Any] = json.loads(out)
    return log


def test_sarif_is_valid_against_the_official_schema(bad_file: Path) -> None:
    schema = json.loads((DATA / "sarif-2.1.0-rtm.5.json").read_text(encoding="utf-8"))
    log = sarif_of(str(bad_file))
    jsonschema.Draft4Validator.check_schema(schema)
    errors = sorted(jsonschema.Draft4Validator(schema).iter_errors(log), key=str)
    assert errors == []
    assert log["version"] == "2.1.0"


def test_sarif_describes_every_rule_with_its_level_and_cegid_words(bad_file: Path) -> None:
    driver = sarif_of(str(bad_file))["runs"][0]["tool"]["driver"]
    rules = {rule["id"]: rule for rule in driver["rules"]}
    assert set(rules) == set(RULES)
    f02 = rules["TRA-F02"]
    assert f02["defaultConfiguration"] == {"level": "error"}
    assert f02["name"] == "EntryDateIsACalendarDate"
    # Cegid's message for TRA-F02, as validation-rules.md quotes it.
    assert "Date comptable manquante ou incorrecte (pos 4)." in f02["help"]["text"]
    assert rules["TRA-S07"]["defaultConfiguration"] == {"level": "warning"}
    assert rules["TRA-D07"]["defaultConfiguration"] == {"level": "note"}


def test_sarif_results_carry_the_field_columns(bad_file: Path) -> None:
    run = sarif_of(str(bad_file))["runs"][0]
    by_rule = {r["ruleId"]: r for r in run["results"]}
    line, first, last = DATE_AT
    date = by_rule["TRA-F02"]
    assert date["level"] == "error"
    location = date["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"].endswith("/ventes-errors.tra")
    assert location["region"] == {"startLine": line, "startColumn": first, "endColumn": last + 1}
    assert run["tool"]["driver"]["rules"][date["ruleIndex"]]["id"] == "TRA-F02"
    # A finding about the whole file has a location without a region.
    balance = by_rule["TRA-X03"]["locations"][0]["physicalLocation"]
    assert "region" not in balance
    assert all(r["ruleId"] != "TRA-D07" for r in run["results"])


def test_sarif_relative_paths_stay_relative_uri_references(
    bad_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spaced = bad_file.with_name("ventes 2024#1.tra")
    bad_file.rename(spaced)
    monkeypatch.chdir(spaced.parent)
    result = sarif_of(spaced.name)["runs"][0]["results"][0]
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == (
        "ventes%202024%231.tra"
    )


# --- JUnit ------------------------------------------------------------------------------------

# The shape of the JUnit XSD (the Ant/Jenkins junit-10 schema GitLab and Jenkins read): the
# required attributes of each element and the ones that must be integers.
JUNIT_REQUIRED = {
    "testsuites": set(),
    "testsuite": {"name", "tests", "failures", "errors"},
    "testcase": {"name", "classname"},
    "failure": {"type"},
}
JUNIT_INTEGERS = {"tests", "failures", "errors", "skipped"}
JUNIT_CHILDREN = {
    "testsuites": {"testsuite"},
    "testsuite": {"testcase", "system-out", "system-err", "properties"},
    "testcase": {"failure", "error", "skipped", "system-out", "system-err"},
    "failure": set(),
    "system-out": set(),
}


def check_junit_shape(element: ET.Element) -> None:
    assert element.tag in JUNIT_CHILDREN, element.tag
    assert JUNIT_REQUIRED.get(element.tag, set()) <= set(element.attrib), element.tag
    for name in JUNIT_INTEGERS & set(element.attrib):
        assert element.attrib[name].isdigit()
    for child in element:
        assert child.tag in JUNIT_CHILDREN[element.tag], (element.tag, child.tag)
        check_junit_shape(child)


def junit_of(path: Path) -> ET.Element:
    code, out = run_validate("--format", "junit", str(path))
    assert code == 1
    return ET.fromstring(out.encode("utf-8"))


def test_junit_has_the_xsd_shape_and_one_case_per_rule(bad_file: Path) -> None:
    root = junit_of(bad_file)
    check_junit_shape(root)
    (suite,) = root.findall("testsuite")
    cases = suite.findall("testcase")
    assert len(cases) == int(suite.attrib["tests"]) == len(RULES) - 1  # all but the totals
    failed = {c.attrib["name"].split()[0] for c in cases if c.find("failure") is not None}
    # the impossible date does not split pièce VTE 101 (no TRA-X04): one date, one error
    assert failed == {"TRA-F02", "TRA-X01", "TRA-X03"}
    assert int(suite.attrib["failures"]) == int(root.attrib["failures"]) == 3


def test_junit_failure_lists_each_error_where_it_is(bad_file: Path) -> None:
    suite = junit_of(bad_file).findall("testsuite")[0]
    case = next(c for c in suite if c.attrib.get("name", "").startswith("TRA-F02 "))
    failure = case.find("failure")
    assert failure is not None
    assert failure.attrib["type"] == "TRA-F02"
    line, column, _ = DATE_AT
    assert f"ventes-errors.tra:{line}:{column}: error date:" in (failure.text or "")
    # Notes and warnings do not fail a case: they are printed beside it.
    skipped = next(c for c in suite if c.attrib.get("name", "").startswith("TRA-X05 "))
    assert skipped.find("failure") is None
    assert "skipped" in (skipped.findtext("system-out") or "")


def test_junit_stays_well_formed_with_markup_and_control_bytes(tmp_path: Path) -> None:
    # XML 1.0 cannot hold an ESC, yet a file name may: the report shows it escaped.
    hostile = write_bad_file(tmp_path).rename(tmp_path / "a\x1b<b>&.tra")
    root = junit_of(hostile)
    (suite,) = root.findall("testsuite")
    assert suite.attrib["name"] == str(tmp_path / "a\\x1b<b>&.tra")


# --- GitLab Code Quality ----------------------------------------------------------------------

# The fields GitLab's Code Quality report documentation requires of each issue.
GITLAB_SCHEMA: dict[str, Any] = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["description", "check_name", "fingerprint", "severity", "location"],
        "properties": {
            "description": {"type": "string", "minLength": 1},
            "check_name": {"type": "string", "minLength": 1},
            "fingerprint": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
            "severity": {"enum": ["info", "minor", "major", "critical", "blocker"]},
            "location": {
                "type": "object",
                "required": ["path", "lines"],
                "properties": {
                    "path": {"type": "string"},
                    "lines": {
                        "type": "object",
                        "required": ["begin"],
                        "properties": {"begin": {"type": "integer", "minimum": 1}},
                    },
                },
            },
        },
    },
}


def gitlab_of(path: Path) -> list[dict[str, Any]]:
    code, out = run_validate("--format", "gitlab", str(path))
    assert code == 1
    issues: list[dict[str, Any]] = json.loads(out)
    return issues


def test_gitlab_issues_have_the_documented_fields(bad_file: Path) -> None:
    issues = gitlab_of(bad_file)
    jsonschema.validate(issues, GITLAB_SCHEMA)
    fingerprints = [i["fingerprint"] for i in issues]
    assert len(set(fingerprints)) == len(fingerprints)
    date = next(i for i in issues if i["check_name"] == "TRA-F02")
    assert date["severity"] == "critical"
    assert date["location"]["lines"]["begin"] == DATE_AT[0]


def test_gitlab_fingerprints_survive_lines_moving(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Moving the damaged pièce below the next one changes its line numbers, not its
    fingerprint, so GitLab does not call the same defect both fixed and new."""
    monkeypatch.chdir(tmp_path)
    relative = write_bad_file(tmp_path).relative_to(tmp_path)
    before = next(i for i in gitlab_of(relative) if i["check_name"] == "TRA-F02")
    lines = bad_lines()
    write_bad_file(tmp_path, [lines[0], *lines[4:7], *lines[1:4], *lines[7:]])
    after = next(i for i in gitlab_of(relative) if i["check_name"] == "TRA-F02")
    assert after["location"]["lines"]["begin"] == DATE_AT[0] + 3
    assert before["fingerprint"] == after["fingerprint"]


# --- Output file ------------------------------------------------------------------------------


def test_output_file_holds_what_stdout_would(bad_file: Path, tmp_path: Path) -> None:
    target = tmp_path / "report.sarif"
    code, out = run_validate("--format", "sarif", "-o", str(target), str(bad_file))
    assert (code, out) == (1, "")
    _, printed = run_validate("--format", "sarif", str(bad_file))
    assert target.read_text(encoding="utf-8") == printed


def test_output_over_the_input_is_refused(bad_file: Path) -> None:
    before = bad_file.read_bytes()
    result = CliRunner().invoke(
        main, ["validate", "--format", "junit", "-o", str(bad_file), str(bad_file)]
    )
    assert result.exit_code == 2
    assert "is an input file" in result.stderr
    assert bad_file.read_bytes() == before


def test_amount_defect_is_located_on_its_line(bad_file: Path) -> None:
    run = sarif_of(str(bad_file))["runs"][0]
    lines = {
        r["locations"][0]["physicalLocation"].get("region", {}).get("startLine")
        for r in run["results"]
        if r["ruleId"] == "TRA-X01"
    }
    # an unbalanced pièce is located where it starts: VTE 101 starts on line 2, and the bad
    # amount of line 3 is inside it
    assert lines == {AMOUNT_AT[0] - 1}
