"""push end to end: Azurite for storage, the simulator for Loop, a real journal.

Nothing here waits for Loop in real time: the simulator reads a clock the test holds
(`FakeTime`), and the library's polling sleeps on that same clock; the command-line runs poll
every few milliseconds (a tratool.toml in the working directory says so) against a simulator
whose imports end at once, or a frozen one when the test needs an import still running.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner

from tests.conftest import FIXTURES
from tests.instant_loop import fake_time, instant_loop
from tests.report_fixture import write_bad_file
from tratool.azure import StorageTarget
from tratool.cli import main
from tratool.errors import ConfigError, DuplicateSubmission, LoopAmbiguousError, LoopRejected
from tratool.i18n import Text
from tratool.loop import LoopClient
from tratool.redaction import Secret
from tratool.submission.journal import SubmissionJournal, default_path
from tratool.submission.policy import PollPolicy
from tratool.submission.profiles import StorageSettings
from tratool.submission.push import PushResult, push, wait_for
from tratool.testing import azurite
from tratool.testing.loop_simulator import Fault, Simulator

SUB, API = "sim-subscription-key", "sim-key:sim-secret"
FAST_CONFIG = "[push]\npoll_first = 0.01\npoll_cap = 0.05\n"


@pytest.fixture
def sim(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Simulator]:
    with instant_loop(tmp_path, monkeypatch, FAST_CONFIG) as running:
        yield running


@pytest.fixture
def journal(tmp_path: Path) -> Iterator[SubmissionJournal]:
    with SubmissionJournal(tmp_path / "journal.sqlite") as book:
        yield book


@pytest.fixture
def target(emulator: azurite.Azurite) -> StorageTarget:
    return StorageTarget(
        connection_string=Secret(emulator.connection_string), container="push", retry_total=0
    )


@pytest.fixture
def tra(tmp_path: Path) -> Path:
    path = tmp_path / "PG00001.TRA"
    shutil.copy(FIXTURES / "ventes-std.tra", path)
    return path


def client_for(sim: Simulator) -> LoopClient:
    return LoopClient(sim.settings(), subscription_key=SUB, api_key=API, sleep=fake_time(sim).sleep)


def run_push(
    tra: Path, sim: Simulator, target: StorageTarget, journal: SubmissionJournal, **kwargs: Any
) -> PushResult:
    return push(
        tra,
        dossier="MANON002",
        target=target,
        client=client_for(sim),
        journal=journal,
        policy=kwargs.pop("policy", PollPolicy()),
        sleep=fake_time(sim).sleep,
        clock=fake_time(sim),
        **kwargs,
    )


def test_success(
    tra: Path, sim: Simulator, target: StorageTarget, journal: SubmissionJournal
) -> None:
    events: list[Text] = []
    result = run_push(tra, sim, target, journal, on_event=events.append)
    assert result.outcome == "succeeded"
    [entry] = journal.history()
    assert (entry.state, entry.status_code, entry.dossier) == ("succeeded", 3, "MANON002")
    assert entry.request_id == result.request_id
    assert len(sim.store.imports) == 1
    assert any(str(e).startswith("status: finished successfully") for e in events)


def test_import_finished_with_error(
    tra: Path, sim: Simulator, target: StorageTarget, journal: SubmissionJournal
) -> None:
    tra.write_bytes(tra.read_bytes().replace(b"VTE04032024", b"VTE31042024", 1))
    refused = run_push(tra, sim, target, journal)
    assert refused.outcome == "invalid"
    assert sim.store.imports == {}
    assert list(journal.history()) == []  # nothing sent, nothing to remember
    result = run_push(tra, sim, target, journal, force=True)
    assert result.outcome == "failed"
    assert [e.state for e in journal.history()] == ["failed"]


def test_deadline_then_resume_with_status_wait(
    tra: Path, sim: Simulator, target: StorageTarget, journal: SubmissionJournal
) -> None:
    sim.options.waiting_seconds, sim.options.running_seconds = 1.0, 0.5
    result = run_push(
        tra, sim, target, journal, policy=PollPolicy(first=0.05, cap=0.1, timeout=0.3)
    )
    assert result.outcome == "running"
    assert fake_time(sim).now == pytest.approx(0.3)  # polled until the deadline, not past it
    assert [e.state for e in journal.history()] == ["submitted"]
    env = {
        "TRATOOL_LOOP_BASE_URL": sim.url,
        "TRATOOL_LOOP_SUBSCRIPTION_KEY": SUB,
        "TRATOOL_LOOP_API_KEY": API,
        "TRATOOL_JOURNAL": str(journal.path),
    }
    fake_time(sim).now += 1.5  # Loop's import ends meanwhile
    assert result.request_id is not None
    outcome = CliRunner(env=env).invoke(
        main, ["status", result.request_id, "--wait", "--timeout", "30s"]
    )
    assert outcome.exit_code == 0, outcome.output
    assert "finished successfully" in outcome.stdout
    assert [e.state for e in journal.history()] == ["succeeded"]


def test_duplicate_refused_then_accepted_with_force(
    tra: Path, sim: Simulator, target: StorageTarget, journal: SubmissionJournal
) -> None:
    run_push(tra, sim, target, journal)
    with pytest.raises(DuplicateSubmission, match="imported successfully"):
        run_push(tra, sim, target, journal)
    assert len(sim.store.imports) == 1
    again = run_push(tra, sim, target, journal, force=True)
    assert again.outcome == "succeeded"
    assert len(sim.store.imports) == 2
    assert [e.forced for e in journal.history()] == [True, False]


def test_a_storm_of_429_while_polling(
    tra: Path, sim: Simulator, target: StorageTarget, journal: SubmissionJournal
) -> None:
    sim.faults.extend(
        Fault(status=429, retry_after=0.02, method="GET", route="import_status") for _ in range(6)
    )
    result = run_push(tra, sim, target, journal)
    assert result.outcome == "succeeded"
    assert sim.requests.count(("GET", "import_status")) >= 7


def test_connection_dropped_after_the_post_is_never_resent(
    tra: Path, sim: Simulator, target: StorageTarget, journal: SubmissionJournal
) -> None:
    sim.faults.append(Fault(status=0, method="POST", route="import_tra", after_processing=True))
    with pytest.raises(LoopAmbiguousError):
        run_push(tra, sim, target, journal)
    assert len(sim.store.imports) == 1  # Loop has it
    assert sim.requests.count(("POST", "import_tra")) == 1  # and got it once
    assert [e.state for e in journal.history()] == ["submitting"]
    with pytest.raises(DuplicateSubmission, match="check Loop's import history"):
        run_push(tra, sim, target, journal)
    assert len(sim.store.imports) == 1


def test_refused_or_unsent_imports_do_not_block(
    tra: Path, sim: Simulator, target: StorageTarget, journal: SubmissionJournal
) -> None:

    with pytest.raises(LoopRejected, match="n'existe pas"):
        push(
            tra,
            dossier="INCONNU",
            target=target,
            client=client_for(sim),
            journal=journal,
            policy=PollPolicy(),
            sleep=fake_time(sim).sleep,
        )
    assert [e.state for e in journal.history()] == ["rejected"]
    # Loop refused it, so nothing was imported: trying again is not a duplicate.
    with pytest.raises(LoopRejected):
        push(
            tra,
            dossier="INCONNU",
            target=target,
            client=client_for(sim),
            journal=journal,
            policy=PollPolicy(),
            sleep=fake_time(sim).sleep,
        )
    assert [e.state for e in journal.history()] == ["rejected", "rejected"]


# -- the process killed at each step --------------------------------------------------------
def _env(sim: Simulator, emulator: azurite.Azurite, journal: Path) -> dict[str, str]:
    return {
        **os.environ,
        "TRATOOL_LOOP_BASE_URL": sim.url,
        "TRATOOL_LOOP_SUBSCRIPTION_KEY": SUB,
        "TRATOOL_LOOP_API_KEY": API,
        "AZURE_STORAGE_CONNECTION_STRING": emulator.connection_string,
        "TRATOOL_JOURNAL": str(journal),
    }


def _tratool(*args: str, env: dict[str, str]) -> subprocess.Popen[str]:
    exe = Path(sys.executable).parent / "tratool"
    return subprocess.Popen(
        [str(exe), *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def _until(condition: object, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def _states(path: Path) -> list[str]:
    if not path.exists():
        return []
    with sqlite3.connect(path) as db:
        try:
            return [row[0] for row in db.execute("SELECT state FROM submissions ORDER BY id")]
        except sqlite3.OperationalError:  # the other process is still creating the journal
            return []


@pytest.mark.parametrize(
    "after_processing",
    [False, True],
    ids=["killed-while-the-post-is-in-flight", "killed-after-loop-accepted-the-post"],
)
def test_killed_around_the_import_post(
    tra: Path,
    sim: Simulator,
    emulator: azurite.Azurite,
    tmp_path: Path,
    after_processing: bool,
) -> None:
    book = tmp_path / "journal.sqlite"
    env = _env(sim, emulator, book)
    release = threading.Event()
    sim.faults.append(
        Fault(
            status=0,
            method="POST",
            route="import_tra",
            after_processing=after_processing,
            hold=release,
        )
    )
    process = _tratool("push", str(tra), "--dossier", "MANON002", env=env)
    _until(lambda: ("POST", "import_tra") in sim.requests)
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=10)
    release.set()
    assert _states(book) == ["submitting"]  # committed before the request left
    imports = len(sim.store.imports)
    assert imports == (1 if after_processing else 0)
    again = _tratool("push", str(tra), "--dossier", "MANON002", env=env)
    _out, err = again.communicate(timeout=60)
    assert again.returncode == 1
    assert "check Loop's import history" in err
    assert len(sim.store.imports) == imports  # never a second import


def test_killed_while_waiting_then_resumed(
    tra: Path, sim: Simulator, emulator: azurite.Azurite, tmp_path: Path
) -> None:
    # Loop's clock stands still: the import stays "waiting" for as long as the test needs, so
    # the kill always lands while the push is following it, however slow the machine.
    sim.options.waiting_seconds, sim.options.running_seconds = 2.0, 0.5
    book = tmp_path / "journal.sqlite"
    env = _env(sim, emulator, book)
    process = _tratool("push", str(tra), "--dossier", "MANON002", env=env)
    _until(lambda: _states(book) == ["submitted"])
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=10)
    again = _tratool("push", str(tra), "--dossier", "MANON002", env=env)
    _, err = again.communicate(timeout=60)
    assert again.returncode == 1
    assert len(sim.store.imports) == 1
    # "… still being imported: follow it with 'tratool status ID --wait'"
    request_id = err.split("'tratool status ")[1].split()[0]
    assert request_id in sim.store.imports
    fake_time(sim).now += 2.5  # Loop ends the import
    resumed = _tratool("status", request_id, "--wait", "--timeout", "30s", env=env)
    out, _ = resumed.communicate(timeout=60)
    assert resumed.returncode == 0
    assert "finished successfully" in out
    assert _states(book) == ["succeeded"]


# -- command line and CI integration ---------------------------------------------------------
def _cli(
    sim: Simulator,
    emulator: azurite.Azurite,
    journal: Path,
    *args: str,
    extra: dict[str, str] | None = None,
) -> tuple[int, str, str]:
    env = {
        k: v
        for k, v in _env(sim, emulator, journal).items()
        if k.startswith(("TRATOOL_", "AZURE_"))
    }
    result = CliRunner(env={**env, **(extra or {})}).invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_cli_push_json_and_github_summary(
    tra: Path, sim: Simulator, emulator: azurite.Azurite, tmp_path: Path
) -> None:
    summary = tmp_path / "summary.md"
    code, out, _ = _cli(
        sim,
        emulator,
        tmp_path / "j.sqlite",
        "push",
        str(tra),
        "--dossier",
        "MANON002",
        "--format",
        "json",
        extra={"GITHUB_STEP_SUMMARY": str(summary)},
    )
    assert code == 0
    document = json.loads(out)
    assert document["ok"] is True
    [row] = document["results"]
    assert (row["outcome"], row["status_code"], row["dossier"]) == ("succeeded", 3, "MANON002")
    assert row["validation"] == {"errors": 0, "warnings": 0}
    assert "| `" in summary.read_text(encoding="utf-8")
    code, out, err = _cli(
        sim,
        emulator,
        tmp_path / "j.sqlite",
        "push",
        str(tra),
        "--dossier",
        "MANON002",
        "--format",
        "github",
    )
    assert code == 1
    assert "::error title=tratool push::" in out
    assert "already pushed" in err


def test_cli_push_converts_csv_first(
    sim: Simulator, emulator: azurite.Azurite, tmp_path: Path
) -> None:
    code, out, _ = _cli(
        sim,
        emulator,
        tmp_path / "j.sqlite",
        "push",
        str(FIXTURES / "ventes-excel.csv"),
        "--mapping",
        str(FIXTURES / "ventes-mapping.toml"),
        "--dossier",
        "MANON002",
    )
    assert code == 0, out
    assert "converted" in out
    assert "imported:" in out
    # The journal knows the CSV itself: the TRA made from it differs at every conversion.
    source = FIXTURES / "ventes-excel.csv"
    with SubmissionJournal(tmp_path / "j.sqlite") as book:
        [entry] = book.history()
    assert entry.sha256 == hashlib.sha256(source.read_bytes()).hexdigest()
    assert entry.file == str(source)
    code, _, err = _cli(
        sim,
        emulator,
        tmp_path / "j.sqlite",
        "push",
        str(source),
        "--mapping",
        str(FIXTURES / "ventes-mapping.toml"),
        "--dossier",
        "MANON002",
    )
    assert code == 1
    assert "already pushed" in err
    assert len(sim.store.imports) == 1


def test_cli_deadline_exit_code_and_resume_command(
    tra: Path, sim: Simulator, emulator: azurite.Azurite, tmp_path: Path
) -> None:
    sim.options.waiting_seconds = 30  # on a clock that stands still: never done
    code, out, _ = _cli(
        sim,
        emulator,
        tmp_path / "j.sqlite",
        "push",
        str(tra),
        "--dossier",
        "MANON002",
        "--timeout",
        "0s",
    )
    assert code == 3
    assert "resume with:\n  tratool status " in out
    assert out.split("tratool status ")[1].split()[1] == "--wait"


def test_cli_config_show_hides_secrets(
    sim: Simulator, emulator: azurite.Azurite, tmp_path: Path
) -> None:
    code, out, _ = _cli(sim, emulator, tmp_path / "j.sqlite", "config", "show")
    assert code == 0
    assert "# credentials: connection string" in out
    assert "# TRATOOL_LOOP_API_KEY: set (hidden)" in out
    assert API not in out
    assert azurite.KEY not in out


def test_cli_doctor(sim: Simulator, emulator: azurite.Azurite, tmp_path: Path) -> None:
    code, out, _ = _cli(sim, emulator, tmp_path / "j.sqlite", "doctor")
    assert code == 0, out
    assert "ok    storage:" in out
    assert "ok    Loop import status: the route answers" in out
    assert "ok    clock:" in out
    code, out, _ = _cli(
        sim, emulator, tmp_path / "j.sqlite", "doctor", extra={"TRATOOL_LOOP_API_KEY": "wrong"}
    )
    assert code == 4
    assert "FAIL  Loop import status: the route answers, the keys are refused" in out


def test_profiles(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tratool.submission.profiles import load_profile

    (tmp_path / "tratool.toml").write_text(
        '[loop]\npreset = "inte"\n[push]\ntimeout = "10m"\n'
        '[profiles.local.loop]\nbase_url = "http://127.0.0.1:8080/loop-api-publiques/"\n'
        '[profiles.local.push]\npoll_first = "1s"\n[profiles.local.storage]\ncontainer = "x"\n',
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    base = load_profile(env={})
    assert base.loop.base_url.startswith("https://inte-api")
    assert base.poll.timeout == 600
    local = load_profile("local", env={})
    assert local.loop.base_url == "http://127.0.0.1:8080/loop-api-publiques/"
    assert (local.poll.first, local.poll.timeout, local.storage.container) == (1, 600, "x")
    env = {"TRATOOL_LOOP_BASE_URL": "http://env/"}
    assert load_profile("local", env=env).loop.base_url == "http://env/"
    assert load_profile("local", env=env, base_url="prod").loop.base_url.startswith(
        "https://api.cegid.com"
    )
    with pytest.raises(ConfigError, match="no profile 'prod'"):
        load_profile("prod", env={})


def test_journal_defaults_and_durability(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TRATOOL_JOURNAL", raising=False)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    assert default_path() == tmp_path / "state" / "tratool" / "journal.sqlite"
    with SubmissionJournal(default_path()) as book:
        mode = book._db.execute("PRAGMA journal_mode").fetchone()[0]
        assert mode == "wal"
        entry = book.record_upload(
            key="k",
            sha256="s",
            dossier="D",
            endpoint="e",
            file="f",
            size=1,
            blob_url="u",
            forced=False,
        )
        book.check("k", force=False)  # uploaded: nothing was sent, nothing blocks
        book.set_state(entry, "submitting")
        with pytest.raises(DuplicateSubmission):
            book.check("k", force=False)
        book.check("k", force=True)
        with pytest.raises(ValueError, match="unknown state"):
            book.set_state(entry, "done")


def test_wait_for_backs_off_with_jitter_until_the_deadline(sim: Simulator) -> None:
    _, rid = sim.create_import({"codeIbs": "MANON002", "URL": "http://127.0.0.1:9/x"})
    assert rid is not None
    sim.store.imports[rid].status_override[:] = [1] * 50
    now = [0.0]
    sleeps: list[float] = []

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        now[0] += seconds

    status = wait_for(
        client_for(sim),
        rid,
        PollPolicy(first=2, cap=10, timeout=40),
        sleep=sleep,
        clock=lambda: now[0],
        jitter=lambda: 1.0,
    )
    assert status.state == "waiting"
    assert sleeps[:4] == [2, 4, 8, 10]  # doubling, capped
    assert now[0] == pytest.approx(40)  # never sleeps past the deadline


def test_docs_push_configuration_example(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import re

    from tests.conftest import ROOT
    from tratool.submission.profiles import load_profile

    doc = (ROOT / "docs" / "push.md").read_text(encoding="utf-8")
    [example] = re.findall(r"```toml\n(.*?)```", doc, re.S)
    (tmp_path / "tratool.toml").write_text(example, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    default = load_profile(env={})
    assert default.loop.base_url == "https://api.cegid.com/loop-api-publiques/"
    assert default.storage == StorageSettings(
        account_url="https://acmecompta.blob.core.windows.net",
        container="tratool",
        prefix="tra",
        mode="auto",
    )
    assert default.settings_ttl.total_seconds() == 12 * 3600
    assert (default.poll.timeout, default.poll.first, default.poll.cap) == (3600, 3, 30)
    assert default.expiry.total_seconds() == 48 * 3600
    assert load_profile("inte", env={}).loop.base_url.startswith("https://inte-api")
    local = load_profile("local", env={})
    assert local.poll.timeout == 120
    assert local.loop.base_url.startswith("http://127.0.0.1:8080")


def test_cli_push_of_an_unreadable_csv_is_a_usage_error(
    sim: Simulator, emulator: azurite.Azurite, tmp_path: Path
) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    code, _, err = _cli(
        sim,
        emulator,
        tmp_path / "j.sqlite",
        "push",
        str(empty),
        "--mapping",
        str(FIXTURES / "ventes-mapping.toml"),
        "--dossier",
        "MANON002",
    )
    assert code == 2
    assert "the file is empty" in err
    assert sim.store.imports == {}


def test_cli_push_takes_the_date_format_of_a_csv(
    sim: Simulator, emulator: azurite.Azurite, tmp_path: Path
) -> None:
    source = tmp_path / "achats.csv"
    source.write_text(
        "Journal;Date;N° compte;Libellé;Débit;Crédit\n"
        "ACH;05/01/2024;60700000;Achat;100,00;\n"
        "ACH;05/01/2024;51200000;Paiement;;100,00\n",
        encoding="utf-8",
    )
    # Journal ACH and accounts 607/512 are not in the simulated dossier: not checked here.
    args = ("push", str(source), "--from", "csv", "--dossier", "MANON002", "--no-dossier-check")
    code, _, err = _cli(sim, emulator, tmp_path / "j.sqlite", *args)
    assert code == 1
    assert "--date-format" in err  # 05/01/2024 reads both ways: the option it names exists
    code, _, err = _cli(
        sim,
        emulator,
        tmp_path / "j.sqlite",
        "push",
        str(FIXTURES / "ventes-std.tra"),
        "--dossier",
        "MANON002",
        "--date-format",
        "JJ/MM/AAAA",
    )
    assert code == 2
    assert "--date-format is for CSV files" in err
    code, out, err = _cli(
        sim, emulator, tmp_path / "j.sqlite", *args, "--date-format", "dd/mm/yyyy"
    )
    assert code == 0, err
    assert "imported:" in out
    assert len(sim.store.imports) == 1


def test_cli_push_writes_the_validation_reports_with_validates_renderers(
    tra: Path, sim: Simulator, emulator: azurite.Azurite, tmp_path: Path
) -> None:
    bad = write_bad_file(tmp_path)
    sarif_file = tmp_path / "push.sarif"
    args = ["push", str(bad), str(tra), "--dossier", "MANON002", "--report", str(sarif_file)]
    code, _, err = _cli(sim, emulator, tmp_path / "j.sqlite", *args, "--report-format", "sarif")
    assert code == 1  # the bad file is refused, the good one imported
    assert "TRA-F02" in err  # the validation step still explains the refusal
    log = json.loads(sarif_file.read_text(encoding="utf-8"))
    schema = json.loads((Path(__file__).parent / "data" / "sarif-2.1.0-rtm.5.json").read_text())
    jsonschema.Draft4Validator(schema).validate(log)
    located = {
        (r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"])
        for r in log["runs"][0]["results"]
    }
    assert ("TRA-F02", "file://" + bad.as_posix()) in located
    junit_file = tmp_path / "push.xml"
    args = ["push", str(bad), "--dossier", "MANON002", "--report", str(junit_file)]
    code, _, _ = _cli(sim, emulator, tmp_path / "j.sqlite", *args, "--report-format", "junit")
    assert code == 1
    suites = ET.fromstring(junit_file.read_bytes()).findall("testsuite")
    assert [s.attrib["name"] for s in suites] == [str(bad)]
    assert suites[0].attrib["failures"] != "0"


def test_cli_push_explains_a_refusal_in_french_under_a_french_locale(
    sim: Simulator, emulator: azurite.Azurite, tmp_path: Path
) -> None:
    bad = write_bad_file(tmp_path)
    french = {"LANG": "fr_FR.UTF-8", "LC_ALL": "", "LC_MESSAGES": "", "TRATOOL_LANG": ""}
    args = ("push", str(bad), "--dossier", "MANON002")
    code, _, err = _cli(sim, emulator, tmp_path / "j.sqlite", *args, extra=french)
    assert code == 1
    assert ":2:4: erreur TRA-F02 date:" in err
    assert "REFUSÉ : 3 erreur(s)" in err
    code, _, err = _cli(sim, emulator, tmp_path / "j.sqlite", *args, extra={"TRATOOL_LANG": "x"})
    assert code == 2
    assert "TRATOOL_LANG" in err


FRENCH = {"LANG": "fr_FR.UTF-8", "LC_ALL": "", "LC_MESSAGES": "", "TRATOOL_LANG": ""}


def test_cli_push_says_its_progress_and_outcome_in_french(
    tra: Path, sim: Simulator, emulator: azurite.Azurite, tmp_path: Path
) -> None:
    """Under a French locale: each step, the import's status and the outcome in French; the
    JSON of the same push keeps its English keys and values for programs."""
    args = ("push", str(tra), "--dossier", "MANON002")
    code, out, err = _cli(sim, emulator, tmp_path / "j.sqlite", *args, extra=FRENCH)
    assert code == 0
    # the dossier's settings, from the simulator's seed dossier (loop_seed.py)
    assert err == (
        "tratool: dossier MANON002 : paramètres lus dans Loop (4 journaux, 13 comptes, "
        "5 sections, 1 établissements)\n"
    )
    assert f"  {tra} validé : 0 erreur(s), 0 avertissement(s)\n" in out
    assert "  import demandé : " in out
    assert "  statut : terminé avec succès (3)\n" in out
    [request] = sim.store.imports
    assert f"importé : {tra} -> dossier MANON002, demande Loop {request}\n" in out
    # "readable until" a moment written JJ/MM/AAAA HH:MM (the blob may be there from another
    # test: the emulator is shared)
    readable = r"(déposé|déjà présent) \(lisible jusqu'au \d\d/\d\d/20\d\d \d\d:\d\d UTC\)"
    assert re.search(readable, out)
    # the status of that import, asked again: Loop's code 3 in French words
    code, status, _ = _cli(sim, emulator, tmp_path / "j.sqlite", "status", request, extra=FRENCH)
    assert (code, status[10:]) == (0, "statut : terminé avec succès (3)\n")  # after HH:MM:SS


def test_cli_push_refuses_a_duplicate_in_french(
    tra: Path, sim: Simulator, emulator: azurite.Azurite, tmp_path: Path
) -> None:
    args = ("push", str(tra), "--dossier", "MANON002")
    assert _cli(sim, emulator, tmp_path / "j.sqlite", *args)[0] == 0
    code, out, err = _cli(sim, emulator, tmp_path / "j.sqlite", *args, extra=FRENCH)
    assert code == 1
    assert f"tratool: {tra} (sha256 " in err
    assert ") a déjà été envoyé vers le dossier MANON002 le " in err
    assert "(état succeeded, demande " in err
    assert "le renvoyer passerait chaque écriture une seconde fois" in err
    assert f"NON ENVOYÉ (déjà envoyé) : {tra} -> dossier MANON002, demande Loop " in out
    assert len(sim.store.imports) == 1
    # JSON for programs: the same refusal, in English
    code, out, _ = _cli(
        sim, emulator, tmp_path / "j.sqlite", *args, "--format", "json", extra=FRENCH
    )
    [row] = json.loads(out)["results"]
    assert (code, row["outcome"]) == (1, "duplicate")
    assert "was already pushed to dossier MANON002" in row["error"]


def test_cli_batch_summary_in_french(
    tra: Path, sim: Simulator, emulator: azurite.Azurite, tmp_path: Path
) -> None:
    second = tmp_path / "PG00002.TRA"
    shutil.copyfile(tra, second)
    second.write_bytes(second.read_bytes().replace(b"Dupont", b"Durand"))  # another file
    journal = tmp_path / "j.sqlite"
    assert _cli(sim, emulator, journal, "push", str(tra), "--dossier", "MANON002")[0] == 0
    args = ("push", str(tra), str(second), "--dossier", "MANON002")
    code, out, _ = _cli(sim, emulator, journal, *args, extra=FRENCH)
    assert code == 1
    assert "\nbilan du lot : 2 fichier(s) vers 1 dossier(s)\n" in out
    assert re.search(r"\n  importé +1\n  déjà envoyé +1\nnon importés :\n", out)
    assert f"  {tra} -> MANON002: déjà envoyé (demande Loop " in out
