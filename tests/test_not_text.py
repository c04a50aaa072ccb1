"""A file that is not text gets one finding and is not read further; whatever the input holds,
the text report escapes control characters and caps its lists (issue: binary and hostile text
reach the terminal)."""

from __future__ import annotations

import io
import random
from decimal import Decimal
from pathlib import Path

from click.testing import CliRunner

import tratool
from tratool.cli import main
from tratool.tra.lines import FIRST_BLOCK
from tratool.validation import render
from tratool.workflow_commands import workflow_command

from .conftest import FIXTURES

STD = (FIXTURES / "ventes-std.tra").read_bytes()
# The first bytes of an ELF program (what `tratool validate /bin/ls` reads), then noise.
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + bytes(random.Random(1).randbytes(20_000))


class CountingStream(io.BytesIO):
    """Remembers how far it was read."""

    furthest = 0

    def read(self, size: int | None = -1) -> bytes:
        data = super().read(size)
        self.furthest = max(self.furthest, self.tell())
        return data

    def read1(self, size: int | None = -1) -> bytes:
        data = super().read1(size)
        self.furthest = max(self.furthest, self.tell())
        return data

    def readline(self, size: int | None = -1) -> bytes:
        data = super().readline(size)
        self.furthest = max(self.furthest, self.tell())
        return data


def test_a_binary_file_is_one_error_and_is_not_read_further() -> None:
    stream = CountingStream(ELF * 500)  # 10 MB
    report = tratool.validate(stream)
    errors = [f for f in report.findings if f.severity == "error"]
    assert [(f.rule, f.line, f.column) for f in errors] == [("TRA-D01", 1, 8)]  # the first NUL
    assert "not a text file" in errors[0].message
    assert report.totals.entries == 0
    assert stream.furthest <= FIRST_BLOCK


def test_the_reader_stops_at_a_binary_file_too() -> None:
    stream = CountingStream(ELF * 500)
    with tratool.read(stream) as reader:
        records = list(reader)
    assert records == []
    assert [(e.line, e.column) for e in reader.errors] == [(1, 8)]
    assert stream.furthest <= FIRST_BLOCK


def test_random_bytes_without_nul_are_not_text() -> None:
    noise = bytes(b for b in random.Random(2).randbytes(8_000) if b)  # no NUL at all
    report = tratool.validate(io.BytesIO(noise))
    errors = [f for f in report.findings if f.severity == "error"]
    assert len(errors) == 1
    assert "not a text file" in errors[0].message


def test_a_nul_in_the_first_block_stops_the_reading_at_its_line() -> None:
    data = STD.replace(b"Facture Dupont", b"Facture\x00Dupont", 1)
    report = tratool.validate(io.BytesIO(data))
    [finding] = [f for f in report.findings if f.rule == "TRA-D01"]
    assert (finding.line, finding.column) == (2, 84 + 7)


def _with_label(label: str) -> bytes:
    lines = STD.decode("cp1252").split("\r\n")
    lines[1] = lines[1][:83] + label.ljust(35)[:35] + lines[1][118:]
    return "\r\n".join(lines).encode("cp1252")


def test_control_characters_in_the_input_are_escaped_in_the_text_report() -> None:
    data = _with_label("\x1b]0;pwned\x07 Dupont")
    report = tratool.validate(io.BytesIO(data))
    shown = render.text([report])
    assert "\\x1b]0;pwned\\x07" in shown
    assert "\x1b" not in shown
    assert "\x07" not in shown
    excerpt, caret = next(
        (line, after)
        for line, after in zip(shown.splitlines(), shown.splitlines()[1:], strict=False)
        if "pwned" in line and after.strip() == "^"
    )
    assert excerpt[caret.index("^")] == "\\"  # the caret points at the escaped ESC


def test_github_annotations_escape_control_characters_too() -> None:
    shown = workflow_command("error", "label \x1b]0;pwned\x07 % 100\r\n", file="x.tra")
    assert shown == "::error file=x.tra::label \\x1b]0;pwned\\x07 %25 100%0D%0A"


def test_the_command_line_never_prints_a_raw_control_character(tmp_path: Path) -> None:
    path = tmp_path / "title.tra"
    path.write_bytes(_with_label("\x1b]0;pwned\x07 Dupont"))
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert "\\x1b]0;pwned" in result.stdout
    assert "\x1b" not in result.stdout + result.stderr
    assert "\x07" not in result.stdout + result.stderr


def test_summary_lists_are_capped(tmp_path: Path) -> None:
    codes = [
        f"{a}{b}{c}"
        for a in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
        for b in "ABCDEFGHIJKLMNOPQRST"
        for c in "ABCDEFGHI"
    ]
    header = tratool.Header(format="STD", generated_at=None)
    entries = [
        tratool.Entry(
            journal=code,
            date=None,
            piece_type="OD",
            account="47100000",
            direction="D",
            amount=Decimal("1.00"),
            piece_number=1,
        )
        for code in codes[:4_230]
    ]
    path = tmp_path / "journals.tra"
    tratool.write([header, *entries], path)
    report = tratool.validate(path, max_findings=100_000)  # keep the totals finding (D07)
    shown = render.text([report])
    [journals] = [line for line in shown.splitlines() if line.startswith("  lines ")]
    assert journals.endswith("… and 4,210 more")
    assert journals.count("(1)") == 20
    [totals] = [f.message for f in report.findings if f.rule == "TRA-D07"]
    assert "… and 4,210 more" in totals
    assert len(totals) < 500
