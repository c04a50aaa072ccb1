"""How the fast engine reads a file after its first lines (columnar._blocks): whole lines,
about a block's bytes at a time, into two buffers it reuses in turn, from any stream."""

from __future__ import annotations

import io
from typing import IO, cast

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.test_engines_differential import fast, pieces, reference, summary
from tests.test_engines_extended_differential import converted
from tests.tra_lines import ete, put, std
from tratool.tra import layout
from tratool.tra.lines import FIRST_BLOCK, LineDecoder
from tratool.validation import ValidationConfig
from tratool.validation.columnar import FastPass, Prepared, _blocks, _stride


class ReadOnly:
    """A stream that has `read` only (no `readinto`, no `read1`), and gives at most `most`
    bytes a read."""

    def __init__(self, data: bytes, most: int) -> None:
        self.data, self.most = data, most

    def read(self, size: int = -1) -> bytes:
        taken = min(size, self.most)
        found, self.data = self.data[:taken], self.data[taken:]
        return found


def read_only(data: bytes, most: int) -> IO[bytes]:
    return cast(IO[bytes], ReadOnly(data, most))


def blocks(stream: IO[bytes], size: int, rest: bytes, kept: int = 1) -> list[bytes]:
    # A block is only valid until the next `kept` are read: copied at once.
    return [bytes(block) for block in _blocks(stream, size, rest, kept)]


@pytest.mark.parametrize(
    ("rest", "data", "size", "expected"),
    [
        (b"", b"ab\ncd\n", 6, [b"ab\ncd\n"]),
        (b"", b"ab\ncd\n", 4, [b"ab\n", b"cd\n"]),
        (b"a", b"b\ncd", 4, [b"ab\n", b"cd"]),  # the last line without a line break
        (b"", b"abcdefghij\nk\n", 4, [b"abcdefghij\n", b"k\n"]),  # a line past the buffer
        (b"", b"", 4, []),
        (b"xy", b"", 4, [b"xy"]),
        (b"", b"\n\n\n", 1, [b"\n", b"\n", b"\n"]),
    ],
)
def test_blocks_of_whole_lines_written(
    rest: bytes, data: bytes, size: int, expected: list[bytes]
) -> None:
    for kept in (1, 2):  # one buffer (the engine alone), two (its pipeline)
        assert blocks(io.BytesIO(data), size, rest, kept) == expected
        assert blocks(read_only(data, size), size, rest, kept) == expected


@given(
    st.lists(st.binary(max_size=30).map(lambda b: b.replace(b"\n", b"")), max_size=20),
    st.booleans(),
    st.integers(1, 40),
    st.integers(0, 20),
    st.integers(1, 50),
)
def test_blocks_are_the_stream_cut_after_line_breaks(
    lines: list[bytes], ended: bool, size: int, head: int, most: int
) -> None:
    data = b"\n".join(lines) + (b"\n" if ended and lines else b"")
    rest, data = data[:head], data[head:]
    for stream in (io.BytesIO(data), read_only(data, most)):
        found = blocks(stream, size, rest)
        assert b"".join(found) == rest + data
        assert all(block.endswith(b"\n") for block in found[:-1])
        assert all(found)  # no empty block


@given(
    st.lists(st.binary(max_size=30).map(lambda b: b.replace(b"\n", b"")), max_size=20),
    st.integers(1, 40),
    st.integers(1, 50),
)
def test_a_block_stays_as_read_until_two_more_are(lines: list[bytes], size: int, most: int) -> None:
    # The pipeline proves a block while the one before is taken: each block must still hold
    # its bytes when the next is read, lines longer than a read included (a read that ends
    # in no line break once wrote the part line over the block before).
    data = b"\n".join(lines)
    for stream in (io.BytesIO(data), read_only(data, most)):
        held: list[tuple[memoryview, bytes]] = []
        copies = []
        for block in _blocks(stream, size, b"", 2):
            held = [*held[-1:], (block, bytes(block))]
            assert all(bytes(view) == copy for view, copy in held)
            copies.append(bytes(block))
        assert b"".join(copies) == data


def test_a_stream_without_readinto_is_read_as_a_file_is() -> None:
    # Grid blocks read from a stream that has no readinto (nor read1): read, then copied in.
    data = "".join(f"{line}\r\n" for line in [std()[0], *pieces(60)]).encode("ascii")
    config = ValidationConfig()
    expected = summary(reference(data, config))
    report, run = fast(data, config, 16, first_read=8192)
    assert summary(report) == expected
    assert run.grid_rows > 100
    slow = type(run)("x.tra", config, run.decoder, 25)
    slow.first_read, slow.block_lines = 8192, 16
    assert summary(slow.run(read_only(data, 1 << 20))) == expected
    assert slow.grid_rows == run.grid_rows


def test_a_stream_giving_a_few_bytes_a_read_is_read_whole() -> None:
    # A raw pipe gives at most what it has: the first 64 KiB come in reads of 5,000 bytes,
    # and a short read is not the end of the file (a line cut there was read as two).
    data = "".join(f"{line}\r\n" for line in [std()[0], *pieces(400)]).encode("ascii")
    config = ValidationConfig()
    expected = summary(reference(data, config))
    assert not [f for f in expected["findings"] if f[0].line is not None]
    run = fast(data, config, 16)[1]
    slow = type(run)("x.tra", config, run.decoder, 25)
    slow.block_lines = 16
    assert summary(slow.run(read_only(data, 5000))) == expected
    assert slow.grid_rows > 800  # past the first 64 KiB, read line by line


class BlockSizes(FastPass):
    """The fast engine, counting the lines of each block it reads after its first lines (in
    its worker thread, one block at a time)."""

    sizes: list[int]

    def _prepare(self, block: memoryview, version: str, extended: bool) -> Prepared:
        self.sizes.append(bytes(block).count(b"\n"))
        return super()._prepare(block, version, extended)


def test_an_ete_file_is_read_in_blocks_of_block_lines_of_its_own_width() -> None:
    # 1,025 bytes a line (1,023 columns and CRLF): 16 lines a block, not 16 STD lines' bytes
    # (3 ETE lines), whose per-block costs made ETE files slow to validate.
    data = "".join(line + "\r\n" for line in [ete()[0], *map(converted, pieces(150))])
    run = BlockSizes("x.tra", ValidationConfig(), LineDecoder(), 25)
    run.sizes, run.first_read, run.block_lines = [], 8192, 16
    try:
        run.run(io.BytesIO(data.encode("cp1252")))
    finally:
        run.pieces.close()
    assert len(run.sizes) > 10
    assert set(run.sizes[:-1]) == {16}


@pytest.mark.parametrize("first", [222, 1023, 1407, 1408, 3000])
def test_the_stride_is_the_first_line_s_bytes_however_long(first: int) -> None:
    block = bytearray(b"x" * first + b"\r\n" + b"y" * 5000 + b"\r\n")
    assert _stride(memoryview(block)) == first + 2


def _entries(count: int) -> bytes:
    return "".join(f"{line}\r\n" for line in [std()[0], *pieces(count)]).encode("ascii")


def test_a_file_longer_than_the_first_read_leaves_the_reference_its_first_8_kib() -> None:
    # 1,201 lines: the header (147 columns, 149 bytes) and 1,200 entry lines of 224 bytes.
    # The reference reads the header and the 35 entry lines that end within 8,192 bytes
    # (149 + 35 x 224 = 7,989); every other line is a grid row.
    data = _entries(400)
    assert (len(data), data.count(b"\n")) == (268_949, 1201)
    config = ValidationConfig()
    report, run = fast(data, config, 16)
    assert run.grid_rows == 1201 - 36
    assert summary(report) == summary(reference(data, config))


def test_without_a_line_break_after_the_first_look_the_reference_reads_the_first_read() -> None:
    # Nothing ends between the first look (4,096 bytes) and `first_lines` (here none): the
    # reference reads up to the first read's last line break, as it did every first read:
    # the header and the 291 entry lines that end within 64 KiB (149 + 291 x 224 = 65,333).
    data = _entries(400)
    config = ValidationConfig()
    run = FastPass("x.tra", config, LineDecoder(), 25)
    run.block_lines, run.pipelined, run.first_lines = 16, True, 0
    try:
        report = run.run(io.BytesIO(data))
    finally:
        run.pieces.close()
    assert run.grid_rows == 1201 - 292
    assert summary(report) == summary(reference(data, config))


def test_a_value_read_only_as_blank_or_not_keys_its_answer() -> None:
    # TRA-F07 reads a tiers line's reference only as blank or not: the row proof's key holds
    # that bit, so a blank reference on a tiers line whose other values were answered clean
    # before is asked again (a key without the bit proved it clean, and the finding was lost:
    # a sabotage found by review).
    lines = pieces(60)
    assert lines[150][layout.LINE_TYPE_SLICE].strip() == "X"
    lines[150] = put(lines[150], "reference", "")
    data = "".join(f"{line}\r\n" for line in [std()[0], *lines]).encode("ascii")
    config = ValidationConfig()
    report, run = fast(data, config, 64, first_read=FIRST_BLOCK + 224)
    assert run.grid_rows > 100
    assert [(f.rule, f.line) for f in report.findings if f.line is not None] == [("TRA-F07", 152)]
    assert summary(report) == summary(reference(data, config))
