"""How the CLI meets a person's habits: `-` for stdin and stdout, folders and several files,
colour, quiet, option values checked before use, and the last-resort guard (exit 70)."""

from __future__ import annotations

import io
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import tratool
from tests.conftest import FIXTURES, VECTORS, tra_bytes
from tratool.cli import main

STD = FIXTURES / "ventes-std.tra"
ETE = FIXTURES / "achats-ete.tra"
CSV = FIXTURES / "ventes-excel.csv"
ESC = "\x1b["


def run(*args: str, stdin: bytes | None = None, **env: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), input=stdin, env=env or None)
    assert "Traceback" not in result.stderr
    return result.exit_code, result.stdout, result.stderr


def bad_tra(folder: Path, name: str = "bad.tra") -> Path:
    """A file with one impossible date (31/04/2024): one error."""
    header = next(tratool.render_lines([tratool.Header(format="STD", generated_at=None)]))
    entry = VECTORS["TV-E2"][1]
    path = folder / name
    path.write_bytes(tra_bytes(header, entry[:3] + "31042024" + entry[11:]))
    return path


def test_python_dash_m_tratool() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "tratool", "--version"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"tratool, version {tratool.__version__}"


def test_validate_reads_stdin() -> None:
    code, out, err = run("validate", "-", stdin=STD.read_bytes())
    assert code == 0, err
    assert out.startswith("<stdin>\n")
    assert "entries 11, pièces 4" in out
    assert "TRA-D04" not in out  # standard input has no file name to check


def test_show_and_export_read_stdin() -> None:
    code, out, _ = run("show", "-", stdin=STD.read_bytes())
    assert code == 0
    assert "pièces     4" in out
    code, out, _ = run("export", "-", "--to", "csv", "-o", "-", stdin=STD.read_bytes())
    assert code == 0
    assert len(out.splitlines()) == 1 + 11  # a header row and the 11 entries of the fixture


def test_validate_a_folder_recursively_with_exclude(tmp_path: Path) -> None:
    (tmp_path / "a" / "old").mkdir(parents=True)
    shutil.copy(STD, tmp_path / "a" / "ventes.tra")
    shutil.copy(ETE, tmp_path / "a" / "ACHATS.TRA")
    bad_tra(tmp_path / "a" / "old")
    (tmp_path / "a" / "notes.txt").write_text("not a TRA file", encoding="utf-8")
    code, out, err = run("validate", str(tmp_path), "--exclude", "old")
    assert code == 0, out + err
    assert out.count("  ok: ") == 2
    assert f"{tmp_path / 'a' / 'ACHATS.TRA'}\n" in out
    assert "notes.txt" not in out
    code, out, _ = run("validate", str(tmp_path))
    assert code == 1  # the bad file below old/ is found when not excluded
    assert "31042024" in out


def test_a_missing_file_is_its_own_error_and_the_run_goes_on(tmp_path: Path) -> None:
    bad = bad_tra(tmp_path)
    code, out, err = run("validate", str(STD), str(tmp_path / "missing.tra"), str(bad))
    assert code == 2  # the worst of 0, 2 and 1
    assert f"tratool: {tmp_path / 'missing.tra'}: cannot read: no such file or folder" in err
    assert f"{STD}\n" in out
    assert f"{bad}:2:4: error" in out
    (tmp_path / "empty").mkdir()
    code, _, err = run("validate", str(STD), str(tmp_path / "empty"))
    assert code == 2
    assert "no .tra file in this folder" in err


def test_colour_follows_color_option_and_no_color(tmp_path: Path) -> None:
    bad = bad_tra(tmp_path)
    assert ESC in run("validate", str(bad), "--color", "always")[1]
    assert ESC in run("--color", "always", "validate", str(bad))[1]
    assert ESC not in run("validate", str(bad), "--color", "never")[1]
    assert ESC not in run("validate", str(bad), NO_COLOR="1")[1]  # not a terminal anyway
    code, _, err = run("validate", str(bad), "--color", "sometimes")
    assert code == 2
    assert "'sometimes' is not one of" in err


def test_quiet_lists_only_errors_and_qq_nothing(tmp_path: Path) -> None:
    bad = bad_tra(tmp_path)
    code, out, _ = run("validate", str(bad), str(STD), "-q")
    assert code == 1
    assert out.splitlines()[0].startswith(f"{bad}:2:4: error TRA-")
    assert "info" not in out
    assert "ok:" not in out
    code, out, err = run("validate", str(bad), str(tmp_path / "missing.tra"), "-qq")
    assert (code, out, err) == (2, "", "")


@pytest.mark.parametrize(
    "args",
    [
        ("validate", str(STD)),
        ("show", str(STD)),
        ("export", str(STD), "--to", "json"),
        ("convert", str(CSV), "-o", "x.tra", "--journal", "VTE"),
    ],
)
def test_an_unknown_encoding_is_a_usage_error(args: tuple[str, ...]) -> None:
    for encoding in ("foo", "utf-16", "base64"):
        code, _, err = run(*args, "--encoding", encoding)
        assert code == 2
        assert f"'{encoding}' is not an ASCII-compatible text encoding" in err


@pytest.mark.parametrize(
    "args",
    [
        ("export", str(STD), "--to", "json", "-o"),
        ("convert", str(CSV), "--journal", "VTE", "-o"),
    ],
)
def test_output_into_a_missing_folder_is_a_usage_error(
    args: tuple[str, ...], tmp_path: Path
) -> None:
    target = tmp_path / "nowhere" / "x.out"
    code, _, err = run(*args, str(target))
    assert code == 2
    assert f"the folder {tmp_path / 'nowhere'} does not exist" in err
    assert list(tmp_path.iterdir()) == []


def test_convert_from_stdin_to_stdout() -> None:
    result = CliRunner().invoke(main, ["convert", "-", "-o", "-"], input=CSV.read_bytes())
    assert result.exit_code == 0, result.stderr
    lines = result.stdout_bytes.split(b"\r\n")
    assert lines[0].startswith(b"***S5")
    assert len([line for line in lines if line.startswith(b"VTE")]) == 9  # the CSV's 9 rows
    # the summary goes to stderr, leaving stdout to the TRA
    assert "<stdin> (csv, 9 rows) -> <stdout>" in result.stderr


def test_show_on_an_empty_file_is_an_error(tmp_path: Path) -> None:
    empty = tmp_path / "empty.tra"
    empty.write_bytes(b"")
    code, _, err = run("show", str(empty))
    assert code == 1
    assert "the file is empty" in err


def test_an_unexpected_exception_is_one_line_and_exit_70(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A fake on purpose: a real bug cannot be summoned on demand, so one is planted.
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("planted bug \x1b]0;title\x07 sig=SECRETSIG")

    monkeypatch.setattr("tratool.cli.files.summarize", broken)
    code, out, err = run("show", str(STD))
    assert code == 70
    assert out == ""
    assert err == (
        "tratool: internal error: RuntimeError: planted bug \\x1b]0;title\\x07 sig=REDACTED; "
        "please report it with --debug output\n"
    )
    result = CliRunner().invoke(main, ["--debug", "show", str(STD)])
    assert isinstance(result.exception, RuntimeError)  # --debug lets the traceback through


def test_shell_completion_as_the_readme_sets_it_up() -> None:
    readme = (FIXTURES.parent / "README.md").read_text(encoding="utf-8")
    assert 'eval "$(_TRATOOL_COMPLETE=bash_source tratool)"' in readme
    result = CliRunner().invoke(
        main, [], prog_name="tratool", env={"_TRATOOL_COMPLETE": "bash_source"}
    )
    assert result.exit_code == 0
    assert "_tratool_completion" in result.stdout
    assert "complete -o nosort -F _tratool_completion tratool" in result.stdout
    words = CliRunner().invoke(
        main,
        [],
        prog_name="tratool",
        env={"_TRATOOL_COMPLETE": "bash_complete", "COMP_WORDS": "tratool val", "COMP_CWORD": "1"},
    )
    assert words.stdout.split() == ["plain,validate"]


def test_a_validation_that_read_nothing_writes_no_report(tmp_path: Path) -> None:
    # Found by the CLI campaign: `validate missing -o ventes.tra` emptied ventes.tra.
    kept = tmp_path / "ventes.tra"
    kept.write_bytes(STD.read_bytes())
    for output in (kept, tmp_path / "new.json"):
        code, _, err = run("validate", str(tmp_path / "nope.tra"), "-o", str(output))
        assert code == 2
        assert f"tratool: {output} not written: no file could be read" in err
    assert kept.read_bytes() == STD.read_bytes()
    assert not (tmp_path / "new.json").exists()


def test_loop_sim_refuses_a_bad_state_a_busy_port_and_an_impossible_host(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    state.write_text("{not json", encoding="utf-8")
    code, _, err = run("loop-sim", "--state", str(state))
    assert code == 2
    assert f"--state {state}: not a readable simulator state (JSON)" in err
    assert state.read_text(encoding="utf-8") == "{not json"
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        code, _, err = run("loop-sim", "--port", str(port))
    assert code == 2
    assert f"cannot listen on 127.0.0.1:{port}: Address already in use" in err
    code, _, err = run("loop-sim", "--host", "999.1.1.1")
    assert code == 2
    assert "cannot listen on 999.1.1.1:0" in err
    for port in ("-1", "65536"):  # (-1 was exit 70: an OverflowError from the socket)
        code, _, err = run("loop-sim", "--port", port)
        assert code == 2
        assert "Invalid value for '--port'" in err


def test_one_impossible_date_is_one_error(tmp_path: Path) -> None:
    lines = STD.read_bytes().split(b"\r\n")
    for at in (1, 2):  # the first line of pièce VTE 101, then its second
        damaged = list(lines)
        damaged[at] = damaged[at][:3] + b"31042024" + damaged[at][11:]
        path = tmp_path / f"date{at}.tra"
        path.write_bytes(b"\r\n".join(damaged))
        code, out, _ = run("validate", str(path), "-q")
        assert code == 1
        [finding] = [
            line for line in out.splitlines() if ": error " in line or ": warning " in line
        ]
        assert finding.startswith(f"{path}:{at + 1}:4: error TRA-F02 date:")


def test_the_text_summary_counts_what_it_lists_and_names_each_rule_once(tmp_path: Path) -> None:
    code, out, _ = run("validate", str(STD))
    assert code == 0
    listed = [line for line in out.splitlines() if ": info " in line]
    assert f"0 warning(s), {len(listed)} info" in out
    assert "TRA-X05: TRA-X05" not in out
    assert f"{STD}: info TRA-X05: check skipped: no fiscal_years" in out


def test_a_header_version_with_a_superscript_digit_is_an_error(tmp_path: Path) -> None:
    data = STD.read_bytes()
    path = tmp_path / "v.tra"
    path.write_bytes(data.replace(b"007", b"00\xb3", 1))
    code, out, _ = run("validate", str(path), "-q")
    assert code == 1
    assert f"{path}:1:34: error TRA-S06" in out


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_colour_on_a_terminal_unless_no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    from tratool.cli.common import use_color

    monkeypatch.delenv("NO_COLOR", raising=False)
    assert use_color(_Terminal()) is True
    assert use_color(io.StringIO()) is False  # a pipe or a file
    monkeypatch.setenv("NO_COLOR", "1")
    assert use_color(_Terminal()) is False
    monkeypatch.setenv("NO_COLOR", "")  # https://no-color.org: only a non-empty value counts
    assert use_color(_Terminal()) is True


def test_convert_onto_a_full_disk_is_a_clear_error_that_leaves_nothing(tmp_path: Path) -> None:
    # A real write failure: a file size limit of 256 KiB (RLIMIT_FSIZE; Python ignores
    # SIGXFSZ, so the write fails with EFBIG) on a conversion whose output is bigger.
    resource = pytest.importorskip("resource")
    source = tmp_path / "big.csv"
    rows = ["Journal;Date;Compte;Libellé;Débit;Crédit"]
    for n in range(1, 1001):
        rows += [f"VTE;24/03/2024;51200000;Vente {n};{n},00;", f"VTE;24/03/2024;70610000;x;;{n},00"]
    source.write_text("\n".join(rows) + "\n", encoding="utf-8")
    out = tmp_path / "out" / "big.tra"
    out.parent.mkdir()
    limit = 256 << 10

    def limited() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    done = subprocess.run(
        [sys.executable, "-m", "tratool", "convert", str(source), "-o", str(out)],
        capture_output=True,
        text=True,
        preexec_fn=limited,  # (in the child, before tratool starts)
        check=False,
    )
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert done.stderr.startswith(f"tratool: {out}: cannot write: File too large")
    assert list(out.parent.iterdir()) == []  # no half-written file, no temporary one
