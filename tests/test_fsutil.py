"""Atomic output files: replaced on success only, never half-written, never left behind."""

from __future__ import annotations

from pathlib import Path

import pytest

from tratool._fsutil import pending_output


def test_pending_output_replaces_the_target_when_the_block_ends(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old")
    with pending_output(target, "w") as pending:
        pending.stream.write("new")
        assert target.read_text() == "old"  # nothing visible before the end of the block
    assert target.read_text() == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_a_discarded_output_leaves_the_target_as_it_was(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old")
    with pending_output(target, "w") as pending:
        pending.stream.write("half")
        pending.discard()
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def _write_then_fail(target: Path) -> None:
    with pending_output(target, "wb", suffix=".tra") as pending:
        pending.stream.write(b"half")
        assert pending.path.name.endswith(".tra")
        assert pending.path.parent == target.parent
        raise RuntimeError("stop")


def test_an_exception_discards_the_output(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError):
        _write_then_fail(tmp_path / "out.tra")
    assert list(tmp_path.iterdir()) == []
