"""Loop storage: getFileUrlDeposit, the PUT to its depositUrl, importTra by URI."""

from __future__ import annotations

import http.client
import json
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import FIXTURES
from tratool.errors import LoopRejected, StorageTransportError, UnreadableInput
from tratool.loop import LoopClient
from tratool.loop.deposit import put_blob
from tratool.loop.transport import HttpTransport, Response
from tratool.testing.loop_simulator import Fault, Simulator, SimulatorOptions

SUB, API = "sim-subscription-key", "sim-key:sim-secret"


class Wall:
    """The simulator's wall clock, moved by the test."""

    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def wall() -> Wall:
    return Wall()


@pytest.fixture
def sim(wall: Wall) -> Iterator[Simulator]:
    options = SimulatorOptions(dossiers=("MANON002",), waiting_seconds=0.05, running_seconds=0.05)
    with Simulator(options, wall=wall) as running:
        yield running


@pytest.fixture
def client(sim: Simulator) -> LoopClient:
    return LoopClient(sim.settings(), subscription_key=SUB, api_key=API, sleep=lambda s: None)


def put(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, str]:
    request = urllib.request.Request(url, data=body, method="PUT", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=5) as answer:
            return answer.status, ""
    except urllib.error.HTTPError as refused:
        return refused.code, refused.headers.get("x-ms-error-code", "")


def test_get_file_url_deposit_is_spelled_like_cegids_page(
    client: LoopClient, sim: Simulator
) -> None:
    # Cegid's page « Obtention de l'URI-URL du fichier »: GET getFileUrlDeposit?filename=…
    place = client.file_deposit("PG00001.TRA")
    assert sim.wire == [("GET", "/loop-api-publiques/getFileUrlDeposit?filename=PG00001.TRA")]
    assert place.uri.endswith("/PG00001.TRA")
    assert place.deposit_url.reveal().startswith(sim.origin + "/deposit/")
    assert "sig=" not in repr(place)  # the depositUrl authenticates: it is a secret


def test_the_answer_may_come_in_two_structures(wall: Wall) -> None:
    options = SimulatorOptions(split_deposit_answer=True)
    with Simulator(options, wall=wall) as running:
        client = LoopClient(running.settings(), subscription_key=SUB, api_key=API)
        place = client.file_deposit("ventes.csv")
    assert place.uri.endswith("/ventes.csv")


def test_a_name_cegid_does_not_accept_is_refused(client: LoopClient) -> None:
    with pytest.raises(LoopRejected, match=r"extension \.tra, \.txt ou \.csv attendue"):
        client.file_deposit("PG00001.exe")


def test_the_put_follows_azure_put_blob(client: LoopClient, sim: Simulator) -> None:
    place = client.deposit_file("PG00001.TRA", b"hello")
    method, path = sim.wire[-1]
    assert (method, path.split("?")[0]) == ("PUT", "/deposit/" + place.uri)
    headers = sim.deposits.puts[-1]
    assert headers["x-ms-blob-type"] == "BlockBlob"
    assert headers["content-md5"] == "XUFAKrxLKna5cZ2REBfFkg=="  # MD5 of b"hello", base64
    assert sim.deposits.files[place.uri] == b"hello"


def test_the_deposit_endpoint_refuses_like_azure(
    client: LoopClient, sim: Simulator, wall: Wall
) -> None:
    url = client.file_deposit("PG00001.TRA").deposit_url.reveal()
    good = {"x-ms-blob-type": "BlockBlob"}
    assert put(url, b"x", {}) == (400, "MissingRequiredHeader")
    assert put(url, b"x", {**good, "Content-MD5": "XUFAKrxLKna5cZ2REBfFkg=="}) == (
        400,
        "Md5Mismatch",
    )
    tampered = url.replace("sig=", "sig=A")
    assert put(tampered, b"x", good) == (403, "AuthenticationFailed")
    wall.now += 3601  # the URL lives one hour
    assert put(url, b"x", good) == (403, "AuthenticationFailed")
    assert sim.deposits.files == {}


def test_an_expired_deposit_url_is_not_retried(
    client: LoopClient, sim: Simulator, wall: Wall
) -> None:
    place = client.file_deposit("PG00001.TRA")
    wall.now += 7200
    with pytest.raises(StorageTransportError, match="expired or was altered"):
        put_blob(
            client.transport,
            place.deposit_url,
            b"hello",
            attempts=5,
            backoff=client._backoff,
            sleep=lambda s: None,
        )
    assert [m for m, _ in sim.wire].count("PUT") == 1


def test_a_lost_answer_is_put_again_harmlessly(client: LoopClient, sim: Simulator) -> None:
    sim.faults.append(Fault(status=0, route="deposit", after_processing=True))
    sim.faults.append(Fault(status=503, route="deposit"))
    place = client.deposit_file("PG00001.TRA", b"hello")
    assert [m for m, _ in sim.wire].count("PUT") == 3  # dropped after storing, 503, then 201
    assert sim.deposits.files == {place.uri: b"hello"}


def test_import_by_uri_reads_the_deposited_file(client: LoopClient, sim: Simulator) -> None:
    data = (FIXTURES / "ventes-std.tra").read_bytes()
    place = client.deposit_file("PG00001.TRA", data)
    request_id = client.import_tra("MANON002", uri=place.uri)
    body = json.loads(sim.bodies[-1])
    assert body == {"codeIbs": "MANON002", "URI": place.uri, "URL": ""}
    for _ in range(100):
        status = client.import_status(request_id)
        if status.terminal:
            break
        time.sleep(0.02)
    assert status.state == "succeeded"


def test_an_import_of_a_uri_never_deposited_is_refused(client: LoopClient) -> None:
    with pytest.raises(LoopRejected, match="n'a pas été déposé"):
        client.import_tra("MANON002", uri="00000000-0000-0000-0000-000000000000/X.TRA")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"URI": "", "URL": "https://x/y.tra"}, "Le codeIbs n'est pas spécifié."),
        (
            {"codeIbs": "MANON002", "URI": "", "URL": ""},
            "Le chemin d'accès URI ou l'URL du fichier n'est pas spécifié.",
        ),
        (
            {"codeIbs": "MANON002", "URI": "a/b.tra", "URL": "https://x/y.tra"},
            "Ambiguité sur le chemin d'accès, seul un des deux champs doit être renseigné.",
        ),
        (
            {"codeIbs": "NOPE", "URI": "a/b.tra", "URL": ""},
            "Le dossier NOPE n'existe pas sur le domaine.",
        ),
    ],
)
def test_import_errors_are_cegids_own(sim: Simulator, body: dict[str, str], message: str) -> None:
    request = urllib.request.Request(
        sim.url + "importTra",
        data=json.dumps(body).encode(),
        method="POST",
        headers={
            "Ocp-Apim-Subscription-Key": SUB,
            "x-apikey": API,
            "Content-Type": "application/json",
        },
    )
    with urllib.request.urlopen(request, timeout=5) as answer:
        assert answer.status == 200
        assert json.loads(answer.read())["error"]["message"] == message


def test_a_file_is_put_as_it_is_read_again_on_a_retry(
    client: LoopClient, sim: Simulator, tmp_path: Path
) -> None:
    file = tmp_path / "PG00001.TRA"
    file.write_bytes(b"hello")
    sim.faults.append(Fault(status=503, route="deposit"))  # the second attempt reads it again
    place = client.deposit_file("PG00001.TRA", file)
    assert [m for m, _ in sim.wire].count("PUT") == 2
    assert sim.deposits.files == {place.uri: b"hello"}
    headers = sim.deposits.puts[-1]
    assert headers["content-md5"] == "XUFAKrxLKna5cZ2REBfFkg=="  # MD5 of b"hello", base64
    assert headers["content-length"] == "5"
    assert "transfer-encoding" not in headers


def rewriting(transport: HttpTransport, file: Path, content: bytes) -> HttpTransport:
    """`transport`, but `file` rewritten with `content` just before each request: another
    program writing the file between its digest and the PUT, which no server can make happen
    (the one fake of these tests)."""

    class Rewriting(HttpTransport):
        def request(self, *args: Any, **kwargs: Any) -> Response:
            file.write_bytes(content)
            return transport.request(*args, **kwargs)

    return Rewriting(5, 5)


@pytest.mark.parametrize(
    ("content", "refusal"),
    [
        (b"HELLO", (StorageTransportError, "Md5Mismatch")),  # Azure refuses the digest
        (b"hello, world" * 100_000, (UnreadableInput, "grew while it was sent")),
        (b"hi", (UnreadableInput, "shrank while it was sent")),  # (no wait for bytes)
    ],
)
def test_a_file_changed_after_its_digest_is_refused_not_stored(
    client: LoopClient,
    sim: Simulator,
    tmp_path: Path,
    content: bytes,
    refusal: tuple[type[Exception], str],
) -> None:
    file = tmp_path / "PG00001.TRA"
    file.write_bytes(b"hello")
    place = client.file_deposit("PG00001.TRA")
    error, match = refusal
    with pytest.raises(error, match=match):
        put_blob(
            rewriting(client.transport, file, content),
            place.deposit_url,
            file,
            attempts=3,
            backoff=client._backoff,
            sleep=lambda s: None,
        )
    assert [m for m, _ in sim.wire].count("PUT") <= 1  # a refusal, or an error: not retried
    assert sim.deposits.files in ({}, {place.uri: b"hello"})  # never what was not digested


@pytest.mark.parametrize("kind", [bytearray, str])
def test_bytes_like_and_path_names_are_deposited(
    client: LoopClient, sim: Simulator, tmp_path: Path, kind: type[bytearray | str]
) -> None:
    file = tmp_path / "PG00001.TRA"
    file.write_bytes(b"hello")
    body = bytearray(b"hello") if kind is bytearray else str(file)
    place = client.deposit_file("PG00001.TRA", body)
    assert sim.deposits.files == {place.uri: b"hello"}


def test_a_file_that_cannot_be_read_is_said_so_before_any_put(
    client: LoopClient, sim: Simulator, tmp_path: Path
) -> None:
    with pytest.raises(UnreadableInput, match="cannot read"):
        client.deposit_file("PG00001.TRA", tmp_path / "missing.tra")
    assert [m for m, _ in sim.wire].count("PUT") == 0


def test_the_deposit_endpoint_wants_a_length_like_azure(client: LoopClient) -> None:
    url = urllib.parse.urlsplit(client.file_deposit("PG00001.TRA").deposit_url.reveal())
    connection = http.client.HTTPConnection(url.hostname or "", url.port, timeout=5)
    try:
        connection.request(
            "PUT",
            f"{url.path}?{url.query}",
            body=iter([b"hel", b"lo"]),  # sent chunked: no Content-Length
            headers={"x-ms-blob-type": "BlockBlob"},
            encode_chunked=True,
        )
        answer = connection.getresponse()
        assert (answer.status, answer.getheader("x-ms-error-code")) == (
            411,
            "MissingContentLengthHeader",
        )
    finally:
        connection.close()


_DEPOSIT_IN_A_CHILD = """
import sys, tracemalloc
from pathlib import Path
from typing import Any
from tratool.backoff import Backoff
from tratool.loop.deposit import put_blob
from tratool.loop.transport import HttpTransport
from tratool.redaction import Secret

tracemalloc.start()
put_blob(HttpTransport(5, 60), Secret(sys.argv[1]), Path(sys.argv[2]), attempts=1,
         backoff=Backoff(base=1, cap=1), sleep=lambda s: None)
print(tracemalloc.get_traced_memory()[1])
"""


def test_a_large_file_is_never_held_whole_in_memory(
    client: LoopClient, sim: Simulator, tmp_path: Path
) -> None:
    # The PUT runs in a child process, so that what Python allocates there is the client's
    # alone (the simulator, in this process, does hold the file it receives).
    file = tmp_path / "PG00001.TRA"
    size = 48 << 20
    with file.open("wb") as handle:
        handle.truncate(size)
    place = client.file_deposit("PG00001.TRA")
    child = subprocess.run(
        [sys.executable, "-c", _DEPOSIT_IN_A_CHILD, place.deposit_url.reveal(), str(file)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert child.returncode == 0, child.stderr[-2000:]
    assert int(child.stdout.split()[-1]) < 2 << 20  # at most 2 MiB at once, for 48 MiB sent
    stored = sim.deposits.files[place.uri]
    assert len(stored) == size
    assert stored.count(0) == size
