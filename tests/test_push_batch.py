"""Batch push: many files into many dossiers in one run, concurrently, exactly once — against
the Loop simulator with injected faults, and Loop's own storage (no Azure account needed)."""

from __future__ import annotations

import io
import json
import sqlite3
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import FIXTURES
from tratool.cli import main
from tratool.errors import ConfigError
from tratool.submission.batch import Job, plan
from tratool.testing.loop_simulator import Fault, Simulator, SimulatorOptions

SUB, API = "sim-subscription-key", "sim-key:sim-secret"
DOSSIERS = tuple(f"DOS{n:02}" for n in range(10))
QUICK = (
    # Enough attempts that one push cannot run out while the injected 429s last (12 on the
    # import POST, 5 on the deposit): 8 jobs may hand them all to the same push.
    "[loop]\nbackoff_base = 0.01\nbackoff_cap = 0.05\nmax_attempts = 20\n"
    "[push]\npoll_first = 0.1\npoll_cap = 0.2\ntimeout = 60\n"
)


@pytest.fixture
def sim() -> Iterator[Simulator]:
    options = SimulatorOptions(dossiers=DOSSIERS, waiting_seconds=0.05, running_seconds=0.05)
    with Simulator(options) as running:
        yield running


def make_files(folder: Path, count: int) -> list[Path]:
    """`count` different valid TRA files: the fixture with its header's user field changed."""
    data = (FIXTURES / "ventes-std.tra").read_bytes()
    header, rest = data.split(b"\r\n", 1)
    files = []
    for n in range(count):
        user = f"BATCH{n:03}".encode().ljust(35)
        path = folder / f"{DOSSIERS[n % 10]}_{n:03}.tra"
        path.write_bytes(header[:53] + user + header[88:] + b"\r\n" + rest)
        files.append(path)
    return files


def run(folder: Path, sim: Simulator, *args: str) -> tuple[int, str, str]:
    env = {
        "TRATOOL_LOOP_BASE_URL": sim.url,
        "TRATOOL_LOOP_SUBSCRIPTION_KEY": SUB,
        "TRATOOL_LOOP_API_KEY": API,
        "TRATOOL_JOURNAL": str(folder / "journal.sqlite"),
        "AZURE_STORAGE_CONNECTION_STRING": "",
    }
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(folder)
        result = CliRunner(env=env).invoke(main, ["push", *args])
    return result.exit_code, result.stdout, result.stderr


def journal_rows(folder: Path) -> list[tuple[str, str, str | None, str]]:
    with sqlite3.connect(folder / "journal.sqlite") as db:
        return list(db.execute("SELECT sha256, dossier, request_id, state FROM submissions"))


def test_fifty_files_into_ten_dossiers_with_faults_are_imported_exactly_once(
    sim: Simulator, tmp_path: Path
) -> None:
    (tmp_path / "tratool.toml").write_text(QUICK, encoding="utf-8")
    files = make_files(tmp_path, 50)
    manifest = tmp_path / "batch.csv"
    manifest.write_text(
        "file;dossier\n" + "".join(f"{f.name};{f.name[:5]}\n" for f in files), encoding="utf-8"
    )
    # Gateway refusals before Loop sees the request (safe to repeat, even the import POST), and
    # dropped or failed status polls (a GET: repeated).
    sim.faults.extend([Fault(status=429, retry_after=0, method="POST", route="import_tra")] * 12)
    sim.faults.extend([Fault(status=429, retry_after=0, route="file_deposit")] * 5)
    sim.faults.extend([Fault(status=0, method="GET", route="import_status")] * 10)
    sim.faults.extend([Fault(status=503, method="GET", route="import_status")] * 5)
    code, out, err = run(
        tmp_path, sim, "--manifest", str(manifest), "--jobs", "8", "--storage", "loop",
        "--no-dossier-check", "--format", "json",
    )  # fmt: skip
    assert code == 0, err
    document = json.loads(out)
    assert document["ok"] is True
    assert Counter(r["outcome"] for r in document["results"]) == {"succeeded": 50}
    assert not sim.faults, "every injected fault was met"
    # Exactly once: 50 imports in Loop, 5 per dossier, one per file, each in the journal.
    assert len(sim.store.imports) == 50
    assert Counter(i.dossier for i in sim.store.imports.values()) == dict.fromkeys(DOSSIERS, 5)
    rows = journal_rows(tmp_path)
    assert len({sha for sha, _, _, _ in rows}) == 50
    assert {rid for _, _, rid, _ in rows} == set(sim.store.imports)
    assert {state for *_, state in rows} == {"succeeded"}
    # The same batch again: every file already pushed, nothing sent to Loop.
    code, out, _ = run(
        tmp_path, sim, "--manifest", str(manifest), "--jobs", "8", "--storage", "loop",
        "--no-dossier-check",
    )  # fmt: skip
    assert code == 1
    assert len(sim.store.imports) == 50
    assert "duplicate  50" in out  # the summary table


def test_dossier_from_file_names_and_the_summary(sim: Simulator, tmp_path: Path) -> None:
    (tmp_path / "tratool.toml").write_text(QUICK, encoding="utf-8")
    files = make_files(tmp_path, 4)
    broken = tmp_path / "DOS09_999.tra"
    broken.write_bytes(b"not a TRA file\r\n")
    code, out, _ = run(
        tmp_path, sim, *map(str, [*files, broken]), "--dossier-from", r"^(?P<dossier>DOS\d\d)_",
        "--jobs", "3", "--storage", "loop", "--no-dossier-check",
    )  # fmt: skip
    assert code == 1  # the worst of 0 (four imports) and 1 (one invalid file)
    assert len(sim.store.imports) == 4
    assert {i.dossier for i in sim.store.imports.values()} == {"DOS00", "DOS01", "DOS02", "DOS03"}
    summary = out[out.index("batch summary") :]
    assert "succeeded  4" in summary
    assert "invalid    1" in summary
    assert "DOS09_999.tra" in summary


def test_plan_from_a_toml_manifest(tmp_path: Path) -> None:
    (tmp_path / "a.tra").write_bytes(b"")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.tra").write_bytes(b"")
    manifest = tmp_path / "m.toml"
    manifest.write_text('[files]\n"a.tra" = "D1"\n"sub/b.tra" = "D2"\n', encoding="utf-8")
    assert plan([], manifest=manifest) == [
        Job(tmp_path / "a.tra", "D1"),
        Job(tmp_path / "sub" / "b.tra", "D2"),
    ]


def test_plan_refuses_before_anything_is_sent(tmp_path: Path) -> None:
    files = [tmp_path / "DOS01_a.tra", tmp_path / "other.tra"]
    with pytest.raises(ConfigError, match=r"names no dossier in: other\.tra"):
        plan(files, dossier_from=r"^(DOS\d\d)_")
    with pytest.raises(ConfigError, match="exactly one of"):
        plan(files, dossier="D", dossier_from="x")
    with pytest.raises(ConfigError, match="exactly one of"):
        plan(files)
    manifest = tmp_path / "m.csv"
    manifest.write_text("file,dossier\nmissing.tra,D1\nDOS01_a.tra,\n", encoding="utf-8")
    with pytest.raises(
        ConfigError, match=r"line 2: missing.tra: no such file; line 3: .*no dossier"
    ):
        plan([], manifest=manifest)
    manifest.write_text("name,code\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="'file' and 'dossier'"):
        plan([], manifest=manifest)


def test_bad_batch_options_are_usage_errors(sim: Simulator, tmp_path: Path) -> None:
    code, _, err = run(tmp_path, sim, "--dossier-from", "(")
    assert code == 2
    assert "not a regular expression" in err
    code, _, err = run(
        tmp_path, sim, str(FIXTURES / "ventes-std.tra"), "--jobs", "0", "--dossier", "D"
    )
    assert code == 2


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_is_drawn_on_a_terminal_only() -> None:
    from tratool.cli.batch_display import Progress

    screen = Terminal()
    progress = Progress(3, screen)
    for outcome in ("succeeded", "invalid", "succeeded"):
        progress.tick({"outcome": outcome})
    progress.close()
    assert screen.getvalue().split("\r")[1:] == [
        "[1/3] 1 imported, 0 not done\x1b[K",
        "[2/3] 1 imported, 1 not done\x1b[K",
        "[3/3] 2 imported, 1 not done\x1b[K",
        "\x1b[K",
    ]
    log = io.StringIO()  # a CI log: no carriage returns, no escapes
    Progress(3, log).tick({"outcome": "succeeded"})
    assert log.getvalue() == ""
