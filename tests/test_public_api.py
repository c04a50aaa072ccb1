"""The package surface: what `import tratool` offers, and what it must not drag in."""

from __future__ import annotations

import ast
import inspect
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

import tratool
import tratool.errors
import tratool.i18n
from tests.conftest import FIXTURES, tra_bytes

# The entry points the README promises, by name: a rename or a lost export fails here.
PROMISED = {
    "read",
    "write",
    "scan",
    "validate",
    "convert",
    "export",
    "upload",
    "push",
    "LoopClient",
    "Entry",
    "Header",
    "Journal",
    "Report",
    "Finding",
    "SubmissionJournal",
    "StorageTarget",
    "PollPolicy",
}
INTERNAL_ERRORS = {"TransportFailure", "NotSent", "MaybeSent"}  # the Loop client's plumbing


def test_the_promised_names_are_exported() -> None:
    assert set(tratool.__all__) >= PROMISED
    assert all(hasattr(tratool, name) for name in tratool.__all__)


def test_every_public_exception_is_exported_and_is_a_tra_error() -> None:
    exceptions = {
        name
        for name, value in vars(tratool.errors).items()
        if inspect.isclass(value) and issubclass(value, BaseException)
    }
    assert {"TraError", "LoopError", "StorageError", "DuplicateSubmission"} <= exceptions
    assert exceptions - INTERNAL_ERRORS <= set(tratool.__all__)
    assert all(issubclass(getattr(tratool.errors, name), tratool.TraError) for name in exceptions)


def test_import_tratool_pulls_in_no_cli_no_azure_sdk_no_http_server_no_numpy() -> None:
    # A fresh interpreter: this test process has long imported all of these.
    code = (
        "import sys, tratool\n"
        "heavy = ('click', 'azure.storage', 'azure.identity', 'http.server', 'numpy', 'babel')\n"
        "print([m for m in sys.modules if m.startswith(heavy)])\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == "[]"


def test_validating_imports_none_of_the_layers_a_validation_never_uses() -> None:
    # Conversion, Azure, Loop and push are imported on first use of one of their names; the
    # version asks the installed metadata only when read.
    code = (
        "import sys, tratool\n"
        "layers = ('tratool.conversion', 'tratool.azure', 'tratool.loop', 'tratool.submission',"
        " 'tratool._version', 'importlib.metadata')\n"
        "print([m for m in sys.modules if m.startswith(layers)])\n"
        "print(tratool.convert.__module__, tratool.push.__module__, tratool.upload.__module__)\n"
        "print(tratool.LoopClient.__name__, tratool.__version__ != '', 'convert' in dir(tratool))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.splitlines() == [
        "[]",
        "tratool.conversion tratool.submission.push tratool.azure.uploader",
        "LoopClient True True",
    ]


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'nothing_here'"):
        tratool.nothing_here  # noqa: B018


def test_reading_and_validating_a_small_file_imports_no_numpy() -> None:
    # numpy costs a tenth of a second to import: only a file with a grid block pays it.
    code = (
        "import sys, tratool\n"
        "name = sys.argv[1]\n"
        "with tratool.read(name) as reader:\n"
        "    records = list(reader)\n"
        "tratool.validate(name)\n"
        "print(len(records) > 1, 'numpy' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(FIXTURES / "ventes-std.tra")],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert done.stdout.split() == ["True", "False"]


def test_export_to_a_stream_and_to_a_file(tmp_path: Path) -> None:
    out = io.StringIO()
    result = tratool.export(FIXTURES / "ventes-std.tra", out, to="json")
    rows = json.loads(out.getvalue())
    assert result.written
    assert not result.has_errors
    assert result.entries == len(rows) > 0
    assert rows[0]["line"] == 2  # line 1 is the header
    target = tmp_path / "entries.csv"
    assert tratool.export(FIXTURES / "ventes-std.tra", target, to="csv").written
    assert target.read_text(encoding="utf-8").startswith("line,")


def test_export_of_a_file_with_read_errors_leaves_no_file(tmp_path: Path) -> None:
    source = tmp_path / "broken.tra"
    source.write_bytes(tra_bytes("not a header"))
    target = tmp_path / "out.json"
    result = tratool.export(source, target, to="json")
    assert result.has_errors
    assert not result.written
    assert not target.exists()
    assert list(tmp_path.iterdir()) == [source]  # no temporary file left either


def test_export_refuses_its_own_input_as_output(tmp_path: Path) -> None:
    source = tmp_path / "PG.tra"
    source.write_bytes((FIXTURES / "ventes-std.tra").read_bytes())
    with pytest.raises(tratool.UnreadableInput, match="is the input file"):
        tratool.export(source, source, to="json")
    assert source.read_bytes() == (FIXTURES / "ventes-std.tra").read_bytes()


def _module_level_imports(path: str) -> set[str]:
    """The tratool modules `path` imports when it is loaded (not those inside functions)."""
    tree = ast.parse(Path(path).read_text(encoding="utf-8"))
    return {
        node.module or ""
        for node in tree.body
        if isinstance(node, ast.ImportFrom) and node.level > 0
    }


def test_errors_module_imports_nothing_of_tratool_but_redaction_and_i18n() -> None:
    # errors.py sits under every layer: a type it named from above (even only for type
    # checking) would draw an import circle through the layers. Its messages are Texts
    # (i18n), which itself loads nothing of tratool.
    assert _module_level_imports(tratool.errors.__file__) == {"redaction", "i18n"}
    assert _module_level_imports(tratool.i18n.__file__) == set()
