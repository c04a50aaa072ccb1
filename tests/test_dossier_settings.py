"""A client dossier's accounting settings from Loop: the wire, the mapping, the cache."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tratool.errors import LoopRejected
from tratool.loop import LoopClient, filters
from tratool.testing.loop_simulator import Simulator, SimulatorOptions

SUB, API = "sim-subscription-key", "sim-key:sim-secret"


@pytest.fixture
def sim() -> Iterator[Simulator]:
    with Simulator(SimulatorOptions(dossiers=("MANON002",))) as running:
        yield running


@pytest.fixture
def client(sim: Simulator) -> LoopClient:
    return LoopClient(sim.settings(), subscription_key=SUB, api_key=API, sleep=lambda s: None)


# Golden wire: the routes and parameters as Cegid's pages spell them (loop-api.md §6.8:
# `journal`, `compte`, `section`, `etablissementComplet`, each with codeDossier, skip, take).
@pytest.mark.parametrize(
    ("method", "expected"),
    [
        ("list_journals", "/loop-api-publiques/journal?codeDossier=MANON002&skip=0&take=100"),
        ("list_comptes", "/loop-api-publiques/compte?codeDossier=MANON002&skip=0&take=100"),
        ("list_sections", "/loop-api-publiques/section?codeDossier=MANON002&skip=0&take=100"),
        (
            "list_etablissements",
            "/loop-api-publiques/etablissementComplet?codeDossier=MANON002&skip=0&take=100",
        ),
    ],
)
def test_settings_routes_are_spelled_like_cegids_pages(
    client: LoopClient, sim: Simulator, method: str, expected: str
) -> None:
    rows = list(getattr(client, method)("MANON002"))
    assert rows, "the simulated dossier has records on every settings route"
    assert sim.wire == [("GET", expected)]


def test_settings_filter_and_sort_travel_url_encoded(client: LoopClient, sim: Simulator) -> None:
    rows = list(client.list_comptes("MANON002", filters.eq("numero", "41100000"), "numero:desc"))
    assert [r["numero"] for r in rows] == ["41100000"]
    assert sim.wire == [
        (
            "GET",
            "/loop-api-publiques/compte?codeDossier=MANON002"
            "&filter=numero+%3D%3D+%2241100000%22&sort=numero%3Adesc&skip=0&take=100",
        )
    ]


def test_settings_are_read_page_after_page(sim: Simulator) -> None:
    client = LoopClient(
        sim.settings(page_size=5), subscription_key=SUB, api_key=API, sleep=lambda s: None
    )
    accounts = [r["numero"] for r in client.list_comptes("MANON002")]
    assert len(accounts) == 13  # the seeded chart of accounts has 13 accounts
    assert [path.split("&", 1)[1] for _, path in sim.wire] == [
        "skip=0&take=5",
        "skip=5&take=5",
        "skip=10&take=5",
    ]


def test_settings_code_is_a_template(sim: Simulator) -> None:
    # Cegid's compte page says "cabinet" where the others say "Code dossier": a setting.
    client = LoopClient(sim.settings(settings_code="cabinet"), subscription_key=SUB, api_key=API)
    with pytest.raises(LoopRejected, match="Le dossier cabinet n'existe pas"):
        list(client.list_sections("MANON002"))
    assert sim.wire[0][1].startswith("/loop-api-publiques/section?codeDossier=cabinet&")


def test_settings_of_an_unknown_dossier_are_refused(client: LoopClient) -> None:
    with pytest.raises(LoopRejected, match="Le dossier NOPE n'existe pas sur le domaine"):
        list(client.list_journals("NOPE"))


def test_a_dossier_created_through_the_api_has_settings(client: LoopClient) -> None:
    assert client.create_dossiers([{"codeDossier": "NEW001", "nature": 2}]).ok
    journals = {r["code"]: r["type"] for r in client.list_journals("NEW001")}
    assert journals == {"HA": 1, "VTE": 8, "BQ1": 4, "OD": 2}
