"""`make mutation`: mutmut over four areas of tratool, one area at a time, and a score per area.

Each area mutates a few modules and runs only the test files that exercise them; inside an
area, mutmut runs for each mutant only the tests that call the mutated function, so a mutant
costs a fraction of a second. Every area works in its own copy of the project under
build/mutation/AREA (mutmut writes its mutants/ folder there and keeps its verdicts between
runs: a second run re-tests only the functions that changed).

The score is killed / (mutants - equivalent). A mutant no selected test reaches counts as a
survivor. Equivalent mutants (no test can tell them apart from the original) are listed, with
the reason, in scripts/mutation-equivalents.toml and matched by their diff, not their number.

    python scripts/mutation.py [--area NAME]... [--max-children N] [--target 90]

Exit status 1 when an area scores under the target.
"""

from __future__ import annotations

import argparse
import ast
import difflib
import fnmatch
import json
import os
import re
import shutil
import subprocess
import sys
import time
import tomllib
from collections import Counter
from pathlib import Path

import attrs

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "build" / "mutation"
EQUIVALENTS = Path(__file__).with_name("mutation-equivalents.toml")
COPIED = ("tratool", "tests", "fixtures", "docs", "README.md")  # tests read the docs too
# Lines that hold only prose for people: a message or hint string with a blank in it, alone on
# its line, or a hint= argument; since messages are translatable templates, also the lines
# that open one (`N_(`, `message=N_(`, `message = N_(`, `N_("some words…`). Their wording is not
# behaviour the tests pin (rule, line, column, field, severity and value are, and are
# mutated); rule ids and field names have no blank and stay mutated.
PROSE = (
    r'^\s+f?"[^"]* [^"]*"\)?,?$',
    r"^\s+hint=",
    r"^\s+N_\($",
    r"^\s+(message|hint) ?= ?N_\(",
    r'^\s+N_\("[^"]* [^"]*"',
)
# A timeout (an endless loop) or a crash is a test run that did not pass: the mutant is caught.
KILLED = frozenset({"killed", "timeout", "caught by type check", "segfault"})
TIMEOUT_MULTIPLIER = 4.0
TIMEOUT_CONSTANT = 3.0  # seconds: pytest's start in each mutant's process, on a loaded machine
# Properties stop at their first failing example (no shrinking): tests/conftest.py's profile.
FAST_PROPERTIES = ("--hypothesis-profile=mutation",)
UNCHECKED = "not checked"  # mutmut's word for a mutant a stopped run did not reach


@attrs.frozen
class Area:
    name: str
    mutate: tuple[str, ...]  # globs of the files to mutate
    tests: tuple[str, ...]  # the test files that exercise them
    skip: tuple[str, ...] = ()  # globs of files under `mutate` that are not this area's job
    part: str = ""  # an area mutated in parts, each with its own tests, is scored as one
    pytest_args: tuple[str, ...] = ()  # added to every test run of this area


# The format core is mutated module by module, each part with the tests that exercise it
# (fast unit tests first; the rule tests only for the width diagnostic that serves TRA-S09): a
# mutant of a function every test calls (the writer's render_lines builds the input of most
# tests) then runs a few hundred fast tests, not the whole area's.
_TRA_UNITS = (
    "tests/test_reader.py",
    "tests/test_writer.py",
    "tests/test_layout.py",
    "tests/test_vectors.py",
    "tests/test_money.py",
    "tests/test_survivors.py",
    "tests/test_mutants_tra*.py",
)
# Not test_properties.py: a mutant of the writer or the reader that survives would run its
# round trips for a minute on this 2-core machine; the same round trips are asserted value by
# value in the unit tests (test_mutants_tra_*.py).
_TRA_FILES = (
    "tests/test_fixtures.py",
    "tests/test_spec_fixtures.py",
)

# The fast validation engine: grid blocks as arrays, rows and pièces proved clean.
_FAST_PASS = (
    "tratool/validation/columnar.py",
    "tratool/validation/grid*.py",
    "tratool/validation/tiers.py",
)

AREAS = (
    Area(
        "format core",
        (
            "tratool/tra/values.py",
            "tratool/tra/records.py",
            "tratool/tra/layout.py",
            "tratool/tra/reader.py",
            "tratool/tra/lazy.py",
            "tratool/tra/proof.py",
        ),
        (
            *_TRA_UNITS,
            *_TRA_FILES,
            "tests/test_reader_blocks.py",
            "tests/test_bulk.py",
            "tests/test_hostile_input.py",
        ),
        part="values, records, layout, reader, lazy, proof",
        pytest_args=FAST_PROPERTIES,
    ),
    Area(
        "format core",
        ("tratool/tra/writer.py", "tratool/tra/charset.py"),
        (*_TRA_UNITS, *_TRA_FILES),
        part="writer, charset",
        pytest_args=FAST_PROPERTIES,
    ),
    Area(
        "format core",
        ("tratool/tra/lines.py", "tratool/tra/scan.py"),
        (*_TRA_UNITS, "tests/test_bulk.py", "tests/test_hostile_input.py"),
        part="lines, scan",
        pytest_args=FAST_PROPERTIES,
    ),
    Area(
        "format core",
        ("tratool/tra/diagnose.py",),
        (*_TRA_UNITS, "tests/test_rule_mirrors.py"),
        part="diagnose",
        pytest_args=FAST_PROPERTIES,
    ),
    Area(
        "format core",
        ("tratool/tra/summary.py",),
        (*_TRA_UNITS, "tests/test_spec_fixtures.py"),
        part="summary",
        pytest_args=FAST_PROPERTIES,
    ),
    # The validation rules run one small file per test: a mutant re-runs the fast rule tests
    # only (no Loop servers, no fuzzing), so even one of a function every test reaches takes
    # seconds. The fast pass proves blocks of grid rows clean; rule tests' files are too small to
    # make a grid, so its own part runs the differential tests against the reference pass.
    Area(
        "validation",
        ("tratool/validation/*.py",),
        (
            "tests/test_validate.py",
            "tests/test_validate_rules.py",
            "tests/test_rule_mirrors.py",
            "tests/test_mutants_validation*.py",
            "tests/test_traces.py",
            "tests/test_cegid_messages.py",
            "tests/test_rule_selection.py",
            "tests/test_spec_fixtures.py",
            "tests/test_survivors.py",
        ),
        # The rules and their engine; not how reports are drawn nor how settings are read.
        (
            "tratool/validation/render.py",
            "tratool/validation/renderers/*",
            "tratool/validation/configuration.py",
            "tratool/validation/settings.py",
            *_FAST_PASS,
        ),
        part="rules",
        pytest_args=FAST_PROPERTIES,
    ),
    Area(
        "validation",
        _FAST_PASS,
        (
            "tests/test_engines_differential.py",
            "tests/test_engines_extended_differential.py",
            "tests/test_tiers.py",
            "tests/test_grid_*.py",
            "tests/test_closing_*.py",
            "tests/test_columnar_blocks.py",
            "tests/test_fed_contents.py",
            "tests/test_validate.py",
            "tests/test_mutants_validation*.py",
        ),
        part="fast pass",
        pytest_args=FAST_PROPERTIES,
    ),
    Area(
        "conversion values",
        ("tratool/conversion/cells.py",),
        (
            "tests/test_conversion_values.py",
            "tests/test_convert.py",
            "tests/test_convert_sheets.py",
            "tests/test_survivors.py",
        ),
    ),
    # The convert's grid path writes what the builder and the writer would: their differential;
    # its byte path (CSV bytes parsed with numpy) has its own tests, bytes in and bytes out.
    Area(
        "conversion grid",
        (
            "tratool/conversion/grid.py",
            "tratool/conversion/csvbytes.py",
            "tratool/conversion/gridbytes.py",
        ),
        (
            "tests/test_convert_grid_differential.py",
            "tests/test_convert.py",
            "tests/test_convert_bytes.py",
            "tests/test_convert_bytes_parts.py",
            "tests/test_csv_blocks.py",
        ),
        pytest_args=FAST_PROPERTIES,
    ),
    Area(
        "journal",
        ("tratool/submission/journal.py",),
        ("tests/test_journal_history.py", "tests/test_survivors.py"),
    ),
)


@attrs.frozen
class Mutant:
    key: str  # mutmut's name: module.function__mutmut_N
    status: str
    diff: tuple[str, ...]  # the changed lines, "-" original then "+" mutant


@attrs.frozen
class Equivalent:
    function: str
    diff: tuple[str, ...]
    reason: str


def slug(area: Area) -> str:
    return area.name.replace(" ", "-")


def folder(area: Area) -> Path:
    part = re.sub(r"\W+", "-", area.part).strip("-")
    return WORK / slug(area) / part if part else WORK / slug(area)


def prepare(area: Area) -> Path:
    """A copy of the project whose pyproject.toml holds this area's [tool.mutmut] table."""
    where = folder(area)
    where.mkdir(parents=True, exist_ok=True)
    for name in COPIED:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, where / name, dirs_exist_ok=True, ignore=_ignored)
        else:
            shutil.copy2(ROOT / name, where / name)
    tests = sorted({str(p.relative_to(ROOT)) for t in area.tests for p in ROOT.glob(t)})
    table: dict[str, list[str] | float] = {
        "source_paths": ["tratool"],
        "only_mutate": list(area.mutate),
        "do_not_mutate": list(area.skip),
        "pytest_add_cli_args_test_selection": tests,
        "pytest_add_cli_args": ["-p", "no:cacheprovider", "-x", "-q", *area.pytest_args],
        "also_copy": [name for name in COPIED if name not in ("tratool", "tests")],
        "do_not_mutate_patterns": list(PROSE),
        # A mutant's CPU limit is 2 x multiplier x (its tests' time + constant), its wall limit half
        # of that; mutmut's default multiplier (15) let a hanging mutant of a function every
        # test calls hold a worker for many minutes. Past the limit the mutant is a timeout.
        "timeout_multiplier": TIMEOUT_MULTIPLIER,
        "timeout_constant": TIMEOUT_CONSTANT,
    }
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    (where / "pyproject.toml").write_text(text + "\n" + _toml("tool.mutmut", table), "utf-8")
    return where


def _ignored(folder: str, names: list[str]) -> set[str]:
    return {n for n in names if n in ("__pycache__", ".hypothesis")}


def _toml(table: str, values: dict[str, list[str] | float]) -> str:
    lines = [f"[{table}]"] + [f"{k} = {json.dumps(v)}" for k, v in values.items()]
    return "\n".join(lines) + "\n"


def forget_survivors(where: Path) -> None:
    """mutmut keeps a verdict until the mutated function changes; a new or better test must
    get its chance at the survivors, so every verdict but a kill is asked again."""
    from mutmut.stats import status_by_exit_code

    for meta in (where / "mutants").rglob("*.py.meta"):
        data = json.loads(meta.read_text(encoding="utf-8"))
        codes = data["exit_code_by_key"]
        for key, code in codes.items():
            if status_by_exit_code[code] not in KILLED:
                codes[key] = None
        meta.write_text(json.dumps(data), encoding="utf-8")


def run(area: Area, max_children: int) -> float:
    where = prepare(area)
    forget_survivors(where)
    # mutmut re-traces only new tests: a function added to the code since its last run would
    # have no test calling it ("no tests"). Its map of tests is rebuilt on every run instead
    # (one traced run of the area's tests); the verdicts are kept.
    (where / "mutants" / "mutmut-stats.json").unlink(missing_ok=True)
    mutmut = Path(sys.executable).with_name("mutmut")
    started = time.monotonic()
    log = where / "mutmut.log"  # a progress line per mutant; the verdicts are read afterwards
    with log.open("wb") as output:
        done = subprocess.run(
            [str(mutmut), "run", "--max-children", str(max_children)],
            cwd=where,
            check=False,
            stdout=output,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
        )
    if done.returncode != 0:
        tail = log.read_text(encoding="utf-8", errors="replace")[-3000:]
        raise SystemExit(f"mutmut failed on {area.name} (see {log}):\n{tail}")
    return time.monotonic() - started


def verdicts(area: Area) -> list[Mutant]:
    from mutmut.stats import status_by_exit_code

    found = []
    mutants = folder(area) / "mutants"
    for meta in sorted(mutants.rglob("*.py.meta")):
        source_name = str(meta.relative_to(mutants).with_suffix(""))
        if not any(fnmatch.fnmatch(source_name, glob) for glob in area.mutate) or any(
            fnmatch.fnmatch(source_name, glob) for glob in area.skip
        ):
            continue
        source = meta.with_suffix("")  # the mutated copy holds every mutant as a function
        functions = _functions(source.read_text(encoding="utf-8"))
        codes = json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]
        for key, code in codes.items():
            name = key.rsplit(".", 1)[1]
            original = functions.get(name.rsplit("__mutmut_", 1)[0] + "__mutmut_orig", "")
            diff = _changed(original, functions.get(name, ""))
            found.append(Mutant(key, status_by_exit_code[code], diff))
    return found


def _functions(text: str) -> dict[str, str]:
    lines = text.splitlines()  # once: ast.get_source_segment splits the file at every call
    return {
        node.name: "\n".join(lines[node.lineno - 1 : node.end_lineno])
        for node in ast.walk(ast.parse(text))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and "__mutmut_" in node.name
    }


_NUMBERED = re.compile(r"__mutmut_\w+\(")


def _changed(original: str, mutant: str) -> tuple[str, ...]:
    # The def lines differ by the mutant's number; without it, a changed default shows.
    before, after = (_NUMBERED.sub("(", f).splitlines() for f in (original, mutant))
    return tuple(
        f"{line[0]} {line[1:].strip()}"
        for line in difflib.unified_diff(before, after, lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    )


def equivalents() -> list[Equivalent]:
    if not EQUIVALENTS.exists():
        return []
    data = tomllib.loads(EQUIVALENTS.read_text(encoding="utf-8"))
    return [
        Equivalent(e["function"], tuple(e["diff"]), e["reason"]) for e in data.get("mutant", [])
    ]


def function_of(mutant: Mutant) -> str:
    """tratool.x.y.xǁClassǁmethod__mutmut_3 -> tratool.x.y.Class.method"""
    module, name = mutant.key.rsplit("__mutmut_", 1)[0].rsplit(".", 1)
    name = name[1:].strip("ǁ").replace("ǁ", ".") if name.startswith("xǁ") else name[2:]
    return f"{module}.{name}"


SQL_WORDS = ("SELECT ", "INSERT ", "UPDATE ", "WHERE ", "ORDER BY ", "PRAGMA ", "CREATE ", "BEGIN ")
_QUOTED = re.compile(r"'[^']*'")
SQL_CASE = "SQLite reads keywords and identifiers in any case"


def is_equivalent(mutant: Mutant, known: list[Equivalent]) -> Equivalent | None:
    function = function_of(mutant)
    listed = next((e for e in known if e.function == function and e.diff == mutant.diff), None)
    if listed is None and _sql_case_only(mutant.diff):
        return Equivalent(function, mutant.diff, SQL_CASE)
    if listed is None and function.startswith(COLUMN_KEYS) and _key_case_only(mutant.diff):
        return Equivalent(function, mutant.diff, COLUMN_CASE)
    return listed


# Modules whose dict keys are SQL column names (the journal's INSERT is built from them).
COLUMN_KEYS = ("tratool.submission.journal.",)
COLUMN_CASE = "the key names an SQLite column, which SQLite reads in any case"
_KEY = re.compile(r'"(\w+)":')


def _key_case_only(diff: tuple[str, ...]) -> bool:
    """One line where only a dict key changed case ("key": -> "KEY":)."""
    if len(diff) != 2:
        return False
    before, after = diff[0][2:], diff[1][2:]
    lowered = [_KEY.sub(lambda m: m.group(0).lower(), line) for line in (before, after)]
    return before != after and lowered[0] == lowered[1]


def _sql_case_only(diff: tuple[str, ...]) -> bool:
    """One line whose SQL text only changed case outside its quoted values (mutmut upper- and
    lower-cases strings); 'azure' -> 'AZURE' changes data and is no such case."""
    if len(diff) != 2:
        return False
    before, after = diff[0][2:], diff[1][2:]
    return (
        before != after
        and before.lower() == after.lower()
        and _QUOTED.findall(before) == _QUOTED.findall(after)
        and any(word in before.upper() for word in SQL_WORDS)
    )


@attrs.frozen
class Score:
    area: str
    mutants: int
    killed: int
    survived: int
    equivalent: int
    seconds: float
    unchecked: int = 0  # a run stopped before them: neither killed nor survived

    @property
    def percent(self) -> float:
        counted = self.mutants - self.equivalent - self.unchecked
        return 100.0 * self.killed / counted if counted else 0.0  # no mutant: a wrong glob


def _may_be_equivalent(mutant: Mutant) -> bool:
    """Not killed by a failing test. A timeout of a mutant listed as equivalent is the load of
    the machine, not a kill: it is counted as equivalent."""
    return mutant.status not in KILLED or mutant.status == "timeout"


def score(area: Area, mutants: list[Mutant], known: list[Equivalent], seconds: float) -> Score:
    counts = Counter(
        "unchecked"
        if m.status == UNCHECKED
        else "equivalent"
        if _may_be_equivalent(m) and is_equivalent(m, known)
        else "killed"
        if m.status in KILLED
        else "survived"
        for m in mutants
    )
    return Score(
        label(area),
        len(mutants),
        counts["killed"],
        counts["survived"],
        counts["equivalent"],
        seconds,
        counts["unchecked"],
    )


def label(area: Area) -> str:
    return f"{area.name} ({area.part})" if area.part else area.name


def totals(name: str, parts: list[Score]) -> Score:
    """An area's score from the scores of its parts."""
    return Score(
        name,
        sum(s.mutants for s in parts),
        sum(s.killed for s in parts),
        sum(s.survived for s in parts),
        sum(s.equivalent for s in parts),
        sum(s.seconds for s in parts),
        sum(s.unchecked for s in parts),
    )


def survivors(mutants: list[Mutant], known: list[Equivalent]) -> list[Mutant]:
    return [
        m
        for m in mutants
        if m.status not in KILLED and m.status != UNCHECKED and not is_equivalent(m, known)
    ]


def table(scores: list[Score]) -> str:
    head = "| area | mutants | killed | survived | equivalent | not checked | score | time |"
    rows = [head, "|---" * 8 + "|"]
    rows += [
        f"| {s.area} | {s.mutants} | {s.killed} | {s.survived} | {s.equivalent} | "
        f"{s.unchecked} | {s.percent:.1f} % | {s.seconds:.0f} s |"
        for s in scores
    ]
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--area", action="append", choices=sorted({slug(a) for a in AREAS}))
    parser.add_argument("--part", action="append", help="only the parts naming this module")
    parser.add_argument("--max-children", type=int, default=2)
    parser.add_argument("--target", type=float, default=90.0)
    parser.add_argument("--report-only", action="store_true", help="read the last verdicts")
    parser.add_argument("--json", type=Path, help="also write the figures and survivors here")
    args = parser.parse_args(argv)
    chosen = [
        a
        for a in AREAS
        if (not args.area or slug(a) in args.area)
        and (not args.part or any(name in a.part for name in args.part))
    ]
    known = equivalents()
    parts: dict[str, list[Score]] = {}
    lost: dict[str, list[Mutant]] = {}
    same: dict[str, list[tuple[Mutant, Equivalent]]] = {}
    for area in chosen:
        seconds = 0.0 if args.report_only else run(area, args.max_children)
        mutants = verdicts(area)
        parts.setdefault(area.name, []).append(score(area, mutants, known, seconds))
        lost.setdefault(area.name, []).extend(survivors(mutants, known))
        same.setdefault(area.name, []).extend(
            (m, e)
            for m in mutants
            if _may_be_equivalent(m) and m.status != UNCHECKED and (e := is_equivalent(m, known))
        )
    scores = [totals(name, found) for name, found in parts.items()]
    for name, pairs in same.items():
        print(f"\n## {name}: {len(pairs)} equivalent mutant(s), not counted")
        for m, why in pairs:
            print(f"{m.key}: {why.reason}")
            for line in m.diff:
                print(f"    {line}")
    for name, mutants in lost.items():
        print(f"\n## {name}: {len(mutants)} surviving mutant(s)")
        for m in mutants:
            print(f"{m.key} ({m.status})")
            for line in m.diff:
                print(f"    {line}")
    by_part = [s for found in parts.values() if len(found) > 1 for s in found]
    if by_part:
        print("\n" + table(by_part))
    print("\n" + table(scores))
    if args.json:
        figures = [attrs.asdict(s) | {"percent": round(s.percent, 1)} for s in scores]
        survived = {k: [attrs.asdict(m) for m in v] for k, v in lost.items()}
        args.json.write_text(json.dumps({"scores": figures, "survivors": survived}, indent=1))
    return 0 if all(s.percent >= args.target for s in scores) else 1


if __name__ == "__main__":
    sys.exit(main())
