from __future__ import annotations

import datetime as dt
import importlib.util
import io
import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from azure.storage.blob import BlobServiceClient, ContainerSasPermissions, generate_container_sas
from hypothesis import HealthCheck, Phase, settings

import tratool
from tratool.testing import azurite

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
VECTORS: dict[str, list[str]] = json.loads(
    (Path(__file__).parent / "data" / "vectors.json").read_text(encoding="utf-8")
)

# CI gets more examples; a local run stays quick. No per-example deadline: several properties
# write and read real files, and a loaded CI machine must not turn that into a flaky failure.
settings.register_profile(
    "ci", max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", max_examples=60, deadline=None)
# make mutation (scripts/mutation.py): a failing example is enough to kill a mutant; shrinking
# it would only hold the worker until the mutant's timeout. A surviving mutant of the writer
# runs every property: 25 examples each, as make test's fuzz suite.
settings.register_profile(
    "mutation",
    max_examples=25,
    deadline=None,
    phases=(Phase.explicit, Phase.reuse, Phase.generate),
    database=None,
)
settings.load_profile("ci" if os.environ.get("CI") else "dev")


def run_builder(script: Path, directory: Path) -> None:
    """Run a fixture builder script's ``main(directory)``: it writes its files there."""
    spec = importlib.util.spec_from_file_location(script.stem, script)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.main(directory)


def tra_bytes(*lines: str, ending: str = "\r\n", encoding: str = "cp1252") -> bytes:
    return "".join(line + ending for line in lines).encode(encoding)


def read_all(
    data: bytes, **kwargs: object
) -> tuple[tratool.TraReader, list[tuple[int, tratool.Record]]]:
    reader = tratool.read(io.BytesIO(data), **kwargs)  # type: ignore[arg-type]
    return reader, list(reader)


@pytest.fixture
def std_header_line() -> str:
    return next(tratool.render_lines([tratool.Header(format="STD", generated_at=None)]))


@pytest.fixture
def ete_header_line() -> str:
    return next(tratool.render_lines([tratool.Header(format="ETE", generated_at=None)]))


@pytest.fixture(scope="session")
def emulator() -> Iterator[azurite.Azurite]:
    executable = azurite.find_azurite(Path(__file__).parent)
    if executable is None or shutil.which("node") is None:
        message = "Azurite is not installed (make test runs npm ci)"
        if os.environ.get("CI"):
            pytest.fail(message)  # in CI a missing emulator is a failure, never a skip
        pytest.skip(message)
    with azurite.Azurite(executable) as running:
        yield running


@pytest.fixture(autouse=True)
def private_cache(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Dossier settings are cached in the user cache directory: never the real one in tests."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))


@pytest.fixture(autouse=True)
def english_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests assert English unless they choose French: a French locale on the developer's
    machine must not change their outcome (a test of the locale sets TRATOOL_LANG="")."""
    monkeypatch.setenv("TRATOOL_LANG", "en")


def container_sas(
    emulator: azurite.Azurite, container: str, permission: str, hours: float = 48
) -> str:
    """A container made for the test, and a SAS URL to it signed with the account key."""
    service = BlobServiceClient.from_connection_string(emulator.connection_string)
    service.create_container(container)
    token = generate_container_sas(
        azurite.ACCOUNT,
        container,
        account_key=azurite.KEY,
        permission=ContainerSasPermissions.from_string(permission),
        expiry=dt.datetime.now(dt.UTC) + dt.timedelta(hours=hours),
    )
    return f"{emulator.blob_endpoint}/{container}?{token}"
