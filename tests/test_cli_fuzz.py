"""The CLI fuzzed in-process: generated argv, generated and mutated input files.

Whatever the input, a run must end with a documented exit code (0, 1, 2, 3, 4 — never 70, the
internal-error guard, and never a traceback), leave its inputs as they were, leave no
temporary file behind, and write either a complete output or none, in whichever language it
speaks (drawn: English, or French by --lang, TRATOOL_LANG or LANG). `make test` runs a bounded
number of examples (TRATOOL_FUZZ_EXAMPLES, 25 by default); `make fuzz` runs a long campaign.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import attrs
import tomli_w
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tratool
from tests.conftest import FIXTURES
from tratool.cli import main

DOCUMENTED = {0, 1, 2, 3, 4}  # 70 is documented too, but it means a bug: the fuzz fails on it
EXAMPLES = int(os.environ.get("TRATOOL_FUZZ_EXAMPLES", "25"))
fuzz = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

TRA_FIXTURES = [FIXTURES / n for n in ("ventes-std.tra", "achats-ete.tra", "dossier-cae.tra")]
CSV_FIXTURE = FIXTURES / "ventes-excel.csv"
MAPPING = FIXTURES / "ventes-mapping.toml"

# -- mutations of valid files -------------------------------------------------------------------
CP1252_SPECIALS = [bytes([b]) for b in (0x80, 0x81, 0x8D, 0x8F, 0x90, 0x9D, 0x96, 0x97, 0xA0)]
SUPERSCRIPTS = [b"\xb9", b"\xb2", b"\xb3"]  # ¹ ² ³ in Windows-1252: str.isdigit() says yes
FULL_WIDTH = ["１".encode(), "２０２４".encode(), "٣".encode(), "\u00b2".encode()]
CONTROL = [b"\r", b"\n", b"\r\n", b"\x00", b"\x1b", b"\x1b]0;title\x07", b"\x07", b"\x0c"]
INSERTS = (
    CP1252_SPECIALS + SUPERSCRIPTS + FULL_WIDTH + CONTROL + [b'"', b";", b"\t", b"\xef\xbb\xbf"]
)


@attrs.frozen
class Mutation:
    kind: str  # flip, truncate, insert, replace, long
    at: float  # where, as a fraction of the file
    data: bytes = b""

    def apply(self, original: bytes) -> bytes:
        where = int(self.at * len(original))
        if self.kind == "flip" and original:
            where = min(where, len(original) - 1)
            return original[:where] + bytes([original[where] ^ 0xFF]) + original[where + 1 :]
        if self.kind == "truncate":
            return original[:where]
        if self.kind == "replace":
            return original[:where] + self.data + original[where + len(self.data) :]
        if self.kind == "long":
            return original[:where] + b"A" * 20_000 + original[where:]
        return original[:where] + self.data + original[where:]


mutations = st.builds(
    Mutation,
    kind=st.sampled_from(["flip", "truncate", "insert", "replace", "long"]),
    at=st.floats(0, 1),
    data=st.sampled_from(INSERTS),
)


def mutated(original: bytes) -> st.SearchStrategy[bytes]:
    def apply_all(steps: list[Mutation]) -> bytes:
        data = original
        for step in steps:
            data = step.apply(data)
        return data

    return st.lists(mutations, min_size=1, max_size=4).map(apply_all)


tra_bytes = st.one_of(
    st.binary(max_size=3000),
    *(mutated(path.read_bytes()) for path in TRA_FIXTURES),
)

# CSVs: the fixture mutated, or rows assembled from cells that are hostile on purpose.
_CELLS = st.sampled_from(
    ["VTE", "05/01/2024", "2024-13-45", "31/04/2024", "41100000", "", "Total", "1 500,00",
     "12,3,4", "(1,00)", "¹²³", "１２", '"unterminated', 'a "quoted" cell', "x" * 300, "Libellé",
     "\x1b[31m", "N° compte", "-", "0", "1e9", "nan", "€", "\u202f", "ÿ"]
)  # fmt: skip
_HEADERS = st.sampled_from(
    ["Journal;Date;Compte;Libellé;Débit;Crédit",
     "Code journal;Date pièce;N° compte;Libellé écriture;Montant;Sens",
     "Journal,Date,Compte,Libelle,Debit,Credit", "a;b", "", ";;;", "Journal;Journal"]
)  # fmt: skip
generated_csv = st.builds(
    lambda header, rows, encoding: (
        header + "\r\n" + "\r\n".join(";".join(r) for r in rows) + "\r\n"
    ).encode(encoding, errors="replace"),
    _HEADERS,
    st.lists(st.lists(_CELLS, min_size=0, max_size=8), max_size=12),
    st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]),
)
FEC_FIXTURE = FIXTURES / "123456789FEC20241231.txt"
csv_bytes = st.one_of(
    generated_csv,
    mutated(CSV_FIXTURE.read_bytes()),
    mutated(FEC_FIXTURE.read_bytes()),
    st.binary(max_size=500),
)

# TOML values of every type, for mapping files and tratool.toml tables.
_TOML_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**63 - 1)
    | st.floats(allow_nan=False)
    | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=6,
)


def toml_table(keys: Sequence[str]) -> st.SearchStrategy[dict[str, object]]:
    return st.dictionaries(
        st.sampled_from(list(keys)) | st.text(max_size=8), _TOML_VALUES, max_size=4
    )


def toml_text(tables: dict[str, Sequence[str]]) -> st.SearchStrategy[str]:
    def dump(data: dict[str, dict[str, object]]) -> str:
        clean = json.loads(
            json.dumps(data), object_hook=lambda d: {k: v for k, v in d.items() if v is not None}
        )
        try:
            return tomli_w.dumps(clean)
        except (TypeError, ValueError):
            return "not = [toml"

    return st.fixed_dictionaries({name: toml_table(keys) for name, keys in tables.items()}).map(
        dump
    )


mapping_toml = toml_text(
    {
        "columns": ["journal", "date", "account", "label", "debit", "credit", "piece"],
        "constants": ["journal", "piece_type", "establishment"],
        "options": ["date_format", "group_by", "first_number", "collective_prefixes",
                    "journal_codes", "format"],
    }
)  # fmt: skip
config_toml = toml_text(
    {
        "validate": ["select", "ignore", "severity", "general_account_length", "journals",
                     "max_movements", "fiscal_years", "currencies"],
        "push": ["timeout", "poll_first", "poll_cap", "sas_expiry", "journal"],
        "loop": ["base_url", "page_size", "routes", "status_map", "connect_timeout"],
        "storage": ["account_url", "container", "prefix", "retry_total", "mode"],
        "dossier": ["cache_ttl"],
        "profiles": ["inte"],
    }
)  # fmt: skip


# -- the language a run speaks: each way of asking for it, French and English ---------------------
@attrs.frozen
class Speech:
    before: tuple[str, ...] = ()  # --lang before the command
    env: tuple[tuple[str, str], ...] = ()  # TRATOOL_LANG or the locale


ENGLISH = Speech()
speeches = st.sampled_from(
    [
        ENGLISH,
        Speech(before=("--lang", "fr")),
        Speech(before=("--lang", "en"), env=(("TRATOOL_LANG", "fr"),)),
        Speech(env=(("TRATOOL_LANG", "fr"),)),
        Speech(env=(("LANG", "fr_FR.UTF-8"),)),
        Speech(env=(("LANG", "en_US.UTF-8"),)),
    ]
)


# -- running the CLI and checking what it left -------------------------------------------------
def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@contextmanager
def workspace() -> Iterator[Path]:
    """A fresh folder, and the working directory while it lasts: a generated argv may name a
    relative output (`-o always`), which must land there, never in the repository."""
    here = Path.cwd()
    with tempfile.TemporaryDirectory(prefix="tratool-fuzz-") as name:
        os.chdir(name)
        try:
            yield Path(name)
        finally:
            os.chdir(here)


def run_cli(
    args: list[str],
    folder: Path,
    *,
    stdin: bytes | None = None,
    outputs: Sequence[Path] = (),
    replaceable: Sequence[Path] = (),
    speech: Speech = ENGLISH,
) -> Result:
    """Run tratool; assert the promises that hold for any input."""
    # every file there before is an input, never modified; but one named after -o and by no
    # other word (`replaceable`), which the command may replace with its output as `>` would,
    # never with nothing (nothing read, nothing written)
    inputs = {p: _digest(p) for p in folder.rglob("*") if p.is_file()}
    args = [*speech.before, *args]
    env: dict[str, str | None] = {
        "LC_ALL": None,  # the machine's locale never chooses: the speech drawn does
        "LC_MESSAGES": None,
        "LANG": None,
        "TRATOOL_LANG": None,
        **dict(speech.env),
        "TRATOOL_JOURNAL": str(folder / "journal.sqlite"),
        "XDG_CACHE_HOME": str(folder / ".cache"),
        "NO_COLOR": "1",
        "TRATOOL_LOOP_BASE_URL": "http://127.0.0.1:9/",  # nothing listens: never the real one
    }
    result = CliRunner().invoke(main, args, input=stdin, env=env)
    shown = f"tratool {' '.join(args)!r} -> {result.exit_code}\n{result.stderr[-2000:]}"
    assert result.exit_code in DOCUMENTED, shown
    assert result.exception is None or isinstance(result.exception, SystemExit), shown
    assert "Traceback" not in result.stdout + result.stderr, shown
    for path, digest in inputs.items():
        if path in replaceable and path.stat().st_size:
            continue  # replaced by the output asked for
        assert _digest(path) == digest, f"{path} was modified: {shown}"
    expected = set(inputs) | set(outputs) | {folder / "journal.sqlite"}
    extra = {p for p in folder.rglob("*") if p.is_file() and p not in expected}
    extra = {p for p in extra if ".cache" not in p.parts and not p.name.startswith("journal.")}
    assert not extra, f"left behind {sorted(map(str, extra))}: {shown}"
    return result


def assert_complete_or_absent(output: Path, result: Result, check: Callable[[Path], None]) -> None:
    """No half-written output: on success a complete one, on failure none."""
    if result.exit_code == 0:
        assert output.exists(), result.stderr
        check(output)
    else:  # 1 (row or validation errors) included: refused means nothing written
        assert not output.exists(), result.stderr


def _valid_tra(path: Path) -> None:
    report = tratool.validate(path)
    assert report.errors == 0, [f.message for f in report.findings][:5]


def _json(path: Path) -> None:
    json.loads(path.read_text(encoding="utf-8"))


def _text(path: Path) -> None:
    path.read_text(encoding="utf-8")  # CSV and FEC exports are UTF-8 text


# -- the properties ------------------------------------------------------------------------------
@fuzz
@given(
    data=tra_bytes,
    command=st.sampled_from(["validate", "show", "export"]),
    to=st.sampled_from(["json", "csv", "fec"]),
    speech=speeches,
)
def test_tra_commands_on_hostile_files(data: bytes, command: str, to: str, speech: Speech) -> None:
    with workspace() as folder:
        source = folder / "input.tra"
        source.write_bytes(data)
        if command == "export":
            out = folder / f"out.{to}"
            result = run_cli(["export", str(source), "--to", to, "-o", str(out)], folder,
                             outputs=[out], speech=speech)  # fmt: skip
            if result.exit_code == 0:
                (_json if to == "json" else _text)(out)
            else:
                assert not out.exists()
            return
        result = run_cli([command, str(source)], folder, speech=speech)
        assert "\x1b" not in result.stderr  # a diagnostic never drives the terminal


@fuzz
@given(data=tra_bytes, speech=speeches)
def test_validate_reads_hostile_bytes_from_stdin(data: bytes, speech: Speech) -> None:
    with workspace() as folder:
        result = run_cli(["validate", "-", "--format", "json"], folder, stdin=data, speech=speech)
        if result.exit_code in (0, 1):
            document = json.loads(result.stdout)
            assert document["files"][0]["path"] == "<stdin>"


@fuzz
@given(data=csv_bytes, mapping=st.none() | mapping_toml, extra=st.lists(
    st.sampled_from(["--transliterate", "--truncate-labels", "--force", "--journal", "VTE",
                     "--date-format", "JJ/MM/AAAA", "--date-format", "mm/dd", "--delimiter", ",",
                     "--encoding", "cp1252", "--from", "csv", "--from", "fec"]),
    max_size=4), speech=speeches)  # fmt: skip
def test_convert_on_hostile_csv_and_mappings(
    data: bytes, mapping: str | None, extra: list[str], speech: Speech
) -> None:
    with workspace() as folder:
        source = folder / "export.csv"
        source.write_bytes(data)
        args = ["convert", str(source), "-o", str(folder / "out.tra"), *extra]
        if mapping is not None:
            (folder / "map.toml").write_text(mapping, encoding="utf-8")
            args += ["--mapping", str(folder / "map.toml")]
        out = folder / "out.tra"
        result = run_cli(args, folder, outputs=[out], speech=speech)
        forced = "--force" in extra
        assert_complete_or_absent(out, result, (lambda p: None) if forced else _valid_tra)


@fuzz
@given(
    config=config_toml,
    command=st.sampled_from(["validate", "config", "profile", "history"]),
    speech=speeches,
)
def test_configuration_files_with_wrong_types(config: str, command: str, speech: Speech) -> None:
    with workspace() as folder:
        (folder / "tratool.toml").write_text(config, encoding="utf-8")
        target = folder / "ventes.tra"
        target.write_bytes(TRA_FIXTURES[0].read_bytes())
        argv = {
            "validate": ["--config", str(folder / "tratool.toml"), "validate", str(target)],
            "config": ["--config", str(folder / "tratool.toml"), "config", "show"],
            "profile": [
                "--config",
                str(folder / "tratool.toml"),
                "config",
                "show",
                "--sources",
                "--profile",
                "inte",
            ],
            "history": ["--config", str(folder / "tratool.toml"), "history"],
        }[command]
        run_cli(argv, folder, speech=speech)


# Generated command lines: real commands with options drawn from valid and invalid values.
_FILES = ["{tra}", "{csv}", "{folder}", "{missing}", "-", "{mapping}", ""]
_OPTIONS = {
    "validate": ["--format", "text", "json", "github", "sarif", "junit", "gitlab", "xml",
                 "--strict", "--select", "TRA-X", "TRA-Z99", "--ignore", "TRA-F", "--max-findings",
                 "0", "1", "-1", "abc", "--exclude", "*.tra", "--print-config", "--encoding",
                 "utf-8", "foo", "-q", "-qq", "--color", "always", "never", "sometimes", "-o",
                 "{out}", "-", "{missing}/x"],
    "show": ["--format", "text", "json", "csv", "--encoding", "latin-1", "utf-16", "-q"],
    "export": ["--to", "json", "csv", "fec", "xls", "-o", "{out}", "-", "{missing}/x",
               "--encoding", "cp1252", "bogus"],
    "convert": ["-o", "{out}", "-", "{missing}/x", "--from", "csv", "fec", "xls", "--mapping",
                "--journal", "VTE", "VENTES", "--date-format", "dd/mm/yyyy", "%Q", "--delimiter",
                ";", "tab", "", "--transliterate", "--force", "--encoding", "utf-8"],
    "config": ["show", "--sources", "--profile", "nope", "bogus"],
    "history": ["--dossier", "X", "--limit", "0", "5", "x", "--format", "table", "json", "xml",
                "--journal", "{tra}", "{missing}"],
}  # fmt: skip


@fuzz
@given(
    command=st.sampled_from(sorted(_OPTIONS)),
    data=st.data(),
    before=st.lists(st.sampled_from(["-q", "--color", "never", "--debug", "--config", "{tra}"]),
                    max_size=2),
    speech=speeches,
)  # fmt: skip
def test_generated_command_lines(
    command: str, data: st.DataObject, before: list[str], speech: Speech
) -> None:
    words = data.draw(st.lists(st.sampled_from(_OPTIONS[command] + _FILES), max_size=7))
    with workspace() as folder:
        (folder / "tree").mkdir()
        tra = folder / "tree" / "ventes.tra"
        tra.write_bytes(TRA_FIXTURES[0].read_bytes())
        csv = folder / "ventes.csv"
        csv.write_bytes(CSV_FIXTURE.read_bytes())
        mapping = folder / "map.toml"
        mapping.write_bytes(MAPPING.read_bytes())
        names = {"tra": tra, "csv": csv, "folder": folder / "tree", "missing": folder / "nope",
                 "mapping": mapping, "out": folder / "out.file"}  # fmt: skip
        argv = [w.format(**names) for w in [*before, command, *words]]
        if "--debug" in argv:
            argv.remove("--debug")  # --debug lets an internal error's traceback through
        # what follows -o is the output, whatever it looks like (`-o --format` names a file)
        named = [folder / argv[i + 1] for i, w in enumerate(argv[:-1]) if w == "-o"]
        read = {folder / w for i, w in enumerate(argv) if w and (not i or argv[i - 1] != "-o")}
        mine = [p for p in named if not any(p == r or r in p.parents for r in read)]
        stdin = TRA_FIXTURES[1].read_bytes()
        run_cli(argv, folder, stdin=stdin, outputs=named, replaceable=mine, speech=speech)


# -- what the campaigns found, kept as plain cases ------------------------------------------------
FOUND_TOML = [
    ("[validate]\nseverity = []\n", ["validate", "{tra}"], "[validate] severity = []"),
    ("[loop]\nroutes = []\n", ["config", "show"], "[loop] routes = []: expected dict"),
    ("[push]\njournal = []\n", ["config", "show"], "[push] journal = []: expected a file path"),
    ("[profiles]\ninte = []\n", ["config", "show", "--profile", "inte"], "must be tables"),
]


def test_what_the_fuzz_found_in_configuration_files() -> None:
    for toml, args, said in FOUND_TOML:
        with workspace() as folder:
            (folder / "t.toml").write_text(toml, encoding="utf-8")
            tra = folder / "v.tra"
            tra.write_bytes(TRA_FIXTURES[0].read_bytes())
            argv = ["--config", str(folder / "t.toml"), *(a.format(tra=tra) for a in args)]
            result = run_cli(argv, folder)
            assert result.exit_code == 2, toml
            assert said in result.stderr, result.stderr


def test_what_the_fuzz_found_elsewhere() -> None:
    with workspace() as folder:
        csv = folder / "v.csv"
        csv.write_bytes(CSV_FIXTURE.read_bytes())
        result = run_cli(["convert", str(csv), "-o", "o.tra", "--delimiter", ";;"], folder)
        assert result.exit_code == 2
        assert "delimiter ';;': give one character" in result.stderr
        tra = folder / "v.tra"
        tra.write_bytes(TRA_FIXTURES[0].read_bytes())
        result = run_cli(["--config", str(tra), "history"], folder)  # a TRA file as --config
        assert result.exit_code == 2
        assert "not a TOML file (not UTF-8 text" in result.stderr
        headless = folder / "headless.tra"  # the header destroyed, an ETE-width line after it
        headless.write_bytes(b"\x80" + TRA_FIXTURES[1].read_bytes()[1:])
        result = run_cli(["export", str(headless), "--to", "csv", "-o", "o.csv"], folder,
                         outputs=[folder / "o.csv"])  # fmt: skip
        assert result.exit_code == 1
        assert not (folder / "o.csv").exists()
