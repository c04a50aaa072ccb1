"""The simulator's own import verdict: written apart from tratool's validator, checked here
against facts written out in the test (shared/docs/tra-format.md positions)."""

from __future__ import annotations

from tests.conftest import FIXTURES
from tratool.testing.loop_import_check import import_errors

HEADER = b"***S5CLIJRLSTD   01011900010119000070101190000000TRATOOL"


def entry(direction: bytes, amount: bytes, piece: bytes = b"1", line_type: bytes = b" ") -> bytes:
    """An entry line built by position: journal 1-3, date 4-11, type 12-13, account 14-30,
    line type 31, direction 130, amount 131-150, entry type 151, piece 152-159."""
    line = b"VT 01032024FC" + b"411000".ljust(17) + line_type
    line = line.ljust(129) + direction + amount.rjust(20) + b"N" + piece.rjust(8)
    return line.ljust(222)


def test_the_fixtures_import() -> None:
    for name in ("ventes-std.tra", "achats-ete.tra"):
        assert import_errors((FIXTURES / name).read_bytes()) == [], name


def test_a_balanced_piece_imports() -> None:
    data = b"\r\n".join([HEADER, entry(b"D", b"100,00"), entry(b"C", b"100,00"), b""])
    assert import_errors(data) == []


def test_an_unbalanced_piece_fails() -> None:
    data = b"\r\n".join([HEADER, entry(b"D", b"100,00"), entry(b"C", b"99,99")])
    assert import_errors(data) == ["Pièce 1 du journal VT au 01032024 déséquilibrée de 0.01."]


def test_analytic_lines_do_not_count_in_the_balance() -> None:
    lines = [HEADER, entry(b"D", b"100,00"), entry(b"D", b"100,00", line_type=b"A")]
    data = b"\n".join([*lines, entry(b"C", b"100,00")])
    assert import_errors(data) == []


def test_a_line_wider_than_its_format_fails() -> None:
    data = b"\n".join([HEADER, entry(b"D", b"1,00") + b"x", entry(b"C", b"1,00")])
    assert import_errors(data)[0] == "Ligne 2 : 223 caractères, 222 au plus."


def test_ete_width_follows_the_header_version() -> None:
    """tra-format.md §12.2: 1280 up to version 009, 1407 from 010/011."""

    def ete(version: bytes, width: int) -> bytes:
        header = HEADER.replace(b"JRLSTD", b"JRLETE")
        header = header[:33] + version + header[36:]
        lines = [header, entry(b"D", b"1,00").ljust(width), entry(b"C", b"1,00")]
        return b"\n".join(lines)

    assert import_errors(ete(b"011", 1407)) == []
    assert import_errors(ete(b"008", 1280)) == []
    assert import_errors(ete(b"008", 1281)) == ["Ligne 2 : 1281 caractères, 1280 au plus."]
    assert import_errors(ete(b"011", 1408)) == ["Ligne 2 : 1408 caractères, 1407 au plus."]


def test_an_unreadable_amount_or_direction_fails() -> None:
    for bad in (entry(b"D", b"1O,00"), entry(b"?", b"1,00"), entry(b"D", "¹0,00".encode("cp1252"))):
        assert import_errors(b"\n".join([HEADER, bad])) == ["Ligne 2 : montant ou sens illisible."]


def test_a_file_without_header_fails() -> None:
    assert import_errors(entry(b"D", b"1,00")) == ["Ligne 1 : l'entête ***S5… est absente."]


def test_the_simulator_never_asks_tratool_for_a_verdict() -> None:
    """Issue: the simulator used to judge imports with tratool.validate (tratool against
    itself). Its modules import nothing from tratool's validation or format layers."""
    import ast
    import inspect

    from tratool.testing import loop_import_check, loop_simulator, loop_store

    for module in (loop_simulator, loop_store, loop_import_check):
        tree = ast.parse(inspect.getsource(module))
        modules = [node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
        layers = ("validation", "tra", "tratool.validation", "tratool.tra")
        assert not [
            m for m in modules if m in layers or m.startswith(tuple(f"{x}." for x in layers))
        ]
        assert "validate" not in inspect.getsource(module)
