"""Every firm-settings command of the CLI, against the Loop simulator over real HTTP, and a few
against the recording server (what the command really puts on the wire)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from tests.wire_recorder import Recorder
from tratool.cli import main
from tratool.testing.loop_simulator import Simulator, SimulatorOptions

SUB, API = "sim-subscription-key", "sim-key:sim-secret"


@pytest.fixture
def sim() -> Iterator[Simulator]:
    with Simulator(SimulatorOptions(dossiers=("MANON002",))) as running:
        yield running


def run(base_url: str, *args: str, stdin: str | None = None) -> tuple[int, str, str]:
    env = {
        "TRATOOL_LOOP_BASE_URL": base_url,
        "TRATOOL_LOOP_SUBSCRIPTION_KEY": SUB,
        "TRATOOL_LOOP_API_KEY": API,
    }
    result = CliRunner(env=env).invoke(main, list(args), input=stdin)
    return result.exit_code, result.stdout, result.stderr


def write_json(path: Path, data: Any) -> str:
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


def test_dossier_show_and_update(sim: Simulator) -> None:
    code, out, _ = run(sim.url, "dossier", "show", "MANON002", "--format", "json")
    assert code == 0
    assert json.loads(out)["codeDossier"] == "MANON002"
    code, out, _ = run(sim.url, "dossier", "update", "MANON002", "--set", "nomUsuel=MANON")
    assert (code, out.split()[:2]) == (0, ["updated", "MANON002"])
    assert sim.store.find("dossier", "MANON002")["nomUsuel"] == "MANON"  # type: ignore[index]
    code, _, err = run(sim.url, "dossier", "show", "NOPE")
    assert code == 1
    assert "no dossier 'NOPE'" in err


def test_a_code_with_a_control_character_is_a_usage_error(sim: Simulator, tmp_path: Path) -> None:
    """It cannot be written in a Loop filter: exit 2 and nothing sent, not an internal error."""
    for args in (
        ["dossier", "show", "X\x1b[31m"],
        ["dossier", "delete", "X\nY", "--yes"],
        ["dossier", "create", write_json(tmp_path / "d.json", [{"codeDossier": "X\tY"}])],
        ["dossier", "list", "--where", "codeDossier=a\x1bb"],
    ):
        code, _, err = run(sim.url, *args)
        assert code == 2, (args, err)
        assert "control characters cannot be sent in a filter" in err
        assert "internal error" not in err
    assert sim.requests == []


def test_dossier_create_refuses_an_existing_code(sim: Simulator, tmp_path: Path) -> None:
    body = write_json(tmp_path / "d.json", [{"codeDossier": "NEW1"}, {"codeDossier": "MANON002"}])
    code, _, err = run(sim.url, "dossier", "create", body)
    assert code == 1
    assert "dossier 'MANON002' exists already: nothing created" in err
    assert sim.store.find("dossier", "NEW1") is None
    assert ("POST", "dossier") not in sim.requests


def test_dossier_update_refuses_objectid_and_empty_changes(sim: Simulator) -> None:
    code, _, err = run(sim.url, "dossier", "update", "MANON002", "--set", "objectId=x")
    assert code == 2
    assert "objectId comes from Loop" in err
    code, _, err = run(sim.url, "dossier", "update", "MANON002")
    assert code == 2
    assert "nothing to change" in err


def test_groupe_create_update_delete(sim: Simulator, tmp_path: Path) -> None:
    body = write_json(tmp_path / "g.json", {"code": "groupe-Test", "description": "groupe"})
    code, out, _ = run(sim.url, "groupe", "create", body)
    assert (code, out.split()[:2]) == (0, ["created", "groupe-Test"])
    code, _, err = run(sim.url, "groupe", "create", body)
    assert code == 1
    assert "exists already" in err
    typed = write_json(tmp_path / "t.json", {"description": "autre", "agence": "NANTES"})
    code, _, _ = run(sim.url, "groupe", "update", "groupe-Test", "--json", typed)
    assert code == 0
    code, out, _ = run(sim.url, "groupe", "list", "--format", "json", "--sort", "code")
    assert [(g["code"], g["description"]) for g in json.loads(out)] == [("groupe-Test", "autre")]
    code, _, err = run(sim.url, "groupe", "delete", "groupe-Test")  # no terminal, no --yes
    assert code == 2
    assert "refusing to delete without --yes" in err
    code, out, _ = run(sim.url, "groupe", "delete", "groupe-Test", "--yes", "--format", "json")
    assert code == 0
    assert [s["status"] for s in json.loads(out)["success"]] == ["deleted"]
    assert sim.store.records["groupe"] == []


def test_agence_list_and_update(sim: Simulator) -> None:
    sim.store.create("agence", [{"code": "NANTES", "libelle": "Nantes"}, {"code": "PARIS"}])
    code, out, _ = run(sim.url, "agence", "list", "--where", "code=NANTES")
    assert code == 0
    assert out.splitlines()[0].split() == ["code", "libelle", "siret"]
    assert out.splitlines()[1].split() == ["NANTES", "Nantes"]
    code, _, _ = run(sim.url, "agence", "update", "PARIS", "--set", "libelle=Paris")
    assert code == 0
    assert sim.store.find("agence", "PARIS")["libelle"] == "Paris"  # type: ignore[index]
    assert ("PUT", "agence") in sim.requests


def test_collaborateur_list_show_update(sim: Simulator) -> None:
    [created], _ = sim.store.create(
        "collaborateur", [{"identifiant": "Collaborateur_100", "nom": "MARTIN"}]
    )
    code, out, _ = run(sim.url, "collaborateur", "list", "--select", "identifiant,nom")
    assert (code, out.splitlines()[1].split()) == (0, ["Collaborateur_100", "MARTIN"])
    code, out, _ = run(sim.url, "collaborateur", "show", created["objectId"], "--format", "json")
    assert code == 0
    assert json.loads(out)["identifiant"] == "Collaborateur_100"
    code, _, _ = run(sim.url, "collaborateur", "update", "Collaborateur_100", "--set", "nom=DURAND")
    assert code == 0
    assert sim.store.records["collaborateur"][0]["nom"] == "DURAND"
    code, _, err = run(sim.url, "collaborateur", "show", "00000000-unknown")
    assert code == 1
    assert "no collaborator with objectId '00000000-unknown'" in err


def test_engagement_create_and_update_are_posts(sim: Simulator, tmp_path: Path) -> None:
    body = write_json(tmp_path / "e.json", {"codeIBS": "MANON002", "description": "Mission"})
    code, out, _ = run(sim.url, "engagement", "create", body, "--format", "json")
    assert code == 0
    [created] = json.loads(out)["success"]
    changed = write_json(tmp_path / "u.json", {**created, "description": "Mission 2"})
    code, out, _ = run(sim.url, "engagement", "update", changed)
    assert (code, out.split()[:2]) == (0, ["updated", "MANON002"])
    assert sim.requests.count(("POST", "engagement")) == 2
    missing = write_json(tmp_path / "m.json", {"codeIBS": "X"})
    code, _, err = run(sim.url, "engagement", "update", missing)
    assert code == 2
    assert "objectId and revisionId" in err


def test_every_command_takes_a_profile(sim: Simulator, tmp_path: Path) -> None:
    """--profile selects [profiles.NAME.loop]: here a firm name as codeDossier, which a
    simulator configured with that name accepts and the default one refuses."""
    (tmp_path / "tratool.toml").write_text(
        '[profiles.firm.loop]\ncabinet_code = "MONCABINET"\n', encoding="utf-8"
    )
    options = SimulatorOptions(dossiers=("D1",), firm_code="MONCABINET")
    with Simulator(options) as firm, pytest.MonkeyPatch.context() as patch:
        patch.chdir(tmp_path)
        code, out, _ = run(firm.url, "dossier", "list", "--profile", "firm")
        assert (code, out.splitlines()[1].split()[0]) == (0, "D1")
        code, _, err = run(firm.url, "dossier", "list")
        assert code == 1
        assert "codeDossier est obligatoire (MONCABINET)" in err


def test_cli_sends_the_seed_delete(tmp_path: Path) -> None:
    """dossier delete: the filtered GET, then the seed's DELETE body from that GET's answer."""
    record = {
        "objectId": "497c0290-6137-4875-b288-013d17ba5142",
        "revisionId": "0x0000000000024281",
        "codeDossier": "1119089",
    }
    with Recorder() as recorder:
        recorder.answers.extend([(200, [record]), (200, [])])
        code, _, _ = run(recorder.url, "dossier", "delete", "1119089", "--yes")
        get, _, delete = recorder.seen
    assert code == 0
    assert (get.method, get.path) == ("GET", "/loop-api-publiques/dossierClient")
    assert get.query["filter"] == 'codeDossier == "1119089"'
    assert (delete.method, delete.path, delete.query) == (
        "DELETE",
        "/loop-api-publiques/dossierClient",
        {"codeDossier": "cabinet"},
    )
    assert delete.body == [
        {"objectId": "497c0290-6137-4875-b288-013d17ba5142", "revisionId": "0x0000000000024281"}
    ]


def test_cli_create_checks_absence_then_posts_the_array(tmp_path: Path) -> None:
    body = write_json(tmp_path / "d.json", {"codeDossier": "1119089", "nature": 2})
    with Recorder() as recorder:
        code, _, _ = run(recorder.url, "dossier", "create", body)
        get, post = recorder.seen
    assert code == 0
    assert get.query["filter"] == 'codeDossier == "1119089"'
    assert (post.method, post.path) == ("POST", "/loop-api-publiques/dossierClient")
    assert post.body == [{"codeDossier": "1119089", "nature": 2}]
