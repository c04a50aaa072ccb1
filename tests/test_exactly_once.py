"""Exactly once under concurrency and ambiguity: the journal's reservation, the answers to the
import POST that prove nothing, and a Loop that fails after accepting an import.

Real parts: Azurite for storage, the Loop simulator over HTTP, a journal on disk shared by real
processes. The simulator's clock and the push's sleep are a `FakeTime`: nothing waits.
"""

from __future__ import annotations

import gzip
import json
import multiprocessing
import queue
import shutil
import socket
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest
from click.testing import CliRunner

from tests.conftest import FIXTURES
from tests.instant_loop import FakeTime, fake_time, instant_loop
from tratool.azure import StorageTarget
from tratool.cli import main
from tratool.errors import DuplicateSubmission, LoopAmbiguousError, LoopRejected
from tratool.loop import LoopClient, LoopSettings
from tratool.redaction import Secret
from tratool.submission.journal import SubmissionJournal
from tratool.submission.policy import PollPolicy
from tratool.submission.push import PushResult, import_key, push
from tratool.testing import azurite
from tratool.testing.loop_simulator import Fault, Simulator

SUB, API = "sim-subscription-key", "sim-key:sim-secret"
FAST_CONFIG = (
    "[push]\npoll_first = 0.01\npoll_cap = 0.05\n"
    "[loop]\nbackoff_base = 0.01\nbackoff_cap = 0.05\n"
    '[storage]\ncontainer = "once-cli"\n'  # a container of its own in the shared Azurite
)
HISTORY = "Historique des imports"


@pytest.fixture
def sim(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Simulator]:
    with instant_loop(tmp_path, monkeypatch, FAST_CONFIG) as running:
        yield running


@pytest.fixture
def clock(sim: Simulator) -> FakeTime:
    return fake_time(sim)


@pytest.fixture
def target(emulator: azurite.Azurite) -> StorageTarget:
    return StorageTarget(
        connection_string=Secret(emulator.connection_string), container="once", retry_total=0
    )


@pytest.fixture
def tra(tmp_path: Path) -> Path:
    path = tmp_path / "PG00001.TRA"
    shutil.copy(FIXTURES / "ventes-std.tra", path)
    return path


@pytest.fixture
def journal(tmp_path: Path) -> Iterator[SubmissionJournal]:
    with SubmissionJournal(tmp_path / "journal.sqlite") as book:
        yield book


def run_push(
    tra: Path,
    sim: Simulator,
    target: StorageTarget,
    journal: SubmissionJournal,
    clock: FakeTime,
    **kwargs: Any,
) -> PushResult:
    client = LoopClient(sim.settings(), subscription_key=SUB, api_key=API, sleep=clock.sleep)
    return push(
        tra,
        dossier="MANON002",
        target=target,
        client=client,
        journal=journal,
        policy=kwargs.pop("policy", PollPolicy()),
        sleep=clock.sleep,
        clock=clock,
        **kwargs,
    )


# -- 8 processes at once ---------------------------------------------------------------------
def _push_in_a_process(
    start: Any, results: Any, path: str, journal: str, settings: LoopSettings, storage: str
) -> None:
    """One CI job: open the shared journal, wait for the others, push, report the outcome."""
    target = StorageTarget(connection_string=Secret(storage), container="race", retry_total=0)
    client = LoopClient(settings, subscription_key=SUB, api_key=API)
    with SubmissionJournal(Path(journal)) as book:
        start.wait()
        try:
            result = push(
                path, dossier="MANON002", target=target, client=client, journal=book, wait=False
            )
            results.put(("pushed", result.outcome, ""))
        except DuplicateSubmission as exc:
            results.put(("refused", exc.existing.state, str(exc)))
        except Exception as exc:  # reported to the test, which fails on it
            results.put(("crashed", type(exc).__name__, str(exc)))


def _race(files: list[Path], journal: Path, sim: Simulator, storage: str) -> list[tuple[str, ...]]:
    SubmissionJournal(journal).close()  # the schema exists before the race starts
    # Not fork: this process runs servers in threads. A fork server is a fresh interpreter
    # that imports tratool once, and forks the pushing processes from there, quickly.
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["tratool", "tratool.azure._sessions", __name__])
    start, results = context.Barrier(len(files)), context.Queue()
    processes = [
        context.Process(
            target=_push_in_a_process,
            args=(start, results, str(file), str(journal), sim.settings(), storage),
        )
        for file in files
    ]
    for process in processes:
        process.start()
    try:
        return [results.get(timeout=120) for _ in processes]
    except queue.Empty:
        pytest.fail("a pushing process never reported")
    finally:
        for process in processes:
            process.join(timeout=30)


def test_eight_processes_pushing_the_same_file_import_it_once(
    tra: Path, sim: Simulator, emulator: azurite.Azurite, tmp_path: Path
) -> None:
    outcomes = _race([tra] * 8, tmp_path / "race.sqlite", sim, emulator.connection_string)
    pushed = [o for o in outcomes if o[0] == "pushed"]
    refused = [o for o in outcomes if o[0] == "refused"]
    assert [o[1] for o in pushed] == ["submitted"], outcomes
    assert len(refused) == 7, outcomes
    assert len(sim.store.imports) == 1
    assert sim.requests.count(("POST", "import_tra")) == 1
    # Refused while the winner held the reservation, or after it sent the import: both say
    # what holds the file. The barrier makes the first kind the rule.
    for _, state, message in refused:
        if state == "reserved":
            assert f"on host {socket.gethostname()}" in message
            assert "is being pushed" in message


def test_eight_processes_pushing_different_files_import_each(
    sim: Simulator, emulator: azurite.Azurite, tmp_path: Path
) -> None:
    original = (FIXTURES / "ventes-std.tra").read_bytes()
    assert original.count(b"Fils mars") > 0
    files = []
    for number in range(8):
        path = tmp_path / f"PG0000{number}.TRA"
        path.write_bytes(original.replace(b"Fils mars", f"Fils mar{number}".encode()))
        files.append(path)
    outcomes = _race(files, tmp_path / "race.sqlite", sim, emulator.connection_string)
    assert sorted(outcomes) == [("pushed", "submitted", "")] * 8
    assert len(sim.store.imports) == 8


# -- the reservation, one at a time -----------------------------------------------------------
def _reserve(journal: SubmissionJournal, tra: Path, sim: Simulator, **holder: Any) -> int:
    """Reserve `tra` as a push would, then rewrite the holder to `holder` (pid, host)."""
    import hashlib

    sha256 = hashlib.sha256(tra.read_bytes()).hexdigest()
    endpoint = sim.settings().url("import_tra")
    entry = journal.reserve(
        key=import_key(sha256, "MANON002", endpoint),
        sha256=sha256,
        dossier="MANON002",
        endpoint=endpoint,
        file=str(tra),
        size=tra.stat().st_size,
        forced=False,
    )
    if holder:
        with sqlite3.connect(journal.path) as db:
            db.execute(
                "UPDATE submissions SET pid = ?, host = ? WHERE id = ?",
                (holder["pid"], holder["host"], entry),
            )
    return entry


def _dead_pid() -> int:
    done = subprocess.run([sys.executable, "-c", "pass"], check=True)
    assert done.returncode == 0
    finished = subprocess.Popen([sys.executable, "-c", "pass"])
    finished.wait()  # reaped: its pid names no process any more
    return finished.pid


def test_a_push_while_another_holds_the_file_is_refused_at_once_naming_it(
    tra: Path, sim: Simulator, target: StorageTarget, journal: SubmissionJournal, clock: FakeTime
) -> None:
    _reserve(journal, tra, sim)  # this very process, alive: as another thread's push would
    with pytest.raises(DuplicateSubmission) as refused:
        run_push(tra, sim, target, journal, clock)
    message = str(refused.value)
    assert "is being pushed to dossier MANON002 by another process" in message
    assert f"(pid {refused.value.existing.pid} on host {socket.gethostname()}, since " in message
    assert sim.requests == []  # refused before anything was validated, uploaded or sent
    with pytest.raises(DuplicateSubmission):  # --force never takes a live holder's place
        run_push(tra, sim, target, journal, clock, force=True)
    assert sim.store.imports == {}


def test_a_dead_holders_reservation_is_released_and_kept_as_abandoned(
    tra: Path, sim: Simulator, target: StorageTarget, journal: SubmissionJournal, clock: FakeTime
) -> None:
    pid = _dead_pid()
    _reserve(journal, tra, sim, pid=pid, host=socket.gethostname())
    result = run_push(tra, sim, target, journal, clock)
    assert result.outcome == "succeeded"
    [done, abandoned] = journal.history()
    assert (done.state, abandoned.state) == ("succeeded", "abandoned")
    assert abandoned.message == f"its holder, pid {pid}, ended before sending the import"
    assert len(sim.store.imports) == 1


def test_a_reservation_from_another_host_is_refused_unless_forced(
    tra: Path, sim: Simulator, target: StorageTarget, journal: SubmissionJournal, clock: FakeTime
) -> None:
    _reserve(journal, tra, sim, pid=4242, host="ci-runner-7")
    with pytest.raises(DuplicateSubmission, match=r"pid 4242 on host ci-runner-7"):
        run_push(tra, sim, target, journal, clock)
    assert sim.store.imports == {}
    assert run_push(tra, sim, target, journal, clock, force=True).outcome == "succeeded"
    assert [e.state for e in journal.history()] == ["succeeded", "abandoned"]


def test_a_push_that_ends_before_sending_gives_the_reservation_back(
    tra: Path, sim: Simulator, target: StorageTarget, journal: SubmissionJournal, clock: FakeTime
) -> None:
    unreachable = attrs.evolve(target, connection_string=None, container_sas_url=None)
    with pytest.raises(Exception, match=r"."):
        run_push(tra, sim, unreachable, journal, clock)
    assert list(journal.history()) == []  # nothing uploaded, nothing to remember
    assert run_push(tra, sim, target, journal, clock).outcome == "succeeded"


# -- answers to the import POST that prove nothing ---------------------------------------------
SUCCESS = b'{"accountingImportRequestId": "5f0c6a5e-1111-4a4a-9a9a-000000000001"}'
MAYBE_SENT = {
    "an HTML page with HTTP 200": Fault(
        status=200, body=b"<html><body>Proxy</body></html>", content_type="text/html"
    ),
    "a truncated JSON body": Fault(status=200, body=SUCCESS[:30], truncated=True),
    "a gzip body not announced as such": Fault(status=200, body=gzip.compress(SUCCESS)),
    "a success under another content type": Fault(
        status=200, body=SUCCESS, content_type="text/plain"
    ),
    "HTTP 200 with an unexpected shape": Fault(status=200, body=b'{"status": "ok"}'),
    "a bare JSON number": Fault(status=200, body=b"4.5"),
    "an HTML 400 from a proxy": Fault(
        status=400, body=b"<html>Bad gateway config</html>", content_type="text/html"
    ),
    "the connection reset after the body was sent": Fault(status=0),
}


@pytest.mark.parametrize("fault", MAYBE_SENT.values(), ids=MAYBE_SENT.keys())
def test_an_answer_that_proves_nothing_is_maybe_sent_never_rejected(
    tra: Path,
    sim: Simulator,
    target: StorageTarget,
    journal: SubmissionJournal,
    clock: FakeTime,
    fault: Fault,
) -> None:
    # Loop processes the request, then the answer is lost or mangled on its way back.
    sim.faults.append(attrs.evolve(fault, method="POST", route="import_tra", after_processing=True))
    with pytest.raises(LoopAmbiguousError) as caught:
        run_push(tra, sim, target, journal, clock)
    message = str(caught.value)
    assert HISTORY in message
    assert "--force" in message
    assert [e.state for e in journal.history()] == ["submitting"]  # still blocking
    with pytest.raises(DuplicateSubmission, match="check Loop's import history"):
        run_push(tra, sim, target, journal, clock)
    assert len(sim.store.imports) == 1
    assert sim.requests.count(("POST", "import_tra")) == 1


def test_cli_maybe_sent_exit_code_and_advice(
    tra: Path, sim: Simulator, emulator: azurite.Azurite, tmp_path: Path
) -> None:
    sim.faults.append(
        Fault(
            status=200,
            body=b"<html>Proxy</html>",
            content_type="text/html",
            method="POST",
            route="import_tra",
            after_processing=True,
        )
    )
    code, out, err = _cli(sim, emulator, tmp_path / "j.sqlite", "push", str(tra))
    assert code == 4
    assert HISTORY in err
    assert "NOT DONE" in out
    code, _, err = _cli(sim, emulator, tmp_path / "j.sqlite", "push", str(tra))
    assert code == 1
    assert "check Loop's import history" in err
    assert len(sim.store.imports) == 1


# -- Loop failing after the import was requested ----------------------------------------------
def _loop_goes_down(sim: Simulator) -> None:
    """Every status request from now on: the connection dropped (more than any retry uses)."""
    sim.faults.extend(Fault(status=0, method="GET", route="import_status") for _ in range(50))


def test_loop_failing_while_following_keeps_the_request_id(
    tra: Path, sim: Simulator, target: StorageTarget, journal: SubmissionJournal, clock: FakeTime
) -> None:
    _loop_goes_down(sim)
    result = run_push(tra, sim, target, journal, clock, policy=PollPolicy(timeout=60))
    assert result.outcome == "interrupted"
    assert result.request_id in sim.store.imports
    assert result.error is not None
    assert "GET" in str(result.error)
    [entry] = journal.history()
    assert (entry.state, entry.request_id) == ("submitted", result.request_id)


def _cli(
    sim: Simulator, emulator: azurite.Azurite, journal: Path, *args: str
) -> tuple[int, str, str]:
    env = {
        "TRATOOL_LOOP_BASE_URL": sim.url,
        "TRATOOL_LOOP_SUBSCRIPTION_KEY": SUB,
        "TRATOOL_LOOP_API_KEY": API,
        "AZURE_STORAGE_CONNECTION_STRING": emulator.connection_string,
        "TRATOOL_JOURNAL": str(journal),
        "GITHUB_ACTIONS": "",
    }
    result = CliRunner(env=env).invoke(main, [*args, "--dossier", "MANON002"])
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("fmt", ["text", "json", "github"])
def test_cli_loop_failing_after_the_import_prints_the_id_and_the_resume_command(
    tra: Path, sim: Simulator, emulator: azurite.Azurite, tmp_path: Path, fmt: str
) -> None:
    _loop_goes_down(sim)
    journal = tmp_path / "j.sqlite"
    code, out, _ = _cli(
        sim, emulator, journal, "push", str(tra), "--format", fmt, "--timeout", "0s"
    )
    assert code == 4
    [request_id] = sim.store.imports
    resume = f"tratool status {request_id} --wait"
    if fmt == "json":
        [row] = json.loads(out)["results"]
        assert (row["outcome"], row["request_id"], row["resume"]) == (
            "interrupted",
            request_id,
            resume,
        )
    else:
        assert "the import was requested, then following it failed" in out
        assert f"\n  {resume}\n" in out
        assert f"Loop request {request_id}" in out
    if fmt == "github":
        [annotation] = [line for line in out.splitlines() if line.startswith("::error")]
        assert f"resume with: {resume}" in annotation
    with SubmissionJournal(journal) as book:
        assert [(e.state, e.request_id) for e in book.history()] == [("submitted", request_id)]


# -- a body is a body --------------------------------------------------------------------------
def test_a_json_number_answer_is_a_body_never_a_delay(sim: Simulator, clock: FakeTime) -> None:
    """Once, the client's verdict on an answer was "a body, or a float meaning retry": a status
    answer that was the JSON number 4.5 made it wait 4.5 s and ask again."""
    client = LoopClient(sim.settings(), subscription_key=SUB, api_key=API, sleep=clock.sleep)
    sim.faults.append(Fault(status=200, body=b"4.5", method="GET", route="import_status"))
    with pytest.raises(LoopRejected, match="unexpected import status answer: float"):
        client.import_status("5f0c6a5e-1111-4a4a-9a9a-000000000001")
    assert sim.requests.count(("GET", "import_status")) == 1
    assert clock.now == 0  # and it never slept
