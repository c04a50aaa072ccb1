"""Loop calls honour HTTPS_PROXY / HTTP_PROXY / NO_PROXY, through a real forward proxy started
on loopback by the test — and "not sent" stays exact when the proxy is down or the tunnel
fails."""

from __future__ import annotations

import base64
import shutil
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import FIXTURES
from tests.forward_proxy import ForwardProxy
from tratool.cli import main
from tratool.errors import LoopTransportError
from tratool.loop import LoopClient, LoopSettings
from tratool.testing import azurite
from tratool.testing.loop_simulator import Simulator, SimulatorOptions

SUB, API = "sim-subscription-key", "sim-key:sim-secret"
PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "http_proxy", "https_proxy", "no_proxy")


@pytest.fixture
def sim() -> Iterator[Simulator]:
    options = SimulatorOptions(dossiers=("MANON002",), waiting_seconds=0.1, running_seconds=0.1)
    with Simulator(options) as running:
        yield running


@pytest.fixture
def proxy(monkeypatch: pytest.MonkeyPatch) -> Iterator[ForwardProxy]:
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    with ForwardProxy() as running:
        yield running


def client_for(settings: LoopSettings) -> LoopClient:
    return LoopClient(settings, subscription_key=SUB, api_key=API, sleep=lambda s: None)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_http_proxy_carries_every_loop_call(
    sim: Simulator, proxy: ForwardProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    rows = list(client_for(sim.settings()).list_dossiers())
    assert [r["codeDossier"] for r in rows] == ["MANON002"]
    assert proxy.seen[0] == ("GET", sim.url + "dossierClient?codeDossier=cabinet&skip=0&take=100")
    assert len(proxy.seen) == len(sim.requests) == 2  # the page and the empty page


def test_no_proxy_bypasses_it(
    sim: Simulator, proxy: ForwardProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("http_proxy", proxy.url)
    monkeypatch.setenv("no_proxy", "localhost,127.0.0.1")
    assert list(client_for(sim.settings()).list_dossiers())
    assert proxy.seen == []


def test_proxy_credentials_become_a_header(
    sim: Simulator, proxy: ForwardProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTP_PROXY", proxy.url.replace("http://", "http://ci-user:p%40ss@"))
    assert list(client_for(sim.settings()).list_dossiers())
    expected = "Basic " + base64.b64encode(b"ci-user:p@ss").decode()
    assert proxy.authorizations == [expected, expected]


def test_a_proxy_that_is_down_means_not_sent(
    sim: Simulator, proxy: ForwardProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{free_port()}")
    client = client_for(sim.settings(max_attempts=2))
    with pytest.raises(LoopTransportError, match=r"via proxy 127\.0\.0\.1"):
        client.import_tra("MANON002", url="http://127.0.0.1:9/x.tra")
    assert sim.requests == []  # never reached Loop: retrying the POST was safe


def test_https_goes_through_a_connect_tunnel(
    sim: Simulator, proxy: ForwardProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An https target is tunnelled: the proxy sees CONNECT host:port, never the request. Here
    the tunnel leads to a plain-HTTP port, so TLS fails inside connect(): not sent."""
    monkeypatch.setenv("HTTPS_PROXY", proxy.url)
    port = sim.origin.rsplit(":", 1)[1]
    client = client_for(LoopSettings(base_url=f"https://127.0.0.1:{port}/x/", max_attempts=1))
    with pytest.raises(LoopTransportError, match="cannot connect"):
        client.import_tra("MANON002", url="http://127.0.0.1:9/x.tra")
    assert proxy.seen == [("CONNECT", f"127.0.0.1:{port}")]
    assert ("POST", "import_tra") not in sim.requests


def test_a_push_through_the_proxy(
    sim: Simulator,
    proxy: ForwardProxy,
    emulator: azurite.Azurite,
    tmp_path: Path,
) -> None:
    """The whole push behind a corporate-style proxy: the upload (Azure SDK), the import
    request, the status polls, and Loop's own download of the SAS URL all go through it."""
    tra = tmp_path / "PG00001.TRA"
    shutil.copy(FIXTURES / "ventes-std.tra", tra)
    env = {
        "HTTP_PROXY": proxy.url,
        "TRATOOL_LOOP_BASE_URL": sim.url,
        "TRATOOL_LOOP_SUBSCRIPTION_KEY": SUB,
        "TRATOOL_LOOP_API_KEY": API,
        "AZURE_STORAGE_CONNECTION_STRING": emulator.connection_string,
        "TRATOOL_JOURNAL": str(tmp_path / "journal.sqlite"),
    }
    result = CliRunner(env=env).invoke(main, ["push", str(tra), "--dossier", "MANON002"])
    assert result.exit_code == 0, result.output
    methods = {(method, url.split("?")[0].rsplit("/", 1)[-1]) for method, url in proxy.seen}
    assert ("POST", "importTra") in methods
    assert ("GET", "getImportStatus") in methods
    assert ("PUT", "PG00001.TRA") in methods  # the upload to Azurite
    assert len(sim.store.imports) == 1
