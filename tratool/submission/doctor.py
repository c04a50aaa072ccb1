"""Checks to run before a first push: credentials, storage, Loop's routes, the clock."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import urllib.parse
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Literal

import attrs

from ..azure import StorageTarget, upload
from ..errors import (
    LoopAuthError,
    LoopError,
    LoopForbidden,
    LoopRejected,
    LoopRouteNotFound,
    LoopTransportError,
    Message,
    StorageError,
)
from ..i18n import N_, Text
from ..loop import LoopClient
from .profiles import Profile


@attrs.frozen
class Check:
    """One check's verdict; `name` and `detail` said in the reader's language by the CLI."""

    name: Message
    level: Literal["ok", "warn", "fail"]
    detail: Message
    cause: Exception | None = attrs.field(default=None, eq=False, repr=False)


def run_checks(profile: Profile) -> Iterator[Check]:
    """Each check once, without the retries a push makes: a service that is down is said in
    seconds (a push's patience, over every probe, took 40 s when both were down)."""
    yield from _credentials(profile)
    yield _storage(profile)
    client = LoopClient.from_env(attrs.evolve(profile.loop, max_attempts=1))
    routes = loop_route_checks(client)
    yield from routes
    if any(isinstance(c.cause, LoopTransportError) for c in routes):
        yield Check(CLOCK, "warn", N_("not compared: Loop cannot be reached (see above)"))
    else:
        yield _clock(client)


# A well-formed id no import can have: the status route is probed without a real import.
PROBE_ID = "00000000-0000-0000-0000-000000000000"
# API Management's own answer to a request for an operation it does not have.
GATEWAY_NOT_FOUND = "Resource not found"
CLOCK, STORAGE, IMPORT_STATUS = N_("clock"), N_("storage"), N_("Loop import status")
ANSWERS = N_("the route answers")


def loop_route_checks(client: LoopClient) -> list[Check]:
    """The dossierClient route (a list: it answers whenever the route exists), then the status
    route probed with `PROBE_ID`. A 404 to the probe is read by its body: the gateway's own
    "Resource not found" means no such route; any other 404 is Loop saying it does not know
    the id, which proves the route exists. What doctor cannot know is said, not guessed."""
    dossiers = _route(
        client, N_("Loop dossiers"), lambda: next(iter(client.list_dossiers(page_size=1)), None)
    )
    if isinstance(dossiers.cause, LoopTransportError):  # the same host would not answer either
        skipped = Check(IMPORT_STATUS, "fail", N_("not tried: Loop cannot be reached"))
        return [dossiers, attrs.evolve(skipped, cause=dossiers.cause)]
    return [dossiers, _status_route(client, route_known=dossiers.level != "fail")]


def _status_route(client: LoopClient, *, route_known: bool) -> Check:
    try:
        client.import_status(PROBE_ID)
    except LoopRouteNotFound as exc:
        return _status_not_found(exc, route_known)
    except LoopError as exc:
        return _verdict(IMPORT_STATUS, exc)
    return Check(IMPORT_STATUS, "ok", ANSWERS)


def _status_not_found(exc: LoopRouteNotFound, route_known: bool) -> Check:
    name = IMPORT_STATUS
    if GATEWAY_NOT_FOUND.lower() not in str(exc).lower():
        return Check(name, "ok", N_("the route answers (HTTP 404 from Loop for an unknown id)"))
    if not route_known:
        detail = N_(
            "route not found, nor is dossierClient: check the base URL. {error}",
            error=_said(exc),
        )
        return Check(name, "fail", detail)
    detail = N_(
        "route missing: the gateway has no operation there (its own 404 'Resource not "
        "found') while dossierClient answers with the same base URL and keys; check "
        "[loop.routes] import_status. If Cegid's gateway gave that same answer for an unknown "
        "import id, doctor could not tell: try `tratool status ID` with a real id. {error}",
        error=_said(exc),
    )
    return Check(name, "fail", detail)


def _said(exc: Exception) -> Text | str:
    """An error as a placeholder's value: its `Text` when it has one."""
    text = getattr(exc, "text", None)
    return text if isinstance(text, Text) else str(exc)


def _credentials(profile: Profile) -> Iterator[Check]:
    for name in ("TRATOOL_LOOP_SUBSCRIPTION_KEY", "TRATOOL_LOOP_API_KEY"):
        present = bool(os.environ.get(name))
        yield Check(name, "ok" if present else "fail", N_("set") if present else N_("not set"))
    target, _ = profile.storage_choice()
    credentials = N_("storage credentials")
    if target is None:
        yield Check(credentials, "ok", N_("none needed: the storage Loop provides"))
        return
    yield Check(credentials, "fail" if target.mode == "none" else "ok", target.mode)


def _storage(profile: Profile) -> Check:
    """Upload a small probe and read it back through its SAS URL, as Loop would; for the
    storage Loop provides, ask getFileUrlDeposit for a place (nothing is put there)."""
    chosen, _ = profile.storage_choice()
    if chosen is None:
        client = LoopClient.from_env(attrs.evolve(profile.loop, max_attempts=1))
        try:
            client.file_deposit("doctor-probe.tra")
        except LoopError as exc:
            detail = N_("Loop storage: getFileUrlDeposit: {error}", error=_said(exc))
            return Check(STORAGE, "fail", detail)
        return Check(STORAGE, "ok", N_("Loop storage: getFileUrlDeposit answers a place"))
    target = attrs.evolve(chosen, retry_total=0)
    if target.mode == "none":
        return Check(STORAGE, "fail", N_("no credentials to try"))
    with tempfile.TemporaryDirectory() as folder:
        probe = Path(folder) / "probe.txt"
        probe.write_bytes(b"tratool doctor\r\n")
        try:
            result = upload(probe, target, blob_name=f"{target.prefix}/doctor/probe.txt")
        except StorageError as exc:
            return Check(STORAGE, "fail", _said(exc))
    detail = N_("{url} written and read back through {sas}", url=result.blob_url, sas=_sas(target))
    return Check(STORAGE, "ok", detail)


def _sas(target: StorageTarget) -> Text:
    """What the URL given to Loop grants: a per-blob read-only SAS, or the container SAS."""
    if target.container_sas_url is None:
        return N_("a read-only SAS URL for that blob alone (what Loop gets)")
    query = urllib.parse.urlsplit(target.container_sas_url.reveal()).query
    permissions = urllib.parse.parse_qs(query).get("sp", ["?"])[0]
    if permissions != "r":
        return N_(
            "the container SAS URL itself (what Loop gets): it grants '{permissions}' on the "
            "whole container, not read-only",
            permissions=permissions,
        )
    return N_("the container SAS URL itself (read-only, on the whole container)")


def _route(client: LoopClient, name: Text, call: Callable[[], object]) -> Check:
    try:
        call()
    except LoopError as exc:
        return _verdict(name, exc)
    return Check(name, "ok", ANSWERS)


def _verdict(name: Text, exc: LoopError) -> Check:
    """What a failed probe says about the route."""
    return attrs.evolve(_judged(name, exc), cause=exc)


def _judged(route: Text, exc: LoopError) -> Check:
    if isinstance(exc, LoopRejected):
        return Check(route, "ok", ANSWERS)
    if isinstance(exc, LoopRouteNotFound):
        return Check(route, "fail", N_("route not found (404): {error}", error=_said(exc)))
    if isinstance(exc, LoopAuthError):
        detail = N_("the route answers, the keys are refused: {error}", error=_said(exc))
        return Check(route, "fail", detail)
    if isinstance(exc, LoopForbidden):
        return Check(route, "warn", N_("refused (403): {error}", error=_said(exc)))
    return Check(route, "fail", _said(exc))


def _clock(client: LoopClient) -> Check:
    """Compare the local clock with Loop's Date header: SAS start times depend on it."""
    try:
        theirs = client.server_time()
    except LoopError as exc:
        detail = N_("cannot reach Loop to compare clocks: {error}", error=_said(exc))
        return Check(CLOCK, "warn", detail)
    if theirs is None:
        return Check(CLOCK, "warn", N_("Loop sent no Date header to compare with"))
    skew = dt.datetime.now(dt.UTC) - theirs
    seconds = abs(skew.total_seconds())
    level: Literal["ok", "warn", "fail"] = (
        "ok" if seconds < 60 else "warn" if seconds < 15 * 60 else "fail"
    )
    signed = f"{skew.total_seconds():+.0f}"
    detail = N_(
        "{seconds} s from Loop's clock (SAS start times are back-dated 15 minutes)",
        seconds=signed,
    )
    return Check(CLOCK, level, detail)
