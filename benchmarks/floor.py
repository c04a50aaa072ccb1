"""How fast could a pure-Python validator be? The C-level floor of a few of its checks.

    python benchmarks/floor.py FILE.tra

A validator has to look at every field of every line at least once. This script does the
least work a handful of rules need, written only with builtins that loop in C (struct
unpacking, sets, map, itertools, strided slices), on blocks of same-width lines, and times
each step. It checks far less than `tratool validate` (no decoding, no line-level messages,
no analytic, dossier, numbering or duplicate-pièce rules), so its total is a lower bound for
any validator of the whole catalogue written this way, not a design for one. Compare it with
polars' parse-only time in `bench.py`: the performance issue asks validate for 1.5 × that.
"""

from __future__ import annotations

import itertools
import operator
import struct
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tratool.tra import layout

FIELDS = {f.name: f for f in layout.ENTRY.fields}
STRIDE = layout.STD_WIDTH + 2  # CRLF lines, as bench.py writes them


def cutter(names: list[str]) -> struct.Struct:
    """A struct that unpacks the named fields of one line and skips the rest."""
    code, position = [], 0
    for f in sorted((FIELDS[n] for n in names), key=lambda f: f.start):
        code.append(f"{f.start - position}x{f.width}s")
        position = f.end
    return struct.Struct("".join(code) + f"{STRIDE - position}x")


# The fields whose distinct values the single-field rules would check, taken together: few
# combinations per file.
SHAPE = cutter(
    "journal piece_type account line_type direction entry_type currency exchange_rate "
    "amount_code amount2 amount3 establishment axis payment_method due_number".split()
)
KEY = cutter(["journal", "date", "piece_number"])  # the pièce key, for balances
AMOUNT = cutter(["amount"])
VARYING = [cutter([name]) for name in ("auxiliary", "reference", "label", "due_date")]
SIGN = {ord("D"): 1, ord("C"): -1}
DIRECTION = FIELDS["direction"].start


def main(path: Path) -> None:
    steps: dict[str, float] = {}
    start = time.perf_counter()
    with path.open("rb") as stream:
        stream.readline()  # the header
        while block := stream.read(STRIDE * 16_384):
            lines = len(block) // STRIDE
            mark = time.perf_counter()

            def step(name: str) -> None:
                nonlocal mark
                now = time.perf_counter()
                steps[name] = steps.get(name, 0.0) + now - mark
                mark = now

            assert block[STRIDE - 2 :: STRIDE] == b"\r" * lines
            assert len(block) - len(block.replace(b"\n", b"")) == lines
            assert block.isascii()
            step("grid and encoding proof")
            set(SHAPE.iter_unpack(block))
            step("distinct shapes (single-field rules)")
            for cut in VARYING:
                set(cut.iter_unpack(block))
            step("distinct auxiliary, reference, label, due date")
            keys = list(KEY.iter_unpack(block))
            step("pièce keys")
            # int() takes "_" between digits: 1234,56 -> 1234_56 -> 123456 cents
            cents = list(
                map(int, map(operator.itemgetter(0), AMOUNT.iter_unpack(block.replace(b",", b"_"))))
            )
            step("amounts in cents")
            signs = map(SIGN.__getitem__, block[DIRECTION::STRIDE])
            running = list(itertools.accumulate(map(operator.mul, cents, signs)))
            ends = itertools.compress(range(lines - 1), map(operator.ne, keys, keys[1:]))
            set(map(running.__getitem__, ends))  # every pièce balances: one running total
            step("pièce balances")
            set(block.split(b"\r\n"))
            step("duplicate lines")
    total = time.perf_counter() - start
    for name, seconds in steps.items():
        print(f"  {name:<48} {seconds:6.2f} s")
    print(f"  {'total':<48} {total:6.2f} s")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
