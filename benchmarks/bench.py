"""Throughput and memory of tratool on large TRA files, measured beside pandas and polars.

    python benchmarks/bench.py [--sizes 10000,100000,1000000] [--folder DIR] [--runs N] [--pairs N]

(``make bench`` installs the ``bench`` extra — pandas, polars — and runs it.)

For each size it writes a deterministic STD file (journals VTE/HA/BQ1/OD, balanced pièces
of 2 to 6 lines, tiers lines with auxiliaries, analytic lines under some expense lines) and
the equivalent CSV, then measures, each in a fresh process so peak RSS is that of the task:

* tratool scan      — the raw fields of every entry line (`tratool.scan`): parse only
* tratool read      — typed records with diagnostics (`tratool.read`; a field of a clean line
                      is typed when it is first read)
* tratool read all fields — the same, every field of every entry read (all typed)
* tratool validate  — the whole rule catalogue (`tratool.validate`, the fast engine)
* tratool validate reference — the same with ``engine="reference"`` (the streaming pass)
* tratool convert   — the CSV to TRA (`tratool.convert.convert`), validation included
* pandas read_fwf   — the same widths, parse only
* polars slicing    — one string column sliced at the same offsets, parse only

* tratool validate 1% defective — validate on a copy of the file with one entry line in a
  hundred made defective (a field rule's trigger, or an amount that unbalances its pièce)

Each task is timed twice: the whole process's wall clock, start-up and imports included (what
the targets compare, and what a user waits for), and inside the child around the work only.
The work timer starts after the imports, tratool's dependency numpy (which tratool imports on
first use) as the peers' pandas and polars: the time per line compares work, not start-up.
Generated text is ASCII so the peers, which read UTF-8, parse it as tratool does.
"""

from __future__ import annotations

import argparse
import compileall
import os
import random
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path
from statistics import median

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tratool.tra import layout  # noqa: E402

FIELDS = [(f.name, f.start, f.width) for f in layout.ENTRY.fields]
HEADER = "***S5CLIJRLSTD   0101190001011900007     010420240930BENCH".ljust(147) + "-"


def _line(
    journal: str,
    day: str,
    kind: str,
    account: str,
    line_type: str,
    aux: str,
    ref: str,
    label: str,
    direction: str,
    cents: int,
    number: int,
    axis: str = "",
) -> str:
    amount = f"{cents // 100},{cents % 100:02}"
    due = "  " if line_type == "A" else ("1".rjust(2) if line_type == "X" else "  ")
    return (
        f"{journal:<3}{day}{kind:>2}{account:<17}{line_type:>1}{aux:<17}{ref:<35}{label:<35}"
        f"{'':<3}{'01011900' if line_type != 'A' else '':<8}{direction}{amount:>20}N"
        f"{number:>8}EUR1,00000000E--{'':>20}{'':>20}001{axis:<2}{due}"
    )


JOURNALS = [
    ("VTE", "FC", "41100000", "70610000", "C"),
    ("HA", "FF", "40100000", "60610000", "F"),
    ("BQ1", "RC", "41100000", "51210000", "C"),
    ("OD", "OD", "", "62260000", ""),
]


def generate(tra: Path, csv: Path, lines: int, seed: int = 20240401) -> None:
    """A balanced, realistic file of `lines` entry lines, and the same general lines as CSV."""
    rng = random.Random(seed)
    numbers = {j[0]: 0 for j in JOURNALS}
    written = 0
    day_index = 0
    with (
        tra.open("w", encoding="ascii", newline="") as out,
        csv.open("w", encoding="ascii", newline="") as table,
    ):
        out.write(HEADER + "\r\n")
        table.write("Journal;Date;N piece;Reference;Compte;Tiers;Libelle;Debit;Credit\r\n")
        while written < lines:
            day_index += 1
            day = f"{1 + day_index % 28:02}{1 + (day_index // 28) % 12:02}2024"
            journal, kind, collective, other, tier = JOURNALS[rng.randrange(len(JOURNALS))]
            numbers[journal] += 1
            number = numbers[journal]
            ref = f"{journal}-{number:07}"
            label = f"Piece {journal} {number}"
            parts = [rng.randint(100, 5_000_000) for _ in range(rng.randint(1, 5))]
            total = sum(parts)
            side, other_side = ("D", "C") if journal != "HA" else ("C", "D")
            rows = []
            if collective:
                aux = f"{tier}{rng.randrange(2000):05}"
                rows.append((collective, "X", aux, side, total, ""))
            else:
                rows.append(("51210000", "", "", side, total, ""))
            for cents in parts:
                rows.append((other, "", "", other_side, cents, ""))
                if journal == "HA" and rng.random() < 0.3:  # analytic split of an expense line
                    first = cents // 3
                    rows.append((other, "A", "ATELIER", other_side, first, "A1"))
                    rows.append((other, "A", "BUREAU", other_side, cents - first, "A1"))
            for account, line_type, aux, direction, cents, axis in rows:
                out.write(
                    _line(
                        journal,
                        day,
                        kind,
                        account,
                        line_type,
                        aux,
                        ref,
                        label,
                        direction,
                        cents,
                        number,
                        axis,
                    )
                    + "\r\n"
                )
                if line_type != "A":
                    money = f"{cents // 100},{cents % 100:02}"
                    debit, credit = (money, "") if direction == "D" else ("", money)
                    table.write(
                        f"{journal};{day[:2]}/{day[2:4]}/{day[4:]};{number};{ref};"
                        f"{account};{aux};{label};{debit};{credit}\r\n"
                    )
            written += len(rows)


# What a defective line gets, in turn: (field, raw value). Each is reported by a rule.
DEFECTS = [
    ("date", "31022024"),  # TRA-F02
    ("amount", "1,00"),  # TRA-X01: its pièce no longer balances
    ("auxiliary", "c'dupont"),  # TRA-F05, or F05 on a line that is not X
    ("label", ""),  # TRA-F06
    ("direction", "X"),  # TRA-F10
    ("currency", "XXX"),  # TRA-F14
]


def defective(clean: Path, out: Path, every: int = 100) -> None:
    """`clean` with one entry line in `every` changed by the next of DEFECTS."""
    with clean.open("rb") as source, out.open("wb") as target:
        target.write(source.readline())
        for number, line in enumerate(source):
            if number % every == every // 2:
                name, value = DEFECTS[number // every % len(DEFECTS)]
                f = layout.ENTRY.field(name)
                text = value.ljust(f.width) if f.just is layout.Just.LEFT else value.rjust(f.width)
                target.write(line[: f.start] + text.encode("ascii") + line[f.end :])
            else:
                target.write(line)


TASKS = {
    "tratool scan": """
        import tratool, numpy
        start = time.perf_counter()
        count = 0
        for row in tratool.scan(TRA):
            count += 1
        """,
    "tratool read": """
        import tratool, numpy
        start = time.perf_counter()
        count = sum(1 for _ in tratool.read(TRA))
        """,
    "tratool read all fields": """
        import tratool, numpy
        from tratool.tra.scan import FIELD_NAMES as names
        start = time.perf_counter()
        count = 0
        for _, entry in tratool.read(TRA).entries():
            for name in names:
                getattr(entry, name)
            count += 1
        """,
    "tratool validate": """
        import tratool, numpy
        start = time.perf_counter()
        report = tratool.validate(TRA)
        assert report.errors == 0, [f.message for f in report.findings[:5]]
        """,
    "tratool validate 1% defective": """
        import tratool, numpy
        start = time.perf_counter()
        report = tratool.validate(DEFECTIVE)
        assert report.errors > 0
        """,
    "tratool validate reference": """
        import tratool, numpy
        start = time.perf_counter()
        report = tratool.validate(TRA, engine="reference")
        assert report.errors == 0, [f.message for f in report.findings[:5]]
        """,
    "tratool convert": """
        import numpy
        from tratool.conversion import convert
        start = time.perf_counter()
        convert(CSV, OUT, mapping=MAPPING)
        """,
    "pandas read_fwf": """
        import pandas as pd
        start = time.perf_counter()
        frame = pd.read_fwf(TRA, widths=[w for _, _, w in FIELDS], names=[n for n, _, _ in FIELDS],
                            header=None, skiprows=1, dtype=str, encoding="cp1252")
        """,
    "pandas read_csv": """
        import pandas as pd
        start = time.perf_counter()
        frame = pd.read_csv(CSV, sep=";", dtype=str, encoding="cp1252")
        """,
    "polars slicing": """
        import polars as pl
        start = time.perf_counter()
        frame = pl.read_csv(TRA, has_header=False, skip_rows=1, separator="\\x1f",
                            quote_char=None, new_columns=["line"], schema={"line": pl.String})
        frame = frame.select(pl.col("line").str.slice(s, w).alias(n) for n, s, w in FIELDS)
        """,
}
MAPPING_TOML = """[columns]
journal = "Journal"
date = "Date"
piece = "N piece"
reference = "Reference"
account = "Compte"
auxiliary = "Tiers"
label = "Libelle"
debit = "Debit"
credit = "Credit"
[options]
date_format = "JJ/MM/AAAA"
collective_prefixes = { "411" = "COC", "401" = "COF" }
"""


def run(
    sizes: list[int], folder: Path, runs: int = 1
) -> dict[int, dict[str, dict[str, float] | None]]:
    """Every task at every size, `runs` times in turn (a change of load weighs on every task
    alike); a task's figures are the medians of its runs."""
    (folder / "mapping.toml").write_text(MAPPING_TOML, encoding="utf-8")
    results: dict[int, dict[str, dict[str, float] | None]] = {}
    for size in sizes:
        tra, csv = folder / f"bench-{size}.tra", folder / f"bench-{size}.csv"
        if not tra.exists():
            generate(tra, csv, size)
        if not (folder / f"bench-{size}-defective.tra").exists():
            defective(tra, folder / f"bench-{size}-defective.tra")
        print(f"\n{size:,} entry lines ({tra.stat().st_size / 1e6:.1f} MB)", flush=True)
        taken: dict[str, list[dict[str, float] | None]] = {task: [] for task in TASKS}
        for _ in range(runs):
            for task in TASKS:
                taken[task].append(measure(task, tra, csv, folder))
        results[size] = {task: _medians(taken[task]) for task in TASKS}
        for task, measured in results[size].items():
            if measured is None:
                print(f"  {task:<26} not installed (pip install -e '.[bench]')", flush=True)
                continue
            rate = size / measured["seconds"]
            spread = [m["seconds"] for m in taken[task] if m]
            runs_text = f"  runs {min(spread):.2f}-{max(spread):.2f} s" if runs > 1 else ""
            print(
                f"  {task:<30} {measured['seconds']:8.2f} s  (work {measured['work']:6.2f} s)  "
                f"{rate:>10,.0f} lines/s  peak RSS {measured['rss_mb']:6.0f} MB{runs_text}",
                flush=True,
            )
    return results


def _medians(runs: list[dict[str, float] | None]) -> dict[str, float] | None:
    if not runs or any(measured is None for measured in runs):
        return None
    return {key: median(m[key] for m in runs if m) for key in ("seconds", "work", "rss_mb")}


def measure(task: str, tra: Path, csv: Path, folder: Path) -> dict[str, float] | None:
    """Run the task in a child: its whole wall clock (seconds), the work inside it (work), its
    peak RSS, the child's own, from wait4."""
    defects = tra.with_name(f"{tra.stem}-defective.tra")
    code = (
        "import time, json\n"
        + textwrap.dedent(f"""
        TRA, CSV, DEFECTIVE = {str(tra)!r}, {str(csv)!r}, {str(defects)!r}
        OUT, MAPPING = {str(folder / "converted.tra")!r}, {str(folder / "mapping.toml")!r}
        FIELDS = {FIELDS!r}
        """)
        + textwrap.dedent(TASKS[task])
        + "\nprint(json.dumps(time.perf_counter() - start))\n"
    )
    _warm(csv if "convert" in task or "read_csv" in task else defects if "defect" in task else tra)
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        began = time.perf_counter()
        process = subprocess.Popen([sys.executable, "-c", code], stdout=out, stderr=err, cwd=ROOT)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - began
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if process.returncode != 0:
        if "ModuleNotFoundError" in stderr:
            return None
        raise RuntimeError(f"{task} failed:\n{stderr[-2000:]}")
    work = float(stdout.strip().splitlines()[-1])
    return {"seconds": wall, "work": work, "rss_mb": usage.ru_maxrss / 1024}


def _warm(path: Path) -> None:
    """Read the task's input once first: every task starts from the page cache. (A machine
    that reclaims idle pages, as a small VM does, would otherwise make the first task reading
    a file wait for the disk.)"""
    with path.open("rb") as handle:
        while handle.read(1 << 24):
            pass


def verdict(results: dict[int, dict[str, dict[str, float] | None]]) -> list[tuple[str, bool]]:
    """The targets of the performance issue (second round), on the largest size measured."""
    sizes = sorted(results)
    big = results[sizes[-1]]
    checks: list[tuple[str, bool]] = []
    validate, read = big["tratool validate"], big["tratool read"]
    convert = big["tratool convert"]
    polars, pandas = big.get("polars slicing"), big.get("pandas read_fwf")
    read_csv = big.get("pandas read_csv")
    assert validate is not None
    assert read is not None
    assert convert is not None
    defects = big["tratool validate 1% defective"]
    assert defects is not None
    if polars:
        ratio = validate["seconds"] / polars["seconds"]
        checks.append((f"validate at most 1.0x polars parse-only: {ratio:.2f}x", ratio <= 1.0))
        ratio = defects["seconds"] / polars["seconds"]
        text = f"validate, 1% defective lines, at most 2.0x polars parse-only: {ratio:.2f}x"
        checks.append((text, ratio <= 2.0))
    if pandas:
        ratio = pandas["seconds"] / validate["seconds"]
        checks.append(
            (f"validate at least 20x faster than pandas read_fwf: {ratio:.2f}x", ratio >= 20)
        )
        ratio = pandas["seconds"] / read["seconds"]
        text = f"read at least 4x faster than pandas read_fwf: {ratio:.2f}x"
        checks.append((text, ratio >= 4))
    if read_csv:
        ratio = convert["seconds"] / read_csv["seconds"]
        text = f"convert at most 5x pandas read_csv: {ratio:.2f}x"
        checks.append((text, ratio <= 5))
    for task in ("tratool validate", "tratool read", "tratool convert"):
        rss = big[task]
        assert rss is not None
        text = f"{task} peak RSS below 150 MB: {rss['rss_mb']:.0f} MB"
        checks.append((text, rss["rss_mb"] < 150))
    if len(sizes) > 1:
        for task in ("tratool validate", "tratool read", "tratool convert"):
            small, large = results[sizes[-2]][task], big[task]
            assert small is not None
            assert large is not None
            checks += _drift(task.split()[-1], small, large, sizes[-2], sizes[-1])
    return checks


def _drift(
    name: str, small: dict[str, float], big: dict[str, float], lines: int, more: int
) -> list[tuple[str, bool]]:
    rss = big["rss_mb"] / small["rss_mb"] - 1
    # Per line, the work only: a fixed start-up would weigh ten times more on the smaller file.
    per_line = (big["work"] / more) / (small["work"] / lines) - 1
    return [
        (f"{name} peak RSS at {more:,} within 10% of {lines:,}: {rss:+.0%}", abs(rss) <= 0.10),
        (
            f"{name} time per line at {more:,} within 10% of {lines:,}: {per_line:+.0%}",
            abs(per_line) <= 0.10,
        ),
    ]


def paired(size: int, folder: Path, pairs: int) -> None:
    """Fast validate, reference validate and polars, run in turn `pairs` times: on a shared
    machine only ratios measured side by side mean something."""
    tra, csv = folder / f"bench-{size}.tra", folder / f"bench-{size}.csv"
    tasks = ("tratool validate", "tratool validate 1% defective", "polars slicing")
    times: dict[str, list[float]] = {task: [] for task in tasks}
    for _ in range(pairs):
        for task in tasks:
            measured = measure(task, tra, csv, folder)
            times[task].append(measured["seconds"] if measured else float("nan"))
    clean, defects, polars = (times[t] for t in tasks)
    print(f"\npaired runs at {size:,} lines (whole-process seconds; ratios per run):")
    for name, values in (("validate", clean), ("1% defective", defects), ("polars", polars)):
        print(f"  {name:<26} {' '.join(f'{v:6.2f}' for v in values)}")
    for name, ratios in (
        ("validate / polars", [f / p for f, p in zip(clean, polars, strict=True)]),
        ("1% defective / polars", [d / p for d, p in zip(defects, polars, strict=True)]),
    ):
        print(f"  {name:<26} {' '.join(f'{v:6.2f}' for v in ratios)}  median {median(ratios):.2f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--folder", type=Path, help="Keep the generated files here.")
    parser.add_argument(
        "--pairs", type=int, default=0, help="Then run validate and polars in turn N times."
    )
    parser.add_argument(
        "--runs", type=int, default=1, help="Run every task N times in turn; medians count."
    )
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    # As pip does when it installs the package: the children then load tratool's bytecode
    # instead of compiling its sources at every start (which they would do each time under
    # PYTHONDONTWRITEBYTECODE, or in a read-only checkout).
    compileall.compile_dir(ROOT / "tratool", quiet=1)
    with tempfile.TemporaryDirectory(prefix="tratool-bench-") as scratch:
        folder = args.folder or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        print(f"machine: {os.cpu_count()} CPU(s), Python {sys.version.split()[0]}")
        results = run(sizes, folder, max(args.runs, 1))
        if args.pairs:
            paired(sizes[-1], folder, args.pairs)
    print("\ntargets:")
    all_met = True
    for text, met in verdict(results):
        print(f"  {'met    ' if met else 'NOT MET'}  {text}")
        all_met &= met
    return 0 if all_met else 1


if __name__ == "__main__":
    sys.exit(main())
