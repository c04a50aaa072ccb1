"""A typo in a rule selection never switches a check off: unknown IDs in --select, --ignore and
[validate] select / ignore / severity are a configuration error (exit 2) naming the closest ID."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from tratool.cli import main
from tratool.errors import ConfigError
from tratool.validation import ValidationConfig

from .conftest import FIXTURES


def _unbalanced(folder: Path) -> Path:
    """ventes-std.tra with one amount changed: its pièce and the file no longer balance."""
    data = (FIXTURES / "ventes-std.tra").read_bytes()
    assert data.count(b"1250,00") == 1
    path = folder / "unbalanced.tra"
    path.write_bytes(data.replace(b"1250,00", b"1251,00"))
    return path


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("option", "typo", "closest"),
    [
        ("--select", "TRA-Z99", "TRA-X09"),
        ("--select", "X01", "TRA-X01"),
        ("--select", "TRA-XO1", "TRA-X01"),  # a letter O for a zero
        ("--ignore", "TRA-F1I", "TRA-F11"),
    ],
)
def test_an_unknown_rule_on_the_command_line_is_a_usage_error(
    tmp_path: Path, option: str, typo: str, closest: str
) -> None:
    code, output = _run("validate", str(_unbalanced(tmp_path)), option, typo)
    assert code == 2
    assert f"unknown rule {typo!r}; did you mean {closest}?" in output
    assert "ok:" not in output


def test_a_known_prefix_still_selects_a_family(tmp_path: Path) -> None:
    code, output = _run("validate", str(_unbalanced(tmp_path)), "--select", "TRA-X")
    assert code == 1
    assert "TRA-X01" in output


@pytest.mark.parametrize(
    ("table", "said"),
    [
        (
            'select = ["TRA-XO1"]',
            "[validate] select: unknown rule 'TRA-XO1'; did you mean TRA-X01?",
        ),
        ('ignore = ["TRA-Q"]', "[validate] ignore: unknown rule 'TRA-Q'; did you mean TRA-"),
        (
            "[validate.severity]\nTRA-X1 = 'warning'",
            "[validate.severity]: unknown rule 'TRA-X1'; did you mean TRA-X01?",
        ),
    ],
)
def test_an_unknown_rule_in_the_configuration_file_is_a_usage_error(
    tmp_path: Path, table: str, said: str
) -> None:
    (tmp_path / "tratool.toml").write_text(f"[validate]\n{table}\n", encoding="utf-8")
    code, output = _run("validate", str(_unbalanced(tmp_path)))
    assert code == 2
    assert f"tratool.toml: {said}" in output


def test_the_library_refuses_an_unknown_selection_too() -> None:
    with pytest.raises(ConfigError, match=r"unknown rule 'TRA-D6'; did you mean TRA-D06?"):
        ValidationConfig(ignore=("TRA-D6",))
    with pytest.raises(ConfigError, match="did you mean TRA-S01"):
        ValidationConfig.from_mapping({"severity": {"TRA-S1": "off"}})
