"""The Loop client against the simulator, over real HTTP."""

from __future__ import annotations

import json
import logging
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import FIXTURES
from tratool.azure import StorageTarget, upload
from tratool.errors import (
    LoopAmbiguousError,
    LoopAuthError,
    LoopForbidden,
    LoopQuotaError,
    LoopRejected,
    LoopRouteNotFound,
    LoopServerError,
    LoopTransportError,
)
from tratool.loop import LoopClient, LoopSettings, filters
from tratool.redaction import Secret
from tratool.testing import azurite
from tratool.testing.loop_simulator import Fault, Simulator, SimulatorOptions
from tratool.testing.loop_wire import ROUTES

SUB, API = "sim-subscription-key", "sim-key:sim-secret"


class Sleeps(list[float]):
    """Records the waits instead of waiting them."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def sim() -> Iterator[Simulator]:
    options = SimulatorOptions(dossiers=("MANON002",), waiting_seconds=0.1, running_seconds=0.1)
    with Simulator(options) as running:
        yield running


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def client(sim: Simulator, sleeps: Sleeps) -> LoopClient:
    return LoopClient(
        sim.settings(), subscription_key=SUB, api_key=API, sleep=sleeps, jitter=lambda: 1.0
    )


def sas_url(emulator: azurite.Azurite, path: Path, container: str) -> str:
    target = StorageTarget(
        connection_string=Secret(emulator.connection_string), container=container, retry_total=0
    )
    return upload(path, target).sas_url


def wait_for_end(client: LoopClient, request_id: str) -> list[str]:
    states: list[str] = []
    for _ in range(100):
        status = client.import_status(request_id)
        if not states or states[-1] != status.state:
            states.append(status.state)
        if status.terminal:
            return states
        time.sleep(0.05)
    raise AssertionError(f"no terminal status: {states}")


# -- imports -------------------------------------------------------------------------------------
def test_import_reads_the_sas_url_and_succeeds(
    client: LoopClient, sim: Simulator, emulator: azurite.Azurite
) -> None:
    url = sas_url(emulator, FIXTURES / "ventes-std.tra", "loop-ok")
    request_id = client.import_tra("MANON002", url=url)
    states = wait_for_end(client, request_id)
    assert states[0] == "waiting"
    assert states[-1] == "succeeded"
    assert sim.store.imports[request_id].errors == []
    status = client.import_status(request_id)
    assert status.raw["codeIBS"] == "MANON002"
    assert status.code == 3


def test_import_of_a_broken_file_fails(
    client: LoopClient, sim: Simulator, emulator: azurite.Azurite, tmp_path: Path
) -> None:
    broken = tmp_path / "broken.tra"
    # Pièce 101 of the fixture: D 1500,00 = C 1250,00 + C 250,00; one credit changed.
    data = (FIXTURES / "ventes-std.tra").read_bytes()
    broken.write_bytes(data.replace(b"C             1250,00N", b"C             1249,00N", 1))
    request_id = client.import_tra("MANON002", url=sas_url(emulator, broken, "loop-broken"))
    assert wait_for_end(client, request_id)[-1] == "failed"
    [error] = sim.store.imports[request_id].errors
    assert error.startswith("Pièce 101 ")
    assert "déséquilibrée de 1.00" in error


def test_unknown_status_codes_are_not_terminal(client: LoopClient, sim: Simulator) -> None:
    _, rid = sim.create_import({"codeIbs": "MANON002", "URL": "http://127.0.0.1:9/x"})
    assert rid is not None
    # Loop's partner screens use codes 10, 20, 25…: codes outside the map must not end polling.
    sim.store.imports[rid].status_override[:] = [10, 25, 4]
    seen = [client.import_status(rid) for _ in range(3)]
    assert [(s.code, s.state, s.terminal) for s in seen] == [
        (10, "unknown", False),
        (25, "unknown", False),
        (4, "failed", True),
    ]


def test_status_map_is_configurable(sim: Simulator) -> None:
    client = LoopClient(
        sim.settings(status_map={10: "waiting", 20: "running", 30: "succeeded"}),
        subscription_key=SUB,
        api_key=API,
    )
    _, rid = sim.create_import({"codeIbs": "MANON002", "URL": "http://127.0.0.1:9/x"})
    assert rid is not None
    sim.store.imports[rid].status_override[:] = [20, 30]
    assert client.import_status(rid).state == "running"
    assert client.import_status(rid).state == "succeeded"


def test_import_needs_exactly_one_location(client: LoopClient) -> None:
    with pytest.raises(ValueError, match="exactly one"):
        client.import_tra("MANON002")
    with pytest.raises(ValueError, match="exactly one"):
        client.import_tra("MANON002", url="https://a", uri="b")


def test_error_in_a_200_answer_is_an_error(client: LoopClient) -> None:
    with pytest.raises(LoopRejected, match="Le dossier INCONNU n'existe pas sur le domaine"):
        client.import_tra("INCONNU", url="https://example.invalid/x.tra")


def test_dossier_field_mismatch_says_which_setting(sim: Simulator) -> None:
    client = LoopClient(sim.settings(dossier_field="codeTbs"), subscription_key=SUB, api_key=API)
    with pytest.raises(LoopRejected, match="dossier_field setting"):
        client.import_tra("MANON002", url="https://example.invalid/x.tra")


def test_no_second_post_after_a_dropped_connection(client: LoopClient, sim: Simulator) -> None:
    sim.faults.append(Fault(status=0, method="POST", route="import_tra", after_processing=True))
    with pytest.raises(LoopAmbiguousError, match="may have processed it"):
        client.import_tra("MANON002", url="http://127.0.0.1:9/x.tra")
    assert sim.requests.count(("POST", "import_tra")) == 1
    assert len(sim.store.imports) == 1  # Loop did register it: a retry would have doubled it


def test_no_second_post_after_a_server_error(
    client: LoopClient, sim: Simulator, sleeps: Sleeps
) -> None:
    sim.faults.append(Fault(status=502, method="POST", route="import_tra"))
    with pytest.raises(LoopAmbiguousError, match="HTTP 502"):
        client.import_tra("MANON002", url="http://127.0.0.1:9/x.tra")
    assert sim.requests.count(("POST", "import_tra")) == 1
    assert sleeps == []


def test_post_refused_by_the_gateway_is_retried_after_retry_after(
    client: LoopClient, sim: Simulator, sleeps: Sleeps
) -> None:
    sim.faults.append(Fault(status=429, retry_after=2, method="POST", route="import_tra"))
    assert client.import_tra("MANON002", url="http://127.0.0.1:9/x.tra")
    assert sim.requests.count(("POST", "import_tra")) == 2
    assert len(sim.store.imports) == 1
    assert sleeps == [2.0]


def test_post_is_retried_when_the_connection_was_refused(sleeps: Sleeps) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings = LoopSettings(base_url=f"http://127.0.0.1:{port}/", max_attempts=3, backoff_base=0.5)
    client = LoopClient(
        settings, subscription_key=SUB, api_key=API, sleep=sleeps, jitter=lambda: 1.0
    )
    with pytest.raises(LoopTransportError, match="cannot connect"):
        client.import_tra("MANON002", url="http://x/y.tra")
    assert sleeps == [0.5, 1.0]  # exponential backoff between the three attempts


def test_a_refused_connection_names_the_default_port() -> None:
    """A URL without a port is reported with the one it was tried on, not 'None'."""
    from tratool.errors import NotSent
    from tratool.loop.transport import HttpTransport

    with pytest.raises(NotSent, match=r"cannot connect to 127\.0\.0\.1:443: "):
        HttpTransport(5, 5).request("GET", "https://127.0.0.1/", {})


def test_get_honours_retry_after_and_backoff(
    client: LoopClient, sim: Simulator, sleeps: Sleeps
) -> None:
    sim.faults.extend(
        [
            Fault(status=429, retry_after=3, method="GET"),
            Fault(status=503, method="GET"),
            Fault(status=403, retry_after=1, method="GET"),
        ]
    )
    assert [d["codeDossier"] for d in client.list_dossiers()] == ["MANON002"]
    assert sim.requests.count(("GET", "dossier")) == 5  # 3 refused, the page, the empty one
    assert sleeps[0] == 3.0  # Retry-After wins over a shorter backoff
    assert len(sleeps) == 3


def test_full_jitter_stays_under_the_exponential_ceiling(sim: Simulator) -> None:
    sleeps = Sleeps()
    draws = iter([0.5, 0.25, 0.9])
    client = LoopClient(
        sim.settings(backoff_base=2.0, backoff_cap=5.0),
        subscription_key=SUB,
        api_key=API,
        sleep=sleeps,
        jitter=lambda: next(draws),
    )
    sim.faults.extend([Fault(status=500, method="GET")] * 3)
    list(client.list_dossiers())
    assert sleeps == [0.5 * 2.0, 0.25 * 4.0, 0.9 * 5.0]  # ceilings 2, 4, then the cap


def test_get_gives_up_after_max_attempts(sim: Simulator, sleeps: Sleeps) -> None:
    client = LoopClient(
        sim.settings(max_attempts=2), subscription_key=SUB, api_key=API, sleep=sleeps
    )
    sim.faults.extend([Fault(status=500, method="GET")] * 2)
    with pytest.raises(LoopServerError, match="HTTP 500"):
        list(client.list_dossiers())


def test_a_retry_after_longer_than_allowed_is_reported(sim: Simulator, sleeps: Sleeps) -> None:
    client = LoopClient(
        sim.settings(max_retry_after=60), subscription_key=SUB, api_key=API, sleep=sleeps
    )
    sim.faults.append(Fault(status=429, retry_after=3600, method="GET"))
    with pytest.raises(LoopQuotaError, match="retry after 3600 s") as caught:
        list(client.list_dossiers())
    assert caught.value.retry_after == 3600
    assert sleeps == []


def test_fail_every_injects_server_errors(sleeps: Sleeps) -> None:
    with Simulator(SimulatorOptions(fail_every=2, dossiers=("A",))) as sim:
        client = LoopClient(sim.settings(), subscription_key=SUB, api_key=API, sleep=sleeps)
        for _ in range(3):
            assert len(list(client.list_dossiers())) == 1
        assert len(sleeps) >= 1


# -- gateway answers -----------------------------------------------------------------------------
def test_missing_and_invalid_keys_say_which_key(sim: Simulator) -> None:
    with pytest.raises(LoopAuthError, match="subscription key is missing"):
        LoopClient(sim.settings(), subscription_key="", api_key=API).import_status("x")
    with pytest.raises(LoopAuthError, match="invalid or its subscription inactive"):
        LoopClient(sim.settings(), subscription_key="wrong", api_key=API).import_status("x")
    with pytest.raises(LoopAuthError, match=r"TRATOOL_LOOP_API_KEY.*LoopHub"):
        LoopClient(sim.settings(), subscription_key=SUB, api_key="k:wrong").import_status("x")


def test_unknown_route_points_at_the_configuration(sim: Simulator) -> None:
    routes = {**LoopSettings().routes, "import_status": "getimportstatus"}
    client = LoopClient(sim.settings(routes=routes), subscription_key=SUB, api_key=API)
    with pytest.raises(LoopRouteNotFound, match=r"check the configured route \(\[loop.routes\]\)"):
        client.import_status("x")


def test_routes_are_configurable_end_to_end() -> None:
    options = SimulatorOptions(dossiers=("D1",), routes={**ROUTES, "import_tra": "importTRA"})
    with Simulator(options) as sim:
        default = LoopClient(sim.settings(), subscription_key=SUB, api_key=API)
        with pytest.raises(LoopRouteNotFound):  # the simulator's spelling is its own
            default.import_tra("D1", url="http://127.0.0.1:9/x.tra")
        routes = {**LoopSettings().routes, "import_tra": "importTRA"}
        client = LoopClient(sim.settings(routes=routes), subscription_key=SUB, api_key=API)
        assert client.import_tra("D1", url="http://127.0.0.1:9/x.tra")
        assert sim.requests[-1] == ("POST", "import_tra")


def test_403_without_retry_after_is_a_permission_problem(
    client: LoopClient, sim: Simulator, sleeps: Sleeps
) -> None:
    sim.faults.append(Fault(status=403, method="GET"))
    with pytest.raises(LoopForbidden, match="Cabinet APIKey"):
        list(client.list_groupes())
    assert sleeps == []


def test_keys_never_appear_in_reprs_errors_or_logs(
    sim: Simulator, caplog: pytest.LogCaptureFixture, sleeps: Sleeps
) -> None:
    client = LoopClient(sim.settings(), subscription_key=SUB, api_key=API, sleep=sleeps)
    sim.faults.append(Fault(status=429, retry_after=0, method="GET"))
    with caplog.at_level(logging.DEBUG):
        list(client.list_dossiers())
        with pytest.raises(LoopRejected) as caught:
            client.import_tra("NOPE", url="https://acct/x.tra?sv=1&sig=SECRETSIG")
    text = "\n".join([repr(client), str(caught.value), caplog.text])
    for secret in (SUB, API, "SECRETSIG"):
        assert secret not in text


# -- firm resources ------------------------------------------------------------------------------
def test_pagination_walks_every_page(client: LoopClient, sim: Simulator) -> None:
    result = client.create_dossiers([{"codeDossier": f"D{i:03}", "nature": 2} for i in range(60)])
    assert result.ok
    assert len(result.success) == 60
    codes = [d["codeDossier"] for d in client.list_dossiers(page_size=7, sort="codeDossier")]
    assert codes == ["D000", *(f"D{i:03}" for i in range(1, 60)), "MANON002"][: len(codes)]
    assert len(codes) == 61
    # 8 full pages of 7, then 5, then the empty page that proves the end
    assert sim.requests.count(("GET", "dossier")) == 10


def test_select_sort_and_filter(client: LoopClient) -> None:
    client.create_dossiers(
        [
            {"codeDossier": "B1", "nom": "Martin", "groupeTravail": "G"},
            {"codeDossier": "A1", "nom": "Durand", "groupeTravail": "G"},
        ]
    )
    rows = list(
        client.list_dossiers(
            filter=filters.eq("groupeTravail", "G"),
            sort="codeDossier:desc",
            select=["codeDossier", "nom"],
        )
    )
    assert rows == [{"codeDossier": "B1", "nom": "Martin"}, {"codeDossier": "A1", "nom": "Durand"}]


def test_create_one_dossier_has_the_object_envelope(client: LoopClient) -> None:
    result = client.create_dossiers(
        [{"codeDossier": "1119089", "nature": 2, "raisonSociale": "FT FRANCE"}]
    )
    [created] = result.success
    assert created["objectId"]
    assert created["revisionId"].startswith("0x")
    again = client.create_dossiers([{"codeDossier": "1119089"}])
    assert not again.ok
    assert "existe déjà" in again.errors[0]["message"]


def test_update_with_a_stale_revision_is_an_error_item(client: LoopClient) -> None:
    [created] = client.create_dossiers([{"codeDossier": "R1", "nom": "A"}]).success
    first = client.update_dossier({**created, "nom": "B"})
    assert first.ok
    stale = client.update_dossier({**created, "nom": "C"})  # the old revisionId
    assert not stale.ok
    assert "obsolète" in stale.errors[0]["message"]
    [current] = client.list_dossiers(filter=filters.eq("codeDossier", "R1"))
    assert current["nom"] == "B"


def test_delete_reports_success_and_errors_per_item(client: LoopClient) -> None:
    created = client.create_dossiers([{"codeDossier": "X1"}, {"codeDossier": "X2"}]).success
    result = client.delete_dossiers(
        [(created[0]["objectId"], created[0]["revisionId"]), (created[1]["objectId"], "0xSTALE")]
    )
    assert [s["status"] for s in result.success] == ["deleted"]
    assert result.success[0]["objectId"] == created[0]["objectId"]
    assert len(result.errors) == 1
    remaining = {d["codeDossier"] for d in client.list_dossiers()}
    assert remaining == {"MANON002", "X2"}


def test_groupes_use_the_data_envelope(client: LoopClient) -> None:
    assert client.create_groupes(
        [{"code": "groupe-Test", "description": "groupe de travail", "agence": ""}]
    ).ok
    assert [g["code"] for g in client.list_groupes()] == ["groupe-Test"]
    [groupe] = client.list_groupes()
    assert client.update_groupe({**groupe, "description": "autre"}).ok
    assert client.delete_groupes(
        [(groupe["objectId"], client.list_groupes().__next__()["revisionId"])]
    ).ok
    assert list(client.list_groupes()) == []


def test_other_firm_resources(client: LoopClient, sim: Simulator) -> None:
    sim.store.create("agence", [{"code": "NANTES"}])
    sim.store.create("collaborateur", [{"identifiant": "Collaborateur_100"}])
    [agence] = client.list_agences()
    assert client.update("agence", {**agence, "libelle": "Nantes"}).ok
    assert [c["identifiant"] for c in client.list_collaborateurs()] == ["Collaborateur_100"]
    [created] = client.create_engagement({"codeIBS": "E1", "description": "Mission"}).success
    assert client.update_engagement({**created, "description": "Mission 2"}).ok
    [engagement] = sim.store.records["engagement"]
    assert engagement["description"] == "Mission 2"
    assert sim.requests.count(("POST", "engagement")) == 2  # both are POSTs, as the seed says


@given(st.text(max_size=30).filter(lambda v: all(ord(c) >= 0x20 for c in v)))
def test_any_value_round_trips_through_a_filter(value: str) -> None:
    built = filters.eq("raisonSociale", value) & filters.where("nom", "!=", None)
    parsed = filters.parse(str(built))
    assert parsed == built
    assert filters.matches(parsed, {"raisonSociale": value, "nom": "x"})
    assert not filters.matches(parsed, {"raisonSociale": value + "x", "nom": "x"})


def test_hostile_values_match_only_themselves(client: LoopClient) -> None:
    hostile = ['a" || true || "', 'x\\" && codeDossier != "', "&&", "\\", "l'apostrophe"]
    client.create_dossiers(
        [{"codeDossier": f"H{i}", "raisonSociale": v} for i, v in enumerate(hostile)]
    )
    for i, value in enumerate(hostile):
        found = list(client.list_dossiers(filter=filters.eq("raisonSociale", value)))
        assert [d["codeDossier"] for d in found] == [f"H{i}"]


def test_state_persists_to_a_file(tmp_path: Path) -> None:
    state = tmp_path / "loop-state.json"
    with Simulator(SimulatorOptions(state=state, dossiers=("P1",))) as sim:
        client = LoopClient(sim.settings(), subscription_key=SUB, api_key=API)
        client.create_dossiers([{"codeDossier": "P2"}])
    assert json.loads(state.read_text(encoding="utf-8"))["records"]["dossier"]
    with Simulator(SimulatorOptions(state=state)) as again:
        client = LoopClient(again.settings(), subscription_key=SUB, api_key=API)
        assert {d["codeDossier"] for d in client.list_dossiers()} == {"P1", "P2"}


# -- command line ------------------------------------------------------------------------------
def test_cli_loop_sim_serves_until_terminated(tmp_path: Path) -> None:
    import signal
    import subprocess
    import sys

    exe = Path(sys.executable).parent / "tratool"
    process = subprocess.Popen(
        [str(exe), "loop-sim", "--dossier", "MANON002", "--state", str(tmp_path / "s.json")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline().strip()
        assert line.startswith("listening on http://127.0.0.1:")
        base = line.split()[-1] + "/loop-api-publiques/"
        client = LoopClient(LoopSettings(base_url=base), subscription_key=SUB, api_key=API)
        assert [d["codeDossier"] for d in client.list_dossiers()] == ["MANON002"]
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
        process.stdout.close()  # type: ignore[union-attr]
        process.stderr.close()  # type: ignore[union-attr]


def _cli(sim: Simulator, *args: str, stdin: str | None = None) -> tuple[int, str, str]:
    from click.testing import CliRunner

    from tratool.cli import main

    env = {
        "TRATOOL_LOOP_BASE_URL": sim.url,
        "TRATOOL_LOOP_SUBSCRIPTION_KEY": SUB,
        "TRATOOL_LOOP_API_KEY": API,
    }
    result = CliRunner(env=env).invoke(main, list(args), input=stdin)
    return result.exit_code, result.stdout, result.stderr


def test_cli_dossier_create_list_delete(sim: Simulator, tmp_path: Path) -> None:
    body = tmp_path / "dossiers.json"
    body.write_text(
        json.dumps(
            [
                {
                    "codeDossier": "1119089",
                    "nature": 2,
                    "raisonSociale": "FT FRANCE",
                    "nomUsuel": "ORANGE MARINE",
                }
            ]
        ),
        encoding="utf-8",
    )
    code, out, _ = _cli(sim, "dossier", "create", str(body))
    assert code == 0
    assert out.startswith("created  1119089")
    code, out, _ = _cli(sim, "dossier", "list", "--where", "codeDossier=1119089")
    assert code == 0
    assert out.splitlines()[0].split() == [
        "codeDossier",
        "raisonSociale",
        "nomUsuel",
        "groupeTravail",
    ]
    assert "FT FRANCE" in out.splitlines()[1]
    code, out, _ = _cli(
        sim, "dossier", "list", "--format", "json", "--select", "codeDossier,nature"
    )
    assert json.loads(out) == [
        {"codeDossier": "MANON002", "nature": 2},
        {"codeDossier": "1119089", "nature": 2},
    ]
    code, out, err = _cli(sim, "dossier", "delete", "1119089")  # not a terminal, no --yes
    assert code == 2
    assert "about to delete" in out
    assert "1119089" in out
    assert "refusing to delete without --yes" in err
    assert sim.store.find("dossier", "1119089") is not None
    code, out, _ = _cli(sim, "dossier", "delete", "1119089", "--yes")
    assert code == 0
    assert "deleted" in out
    assert sim.store.find("dossier", "1119089") is None


def test_cli_dossier_delete_of_an_unknown_code_deletes_nothing(sim: Simulator) -> None:
    code, _, err = _cli(sim, "dossier", "delete", "MANON002", "NOPE", "--yes")
    assert code == 1
    assert "no dossier 'NOPE'" in err
    assert sim.store.find("dossier", "MANON002") is not None


def test_cli_groupe_list_and_errors(sim: Simulator) -> None:
    sim.store.create("groupe", [{"code": "LOOP-DOSSIER-CABINET", "description": "Cabinet"}])
    code, out, _ = _cli(sim, "groupe", "list", "--format", "json")
    assert code == 0
    assert [g["code"] for g in json.loads(out)] == ["LOOP-DOSSIER-CABINET"]
    from click.testing import CliRunner

    from tratool.cli import main

    result = CliRunner(
        env={
            "TRATOOL_LOOP_BASE_URL": sim.url,
            "TRATOOL_LOOP_SUBSCRIPTION_KEY": "",
            "TRATOOL_LOOP_API_KEY": API,
        }
    ).invoke(main, ["groupe", "list"])
    assert result.exit_code == 4
    assert "subscription key is missing" in result.stderr


def test_docs_configuration_example_loads(tmp_path: Path) -> None:
    import re

    from tests.conftest import ROOT
    from tratool.config import load_config
    from tratool.loop.settings import PRESETS, settings_for

    doc = (ROOT / "docs" / "loop.md").read_text(encoding="utf-8")
    [example] = re.findall(r"```toml\n(.*?)```", doc, re.S)
    (tmp_path / "tratool.toml").write_text(example, encoding="utf-8")
    table = load_config(tmp_path / "tratool.toml").section("loop")
    settings = settings_for(table, env={})
    assert settings.base_url == PRESETS["inte"]
    assert settings.status_map[3] == "succeeded"
    assert settings.routes["dossier"] == "dossierClient"
    override = settings_for(table, env={}, base_url="http://127.0.0.1:1/x/")
    assert override.base_url == "http://127.0.0.1:1/x/"


def test_paging_survives_a_server_cap_on_take() -> None:
    """A server that returns at most 5 records whatever `take` asks: a short page is not the
    end, so every record still comes back."""
    with Simulator(SimulatorOptions(max_take=5)) as capped:
        client = LoopClient(capped.settings(), subscription_key=SUB, api_key=API)
        client.create_dossiers([{"codeDossier": f"C{i:02}"} for i in range(12)])
        codes = [d["codeDossier"] for d in client.list_dossiers(sort="codeDossier")]
        assert codes == [f"C{i:02}" for i in range(12)]
        assert capped.requests.count(("GET", "dossier")) == 4  # 5 + 5 + 2, then the empty page


@pytest.mark.parametrize(
    ("method", "route"),
    [
        ("DELETE", "AgenceCabinet"),
        ("POST", "AgenceCabinet"),
        ("DELETE", "CollaborateurCabinet"),
        ("GET", "engagement"),
        ("PUT", "engagement"),
        ("DELETE", "engagement"),
        ("GET", "importTra"),
        ("POST", "getImportStatus"),
        ("PATCH", "dossierClient"),
        ("GET", "collaborateurcabinet"),  # the case of the seed's spelling matters
    ],
)
def test_the_simulator_answers_only_the_seed_verbs(sim: Simulator, method: str, route: str) -> None:
    """A verb the seed's catalogue does not list gets the gateway's 404, whatever the route."""
    from tratool.loop.transport import HttpTransport

    headers = {"Ocp-Apim-Subscription-Key": SUB, "x-apikey": API}
    answer = HttpTransport(5, 5).request(
        method,
        sim.url + route + "?codeDossier=cabinet",
        headers,
        b"[]" if method != "GET" else None,
    )
    assert (answer.status, answer.json()) == (
        404,
        {"statusCode": 404, "message": "Resource not found"},
    )
