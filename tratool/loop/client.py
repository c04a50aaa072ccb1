"""The Cegid Loop API client: TRA import, import status, and the firm's settings resources.

Requests that are safe to repeat (GETs) are retried with exponential backoff, full jitter and
``Retry-After``. A request that changes something — above all the import POST, since Loop has
no idempotency key — is repeated only when it provably never reached Loop: the connection
failed, or the API gateway answered 429 (or 403 with ``Retry-After``) before passing it on.
After that, an uncertain outcome raises `LoopAmbiguousError` instead of risking a duplicate.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import logging
import os
import random
import time
import urllib.parse
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import attrs

from .._version import installed_version
from ..backoff import Backoff
from ..errors import (
    LoopAmbiguousError,
    LoopAuthError,
    LoopConfigError,
    LoopError,
    LoopForbidden,
    LoopQuotaError,
    LoopRejected,
    LoopRouteNotFound,
    LoopServerError,
    LoopTransportError,
    MaybeSent,
    NotSent,
)
from ..i18n import N_, Text
from ..redaction import Secret, credential_problem, redact
from .deposit import Body, put_blob
from .filters import Filter, eq
from .settings import ImportState, LoopSettings
from .transport import HttpTransport, Response

log = logging.getLogger("tratool.loop")
SUBSCRIPTION_KEY_VARIABLE = "TRATOOL_LOOP_SUBSCRIPTION_KEY"
API_KEY_VARIABLE = "TRATOOL_LOOP_API_KEY"

Query = Mapping[str, str | int | None]
# Names a list envelope might give its total count under; none is documented (assumption).
TOTAL_KEYS = ("total", "count", "totalCount")
# The verb of each firm resource's "modification": PUT, except engagement's, which the seed's
# catalogue lists as "POST Modification d'un engagement".
UPDATE_METHODS = {"engagement": "POST"}
# Firm resources and the field naming a record in each (what create checks is absent first).
RESOURCE_KEYS = {
    "dossier": "codeDossier",
    "groupe": "code",
    "agence": "code",
    "collaborateur": "identifiant",
    "engagement": "codeIBS",
}


@attrs.frozen
class ImportStatus:
    request_id: str
    code: int | None
    state: ImportState
    raw: dict[str, Any] = attrs.field(eq=False, repr=False)

    @property
    def terminal(self) -> bool:
        return self.state in ("succeeded", "failed")


@attrs.frozen
class BatchResult:
    """Per-item outcome of a create / update / delete: Loop reports success and errors
    separately, and a non-empty `errors` means those items were not done."""

    success: list[dict[str, Any]]
    errors: list[dict[str, Any]]

    @property
    def ok(self) -> bool:
        return not self.errors


@attrs.frozen
class FileDeposit:
    """Where to PUT a file in the storage Cegid Loop provides (`deposit_url`, authenticated:
    a secret), and the `uri` that names it in an import once the PUT is done."""

    deposit_url: Secret
    uri: str


@attrs.frozen
class Answer:
    """A well-formed answer from Loop: `data` is its parsed JSON body (any JSON value)."""

    data: Any


@attrs.frozen
class Retry:
    """Try the request again, not sooner than `after` seconds (the server's Retry-After)."""

    after: float


def _retry_after(headers: Mapping[str, str]) -> float | None:
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, moment.timestamp() - time.time())


def _page(data: Any) -> tuple[list[dict[str, Any]], int | None]:
    """One page of a list, from both envelopes (a bare array, or {"data": [...]}), with the
    total count when the envelope gives one."""
    total = None
    if isinstance(data, dict) and isinstance(data.get("data"), list):
        for name in TOTAL_KEYS:
            if isinstance(data.get(name), int) and not isinstance(data.get(name), bool):
                total = data[name]
                break
        data = data["data"]
    if not isinstance(data, list):
        raise LoopRejected(N_("expected a list of records, got {kind}", kind=type(data).__name__))
    return data, total


def _batch(data: Any) -> BatchResult:
    """Both create envelopes: {"success": {...}} (one item), {"success": [...], "errors": [...]}."""
    if not isinstance(data, dict):
        wrong = N_("expected a success/errors object, got {kind}", kind=type(data).__name__)
        raise LoopRejected(wrong)
    success = data.get("success") or []
    errors = data.get("errors") or []
    return BatchResult(
        success=[success] if isinstance(success, dict) else list(success),
        errors=[errors] if isinstance(errors, dict) else list(errors),
    )


class LoopClient:
    """``LoopClient.from_env(settings)`` or ``LoopClient(settings, subscription_key=…,
    api_key=…)``. Keys are `Secret`s: they never appear in reprs, logs or errors."""

    def __init__(
        self,
        settings: LoopSettings | None = None,
        *,
        subscription_key: Secret | str,
        api_key: Secret | str,
        transport: HttpTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        jitter: Callable[[], float] = random.random,
    ) -> None:
        self.settings = settings or LoopSettings()
        self._subscription_key = (
            Secret(subscription_key) if isinstance(subscription_key, str) else subscription_key
        )
        self._api_key = Secret(api_key) if isinstance(api_key, str) else api_key
        labels = ((N_("subscription key"), self._subscription_key), ("APIKey", self._api_key))
        for label, key in labels:
            problem = credential_problem(key.reveal()) if key else None
            if problem is not None:  # an HTTP header could not carry it, or Loop would refuse it
                raise LoopConfigError(
                    N_("the {key} {problem}; its value is not shown", key=label, problem=problem)
                )
        self.transport = transport or HttpTransport(
            self.settings.connect_timeout, self.settings.read_timeout
        )
        self._sleep = sleep
        self._backoff = Backoff(
            base=self.settings.backoff_base, cap=self.settings.backoff_cap, jitter=jitter
        )

    @classmethod
    def from_env(
        cls,
        settings: LoopSettings | None = None,
        env: Mapping[str, str] | None = None,
        **kwargs: Any,
    ) -> LoopClient:
        env = os.environ if env is None else env
        keys = {}
        for name in (SUBSCRIPTION_KEY_VARIABLE, API_KEY_VARIABLE):
            value = env.get(name)
            problem = credential_problem(value) if value is not None else None
            if problem is not None:
                hidden = N_("{name} {problem}; its value is not shown", name=name, problem=problem)
                raise LoopConfigError(hidden)
            keys[name] = Secret(value or "")
        return cls(
            settings,
            subscription_key=keys[SUBSCRIPTION_KEY_VARIABLE],
            api_key=keys[API_KEY_VARIABLE],
            **kwargs,
        )

    def missing_keys(self) -> list[str]:
        """The environment variables of the keys this client has not got (Loop refuses every
        request without them)."""
        return [
            name
            for name, key in (
                (SUBSCRIPTION_KEY_VARIABLE, self._subscription_key),
                (API_KEY_VARIABLE, self._api_key),
            )
            if not key
        ]

    def __repr__(self) -> str:
        return f"LoopClient(base_url={self.settings.base_url!r})"

    # -- imports -----------------------------------------------------------------------------
    def import_tra(self, dossier: str, url: str | None = None, uri: str | None = None) -> str:
        """Ask Loop to import the TRA file at `url` (a SAS URL) or `uri` (a deposited file)
        into `dossier`. Returns the accountingImportRequestId. Never sent twice."""
        if (url is None) == (uri is None):
            raise ValueError("give exactly one of url= or uri=")
        body = {self.settings.dossier_field: dossier, "URI": uri or "", "URL": url or ""}
        try:
            data = self._send("POST", "import_tra", body=body, repeatable=False)
        except LoopRejected as exc:
            if (
                exc.http_status is None
                or exc.http_status < 400
                or str(DOSSIER_FIELD_HINT) in str(exc)
            ):
                raise
            # A refused import body most often means Loop expects the other dossier field.
            said = N_("{error}{hint}", error=exc.text or str(exc), hint=DOSSIER_FIELD_HINT)
            hinted = LoopRejected(said, http_status=exc.http_status)
            hinted.request_id = exc.request_id
            raise hinted from None
        request_id = data.get("accountingImportRequestId") if isinstance(data, dict) else None
        if not request_id:
            raise LoopAmbiguousError(
                N_(
                    "Loop answered the import without an accountingImportRequestId: it may or "
                    "may not have started an import. Check Loop's import history before sending "
                    "again"
                )
            )
        return str(request_id)

    def import_status(self, request_id: str) -> ImportStatus:
        data = self._send(
            "GET", "import_status", query={self.settings.status_parameter: request_id}
        )
        if not isinstance(data, dict):
            wrong = N_("unexpected import status answer: {kind}", kind=type(data).__name__)
            raise LoopRejected(wrong)
        code = data.get("status")
        try:
            number = int(code) if code is not None else None
        except (TypeError, ValueError):
            number = None
        state: ImportState = (
            self.settings.status_map.get(number, "unknown") if number else "unknown"
        )
        return ImportStatus(request_id, number, state, data)

    def file_deposit(self, filename: str) -> FileDeposit:
        """A place in Loop's own storage for `filename` (``.tra``, ``.txt`` or ``.csv``)."""
        data = self._send("GET", "file_deposit", query={"filename": filename})
        # Cegid's page prints depositUrl and uri in two answer structures: accept one object
        # holding both, or a list of objects holding one each.
        found: dict[str, Any] = {}
        for part in data if isinstance(data, list) else [data]:
            if isinstance(part, dict):
                found.update({k: v for k, v in part.items() if k in ("depositUrl", "uri") and v})
        if not isinstance(found.get("depositUrl"), str) or not isinstance(found.get("uri"), str):
            answer = redact(str(data))[:200]
            raise LoopRejected(
                N_(
                    "getFileUrlDeposit answered without a depositUrl and a uri: {answer}",
                    answer=answer,
                )
            )
        return FileDeposit(Secret(found["depositUrl"]), found["uri"])

    def deposit_file(self, filename: str, body: Body) -> FileDeposit:
        """`file_deposit`, then PUT `body` (bytes, or a file sent as it is read) to its
        depositUrl (Azure Put Blob, with its Content-MD5). Once this returns,
        ``import_tra(dossier, uri=deposit.uri)``."""
        place = self.file_deposit(filename)
        put_blob(
            self.transport,
            place.deposit_url,
            body,
            attempts=self.settings.max_attempts,
            backoff=self._backoff,
            sleep=self._sleep,
        )
        return place

    # -- a client dossier's accounting settings ("Paramètres comptables") ----------------------
    def list_journals(
        self, dossier: str, filter: Filter | str | None = None, sort: str | None = None
    ) -> Iterator[dict[str, Any]]:
        """The dossier's journals (``code``, ``libelle``, ``type``…), every page."""
        return self._list("journal", filter, sort, None, None, self._dossier(dossier))

    def list_comptes(
        self, dossier: str, filter: Filter | str | None = None, sort: str | None = None
    ) -> Iterator[dict[str, Any]]:
        """The dossier's general accounts (``numero``, ``collectif``, ``ferme``…)."""
        return self._list("compte", filter, sort, None, None, self._dossier(dossier))

    def list_sections(
        self, dossier: str, filter: Filter | str | None = None, sort: str | None = None
    ) -> Iterator[dict[str, Any]]:
        """The dossier's analytic sections (``code``, ``ferme``, ``axe``)."""
        return self._list("section", filter, sort, None, None, self._dossier(dossier))

    def list_etablissements(
        self, dossier: str, filter: Filter | str | None = None, sort: str | None = None
    ) -> Iterator[dict[str, Any]]:
        """The dossier's establishments (``etablissementComplet``)."""
        return self._list("etablissement", filter, sort, None, None, self._dossier(dossier))

    def server_time(self) -> dt.datetime | None:
        """Loop's clock, from the Date header of an answer to its base URL (None: no header).

        Raises `LoopTransportError` when Loop cannot be reached. SAS start times depend on the
        two clocks agreeing, which `tratool doctor` checks with this.
        """
        try:
            response = self.transport.request("GET", self.settings.base_url, {})
        except (NotSent, MaybeSent) as exc:
            raise LoopTransportError(f"GET {redact(self.settings.base_url)}: {exc}") from None
        header = response.headers.get("date")
        try:
            return email.utils.parsedate_to_datetime(header) if header else None
        except (TypeError, ValueError):
            return None

    # -- firm settings ("Paramètres cabinet") --------------------------------------------------
    def list_records(
        self,
        resource: str,
        filter: Filter | str | None = None,
        sort: str | None = None,
        select: Sequence[str] | None = None,
        page_size: int | None = None,
    ) -> Iterator[dict[str, Any]]:
        """Every record of a firm resource (``dossier``, ``groupe``, ``agence``,
        ``collaborateur``) matching the filter, page after page (skip/take)."""
        return self._list(resource, filter, sort, select, page_size)

    def find(self, resource: str, code: str) -> dict[str, Any] | None:
        """The record whose key field (``codeDossier``, ``code``…) is `code`, if any."""
        found = list(self._list(resource, eq(RESOURCE_KEYS[resource], code), None, None, None))
        return found[0] if found else None

    def create(self, resource: str, items: Sequence[Mapping[str, Any]]) -> BatchResult:
        """POST new records (an array, as the seed's dossierClient example)."""
        body = [dict(item) for item in items]
        return _batch(self._send("POST", resource, query=self._firm(), body=body, repeatable=False))

    def update(self, resource: str, record: Mapping[str, Any]) -> BatchResult:
        """Modify one record; it must carry the objectId and revisionId a fresh GET returned.
        PUT, or POST for ``engagement`` (as the seed lists it). The body, an array of the full
        record, is an assumption: no seed example shows one."""
        for key in ("objectId", "revisionId"):
            if not record.get(key):
                raise ValueError(f"the record to update needs its {key} (from a fresh list)")
        method = UPDATE_METHODS.get(resource, "PUT")
        body = [dict(record)]
        return _batch(self._send(method, resource, query=self._firm(), body=body, repeatable=False))

    def delete(self, resource: str, items: Sequence[tuple[str, str]]) -> BatchResult:
        """DELETE records by (objectId, revisionId), the body of the seed's example."""
        body = [{"objectId": object_id, "revisionId": revision} for object_id, revision in items]
        return _batch(
            self._send("DELETE", resource, query=self._firm(), body=body, repeatable=False)
        )

    def list_dossiers(
        self,
        filter: Filter | str | None = None,
        sort: str | None = None,
        select: Sequence[str] | None = None,
        page_size: int | None = None,
    ) -> Iterator[dict[str, Any]]:
        """Every client dossier matching the filter, page after page (skip/take)."""
        return self._list("dossier", filter, sort, select, page_size)

    def create_dossiers(self, dossiers: Sequence[Mapping[str, Any]]) -> BatchResult:
        return self.create("dossier", dossiers)

    def update_dossier(self, dossier: Mapping[str, Any]) -> BatchResult:
        """Update one dossier: it must carry the objectId and revisionId a fresh GET returned."""
        return self.update("dossier", dossier)

    def delete_dossiers(self, items: Sequence[tuple[str, str]]) -> BatchResult:
        return self.delete("dossier", items)

    def list_groupes(
        self,
        filter: Filter | str | None = None,
        sort: str | None = None,
        page_size: int | None = None,
    ) -> Iterator[dict[str, Any]]:
        return self._list("groupe", filter, sort, None, page_size)

    def create_groupes(self, groupes: Sequence[Mapping[str, Any]]) -> BatchResult:
        return self.create("groupe", groupes)

    def update_groupe(self, groupe: Mapping[str, Any]) -> BatchResult:
        return self.update("groupe", groupe)

    def delete_groupes(self, items: Sequence[tuple[str, str]]) -> BatchResult:
        return self.delete("groupe", items)

    def list_agences(self, filter: Filter | str | None = None) -> Iterator[dict[str, Any]]:
        return self._list("agence", filter, None, None, None)

    def list_collaborateurs(self, filter: Filter | str | None = None) -> Iterator[dict[str, Any]]:
        return self._list("collaborateur", filter, None, None, None)

    def get_collaborateur(self, object_id: str) -> dict[str, Any]:
        """The seed's second CollaborateurCabinet GET: one collaborator by its objectId."""
        try:
            data = self._send(
                "GET", "collaborateur_item", query=self._firm(), parts={"objectId": object_id}
            )
        except LoopRouteNotFound as exc:
            # On an item route a 404 most likely means "no such record"; it cannot be told
            # apart from a wrong route here, so both readings are given.
            missing = N_(
                "no collaborator with objectId {object_id!r} (HTTP 404), or the [loop.routes] "
                "collaborateur_item route is wrong",
                object_id=object_id,
            )
            raise LoopRejected(missing, request_id=exc.request_id, http_status=404) from None
        if not isinstance(data, dict):
            wrong = N_("expected one collaborator, got {kind}", kind=type(data).__name__)
            raise LoopRejected(wrong)
        return data

    def create_engagement(self, engagement: Mapping[str, Any]) -> BatchResult:
        return self.create("engagement", [engagement])

    def update_engagement(self, engagement: Mapping[str, Any]) -> BatchResult:
        """The seed's "Modification d'un engagement": a POST carrying objectId/revisionId."""
        return self.update("engagement", engagement)

    # -- plumbing ------------------------------------------------------------------------------
    def _firm(self) -> dict[str, str | int | None]:
        return {"codeDossier": self.settings.cabinet_code}

    def _dossier(self, dossier: str) -> dict[str, str | int | None]:
        if not dossier.strip():
            raise ValueError("a dossier code is needed")
        return {"codeDossier": self.settings.settings_code.format(dossier=dossier)}

    def _list(
        self,
        route: str,
        flt: Filter | str | None,
        sort: str | None,
        select: Sequence[str] | None,
        page_size: int | None,
        owner: dict[str, str | int | None] | None = None,
    ) -> Iterator[dict[str, Any]]:
        """Pages until an empty one (or the envelope's total count): a short page proves
        nothing, since a server may cap `take` below what was asked."""
        take = page_size or self.settings.page_size
        skip = 0
        previous: list[dict[str, Any]] | None = None
        while True:
            query: dict[str, str | int | None] = {
                **(owner or self._firm()),
                "filter": str(flt) if flt else None,
                "sort": sort,
                "select": ",".join(select) if select else None,
                "skip": skip,
                "take": take,
            }
            page, total = _page(self._send("GET", route, query=query))
            if not page:
                return
            if page == previous:
                again = N_(
                    "GET {route}: the same page came back for skip={skip}; the server seems to "
                    "ignore skip, so the list cannot be walked safely",
                    route=route,
                    skip=str(skip),
                )
                raise LoopRejected(again)
            yield from page
            skip += len(page)
            if total is not None and skip >= total:
                return
            previous = page

    def _headers(self, body: bool) -> dict[str, str]:
        headers = {
            "Accept": "application/json",
            "Cache-Control": "no-cache",
            "User-Agent": f"tratool/{installed_version()}",
            "x-request-id": str(uuid.uuid4()),
        }
        if self._subscription_key:
            headers["Ocp-Apim-Subscription-Key"] = self._subscription_key.reveal()
        if self._api_key:
            headers["x-apikey"] = self._api_key.reveal()
        if body:
            headers["Content-Type"] = "application/json"
        return headers

    def _send(
        self,
        method: str,
        route: str,
        *,
        query: Query | None = None,
        body: Any = None,
        repeatable: bool | None = None,
        parts: Mapping[str, str] | None = None,
    ) -> Any:
        """One API call with the retry rules of the module docstring; returns parsed JSON."""
        repeatable = method == "GET" if repeatable is None else repeatable
        url = self.settings.url(route, **(parts or {}))
        pairs = [(k, str(v)) for k, v in (query or {}).items() if v is not None]
        if pairs:
            url += "?" + urllib.parse.urlencode(pairs)
        payload = json.dumps(body, ensure_ascii=False).encode() if body is not None else None
        where = f"{method} {redact(url)}"
        attempt = 0
        while True:
            attempt += 1
            last = attempt >= self.settings.max_attempts
            headers = self._headers(payload is not None)
            try:
                response = self.transport.request(method, url, headers, payload)
            except NotSent as exc:
                if last:
                    raise LoopTransportError(_at(where, str(exc))) from None
                self._wait(where, f"connection failed ({exc})", self._backoff.delay(attempt))
                continue
            except MaybeSent as exc:
                if not repeatable:
                    message = N_(
                        "{where}: the connection broke after the request was sent ({reason}); "
                        "Loop may have processed it. Check before sending it again",
                        where=where,
                        reason=str(exc),
                    )
                    raise LoopAmbiguousError(message) from None
                if last:
                    raise LoopTransportError(_at(where, str(exc))) from None
                self._wait(where, str(exc), self._backoff.delay(attempt))
                continue
            verdict = self._judge(response, where, repeatable, last)
            if isinstance(verdict, Retry):
                delay = self._backoff.delay(attempt, verdict.after)
                self._wait(where, f"HTTP {response.status}", delay)
                continue
            return verdict.data

    def _wait(self, where: str, why: str, seconds: float) -> None:
        log.warning("%s: %s; retrying in %.1f s", where, why, seconds)
        self._sleep(seconds)

    def _judge(
        self, response: Response, where: str, repeatable: bool, last: bool
    ) -> Answer | Retry:
        """What an HTTP answer means: Loop's `Answer`, a `Retry`, or an error raised."""
        status, headers = response.status, response.headers
        # The seed shows `request-id` (writes), `requestid` (GETs) and `x-request-id`.
        request_id = (
            headers.get("request-id") or headers.get("requestid") or headers.get("x-request-id")
        )
        message = _message(response)
        retry_after = _retry_after(headers)
        if status == 429 or (status == 403 and retry_after is not None):
            # The gateway refused before Loop saw the request: safe to repeat, even a POST.
            wait = retry_after if retry_after is not None else 0.0
            if last or wait > self.settings.max_retry_after:
                later = N_(", retry after {seconds} s", seconds=f"{wait:.0f}")
                quota = N_(
                    "{where}: Loop's gateway limits the rate or quota (HTTP {status}{later}): "
                    "{message}",
                    where=where,
                    status=status,
                    later=later if retry_after is not None else "",
                    message=message,
                )
                raise LoopQuotaError(quota, request_id=request_id, retry_after=retry_after)
            return Retry(wait)
        if status >= 500:
            if not repeatable:
                maybe = N_(
                    "{where}: Loop answered HTTP {status} after receiving the request; it may "
                    "have processed it. Check before sending it again",
                    where=where,
                    status=status,
                )
                raise LoopAmbiguousError(maybe, request_id=request_id)
            if last:
                failed = N_(
                    "{where}: HTTP {status}: {message}", where=where, status=status, message=message
                )
                raise LoopServerError(failed, request_id=request_id)
            return Retry(retry_after or 0.0)
        if status == 401:
            raise LoopAuthError(_at(where, _auth_hint(message)), request_id=request_id)
        if status == 404:
            missing = N_(
                "{where}: route not found (HTTP 404 {message}); check the configured route "
                "([loop.routes]) and base URL",
                where=where,
                message=message,
            )
            raise LoopRouteNotFound(missing, request_id=request_id)
        if status == 403:
            refused = N_(
                "{where}: permission refused (HTTP 403 {message}); the firm-settings APIs "
                "need a Cabinet APIKey",
                where=where,
                message=message,
            )
            raise LoopForbidden(refused, request_id=request_id)
        return self._read(response, where, repeatable, request_id)

    def _read(
        self, response: Response, where: str, repeatable: bool, request_id: str | None
    ) -> Answer:
        """The body of an answer that is neither a retry nor a gateway refusal.

        For a request that changes something, only a well-formed answer is believed: JSON,
        said to be JSON. Anything else (a proxy's HTML page, a truncated or compressed body,
        another content type) may hide a request that Loop did process, so it is ambiguous —
        never "refused", which would let the same import be sent again.
        """
        status = response.status
        try:
            data = response.json()
        except ValueError:
            data = _NOT_JSON
        said_json = "json" in response.headers.get("content-type", "").lower()
        if not repeatable and (data is _NOT_JSON or not said_json):
            kind = response.headers.get("content-type") or N_("no content type")
            unclear = N_(
                "{where}: Loop's answer (HTTP {status}, {kind}) is not the JSON it documents; "
                "it may have processed the request. Check before sending it again",
                where=where,
                status=status,
                kind=kind,
            )
            raise LoopAmbiguousError(unclear, request_id=request_id)
        if status >= 400:
            refusal = N_(
                "{where}: HTTP {status}: {message}",
                where=where,
                status=status,
                message=_message(response),
            )
            raise LoopRejected(refusal, request_id=request_id, http_status=status)
        if data is _NOT_JSON:
            raise LoopRejected(_at(where, N_("the answer is not JSON")), request_id=request_id)
        error = data.get("error") if isinstance(data, dict) else None
        if error:  # Loop reports some refusals as HTTP 200 {"error": {...}}
            text = error.get("message", error) if isinstance(error, dict) else error
            refused = N_(
                "{where}: Loop refused: {message}{hint}",
                where=where,
                message=str(text),
                hint=_field_hint(str(text)),
            )
            raise LoopRejected(refused, request_id=request_id)
        return Answer(data)


_NOT_JSON = object()


def _message(response: Response) -> str:
    try:
        data = response.json()
    except ValueError:
        return response.body[:200].decode("utf-8", "replace")
    if isinstance(data, dict):
        error = data.get("error")
        text = data.get("message") or (error.get("message") if isinstance(error, dict) else error)
        return redact(str(text or data))
    return redact(str(data))[:200]


def _at(where: str, what: Text | str) -> Text:
    """A failure of the request `where` ("GET https://…/route")."""
    return N_("{where}: {what}", where=where, what=what)


def _auth_hint(message: str) -> Text:
    lowered = message.lower()
    if "missing subscription key" in lowered:
        return N_(
            "the subscription key is missing: set TRATOOL_LOOP_SUBSCRIPTION_KEY (your "
            "partner subscription key). Loop said: {message}",
            message=message,
        )
    if "invalid subscription key" in lowered:
        return N_(
            "the subscription key is invalid or its subscription inactive: check "
            "TRATOOL_LOOP_SUBSCRIPTION_KEY. Loop said: {message}",
            message=message,
        )
    return N_(
        "authentication refused: check TRATOOL_LOOP_API_KEY (the firm's APIKey, "
        "'key:secret') and that it is activated in LoopHub. Loop said: {message}",
        message=message,
    )


DOSSIER_FIELD_HINT = N_(
    " — check the [loop] dossier_field setting (codeIbs or codeTbs): the import body's "
    "dossier field is the most likely cause of a refused import request"
)


def _field_hint(message: str) -> Text | str:
    if "n'est pas spécifié" in message and "code" in message.lower():
        return N_(
            " — Loop did not find the dossier code in the body{hint}", hint=DOSSIER_FIELD_HINT
        )
    return ""


__all__ = ["BatchResult", "FileDeposit", "ImportStatus", "LoopClient", "LoopError"]
