"""A TRA file with known errors, shared by the report-format tests.

It is fixtures/ventes-std.tra with three defects written in by column (tra-format.md §3):
line 2's date (columns 4-11) becomes 31/04/2024, which does not exist (TRA-F02); line 3's
amount (131-150) becomes 1350,00, so pièce VTE 101 no longer balances (TRA-X01, TRA-X03);
line 2's reference (49-83) and label (84-118) hold markup, which no report may run or load.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import FIXTURES

SCRIPT_LABEL = "<script>alert(1)</script>"
IMAGE_REFERENCE = "<img src=x onerror=alert(2)>"
BAD_DATE = "31042024"
# The facts the tests check, from tra-format.md: (line, first column, last column).
DATE_AT = (2, 4, 11)
AMOUNT_AT = (3, 131, 150)
REFERENCE_AT = (2, 49, 83)
LABEL_AT = (2, 84, 118)


def _put(line: bytes, first: int, value: bytes) -> bytes:
    return line[: first - 1] + value + line[first - 1 + len(value) :]


def bad_lines() -> list[bytes]:
    lines = (FIXTURES / "ventes-std.tra").read_bytes().split(b"\r\n")
    lines[1] = _put(lines[1], DATE_AT[1], BAD_DATE.encode())
    lines[2] = _put(lines[2], AMOUNT_AT[1], b"1350,00".rjust(20))
    lines[1] = _put(lines[1], REFERENCE_AT[1], IMAGE_REFERENCE.encode().ljust(35))
    lines[1] = _put(lines[1], LABEL_AT[1], SCRIPT_LABEL.encode().ljust(35))
    return lines


def write_bad_file(folder: Path, lines: list[bytes] | None = None) -> Path:
    path = folder / "ventes-errors.tra"
    path.write_bytes(b"\r\n".join(bad_lines() if lines is None else lines))
    return path
