"""CSV conversion on spreadsheets as people export them: total and footer rows, French and
English headers, mappings checked key by key, date formats in any notation, every problem
in one run, transliteration that the validator accepts, encodings that change mid-file."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

import tratool
from tratool.cli import main
from tratool.conversion.mapping import Mapping
from tratool.errors import ConfigError, ConversionError

HEADER = "Code journal;Date pièce;N° compte;Libellé écriture;Débit;Crédit"
ROWS = [
    "VTE;05/01/2024;60700000;Achat marchandises;120,00;",
    "VTE;05/01/2024;44566000;TVA déductible;24,00;",
    "VTE;05/01/2024;51200000;Fournisseur;;144,00",
]


def sheet(folder: Path, *rows: str, header: str = HEADER, encoding: str = "utf-8") -> Path:
    path = folder / "export.csv"
    path.write_bytes("\r\n".join((header, *rows)).encode(encoding) + b"\r\n")
    return path


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    assert "Traceback" not in result.stderr
    return result.exit_code, result.stdout, result.stderr


def test_a_total_row_is_skipped_and_named(tmp_path: Path) -> None:
    source = sheet(tmp_path, *ROWS, ";;;Total;144,00;144,00")
    code, out, err = run(
        "convert", str(source), "-o", str(tmp_path / "out.tra"), "--date-format", "JJ/MM/AAAA"
    )
    assert code == 0, err
    assert f"changed  {source}:5: total row skipped (Total; 144,00; 144,00)" in out
    assert "(csv, 3 rows)" in out
    assert "debit   144,00 (source 144,00)" in out


def test_a_total_row_no_longer_hides_as_a_date_error(tmp_path: Path) -> None:
    source = sheet(tmp_path, *ROWS, "Total général;;;;144,00;144,00")
    with pytest.raises(ConversionError) as caught:
        tratool.convert(source, tmp_path / "out.tra")
    # 05/01/2024 reads both ways: the one problem is the ambiguity, found on row 2
    [problem] = caught.value.problems
    assert problem.row == 2
    assert "read as day/month and as month/day" in str(problem.message)


def test_a_footer_that_is_not_a_total_is_refused_with_its_row(tmp_path: Path) -> None:
    source = sheet(tmp_path, *ROWS, "Exporté par Sage le 06/01/2024;;;;;")
    with pytest.raises(ConversionError) as caught:
        tratool.convert(source, tmp_path / "out.tra", date_format_spec="JJ/MM/AAAA")
    [problem] = caught.value.problems
    assert problem.row == 5
    assert "no date" in str(problem.message)
    assert "footer" in str(problem.message)


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("N° compte", "account"),
        ("N°Compte", "account"),
        ("Numéro de compte", "account"),
        ("Compte", "account"),
        ("Account number", "account"),
        ("Libellé", "label"),
        ("Libellé écriture", "label"),
        ("Débit", "debit"),
        ("Crédit", "credit"),
        ("Montant", "amount"),
        ("Sens", "direction"),
        ("Date pièce", "date"),
        ("Date écriture", "date"),
        ("Posting date", "date"),
        ("Journal", "journal"),
        ("Code journal", "journal"),
        ("Réf.", "reference"),
        ("N° facture", "reference"),
        ("Pièce", "piece"),
        ("N° pièce", "piece"),
        ("Date d'échéance", "due_date"),
        ("Mode de règlement", "payment_method"),
        ("Code tiers", "auxiliary"),
    ],
)
def test_header_synonyms(header: str, field: str) -> None:
    assert Mapping.guess((header, "Autre")).columns == {field: header}


def test_a_missing_column_names_what_is_missing_and_only_relevant_remedies() -> None:
    with pytest.raises(ConfigError) as caught:
        Mapping.guess(("Journal", "Date", "Débit", "Crédit")).check(
            ("Journal", "Date", "Débit", "Crédit")
        )
    assert "no column for account" in str(caught.value)
    assert "--journal" not in str(caught.value)


@pytest.mark.parametrize(
    ("toml", "named"),
    [
        ('[options]\ngroup_by = "journal"', "[options] group_by = 'journal': expected a list"),
        ('[options]\ngroup_by = ["jornal"]', "[options] group_by: ['jornal']"),
        ('[options]\nformat = "XYZ"', "[options] format = 'XYZ': ETE or STD"),
        ("[options]\ndate_format = 12", "[options] date_format = 12: expected text"),
        ('[options]\ndate_format = "MM/AAAA"', "[options] date_format: 'MM/AAAA' is not a date"),
        ('[options]\nfirst_number = "abc"', "[options] first_number = 'abc': expected a whole"),
        ("[options]\nfirst_number = true", "[options] first_number = True: expected a whole"),
        ('[columns]\njournal = ["Journal"]', "[columns] journal = ['Journal']: expected a col"),
        ('[columns]\njournl = "Journal"', "[columns] unknown field(s) ['journl']"),
        ("[options]\nsplit = 1", "[options] unknown option(s) ['split']"),
        ("options = 3", "[options] must be a table"),
        ("[options]\njournal_codes = { VENTES = 1 }", "[options] journal_codes.VENTES = 1"),
    ],
)
def test_the_mapping_is_checked_key_by_key(toml: str, named: str, tmp_path: Path) -> None:
    mapping = tmp_path / "map.toml"
    mapping.write_text(toml + "\n", encoding="utf-8")
    source = sheet(tmp_path, *ROWS)
    code, _, err = run(
        "convert", str(source), "-o", str(tmp_path / "o.tra"), "--mapping", str(mapping)
    )
    assert code == 2
    assert named in err
    assert not (tmp_path / "o.tra").exists()


@pytest.mark.parametrize(
    "spec", ["JJ/MM/AAAA", "jj/mm/aaaa", "dd/mm/yyyy", "DD/MM/YYYY", "%d/%m/%Y"]
)
def test_date_format_notations(spec: str, tmp_path: Path) -> None:
    result = tratool.convert(sheet(tmp_path, *ROWS), tmp_path / "o.tra", date_format_spec=spec)
    assert result.report.totals.first_date is not None
    assert result.report.totals.first_date.isoformat() == "2024-01-05"


def test_a_date_format_without_day_month_and_year_is_a_usage_error(tmp_path: Path) -> None:
    code, _, err = run(
        "convert",
        str(sheet(tmp_path, *ROWS)),
        "-o",
        str(tmp_path / "o.tra"),
        "--date-format",
        "dd/mm",
    )
    assert code == 2
    assert "--date-format: 'dd/mm' is not a date format" in err


def test_one_run_lists_every_problem(tmp_path: Path) -> None:
    long_label = "Une vente dont le libellé dépasse largement trente-cinq caractères"
    source = sheet(
        tmp_path,
        "VTE;05/01/2024;60700000;Café ☕;120,00;",
        f"VTE;05/01/2024;44566000;{long_label};24,00;",
        "VTE;05/01/2024;51200000;Fournisseur;;abc",
    )
    with pytest.raises(ConversionError) as caught:
        tratool.convert(source, tmp_path / "o.tra")
    found = [(p.row, p.column) for p in caught.value.problems]
    assert found == [
        (2, "Date pièce"),  # the ambiguous dates: said once
        (2, "Libellé écriture"),  # ☕
        (3, "Libellé écriture"),  # 66 characters
        (4, "Crédit"),  # abc
    ]


def test_transliteration_yields_what_the_validator_accepts(tmp_path: Path) -> None:
    source = sheet(
        tmp_path,
        "VTE;05/01/2024;60700000;Facture “Durand” – lot n°2;120,00;",
        'VTE;05/01/2024;44566000;TVA "déductible";24,00;',
        "VTE;05/01/2024;51200000;Fournisseur ☕;;144,00",
    )
    with pytest.raises(ConversionError) as caught:
        tratool.convert(
            source, tmp_path / "o.tra", date_format_spec="JJ/MM/AAAA", transliterate=True
        )
    [coffee] = caught.value.problems
    assert coffee.row == 4
    assert "use --transliterate" not in str(coffee.message)  # it is on already
    assert "replace them in the source" in str(coffee.message)
    source = sheet(
        tmp_path,
        *(r.replace(" ☕", "") for r in ROWS),
        "VTE;05/01/2024;60700000;Facture “Durand” – lot n°2;1,00;",
        'VTE;05/01/2024;51200000;TVA "déductible";;1,00',
    )
    result = tratool.convert(
        source, tmp_path / "o.tra", date_format_spec="JJ/MM/AAAA", transliterate=True
    )
    assert result.report.errors == 0
    assert result.report.warnings == 0  # no double quote left for TRA-F06 to warn about
    labels = [e.label for _, e in tratool.read(tmp_path / "o.tra").entries()]
    assert labels[-2:] == ["Facture 'Durand' - lot n°2", "TVA 'déductible'"]


def test_convert_lists_each_warning(tmp_path: Path) -> None:
    source = sheet(tmp_path, ROWS[0], 'VTE;05/01/2024;51200000;TVA "déductible";;120,00')
    code, out, _ = run(
        "convert", str(source), "-o", str(tmp_path / "o.tra"), "--date-format", "JJ/MM/AAAA"
    )
    assert code == 0
    assert "validation: 0 error(s), 1 warning(s)" in out
    assert (
        f"{tmp_path / 'o.tra'}:3:84: warning TRA-F06 label: "
        "label 'TVA \"déductible\"' contains a double quote" in out
    )


def test_an_encoding_judged_on_the_whole_file(tmp_path: Path) -> None:
    # 64 KiB of ASCII rows, then a label in Windows-1252 bytes: a sniffer that reads only the
    # head would say UTF-8, then fail on the é far down.
    filler = [f"VTE;05/01/2024;60700000;Ligne {n:05d};1,00;" for n in range(2600)]
    rows = [*filler, "VTE;05/01/2024;51200000;Réglé;;2600,00"]
    source = sheet(
        tmp_path, *rows, header="Journal;Date;Compte;Libelle;Debit;Credit", encoding="cp1252"
    )
    assert source.stat().st_size > 1 << 16
    result = tratool.convert(source, tmp_path / "o.tra", date_format_spec="JJ/MM/AAAA")
    labels = [e.label for _, e in tratool.read(tmp_path / "o.tra").entries()]
    assert labels[-1] == "Réglé"
    assert result.rows == 2601


def test_a_utf8_character_across_the_first_block_is_not_garbled(tmp_path: Path) -> None:
    head = "Journal;Date;Compte;Libelle;Debit;Credit\r\n"
    row = "VTE;05/01/2024;60700000;{};1,00;\r\n"
    text = head
    while len((text + row.format("x")).encode()) < (1 << 16) - 40:
        text += row.format("x")
    # pad so that the two bytes of é straddle byte 65536
    label = "a" * ((1 << 16) - len(text.encode()) - len("VTE;05/01/2024;60700000;") - 1) + "é"
    text += row.format(label)
    assert text.encode().index("é".encode()) == (1 << 16) - 1
    count = text.count("\r\n") - 1
    text += f"VTE;05/01/2024;51200000;Fin;;{count},00\r\n"
    (tmp_path / "u.csv").write_bytes(text.encode())
    tratool.convert(
        tmp_path / "u.csv", tmp_path / "o.tra", date_format_spec="JJ/MM/AAAA", truncate_labels=True
    )
    labels = [e.label for _, e in tratool.read(tmp_path / "o.tra").entries()]
    assert labels[-2] == label[:35]
    assert "Ã" not in "".join(labels)


def test_a_byte_that_no_encoding_explains_is_located(tmp_path: Path) -> None:
    rows = [*ROWS[:2], "VTE;05/01/2024;51200000;Fournisseur;;144,00"]
    source = tmp_path / "mixed.csv"
    source.write_bytes(
        "\r\n".join((HEADER, *rows)).encode("cp1252").replace(b"Fournisseur", b"Four\x81") + b"\r\n"
    )
    code, _, err = run(
        "convert", str(source), "-o", str(tmp_path / "o.tra"), "--date-format", "JJ/MM/AAAA"
    )
    assert code == 2
    assert "a byte that is not cp1252" in err
    assert not (tmp_path / "o.tra").exists()
