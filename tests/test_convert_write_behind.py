"""The converter's output written by a thread of its own (`_fsutil.WriteBehind`) when the
process may use two cores, directly on one: the same lines either way, the writer thread
only where a second core is there to run it."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

import tratool
from tratool import conversion
from tratool.conversion import convert

MAPPING = """[columns]
journal = "Journal"
date = "Date"
piece = "Piece"
account = "Compte"
label = "Libelle"
debit = "Debit"
credit = "Credit"
[options]
date_format = "JJ/MM/AAAA"
"""


def _csv(path: Path, pieces: int) -> None:
    """`pieces` balanced pièces of two lines: sale n of n,07 euros."""
    rows = ["Journal;Date;Piece;Compte;Libelle;Debit;Credit"]
    for n in range(1, pieces + 1):
        rows.append(f"VTE;04/03/2024;{n};51200000;Vente {n};{n},07;")
        rows.append(f"VTE;04/03/2024;{n};70610000;Vente {n};;{n},07")
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")


@pytest.mark.parametrize("cores", [1, 2])
def test_the_output_is_the_same_with_or_without_the_writer_thread(
    cores: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 3,000 pièces of two ETE lines: about 6 MB, several of the thread's 1 MiB chunks.
    _csv(tmp_path / "ventes.csv", 3000)
    (tmp_path / "mapping.toml").write_text(MAPPING, encoding="utf-8")
    monkeypatch.setattr(conversion, "usable_cores", lambda: cores)
    started: list[str] = []
    start = threading.Thread.start

    def noted(thread: threading.Thread) -> None:
        started.append(type(thread).__name__ + ":" + str(getattr(thread, "_target", "")))
        start(thread)

    monkeypatch.setattr(threading.Thread, "start", noted)
    out = tmp_path / "ventes.tra"
    result = convert(tmp_path / "ventes.csv", out, mapping=tmp_path / "mapping.toml")
    assert result.report.errors == 0
    assert any("_write_chunks" in name for name in started) == (cores == 2)
    data = out.read_bytes()
    lines = data.split(b"\r\n")
    assert lines[-1] == b""  # the last line ends with CRLF
    assert len(lines) == 1 + 6000 + 1  # the header, the entries
    entries = [entry for _, entry in tratool.read(out).entries()]
    assert [e.label for e in entries[-2:]] == ["Vente 3000", "Vente 3000"]
    assert [str(e.amount) for e in entries[:2]] == ["1.07", "1.07"]
    assert sum(len(line) for line in lines[1:-1]) + 2 * 6000 == len(data) - len(lines[0]) - 2
    assert {len(line) for line in lines[1:-1]} == {len(lines[1])}  # every line whole
