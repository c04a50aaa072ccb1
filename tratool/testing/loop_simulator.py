"""A local Cegid Loop: the documented contract over real HTTP, for tests and CI rehearsals.

It answers like Azure API Management in front of Loop (401 without or with a wrong key, 404 on
an unknown route or verb, 429 with Retry-After when asked to), and like Loop behind it:
``importTra`` downloads the given URL for real, checks the file with its own small check
(`loop_import_check`, never tratool's validator), and moves the request through waiting (1) →
running (2) → succeeded (3) or failed (4) on a configurable clock. The firm resources
(``dossierClient``, ``groupe``…) keep objectId/revisionId semantics.

Routes, verbs, the import body's dossier field and the status parameter are the simulator's
own (`loop_wire`), spelled as the seeds spell them, never the client's settings.

Faults can be injected to rehearse resilience: a 500 every N requests, latency, scripted
answers (429 + Retry-After, 500…) and a connection dropped right after a POST was accepted.
"""

from __future__ import annotations

import collections
import json
import logging
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import attrs

from ..errors import FilterError
from ..loop.settings import LoopSettings
from . import loop_wire as wire
from .loop_deposit import DEPOSIT_PATH, BlobAnswer, DepositStore
from .loop_import_check import import_errors
from .loop_store import SETTINGS_RESOURCES, ImportRequest, ListQuery, Store, now_iso

log = logging.getLogger("tratool.loop.simulator")
BASE_PATH = wire.BASE_PATH


@attrs.frozen
class Fault:
    """A scripted answer for the next matching request."""

    status: int = 500  # 0: drop the connection without answering
    retry_after: float | None = None
    method: str | None = None  # only for this method (e.g. "POST")
    route: str | None = None  # only for this route name (e.g. "import_tra"; "deposit": the PUT)
    after_processing: bool = False  # handle the request first, then fail (drop after POST)
    hold: threading.Event | None = attrs.field(default=None, eq=False)  # wait for it first
    # A malformed answer, as a proxy or a broken gateway sends one: `body` as is, under
    # `content_type` and `headers`; `truncated` announces more bytes than it sends, then closes.
    body: bytes | None = None
    content_type: str = "application/json; charset=utf-8"
    headers: tuple[tuple[str, str], ...] = ()
    truncated: bool = False


@attrs.define(kw_only=True)
class SimulatorOptions:
    host: str = "127.0.0.1"
    port: int = 0
    subscription_key: str = "sim-subscription-key"
    api_key: str = "sim-key:sim-secret"
    domain: str = "TRATOOLSIM"
    waiting_seconds: float = 1.0  # status 1 at least this long
    running_seconds: float = 2.0  # then status 2 at least this long
    fail_every: int = 0  # every Nth request answers 500 (0: never)
    latency: float = 0.0  # seconds added to every answer
    state: Path | None = None
    dossiers: tuple[str, ...] = ()  # client dossiers that exist from the start
    download_timeout: float = 30.0
    deposit_seconds: float = 3600.0  # how long a getFileUrlDeposit URL accepts a PUT
    split_deposit_answer: bool = False  # depositUrl and uri in two objects, as Cegid prints
    # The wire, as the seeds spell it; change one to rehearse a Loop that spells it otherwise.
    routes: dict[str, str] = attrs.field(factory=lambda: dict(wire.ROUTES))
    item_routes: dict[str, str] = attrs.field(factory=lambda: dict(wire.ITEM_ROUTES))
    dossier_field: str = wire.DOSSIER_FIELD
    status_parameter: str = wire.STATUS_PARAMETER
    firm_code: str = wire.FIRM_CODE  # the codeDossier firm-level calls must carry
    max_take: int = 0  # a server-side cap on `take` (0: none), to rehearse short pages
    unknown_import_404: bool = False  # answer 404 (not 200 {"error"}) for an unknown import id

    # Process an import (download, check) before answering its POST, instead of in the
    # background: with a clock the test controls, the outcome is then known at once.
    process_inline: bool = False


class Simulator:
    """``with Simulator(options) as sim: LoopClient(sim.settings(), …)``."""

    def __init__(
        self,
        options: SimulatorOptions | None = None,
        clock: Callable[[], float] = time.monotonic,
        wall: Callable[[], float] = time.time,
    ) -> None:
        self.options = options or SimulatorOptions()
        self.deposits = DepositStore(self.options.deposit_seconds, wall)
        self.routes = self.options.routes
        self.dossier_field = self.options.dossier_field
        self.status_parameter = self.options.status_parameter
        self.clock = clock
        self.store = Store(self.options.state)
        self.faults: collections.deque[Fault] = collections.deque()
        self.requests: list[tuple[str, str]] = []  # (method, route) of every request seen
        self.wire: list[tuple[str, str]] = []  # (method, path and query) exactly as received
        self.bodies: list[bytes] = []  # the API requests' bodies, in the same order
        self._count = 0
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        existing = {r.get("codeDossier") for r in self.store.records["dossier"]}
        new = [
            {"codeDossier": c, "nature": 2, "raisonSociale": c}
            for c in self.options.dossiers
            if c not in existing
        ]
        if new:
            self.store.create("dossier", new)
        for code in self.options.dossiers:
            self.store.seed_settings(code)

    # -- lifecycle -----------------------------------------------------------------------------
    @property
    def origin(self) -> str:
        """``http://HOST:PORT``."""
        assert self._server is not None, "bind() or start() first"
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def url(self) -> str:
        """The API base URL, as a client's `base_url`."""
        return self.origin + BASE_PATH

    def settings(self, **overrides: Any) -> LoopSettings:
        """Client settings that point at this simulator (no retry delays to speak of). Routes
        and field names stay the client's defaults: they must match the simulator's on their
        own."""
        values = {
            "base_url": self.url,
            "backoff_base": 0.01,
            "backoff_cap": 0.05,
            "connect_timeout": 5.0,
            "read_timeout": 10.0,
        }
        return LoopSettings(**{**values, **overrides})

    def bind(self) -> ThreadingHTTPServer:
        """Open the listening socket (port 0 picks a free one); `url` is valid from here."""
        handler = type("Handler", (_Handler,), {"simulator": self})
        self._server = ThreadingHTTPServer((self.options.host, self.options.port), handler)
        self._server.daemon_threads = True
        return self._server

    def start(self) -> Simulator:
        """Serve from a background thread (tests, the demo)."""
        server = self.bind()
        # A short poll interval keeps stop() quick (it waits for the loop to notice).
        self._thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> Simulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- imports -------------------------------------------------------------------------------
    def import_status(self, request_id: str) -> dict[str, Any] | None:
        item = self.store.imports.get(request_id)
        if item is None:
            return None
        if item.status_override:
            code = item.status_override.pop(0)
        else:
            elapsed = self.clock() - item.created
            code = 1
            if elapsed >= self.options.waiting_seconds:
                code = 2
            if (
                item.done_at is not None
                and item.outcome is not None
                and elapsed >= self.options.waiting_seconds + self.options.running_seconds
            ):
                code = item.outcome
        return {
            "_id": item.id.replace("-", "")[:24],
            "id": item.id,
            "creationDate": item.creation_date,
            "lastUpdate": now_iso(),
            "codeIBS": item.dossier,
            "domain": self.options.domain,
            "status": code,
            "__v": 0,
        }

    def _process(self, request_id: str) -> None:
        """Fetch the file like Cegid would, then check it (`loop_import_check`)."""
        item = self.store.imports[request_id]
        try:
            data = self._read(item)
        except (urllib.error.URLError, OSError, KeyError) as exc:
            item.errors = [f"download failed: {exc}"]
            item.outcome = 4
        else:
            item.errors = import_errors(data)
            item.outcome = 4 if item.errors else 3
        item.done_at = self.clock()
        self.store.save()
        log.info("import %s: %s", request_id, "succeeded" if item.outcome == 3 else item.errors)

    def _read(self, item: ImportRequest) -> bytes:
        """The file to import: downloaded from its URL, or read from the deposit by URI."""
        if item.uri:
            return self.deposits.files[item.uri]
        # A fresh opener reads the proxy variables now (urlopen's shared one keeps the first).
        opener = urllib.request.build_opener()
        with opener.open(item.url, timeout=self.options.download_timeout) as answer:
            data: bytes = answer.read()
        return data

    def create_import(self, body: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
        """The importTra answer, and the new request id (None when refused)."""
        field = self.dossier_field
        dossier = str(body.get(field) or "").strip()
        url, uri = str(body.get("URL") or ""), str(body.get("URI") or "")

        def refuse(message: str) -> tuple[dict[str, Any], None]:
            return {"error": {"instanceId": str(uuid.uuid4()), "message": message}}, None

        if not dossier:
            return refuse(f"Le {field} n'est pas spécifié.")
        if not url and not uri:
            return refuse("Le chemin d'accès URI ou l'URL du fichier n'est pas spécifié.")
        if url and uri:
            return refuse(
                "Ambiguité sur le chemin d'accès, seul un des deux champs doit être renseigné."
            )
        if self.store.find("dossier", dossier) is None:
            return refuse(f"Le dossier {dossier} n'existe pas sur le domaine.")
        if uri and uri not in self.deposits.files:
            return refuse(f"Le fichier {uri} n'a pas été déposé.")
        request_id = str(uuid.uuid4())
        self.store.imports[request_id] = ImportRequest(
            id=request_id,
            dossier=dossier,
            url=url,
            uri=uri,
            created=self.clock(),
            creation_date=now_iso(),
        )
        self.store.save()
        if self.options.process_inline:
            self._process(request_id)
        else:
            threading.Thread(target=self._process, args=(request_id,), daemon=True).start()
        return {"accountingImportRequestId": request_id}, request_id


def _resolve(sim: Simulator, path: str) -> tuple[str | None, str | None]:
    """(route name, objectId of an item route) for a request path; (None, None) if unknown.
    Paths match exactly, case included: whether the real gateway is case-sensitive is unknown,
    and a strict simulator is the one that catches a misspelt client."""
    if not path.startswith(BASE_PATH):
        return None, None
    rest = path[len(BASE_PATH) :]
    for name, route in sim.routes.items():
        if rest == route:
            return name, None
    for name, pattern in sim.options.item_routes.items():
        prefix, _, suffix = pattern.partition("{objectId}")
        if rest.startswith(prefix) and rest.endswith(suffix) and len(rest) > len(prefix + suffix):
            return name, urllib.parse.unquote(rest[len(prefix) : len(rest) - len(suffix)])
    return None, None


class _Handler(BaseHTTPRequestHandler):
    simulator: Simulator
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s " + format, self.address_string(), *args)

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def do_PUT(self) -> None:
        if self.path.startswith(DEPOSIT_PATH):
            self._deposit()
        else:
            self._handle("PUT")

    def _deposit(self) -> None:
        """A PUT to a depositUrl: Azure storage, not the API gateway (no APIM keys)."""
        sim = self.simulator
        sim.wire.append(("PUT", self.path))
        length = self.headers.get("Content-Length")
        if length is None or not length.isdigit():  # a chunked body too: Azure wants its length
            self._skip_chunks()  # read first, so that the sender can read the answer
            self.close_connection = True
            self._answer_blob(BlobAnswer(411, "MissingContentLengthHeader", "Content-Length"))
            return
        body = self.rfile.read(int(length))
        fault = self._fault("PUT", "deposit")
        if fault is not None and not fault.after_processing:
            self._apply(fault)
            return
        answer = sim.deposits.put(self.path, dict(self.headers.items()), body)
        if fault is not None:  # stored, then the answer is lost
            self._apply(fault)
            return
        self._answer_blob(answer)

    def _skip_chunks(self) -> None:
        """Read a chunked body to its end (or to what is not one)."""
        if self.headers.get("Transfer-Encoding", "").lower() != "chunked":
            return
        while True:
            size = self.rfile.readline(100).split(b";")[0].strip()
            if not size or len(size) > 7 or any(c not in b"0123456789abcdefABCDEF" for c in size):
                return  # not a chunk size, or one past 256 MiB: the connection closes anyway
            if int(size, 16) == 0:
                while self.rfile.readline(1000).strip():  # the trailer, then a blank line
                    pass
                return
            self.rfile.read(int(size, 16) + 2)

    def _answer_blob(self, answer: BlobAnswer) -> None:
        payload = answer.xml()
        self.send_response(answer.status)
        if answer.code:
            self.send_header("x-ms-error-code", answer.code)
            self.send_header("Content-Type", "application/xml")
        for name, value in answer.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def do_DELETE(self) -> None:
        self._handle("DELETE")

    def do_PATCH(self) -> None:
        self._handle("PATCH")

    def _reply(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        payload = json.dumps(body, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        # The seed's answers carry `requestid` (GETs) or `request-id` (writes) from the gateway,
        # and an `x-request-id` hash.
        name = "requestid" if self.command == "GET" else "request-id"
        self.send_header(name, str(uuid.uuid4()))
        self.send_header("x-request-id", uuid.uuid4().hex)
        for header, value in (headers or {}).items():
            self.send_header(header, value)
        self.end_headers()
        self.wfile.write(payload)

    def _reply_raw(self, fault: Fault) -> None:
        self.send_response(fault.status)
        self.send_header("Content-Type", fault.content_type)
        length = len(fault.body or b"") + (100 if fault.truncated else 0)
        self.send_header("Content-Length", str(length))
        for name, value in fault.headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(fault.body or b"")
        if fault.truncated:
            self.wfile.flush()
            self._drop()

    def _drop(self) -> None:
        """Close the connection without an answer, as a crashed gateway or a cut line would."""
        self.close_connection = True
        self.connection.shutdown(2)

    def _handle(self, method: str) -> None:
        sim = self.simulator
        parts = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(parts.query, keep_blank_values=True))
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        route, object_id = _resolve(sim, parts.path)
        sim.requests.append((method, route or parts.path))
        sim.wire.append((method, self.path))
        sim.bodies.append(raw)
        sim._count += 1
        if sim.options.latency:
            time.sleep(sim.options.latency)
        fault = self._fault(method, route)
        if fault is not None and fault.hold is not None and not fault.after_processing:
            fault.hold.wait(30)  # a request in flight, for as long as the test needs
        if fault is not None and not fault.after_processing:
            self._apply(fault)
            return
        if sim.options.fail_every and sim._count % sim.options.fail_every == 0:
            self._reply(500, {"statusCode": 500, "message": "Internal server error (simulated)"})
            return
        refusal = self._gateway(method, route, object_id)
        if refusal is not None:
            self._reply(*refusal)
            return
        assert route is not None
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            self._reply(400, {"statusCode": 400, "message": "Le corps n'est pas du JSON"})
            return
        status, answer = self._route(method, route, object_id, query, body)
        if fault is not None:  # processed, then the answer is lost
            if fault.hold is not None:
                fault.hold.wait(30)
            self._apply(fault)
            return
        self._reply(status, answer)

    def _file_deposit(self, query: dict[str, str]) -> tuple[int, Any]:
        sim = self.simulator
        filename = query.get(wire.DEPOSIT_PARAMETER, "")
        answer = sim.deposits.mint(sim.origin, filename)
        if answer is None:
            return 400, {
                "statusCode": 400,
                "message": f"filename {filename!r} : extension .tra, .txt ou .csv attendue",
            }
        url_key, uri_key = wire.DEPOSIT_ANSWER
        if sim.options.split_deposit_answer:
            return 200, [{url_key: answer["depositUrl"]}, {uri_key: answer["uri"]}]
        return 200, {url_key: answer["depositUrl"], uri_key: answer["uri"]}

    def _settings(self, route: str, query: dict[str, str]) -> tuple[int, Any]:
        """GET journal / compte / section / etablissementComplet of one client dossier."""
        code = query.get("codeDossier", "")
        if not code:
            return 400, {"statusCode": 400, "message": "codeDossier est obligatoire"}
        try:
            wanted = ListQuery.from_query(query, self.simulator.options.max_take)
            rows = self.simulator.store.query_settings(code, route, wanted)
        except (FilterError, ValueError) as exc:
            return 400, {"statusCode": 400, "message": f"Requête invalide : {exc}"}
        if rows is None:
            return 400, {
                "statusCode": 400,
                "message": f"Le dossier {code} n'existe pas sur le domaine.",
            }
        return 200, rows

    def _gateway(
        self, method: str, route: str | None, object_id: str | None
    ) -> tuple[int, Any] | None:
        """What API Management answers before Loop sees the request, if anything."""
        sim = self.simulator
        key = self.headers.get("Ocp-Apim-Subscription-Key")
        if not key:
            return 401, {"statusCode": 401, "message": wire.MISSING_KEY}
        if key != sim.options.subscription_key:
            return 401, {"statusCode": 401, "message": wire.INVALID_KEY}
        verbs = ("GET",) if object_id is not None else wire.VERBS.get(route or "", ())
        if route is None or method not in verbs:
            return 404, dict(wire.NOT_FOUND)  # APIM: no such operation
        if self.headers.get("x-apikey") != sim.options.api_key:
            message = "Access denied: invalid or inactive APIKey (x-apikey)"
            return 401, {"statusCode": 401, "message": message}
        return None

    def _fault(self, method: str, route: str | None) -> Fault | None:
        faults = self.simulator.faults
        for fault in list(faults):
            if (fault.method in (None, method)) and (fault.route in (None, route)):
                faults.remove(fault)
                return fault
        return None

    def _apply(self, fault: Fault) -> None:
        if fault.status == 0:
            self._drop()
            return
        if fault.body is not None:
            self._reply_raw(fault)
            return
        headers = {} if fault.retry_after is None else {"Retry-After": f"{fault.retry_after:g}"}
        message = (
            "Rate limit is exceeded. Try again later."
            if fault.status == 429
            else f"Simulated HTTP {fault.status}"
        )
        self._reply(fault.status, {"statusCode": fault.status, "message": message}, headers)

    def _route(
        self, method: str, route: str, object_id: str | None, query: dict[str, str], body: Any
    ) -> tuple[int, Any]:
        sim = self.simulator
        if route == "import_tra":
            answer, _ = sim.create_import(body if isinstance(body, dict) else {})
            return 200, answer
        if route == "import_status":
            return self._status(query.get(sim.status_parameter, ""))
        if route == "file_deposit":
            return self._file_deposit(query)
        if route in SETTINGS_RESOURCES:
            return self._settings(route, query)
        if query.get(wire.FIRM_PARAMETER) != sim.options.firm_code:
            message = f"{wire.FIRM_PARAMETER} est obligatoire ({sim.options.firm_code})"
            return 400, {"statusCode": 400, "message": message}
        if object_id is not None:
            record = sim.store.get(route, object_id)
            if record is None:
                return 404, {"statusCode": 404, "message": f"{object_id} introuvable"}
            return 200, record
        if method == "GET":
            return self._list(route, query)
        return self._write(method, route, body if isinstance(body, list) else [body])

    def _status(self, request_id: str) -> tuple[int, Any]:
        sim = self.simulator
        status = sim.import_status(request_id)
        if status is not None:
            return 200, status
        if sim.options.unknown_import_404:
            return 404, {"statusCode": 404, "message": f"Import {request_id!r} inconnu."}
        message = f"Import {request_id!r} inconnu."
        return 200, {"error": {"instanceId": str(uuid.uuid4()), "message": message}}

    def _list(self, route: str, query: dict[str, str]) -> tuple[int, Any]:
        sim = self.simulator
        try:
            rows = sim.store.query(route, ListQuery.from_query(query, sim.options.max_take))
        except (FilterError, ValueError) as exc:
            return 400, {"statusCode": 400, "message": f"Requête invalide : {exc}"}
        return 200, {"data": rows} if route == "groupe" else rows

    def _write(self, method: str, route: str, items: list[Any]) -> tuple[int, Any]:
        store = self.simulator.store
        # Both engagement operations are POSTs: one carrying objectId/revisionId modifies.
        if route == "engagement" and all(
            isinstance(i, dict) and wire.OBJECT_ID in i for i in items
        ):
            method = "PUT"
        if method == "POST":
            success, errors = store.create(route, items)
            if route == "dossier":  # a new Loop dossier comes with its accounting settings
                for record in success:
                    store.seed_settings(str(record["codeDossier"]))
            if route == "dossier" and len(items) == 1 and success:
                return 200, {"success": success[0]}
            return 200, {"success": success, "errors": errors}
        if method == "PUT":
            success, errors = store.update(route, items)
            return 200, {"success": success, "errors": errors}
        success, errors = store.delete(route, items)
        return 200, {"success": success, "errors": errors}
