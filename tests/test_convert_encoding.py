"""The source's encoding is read from the whole file (docs/convert.md), block by block."""

from __future__ import annotations

import pytest

from tratool.conversion.tabular import detect_encoding

E_ACUTE = "é".encode()  # b"\xc3\xa9" in UTF-8; b"\xe9" alone is é in Windows-1252


@pytest.mark.parametrize(
    ("head", "rest", "expected"),
    [
        (b"a;b\r\n", [b"1;2\r\n"] * 3, "utf-8"),
        (b"\xef\xbb\xbfa;b\r\n", [b"\xe9"], "utf-8-sig"),  # the BOM says it
        (b"a;b\r\n", [b"1;2\r\n", b"x" + E_ACUTE, b"3;4\r\n"], "utf-8"),
        (b"a;b\r\n", [b"1;2\r\n", b"caf\xe9\r\n", b"3;4\r\n"], "cp1252"),  # far down
        (b"a;b\r\n", [b"1;2\r\n", b"3;4\r\nx\xe9"], "cp1252"),
        # A character cut between two blocks is one character...
        (b"a;" + E_ACUTE[:1], [E_ACUTE[1:] + b"\r\n", b"1;2\r\n"], "utf-8"),
        # ...but a lead byte followed by plain ASCII is not UTF-8, nor is one at the very end.
        (b"a;" + E_ACUTE[:1], [b"b\r\n", b"1;2\r\n"], "cp1252"),
        (b"a;" + E_ACUTE[:1], [b"b", E_ACUTE[1:] + b"\r\n"], "cp1252"),
        (b"a;b\r\n", [b"1;2\r\n", E_ACUTE[:1]], "cp1252"),
    ],
)
def test_the_encoding_is_read_from_every_block(
    head: bytes, rest: list[bytes], expected: str
) -> None:
    assert detect_encoding(head, iter(rest)) == expected
