"""Writes the specification fixtures of this folder, byte for byte, from the layout facts of
tra-format.md alone: every value is placed at the 1-based column the reference gives, without
tratool's layout tables or writer, so the tests that read these files check tratool against
the specification and not against itself. Run it to rebuild the files; the committed bytes are
what the tests read (a test checks they are still what this script writes).

Sources, by section of tra-format.md: header §2 and §12.1; standard part §3; line types §4 and
§12.5; ETE general lines §5.1 and §12.2; ETE analytic lines §5.2 and §12.3; G lines §6;
required ETE fields §12.4; "empty" dates TV-A; Cegid Expert's header TV-H1; the STD pièce
TV-E2; the third-party 293-column line TV-E1.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
Placed = dict[int, str]  # 1-based first column -> characters


def place(values: Placed, width: int = 0) -> str:
    """A line with each value at its column, blanks elsewhere, at least `width` long."""
    end = max([width, *(pos - 1 + len(text) for pos, text in values.items())])
    line = [" "] * end
    for pos, text in values.items():
        line[pos - 1 : pos - 1 + len(text)] = text
    return "".join(line)


def right(text: str, width: int) -> str:
    return text.rjust(width)


# TV-H1: Cegid Expert's own header, version 008, 147 characters (tra-format.md §10).
TV_H1 = (
    "***S5EXPJRLETE007010119002311200900840728231120091530AUVRAY"
    + " " * 64
    + "-    40728   30121899001"
)

# TV-E2: the synthetic STD pièce of tra-format.md §10, 4 lines of 222 characters.
TV_E2 = [
    "HA 15032024FF40100000         XFDUPONT          FA-2024-0042                       Facture "
    "Dupont mars                VIR14042024C             1200,00N      42EUR1         E--       "
    "                                 001   1",
    "HA 15032024FF60610000                           FA-2024-0042                       Facture "
    "Dupont mars                   01011900D             1000,00N      42EUR1         E--       "
    "                                 001    ",
    "HA 15032024FF60610000         AATELIER          FA-2024-0042                       Facture "
    "Dupont mars                           D             1000,00N      42EUR1         E--       "
    "                                 001A1  ",
    "HA 15032024FF44566000                           FA-2024-0042                       Facture "
    "Dupont mars                   01011900D              200,00N      42EUR1         E--       "
    "                                 001    ",
]


def header(fmt: str, version: str, generated_at: str, flags: str = "") -> str:
    """§2: product S5, origin CLI, content JRL, the given format and version, sub-version 001;
    from version 010 the flags new_analytics (148) and guid_ready (149) of §12.1."""
    values = {1: "***", 4: "S5", 6: "CLI", 9: "JRL", 12: fmt, 18: "01011900", 26: "01011900"}
    values.update({34: version, 42: generated_at, 54: "SPEC FIXTURE", 124: "-", 137: "01011900"})
    return place({**values, 145: "001", **({148: flags} if flags else {})})


def standard(
    account: str,
    line_type: str,
    section_or_tiers: str,
    due_date: str,
    direction: str,
    amount: str,
    *,
    journal: str = "HA",
    piece_type: str = "FF",
    piece: str = "42",
    label: str = "Facture Dupont mars",
    payment: str = "",
    axis: str = "",
    due_number: str = "",
) -> Placed:
    """The standard part, §3: right-justified amount (131-150), piece number (152-159) and
    due number (221-222); everything else left-justified."""
    return {
        1: journal,
        4: "15032024",
        12: piece_type,
        14: account,
        31: line_type,
        32: section_or_tiers,
        49: "FA-2024-0042",
        84: label,
        119: payment,
        122: due_date,
        130: direction,
        131: right(amount, 20),
        151: "N",
        152: right(piece, 8),
        160: "EUR",
        163: "1,00000000",
        173: "E--",
        216: "001",
        219: axis,
        221: right(due_number, 2),
    }


def general_ete(lettering_state: str) -> Placed:
    """§5.1 with the fields §12.4 marks required: created_on 266, opening_kind 302 (N,
    right-justified), vat_on_receipts 386 ('-'), lettering_state 1021; the empty dates of
    TV-A at 447-470; confidential '0' at 1237."""
    return {
        258: "01011900",
        266: "16032024",
        302: right("N", 3),
        386: "-",
        447: "010119000101190001011900",
        1021: lettering_state,
        1237: "0",
    }


def analytic_ete(number: str, percentage: str) -> Placed:
    """§5.2 and §12.3: percentage at 938, analytic_line_number (NUMVENTIL) at 1014, 386-395
    and 1021-1023 unused, confidential '0' at 1178: 1178 characters."""
    return {266: "16032024", 302: right("N", 3), 938: percentage, 1014: number, 1178: "0"}


def cegid_ete_v008() -> list[str]:
    """A supplier invoice as Cegid exports it (TV-E2's pièce, extended): tiers line, expense
    line split by two A lines, VAT line; then an H line pièce, an O pair and a G line."""
    tiers = standard(
        "40100000", "X", "FDUPONT", "14042024", "C", "1200,00", payment="VIR", due_number="1"
    )
    expense = standard("60610000", "", "", "01011900", "D", "1000,00")
    # §12.3: Cegid's exporter writes 8 blanks as the due date of an A line.
    split_1 = standard("60610000", "A", "ATELIER", "", "D", "600,00", axis="A1")
    split_2 = standard("60610000", "A", "BUREAU", "", "D", "400,00", axis="A1")
    vat = standard("44566000", "", "", "01011900", "D", "200,00")
    h_debit = standard(
        "62260000", "H", "ATELIER", "01011900", "D", "300,00", piece="43", axis="A1",
        piece_type="OD", label="Honoraires mars",
    )  # fmt: skip
    h_credit = standard(
        "40100000", "X", "FDUPONT", "15042024", "C", "300,00", piece="43", piece_type="OD",
        label="Honoraires mars", due_number="1",
    )  # fmt: skip
    o_debit = standard(
        "60610000", "O", "ATELIER", "", "D", "50,00", journal="ANA", piece="7", axis="A1",
        piece_type="OD", label="Reclassement analytique",
    )  # fmt: skip
    o_credit = standard(
        "60610000", "O", "BUREAU", "", "C", "50,00", journal="ANA", piece="7", axis="A1",
        piece_type="OD", label="Reclassement analytique",
    )  # fmt: skip
    # §6: a G line names the attached document in 84-338 (255 characters).
    ged = place({1: "HA", 4: "15032024", 12: "FF", 14: "40100000", 31: "G", 32: "FDUPONT",
                 49: "FA-2024-0042", 84: "FA-2024-0042.pdf".ljust(255)})  # fmt: skip
    return [
        TV_H1,
        place({**tiers, **general_ete("AL")}, 1280),
        place({**expense, **general_ete("RI")}, 1280),
        place({**split_1, **analytic_ete("1", "60,0000")}),
        place({**split_2, **analytic_ete("2", "40,0000")}),
        place({**vat, **general_ete("RI")}, 1280),
        ged,
        place({**h_debit, **general_ete("RI")}, 1280),
        place({**h_credit, **general_ete("AL")}, 1280),
        place({**o_debit, **analytic_ete("1", "100,0000")}),
        place({**o_credit, **analytic_ete("1", "100,0000")}),
    ]


GUIDS = [
    "3F2504E0-4F89-11D3-9A0C-0305E82C3301",
    "3F2504E0-4F89-11D3-9A0C-0305E82C3302",
    "3F2504E0-4F89-11D3-9A0C-0305E82C3303",
]


def v011_general(guid: str, number: str) -> Placed:
    """§12.2: guid 1281, creditor_id 1320, mandate_reference 1355, entry_group_number 1390,
    entry_number 1395, validated_on 1400-1407: a 1407-character line."""
    return {
        **general_ete("RI"),
        1281: guid,
        1320: "FR12ZZZ123456",
        1355: "RUM-2024-0042",
        1390: right("1", 5),
        1395: right(number, 5),
        1400: "20032024",
    }


def cegid_ete_v011() -> list[str]:
    """A version-011 pièce: two general lines of 1407 characters and the A line splitting the
    expense, whose guid (§12.3: 1196, 36) makes it 1231 characters."""
    debit = standard("60610000", "", "", "01011900", "D", "250,00", piece="44")
    split = standard("60610000", "A", "ATELIER", "", "D", "250,00", piece="44", axis="A1")
    credit = standard("51200000", "", "", "01011900", "C", "250,00", piece="44")
    return [
        header("ETE", "011", "200320240915", flags="-X"),
        place({**debit, **v011_general(GUIDS[0], "17")}),
        place({**split, **analytic_ete("1", "100,0000"), 1196: GUIDS[1]}),
        place({**credit, **v011_general(GUIDS[2], "18")}),
    ]


def stripped_std() -> list[str]:
    """TV-E2 with the trailing blanks an editor strips: 222, 218, 220 and 218 characters."""
    return [header("STD", "008", "150320241200"), *(line.rstrip(" ") for line in TV_E2)]


FILES = {
    "cegid-ete-v008.tra": cegid_ete_v008,
    "cegid-ete-v011.tra": cegid_ete_v011,
    "stripped-std.tra": stripped_std,
}


def main(directory: Path = HERE) -> None:
    for name, lines in FILES.items():
        data = "".join(line + "\r\n" for line in lines()).encode("cp1252")
        (directory / name).write_bytes(data)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE)
