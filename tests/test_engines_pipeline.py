"""The fast engine's pipeline (columnar.FastPass, `pipelined`): a block's first stage (grid check,
row proof, the pièce proof's block-local part) in a worker thread while the engine takes the
block before through the second (the dossier's answers, the closing, the lines fed). Run with
and without the worker, the engine gives the same report, the reference's; the worker's errors
come out of `validate` as they would without it, and no thread outlives a validation."""

from __future__ import annotations

import importlib.util
import io
import threading
from pathlib import Path
from types import ModuleType

import pytest

import tratool
from tests.test_engines_differential import pieces, reference, summary
from tests.test_engines_extended_differential import converted
from tests.tra_lines import ete, std
from tratool.errors import TraError
from tratool.tra.lines import LineDecoder
from tratool.validation import Report, ValidationConfig, columnar
from tratool.validation.columnar import FastPass, Pool, Prepared

FIRST_READ = 8192


def bench() -> ModuleType:
    """benchmarks/bench.py, whose files are the shapes the pipeline is measured on."""
    path = Path(__file__).resolve().parent.parent / "benchmarks" / "bench.py"
    spec = importlib.util.spec_from_file_location("bench", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_fast(
    data: bytes, pipelined: bool, block_lines: int, engine: type[FastPass] = FastPass
) -> tuple[Report, FastPass]:
    run = engine("x.tra", ValidationConfig(), LineDecoder(), 10_000)
    run.first_read, run.block_lines, run.pipelined = FIRST_READ, block_lines, pipelined
    try:
        return run.run(io.BytesIO(data)), run
    finally:
        run.pieces.close()


def thread_starts(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the threads started from now on, as they start."""
    started: list[str] = []
    start = threading.Thread.start

    def recorded(thread: threading.Thread) -> None:
        started.append(thread.name)
        start(thread)

    monkeypatch.setattr(threading.Thread, "start", recorded)
    return started


def proof_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("tratool-proof")]


@pytest.mark.parametrize("shape", ["clean", "defective"])
def test_the_bench_files_are_reported_alike_with_and_without_the_worker(
    tmp_path: Path, shape: str
) -> None:
    # The bench's generator at 3,000 lines (1 line in 100 defective in the second), in blocks
    # of 64 and 97 lines: every report is the reference's, and the pipelined runs really
    # proved pièces in the worker.
    generator = bench()
    clean, csv = tmp_path / "clean.tra", tmp_path / "clean.csv"
    generator.generate(clean, csv, 3_000)
    path = clean
    if shape == "defective":
        path = tmp_path / "defective.tra"
        generator.defective(clean, path)
    data = path.read_bytes()
    expected = summary(reference(data, ValidationConfig(), 10_000))
    assert len(expected["findings"]) > (30 if shape == "defective" else 0)
    for block_lines in (64, 97):
        for pipelined in (True, False):
            report, run = run_fast(data, pipelined, block_lines)
            assert summary(report) == expected
            assert run.proved_pieces > 300


def test_a_header_like_line_mid_file_changes_nothing_the_worker_assumed() -> None:
    # Only line 1 is the header: a header written again after grid blocks, say an ETE one in
    # a STD file, is a line like any other (TRA-S05 and friends), and the blocks after it are
    # still STD grids; the report is the reference's either way.
    head, ete_header = std()[0], tratool.Header(format="ETE", generated_at=None)
    again = next(iter(tratool.render_lines([ete_header])))
    lines = [head, *pieces(200), again, *pieces(200)]
    data = "".join(f"{line}\r\n" for line in lines).encode("cp1252")
    expected = summary(reference(data, ValidationConfig(), 10_000))
    assert any(f.line == 602 for f, _ in expected["findings"])
    for pipelined in (True, False):
        report, run = run_fast(data, pipelined, 16)
        assert summary(report) == expected
        assert not run.is_extended
        assert run.grid_rows > 1000


class VersionChanging(FastPass):
    """A fast engine that takes the file for another version from line `at` on, as if a header
    line there had said so (no line does: line 1 is the only header, always within the first
    read, so that this is the one way to make the worker's assumption stale), and records the
    versions its first stage ran under."""

    at = 0
    versions: list[str]

    def _prepare(self, block: memoryview, version: str, extended: bool) -> Prepared:
        self.versions.append(version)
        return super()._prepare(block, version, extended)

    def _take(
        self, lines: tratool.tra.lines.DecodedLines, prepared: Prepared, worker: Pool
    ) -> None:
        if lines.count >= self.at:
            self.version = "010"
        super()._take(lines, prepared, worker)


def test_a_block_proved_under_an_older_version_is_proved_again() -> None:
    data = "".join(f"{line}\r\n" for line in [std()[0], *pieces(300)]).encode("cp1252")
    expected = summary(reference(data, ValidationConfig(), 10_000))  # (STD: any version)
    versions = {}
    for pipelined in (True, False):
        VersionChanging.at, VersionChanging.versions = 200, []
        report, _ = run_fast(data, pipelined, 16, VersionChanging)
        assert summary(report) == expected
        versions[pipelined] = VersionChanging.versions
    # Taken once the version changed, a block proved under the one before is proved again:
    # without the worker, that block; with it, also the next, proved ahead meanwhile.
    serial, piped = versions[False], versions[True]
    assert serial.count("010") > 1
    assert len(piped) == len(serial) + 1
    assert piped.count("010") == serial.count("010")
    assert piped.count(serial[0]) == serial.count(serial[0]) + 1


class Failing(FastPass):
    """A fast engine whose first stage fails on its third block. No input makes the real one
    fail (it proves, it does not judge: any bytes are a grid or are not), so the failure is
    put there by hand."""

    def _prepare(self, block: memoryview, version: str, extended: bool) -> Prepared:
        self.blocks = getattr(self, "blocks", 0) + 1
        if self.blocks == 3:
            raise TraError("the first stage failed")
        return super()._prepare(block, version, extended)


@pytest.mark.parametrize("pipelined", [True, False])
def test_an_error_in_the_worker_comes_out_of_the_run(pipelined: bool) -> None:
    data = "".join(f"{line}\r\n" for line in [std()[0], *pieces(300)]).encode("cp1252")
    with pytest.raises(TraError, match="the first stage failed"):
        run_fast(data, pipelined, 16, Failing)
    assert not proof_threads()


def test_no_thread_outlives_a_validation(tmp_path: Path) -> None:
    path = tmp_path / "x.tra"
    path.write_bytes("".join(f"{line}\r\n" for line in [std()[0], *pieces(300)]).encode("cp1252"))
    before = set(threading.enumerate())
    seen: list[int] = []

    class Watched(FastPass):
        def _prepare(self, block: memoryview, version: str, extended: bool) -> Prepared:
            seen.append(len(proof_threads()))
            return super()._prepare(block, version, extended)

    report, _ = run_fast(path.read_bytes(), True, 16, Watched)
    assert seen
    assert set(seen) == {1}  # the blocks were proved in the worker
    assert tratool.validate(path).errors == report.errors == 0
    assert set(threading.enumerate()) <= before  # (threads of other tests may have ended)


def test_a_file_within_the_first_read_starts_no_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    data = "".join(f"{line}\r\n" for line in [std()[0], *pieces(10)]).encode("cp1252")
    assert len(data) < FIRST_READ
    started = thread_starts(monkeypatch)
    report, _ = run_fast(data, True, 16)
    assert not started
    assert summary(report) == summary(reference(data, ValidationConfig(), 10_000))
    run_fast(data + data[len(std()[0]) + 2 :] * 2, True, 16)  # past it: the worker starts
    assert [name for name in started if name.startswith("tratool-proof")]


@pytest.mark.parametrize("pipelined", [True, False])
def test_a_utf16_file_past_the_first_read_is_read_no_further_than_its_first_line(
    pipelined: bool,
) -> None:
    # Its byte order mark is all the reference reads (TRA-D01 on line 1, nothing after): the
    # fast engine once went on with the block after its first read and reported its lines.
    text = "".join(f"{line}\r\n" for line in [std()[0], *pieces(300)])
    data = text.encode("utf-16")
    assert len(data) > 2 * FIRST_READ
    report, run = run_fast(data, pipelined, 16)
    assert [(f.rule, f.line) for f in report.findings if f.line is not None] == [("TRA-D01", 1)]
    assert summary(report) == summary(reference(data, ValidationConfig(), 10_000))
    assert run.grid_rows == 0


@pytest.mark.parametrize(
    ("extended", "cores", "worker"),
    [(False, 2, False), (True, 2, True), (True, 1, False)],
)
def test_the_default_uses_the_worker_for_ete_files_with_a_second_core(
    extended: bool, cores: int, worker: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    # STD blocks: both stages hold the GIL nearly all their time, the two threads took turns;
    # ETE blocks: their wide rows' proof runs mostly inside numpy (docs/performance.md).
    monkeypatch.setattr(columnar, "usable_cores", lambda: cores)
    std_lines = [std()[0], *pieces(300)]
    lines = [ete()[0], *map(converted, std_lines[1:])] if extended else std_lines
    data = "".join(f"{line}\r\n" for line in lines).encode("cp1252")
    started = thread_starts(monkeypatch)
    run = FastPass("x.tra", ValidationConfig(), LineDecoder(), 10_000)
    assert run.pipelined is None
    run.first_read, run.block_lines = FIRST_READ, 16
    try:
        report = run.run(io.BytesIO(data))
    finally:
        run.pieces.close()
    assert run.grid_rows > 500
    assert any(name.startswith("tratool-proof") for name in started) == worker
    assert summary(report) == summary(reference(data, ValidationConfig(), 10_000))
