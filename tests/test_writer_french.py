"""What the writer refuses, said in French: each problem and the error that lists them."""

from __future__ import annotations

from decimal import Decimal

import attrs
import pytest

import tratool
from tests.test_mutants_tra_writer import SALE, STD


def refused(*records: tratool.Record) -> tratool.WriteError:
    with pytest.raises(tratool.WriteError) as caught:
        list(tratool.render_lines(records))
    return caught.value


@pytest.mark.parametrize(
    ("entry", "french"),
    [
        (
            attrs.evolve(SALE, label="ő"),
            "ligne 2 colonne 84 label : 'ő' (U+0151) est impossible à écrire en cp1252 ;"
            " utilisez transliterate=True / --transliterate pour le remplacer",
        ),
        (
            attrs.evolve(SALE, label="a\x07"),
            "ligne 2 colonne 85 label : '\\x07' (U+0007) est un caractère de contrôle"
            " (tabulation ou saut de ligne) dans une zone",
        ),
        (
            attrs.evolve(SALE, amount=Decimal("-5.00")),
            "ligne 2 colonne 131 amount : -5.00 est négatif : écrivez 5.00 dans le sens opposé",
        ),
        (
            attrs.evolve(SALE, piece_number=-3),
            "ligne 2 colonne 152 piece_number : -3 est négatif",
        ),
        (
            attrs.evolve(SALE, journal="VENTES"),
            "ligne 2 colonne 1 journal : 'VENTES' fait 6 caractères ;"
            " la zone journal en contient 3",
        ),
        (
            attrs.evolve(SALE, extension=tratool.GeneralExtension(vat_regime="X")),
            "ligne 2 : des zones ETE sur une écriture d'un fichier STD",
        ),
    ],
)
def test_each_problem_is_said_in_french(entry: tratool.Entry, french: str) -> None:
    [problem] = refused(STD, entry).problems
    assert problem.text.render("fr") == french


def test_the_error_lists_the_problems_in_french_and_stays_english_as_a_string() -> None:
    error = refused(STD, attrs.evolve(SALE, piece_number=-3), attrs.evolve(SALE, piece_number=-4))
    assert error.text.render("fr") == (
        "<lines> : rien n'a été écrit, 2 problème(s) :\n"
        "  ligne 2 colonne 152 piece_number : -3 est négatif\n"
        "  ligne 3 colonne 152 piece_number : -4 est négatif"
    )
    assert str(error) == (
        "<lines>: nothing written, 2 problem(s):\n"
        "  line 2 column 152 piece_number: -3 is negative\n"
        "  line 3 column 152 piece_number: -4 is negative"
    )
