"""A Loop simulator that never makes a test wait, and the clock that drives it.

`FakeTime` is the simulator's clock and the push's sleep at once: sleeping moves it, nothing
waits. `instant_loop` starts a simulator whose imports are processed before their POST is
answered and end at once (a test that wants one still running sets `waiting_seconds`: on a
clock that only moves when told to, it stays running), in a working directory whose
tratool.toml makes command-line runs poll and retry within milliseconds.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest

from tratool.testing.loop_simulator import Simulator, SimulatorOptions


@attrs.define
class FakeTime:
    now: float = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


@contextlib.contextmanager
def instant_loop(
    folder: Path, monkeypatch: pytest.MonkeyPatch, config: str, **options: Any
) -> Iterator[Simulator]:
    """A running simulator on a `FakeTime` (``sim.clock``); `config` goes to tratool.toml in
    `folder`, which becomes the working directory."""
    (folder / "tratool.toml").write_text(config, encoding="utf-8")
    monkeypatch.chdir(folder)
    settings = SimulatorOptions(
        dossiers=("MANON002",),
        waiting_seconds=0,
        running_seconds=0,
        process_inline=True,
        **options,
    )
    with Simulator(settings, clock=FakeTime()) as running:
        yield running


def fake_time(sim: Simulator) -> FakeTime:
    """The clock of a simulator started by `instant_loop`."""
    assert isinstance(sim.clock, FakeTime)
    return sim.clock
