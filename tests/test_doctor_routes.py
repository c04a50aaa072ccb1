"""doctor tells "the status route is missing" from "Loop does not know this import id", against
the simulator: the gateway's own 404 for a missing operation, Loop's 404 for an unknown id."""

from __future__ import annotations

from tratool.loop import LoopClient, LoopSettings
from tratool.submission.doctor import loop_route_checks
from tratool.testing.loop_simulator import Simulator, SimulatorOptions

SUB, API = "sim-subscription-key", "sim-key:sim-secret"


def checks(sim: Simulator, **settings: object) -> list[tuple[str, str, str]]:
    client = LoopClient(sim.settings(**settings), subscription_key=SUB, api_key=API)
    return [(str(c.name), c.level, str(c.detail)) for c in loop_route_checks(client)]


def test_status_route_answering_an_error_for_the_made_up_id_is_ok() -> None:
    with Simulator() as sim:
        [dossiers, status] = checks(sim)
    assert dossiers[:2] == ("Loop dossiers", "ok")
    assert status[:2] == ("Loop import status", "ok")


def test_a_loop_404_for_an_unknown_id_is_not_a_missing_route() -> None:
    with Simulator(SimulatorOptions(unknown_import_404=True)) as sim:
        [_, status] = checks(sim)
    assert status == (
        "Loop import status",
        "ok",
        "the route answers (HTTP 404 from Loop for an unknown id)",
    )


def test_a_misspelt_status_route_is_reported_missing() -> None:
    routes = {**LoopSettings().routes, "import_status": "GetStatus"}
    with Simulator(SimulatorOptions(unknown_import_404=True)) as sim:
        [dossiers, status] = checks(sim, routes=routes)
    assert dossiers[1] == "ok"
    assert status[1] == "fail"
    assert status[2].startswith("route missing: the gateway has no operation there")
    assert "[loop.routes] import_status" in status[2]
    assert "doctor could not tell" in status[2]  # what it cannot know is said


def test_a_wrong_base_url_fails_both_routes() -> None:
    with Simulator() as sim:
        [dossiers, status] = checks(sim, base_url=sim.origin + "/wrong-base/")
    assert dossiers[1] == "fail"
    assert status[1] == "fail"
    assert "check the base URL" in status[2]
