"""How the Loop simulator decides an import's outcome: a small check written on its own.

It must not call tratool's validator: the simulator's verdict is a test oracle, and a validator
judged by itself can only agree. So this reads the file by plain slicing, with the positions
written out here from shared/docs/tra-format.md (§2, §3, §7), and checks only what Loop would
stop on for sure: the header, the line widths of the declared format, a readable amount and
direction, and that every pièce balances. Anything finer is for fault injection to script.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

# 0-based slices of the standard part (tra-format.md §3: pos 1-based, inclusive).
JOURNAL, DATE, LINE_TYPE = slice(0, 3), slice(3, 11), slice(30, 31)
DIRECTION, AMOUNT, PIECE = slice(129, 130), slice(130, 150), slice(151, 159)
FORMAT, VERSION = slice(11, 14), slice(33, 36)  # of the header line
# The longest line each format allows (§3, §5, §12.2): ETE lines grow to 1407 from version 010.
WIDTHS = {b"STD": 222, b"ETE": 1280}
WIDE_ETE, WIDE_FROM_VERSION = 1407, b"010"
BALANCED_TYPES = (b" ", b"X", b"H", b"-", b"E", b"L")  # general lines (§4); A/O/G… are not


def import_errors(data: bytes) -> list[str]:
    """The reasons Loop would refuse this file (French, like Loop's history screen)."""
    lines = [line.rstrip(b"\r") for line in data.split(b"\n")]
    if not lines or not lines[0].startswith(b"***"):
        return ["Ligne 1 : l'entête ***S5… est absente."]
    width = WIDTHS.get(lines[0][FORMAT])
    if width is None:
        return [f"Ligne 1 : format {lines[0][FORMAT]!r} inconnu."]
    version = lines[0][VERSION]
    if width == WIDTHS[b"ETE"] and version.isdigit() and version >= WIDE_FROM_VERSION:
        width = WIDE_ETE
    errors: list[str] = []
    balances: dict[tuple[bytes, bytes, bytes], Decimal] = {}
    for number, raw in enumerate(lines[1:], start=2):
        if not raw.strip() or raw.startswith(b"***"):
            continue
        if len(raw) > width:  # reported; its amount still counts in its pièce
            errors.append(f"Ligne {number} : {len(raw)} caractères, {width} au plus.")
        line = raw.ljust(width)  # short lines: missing positions read as blanks (§1)
        if line[LINE_TYPE] not in BALANCED_TYPES:
            continue
        signed = _signed_amount(line)
        if signed is None:
            errors.append(f"Ligne {number} : montant ou sens illisible.")
            continue
        key = (line[JOURNAL], line[DATE], line[PIECE].strip())
        balances[key] = balances.get(key, Decimal(0)) + signed
    for (journal, date, piece), total in balances.items():
        if total:
            errors.append(
                f"Pièce {piece.decode('latin-1')} du journal {journal.decode('latin-1').strip()} "
                f"au {date.decode('latin-1')} déséquilibrée de {total}."
            )
    return errors


def _signed_amount(line: bytes) -> Decimal | None:
    text = line[AMOUNT].strip().replace(b",", b".")
    if not text or not text.lstrip(b"-").replace(b".", b"", 1).isdigit() or not text.isascii():
        return None
    try:
        amount = Decimal(text.decode("ascii"))
    except InvalidOperation:
        return None
    direction = line[DIRECTION]
    if direction == b"D":
        return amount
    if direction == b"C":
        return -amount
    return None
