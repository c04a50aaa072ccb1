"""Cegid's own words beside each finding: in JSON (`cegid_message`) and in text (a line
« Cegid : « … » »). The expected sentences are copied from validation-rules.md, which quotes
Cegid's checker and import engine."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from tests.report_fixture import bad_lines, write_bad_file
from tratool.cli import main


def findings_of(path: Path) -> list[dict[str, object]]:
    result = CliRunner().invoke(main, ["validate", "--format", "json", str(path)])
    findings: list[dict[str, object]] = json.loads(result.stdout)["files"][0]["findings"]
    return findings


def test_json_and_text_carry_cegids_message(tmp_path: Path) -> None:
    path = write_bad_file(tmp_path)
    by_rule = {f["rule"]: f for f in findings_of(path)}
    assert by_rule["TRA-F02"]["cegid_message"] == "Date comptable manquante ou incorrecte (pos 4)."
    assert by_rule["TRA-X01"]["cegid_message"] == "Fichier déséquilibré en montant"
    # No message of Cegid is known for the whole-file balance: none is made up.
    assert by_rule["TRA-X03"]["cegid_message"] is None
    text = CliRunner().invoke(main, ["validate", str(path)]).stdout
    block = text.split("TRA-F02 date:")[1].split("\n/")[0]
    assert "    Cegid : « Date comptable manquante ou incorrecte (pos 4). »" in block
    x03 = text.split("TRA-X03:")[1].split("\n")[1]
    assert not x03.lstrip().startswith("Cegid")


def test_a_blank_header_field_gets_cegids_missing_wording(tmp_path: Path) -> None:
    lines = bad_lines()
    lines[0] = lines[0][:5] + b"   " + lines[0][8:]  # origin, columns 6-8, blank
    by_rule = {f["rule"]: f for f in findings_of(write_bad_file(tmp_path, lines))}
    assert by_rule["TRA-S03"]["cegid_message"] == "Origine du fichier manquant."


def test_the_faulty_value_is_named_where_cegid_names_it(tmp_path: Path) -> None:
    lines = bad_lines()
    lines[5] = lines[5][:159] + b"XYZ" + lines[5][162:]  # currency, columns 160-162
    by_rule = {f["rule"]: f for f in findings_of(write_bad_file(tmp_path, lines))}
    assert by_rule["TRA-F14"]["cegid_message"] == "Erreur : la devise XYZ est inconnue."


def test_header_dates_get_the_message_of_their_field(tmp_path: Path) -> None:
    lines = bad_lines()
    lines[0] = lines[0][:25] + b"31022024" + lines[0][33:]  # closing_date, columns 26-33
    by_field = {f["field"]: f for f in findings_of(write_bad_file(tmp_path, lines))}
    assert by_field["closing_date"]["cegid_message"] == (
        "Format de la date d'arrete periodique incorrect.(pos 26)"
    )
