"""The command line imports a command's modules only when the command is asked for: what each
command is stays the same, and `tratool validate` loads neither Loop's HTTP client, Azure, the
converter nor the package metadata."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import click

from tests.conftest import FIXTURES

ROOT = Path(__file__).resolve().parent.parent

# A command's tree: its options and, for a group, its subcommands' trees.
TREE = """
import json, sys
import click
from tratool.cli import main

def tree(command):
    shape = {"params": sorted(p.name or "" for p in command.params)}
    if isinstance(command, click.Group):
        inner = click.Context(command)
        names = command.list_commands(inner)
        shape["commands"] = {n: tree(command.get_command(inner, n)) for n in names}
    return shape

context = click.Context(main)
names = sys.argv[1:] or main.list_commands(context)
print(json.dumps({n: tree(main.get_command(context, n)) for n in names}))
"""


def _python(code: str, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_every_command_is_in_the_table_and_nothing_else() -> None:
    from tratool.cli import main

    context = click.Context(main)
    for name in main.list_commands(context):
        assert main.get_command(context, name) is not None, name
    assert set(main.commands) == set(main.modules)
    # The commands people know, whatever the table says.
    assert {"validate", "convert", "push", "status", "dossier", "loop-sim"} <= set(main.commands)


def test_a_command_alone_is_the_command_among_all() -> None:
    """Loaded alone in a new process, each command has the options (--lang among them) and
    subcommands it has when every module is loaded: `dossier` takes subcommands from three
    modules, and a module left out of its row would lose some."""
    together = json.loads(_python(TREE))
    assert "lang" in together["validate"]["params"]
    assert {"list", "settings", "create"} <= set(together["dossier"]["commands"])
    for name in together:
        alone = json.loads(_python(TREE, name))
        assert alone[name] == together[name], name


def test_validate_does_not_import_what_it_does_not_use() -> None:
    code = (
        "import sys\nfrom tratool.cli import main\n"
        "try:\n    main(sys.argv[1:])\nexcept SystemExit as stop:\n    assert stop.code == 0\n"
        "print(sorted(m for m in sys.modules if m.startswith(('tratool.loop', 'tratool.azure', "
        "'tratool.conversion', 'tratool.submission', 'importlib.metadata', 'http'))))\n"
    )
    out = _python(code, "validate", str(FIXTURES / "ventes-std.tra"))
    assert out.splitlines()[-1] == "[]"


def test_version_is_the_one_pyproject_declares() -> None:
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    out = _python("from tratool.cli import main\nmain(['--version'])")
    assert out == f"tratool, version {declared}\n"


def test_a_group_asked_for_after_one_of_its_modules_has_all_its_subcommands() -> None:
    """`dossier` is defined in one module and gets subcommands from two others: importing the
    first (a test, a plugin) before asking for it must not leave them out."""
    code = "import tratool.cli.loop\n" + TREE.replace(
        "names = sys.argv[1:] or", "names = ['dossier'] or"
    )
    alone = json.loads(_python(code))["dossier"]
    assert {"list", "settings", "create", "show"} <= set(alone["commands"])
    assert "lang" in alone["commands"]["list"]["params"]


UNKNOWN = """
import sys
import click
from tratool.cli import main

if sys.argv[1] == "all loaded":
    context = click.Context(main)
    for name in main.list_commands(context):
        main.get_command(context, name)
main(sys.argv[2:])
"""


def test_an_unknown_command_is_answered_as_if_every_command_were_loaded() -> None:
    """click's 'did you mean …?' reads the commands loaded: a typo loads them all first."""
    for args in (["valdate", "x.tra"], ["--lang", "fr", "dosier"], ["loop"]):
        answers = []
        for state in ("fresh", "all loaded"):
            done = subprocess.run(
                [sys.executable, "-c", UNKNOWN, state, *args],
                capture_output=True,
                text=True,
                cwd=ROOT,
                check=False,
            )
            answers.append((done.returncode, done.stderr))
        assert answers[0] == answers[1]
        assert answers[0][0] == 2


def test_the_version_is_shown_whatever_the_language_setting() -> None:
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    done = subprocess.run(
        [sys.executable, "-m", "tratool", "--version"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "TRATOOL_LANG": "xx"},
        check=False,
    )
    assert (done.returncode, done.stdout) == (0, f"tratool, version {declared}\n")
