"""The README's Python example runs as printed (on a copy of a fixture)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

import tratool
from tests.conftest import FIXTURES, ROOT


def test_readme_python_example_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    [code] = re.findall(r"```python\n(.*?)```", readme, re.S)
    shutil.copy(FIXTURES / "ventes-std.tra", tmp_path / "PG00001.TRA")
    monkeypatch.chdir(tmp_path)
    exec(compile(code, "README.md", "exec"), {})
    labels = [e.label for _, e in tratool.read(tmp_path / "PG00001-upper.TRA").entries()]
    assert labels
    assert all(label == label.upper() for label in labels)
