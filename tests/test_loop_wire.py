"""Golden wire tests: what the Loop client puts on the wire, against the seeds' examples.

Every expected method, path, query, header and body below is written out from the two Cegid
guides (shared/seeds: "Paramètres cabinet – dossier client", "Écritures comptables (import)")
and shared/docs/loop-api.md — never taken from tratool's settings. A recording server captures
what the client really sends. Where a seed shows no example (the catalogue's PUTs, the groupe
writes, AgenceCabinet, CollaborateurCabinet, engagement), the verb and path are the catalogue's
and the body is the documented assumption (docs/loop.md), pinned here so it cannot drift.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.wire_recorder import Recorder, Seen
from tratool.errors import LoopRejected
from tratool.loop import LoopClient, LoopSettings

SUBSCRIPTION, API_KEY = "af72af01b41d46d79f55b9e6e1", "1EKCKNJSIAI825JQG0EXX8JPI4:secret"
BASE = "/loop-api-publiques/"
OBJECT_ID, REVISION_ID = "497c0290-6137-4875-b288-013d17ba5142", "0x0000000000024281"

# The seed's dossierClient POST body (§3 step 4), test-console variables included.
SEED_DOSSIER = {
    "codeDossier": "1119089",
    "nature": 2,
    "raisonSociale": "FT FRANCE",
    "nomUsuel": "ORANGE MARINE",
    "complementNom": "French telecom",
    "formeJuridique": "SA",
    "siren": "424722130",
    "nic": "00079",
    "naf": "6120Z",
    "numVoie": "21",
    "extension": 0,
    "nomVoie": "RUE JASMIN",
    "lieuditHameau": "LE CHATEAU",
    "complementDistrib": "ORANGE MARINE",
    "codePostal": "75016",
    "localite": "PARIS",
    "pays": "FR",
    "telephone": "01 02 00 03 04",
    "fax": "08 02 05 66 99",
    "email": "{{email}}",
    "maitreDossier": "{{maitreDossier}}",
    "engagementManager": "",
    "groupeTravail": "{{groupeTravailList}}",
    "typeDossier": 1,
    "approvisionnement": False,
}
# The seed's several-dossier example (§3 step 6), as far as the guide prints it.
SEED_TWO_DOSSIERS = [
    {"codeDossier": "1119089", "nature": 2, "raisonSociale": "FT FRANCE", "sansEngagement": True},
    {
        "codeDossier": "1119090",
        "nature": 1,
        "nom": "USER",
        "prenom": "Test",
        "raisonSociale": "",
        "nomUsuel": "ORANGE",
        "complementNom": "French telecom2",
    },
]
SAS_URL = (
    "https://looptestcabinetrdd.blob.core.windows.net/api-import-ecritures-dev/005e3c2d/PG00001"
    ".TRA?se=2021-08-11T08%3A08%3A10Z&sr=b&sp=r&sig=REMOVED"
)


@pytest.fixture
def recorder() -> Iterator[Recorder]:
    with Recorder() as running:
        yield running


def client_for(recorder: Recorder, **settings: Any) -> LoopClient:
    return LoopClient(
        LoopSettings(base_url=recorder.url, max_attempts=1, **settings),
        subscription_key=SUBSCRIPTION,
        api_key=API_KEY,
    )


def assert_seed_headers(seen: Seen, *, body: bool) -> None:
    """The headers every seed screenshot fills in."""
    assert seen.headers["ocp-apim-subscription-key"] == SUBSCRIPTION
    assert seen.headers["x-apikey"] == API_KEY
    assert seen.headers["cache-control"] == "no-cache"
    if body:
        assert seen.headers["content-type"] == "application/json"


def only(recorder: Recorder) -> Seen:
    [seen] = recorder.seen
    return seen


# -- "Écritures comptables (import)" -------------------------------------------------------------
def test_import_tra_post_sends_the_documented_body(recorder: Recorder) -> None:
    recorder.answers.append((200, {"accountingImportRequestId": "c8c2d14b"}))
    assert client_for(recorder).import_tra("MANON002", url=SAS_URL) == "c8c2d14b"
    seen = only(recorder)
    assert (seen.method, seen.path, seen.query) == ("POST", BASE + "importTra", {})
    # codeIbs: Cegid's public import pages and error texts (loop-api.md §4.4).
    assert seen.body == {"codeIbs": "MANON002", "URI": "", "URL": SAS_URL}
    assert_seed_headers(seen, body=True)


def test_import_tra_post_with_the_seed_field_is_the_seed_body(recorder: Recorder) -> None:
    recorder.answers.append((200, {"accountingImportRequestId": "c8c2d14b"}))
    client_for(recorder, dossier_field="codeTbs").import_tra("MANON002", url=SAS_URL)
    assert only(recorder).body == {"codeTbs": "MANON002", "URI": "", "URL": SAS_URL}


def test_import_status_get_sends_the_request_id(recorder: Recorder) -> None:
    recorder.answers.append((200, {"id": "c8c2d14b-7779-49ff-9bc3-58a0ed2b1f62", "status": 3}))
    status = client_for(recorder).import_status("c8c2d14b-7779-49ff-9bc3-58a0ed2b1f62")
    assert status.code == 3
    seen = only(recorder)
    assert (seen.method, seen.path) == ("GET", BASE + "getImportStatus")
    assert seen.query == {"accountingImportRequestId": "c8c2d14b-7779-49ff-9bc3-58a0ed2b1f62"}
    assert seen.body is None
    assert_seed_headers(seen, body=False)


# -- "Paramètres cabinet": dossierClient ---------------------------------------------------------
def test_dossier_post_sends_the_seed_array(recorder: Recorder) -> None:
    client_for(recorder).create_dossiers([SEED_DOSSIER])
    seen = only(recorder)
    assert (seen.method, seen.path, seen.query) == (
        "POST",
        BASE + "dossierClient",
        {"codeDossier": "cabinet"},
    )
    assert seen.body == [SEED_DOSSIER]
    assert_seed_headers(seen, body=True)


def test_dossier_post_of_several_dossiers(recorder: Recorder) -> None:
    client_for(recorder).create_dossiers(SEED_TWO_DOSSIERS)
    assert only(recorder).body == SEED_TWO_DOSSIERS


def test_dossier_get_with_the_seed_filter(recorder: Recorder) -> None:
    client = client_for(recorder)
    recorder.answers.append((200, [{"objectId": "21ca8f6c", "revisionId": "0x2DAF4"}]))
    rows = list(client.list_dossiers(filter="codeDossier==='1119089'"))
    assert rows == [{"objectId": "21ca8f6c", "revisionId": "0x2DAF4"}]
    first, last = recorder.seen  # the page, then the empty page that ends the walk
    assert (first.method, first.path) == ("GET", BASE + "dossierClient")
    assert first.query == {
        "codeDossier": "cabinet",
        "filter": "codeDossier==='1119089'",
        "skip": "0",
        "take": "100",
    }
    assert last.query["skip"] == "1"
    assert first.body is None
    assert_seed_headers(first, body=False)


def test_dossier_get_with_filter_and_select(recorder: Recorder) -> None:
    seed_filter = 'codeDossier=="Dossier0001" && groupeTravail == "LOOP-DOSSIER-CABINET"'
    list(
        client_for(recorder).list_dossiers(
            filter=seed_filter, select=["codeDossier", "nom", "groupeTravail"]
        )
    )
    seen = only(recorder)
    assert seen.query["filter"] == seed_filter
    assert seen.query["select"] == "codeDossier,nom,groupeTravail"
    assert "&&" not in seen.raw_query  # percent-encoded, or it would split the query
    assert "%26%26" in seen.raw_query


def test_dossier_delete_sends_object_and_revision(recorder: Recorder) -> None:
    client_for(recorder).delete_dossiers([(OBJECT_ID, REVISION_ID)])
    seen = only(recorder)
    assert (seen.method, seen.path, seen.query) == (
        "DELETE",
        BASE + "dossierClient",
        {"codeDossier": "cabinet"},
    )
    assert seen.body == [{"objectId": OBJECT_ID, "revisionId": REVISION_ID}]
    assert_seed_headers(seen, body=True)


def test_dossier_put_is_a_put_of_the_full_record(recorder: Recorder) -> None:
    record = {"objectId": OBJECT_ID, "revisionId": REVISION_ID, "codeDossier": "1119089"}
    client_for(recorder).update_dossier({**record, "nomUsuel": "ORANGE"})
    seen = only(recorder)
    assert (seen.method, seen.path, seen.query) == (
        "PUT",
        BASE + "dossierClient",
        {"codeDossier": "cabinet"},
    )
    assert seen.body == [{**record, "nomUsuel": "ORANGE"}]  # assumed shape (docs/loop.md)


def test_a_configured_firm_name_is_the_code_dossier(recorder: Recorder) -> None:
    list(client_for(recorder, cabinet_code="MONCABINET").list_dossiers())
    assert only(recorder).query["codeDossier"] == "MONCABINET"


# -- groupe, AgenceCabinet, CollaborateurCabinet, engagement -------------------------------------
def test_groupe_get_as_the_seed_prints_it(recorder: Recorder) -> None:
    list(client_for(recorder).list_groupes())
    seen = only(recorder)
    assert (seen.method, seen.path) == ("GET", BASE + "groupe")
    # The seed prints filter=&sort= empty; empty parameters are left out.
    assert seen.query == {"codeDossier": "cabinet", "skip": "0", "take": "100"}


@pytest.mark.parametrize(
    ("call", "method", "route", "body"),
    [
        (
            lambda c: c.create_groupes([{"code": "groupe-Test", "description": "groupe"}]),
            "POST",
            "groupe",
            [{"code": "groupe-Test", "description": "groupe"}],
        ),
        (
            lambda c: c.update_groupe({"objectId": OBJECT_ID, "revisionId": REVISION_ID}),
            "PUT",
            "groupe",
            [{"objectId": OBJECT_ID, "revisionId": REVISION_ID}],
        ),
        (
            lambda c: c.delete_groupes([(OBJECT_ID, REVISION_ID)]),
            "DELETE",
            "groupe",
            [{"objectId": OBJECT_ID, "revisionId": REVISION_ID}],
        ),
        (
            lambda c: c.update("agence", {"objectId": OBJECT_ID, "revisionId": REVISION_ID}),
            "PUT",
            "AgenceCabinet",
            [{"objectId": OBJECT_ID, "revisionId": REVISION_ID}],
        ),
        (
            lambda c: c.update("collaborateur", {"objectId": OBJECT_ID, "revisionId": "0x1"}),
            "PUT",
            "CollaborateurCabinet",
            [{"objectId": OBJECT_ID, "revisionId": "0x1"}],
        ),
        (
            lambda c: c.create_engagement({"codeIBS": "CEGID003"}),
            "POST",
            "engagement",
            [{"codeIBS": "CEGID003"}],
        ),
        (
            lambda c: c.update_engagement(
                {"objectId": OBJECT_ID, "revisionId": REVISION_ID, "codeIBS": "CEGID003"}
            ),
            "POST",  # "POST Modification d'un engagement" in the seed's catalogue
            "engagement",
            [{"objectId": OBJECT_ID, "revisionId": REVISION_ID, "codeIBS": "CEGID003"}],
        ),
    ],
    ids=[
        "groupe-post",
        "groupe-put",
        "groupe-delete",
        "agence-put",
        "collaborateur-put",
        "engagement-create-post",
        "engagement-update-post",
    ],
)
def test_catalogue_writes(
    recorder: Recorder, call: Any, method: str, route: str, body: list[dict[str, Any]]
) -> None:
    call(client_for(recorder))
    seen = only(recorder)
    assert (seen.method, seen.path, seen.query) == (
        method,
        BASE + route,
        {"codeDossier": "cabinet"},
    )
    assert seen.body == body
    assert_seed_headers(seen, body=True)


@pytest.mark.parametrize(
    ("resource", "route"),
    [("agence", "AgenceCabinet"), ("collaborateur", "CollaborateurCabinet")],
)
def test_catalogue_lists(recorder: Recorder, resource: str, route: str) -> None:
    list(client_for(recorder).list_records(resource, filter='identifiant=="Collaborateur_100"'))
    seen = only(recorder)
    assert (seen.method, seen.path) == ("GET", BASE + route)
    assert seen.query == {
        "codeDossier": "cabinet",
        "filter": 'identifiant=="Collaborateur_100"',
        "skip": "0",
        "take": "100",
    }
    assert_seed_headers(seen, body=False)


def test_second_collaborateur_get_names_one_record(recorder: Recorder) -> None:
    recorder.answers.append((200, {"objectId": OBJECT_ID, "identifiant": "Collaborateur_100"}))
    found = client_for(recorder).get_collaborateur(OBJECT_ID)
    assert found["identifiant"] == "Collaborateur_100"
    seen = only(recorder)
    assert (seen.method, seen.path, seen.query) == (
        "GET",
        BASE + "CollaborateurCabinet/" + OBJECT_ID,
        {"codeDossier": "cabinet"},
    )


def test_the_seed_requestid_header_is_read(recorder: Recorder) -> None:
    """The seed's GET answers carry `requestid` (no dash): it is the id Cegid support needs."""
    recorder.reply_headers["requestid"] = "b5b50416-450c-4e6d-b134-510d56c0bd56"
    recorder.answers.append((400, {"message": "Requête invalide"}))
    with pytest.raises(LoopRejected) as caught:
        list(client_for(recorder).list_dossiers())
    assert caught.value.request_id == "b5b50416-450c-4e6d-b134-510d56c0bd56"
    assert caught.value.http_status == 400


def test_a_4xx_answer_to_the_import_names_the_dossier_field(recorder: Recorder) -> None:
    recorder.answers.append((400, {"message": "Bad Request"}))
    with pytest.raises(LoopRejected, match=r"dossier_field setting \(codeIbs or codeTbs\)"):
        client_for(recorder).import_tra("MANON002", url=SAS_URL)
    assert len(recorder.seen) == 1


def test_a_total_count_ends_the_walk_without_an_empty_page(recorder: Recorder) -> None:
    recorder.answers.append((200, {"data": [{"code": "A"}, {"code": "B"}], "total": 2}))
    assert [g["code"] for g in client_for(recorder).list_groupes()] == ["A", "B"]
    assert len(recorder.seen) == 1


def test_a_server_ignoring_skip_is_refused_not_looped(recorder: Recorder) -> None:
    page = [{"objectId": "same", "code": "A"}]
    recorder.answers.extend([(200, page), (200, page)])
    with pytest.raises(LoopRejected, match="ignore skip"):
        list(client_for(recorder).list_dossiers())
    assert [s.query["skip"] for s in recorder.seen] == ["0", "1"]
