"""Checks to run before a first push: credentials, storage, Loop's routes, the clock."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Literal

import attrs

from ..azure import upload
from ..errors import (
    LoopAuthError,
    LoopError,
    LoopForbidden,
    LoopRejected,
    LoopRouteNotFound,
    StorageError,
)
from ..loop import LoopClient
from .profiles import Profile


@attrs.frozen
class Check:
    name: str
    level: Literal["ok", "warn", "fail"]
    detail: str


def run_checks(profile: Profile) -> Iterator[Check]:
    yield from _credentials(profile)
    yield _storage(profile)
    yield from loop_route_checks(LoopClient.from_env(profile.loop))
    yield _clock(profile)


# A well-formed id no import can have: the status route is probed without a real import.
PROBE_ID = "00000000-0000-0000-0000-000000000000"
# API Management's own answer to a request for an operation it does not have.
GATEWAY_NOT_FOUND = "Resource not found"


def loop_route_checks(client: LoopClient) -> list[Check]:
    """The dossierClient route (a list: it answers whenever the route exists), then the status
    route probed with `PROBE_ID`. A 404 to the probe is read by its body: the gateway's own
    "Resource not found" means no such route; any other 404 is Loop saying it does not know
    the id, which proves the route exists. What doctor cannot know is said, not guessed."""
    dossiers = _route(
        client, "dossiers", lambda: next(iter(client.list_dossiers(page_size=1)), None)
    )
    return [dossiers, _status_route(client, route_known=dossiers.level != "fail")]


def _status_route(client: LoopClient, *, route_known: bool) -> Check:
    try:
        client.import_status(PROBE_ID)
    except LoopRouteNotFound as exc:
        return _status_not_found(exc, route_known)
    except LoopError as exc:
        return _verdict("import status", exc)
    return Check("Loop import status", "ok", "the route answers")


def _status_not_found(exc: LoopRouteNotFound, route_known: bool) -> Check:
    name = "Loop import status"
    if GATEWAY_NOT_FOUND.lower() not in str(exc).lower():
        return Check(name, "ok", "the route answers (HTTP 404 from Loop for an unknown id)")
    if not route_known:
        return Check(
            name, "fail", f"route not found, nor is dossierClient: check the base URL. {exc}"
        )
    return Check(
        name,
        "fail",
        "route missing: the gateway has no operation there (its own 404 'Resource not "
        "found') while dossierClient answers with the same base URL and keys; check "
        "[loop.routes] import_status. If Cegid's gateway gave that same answer for an unknown "
        f"import id, doctor could not tell: try `tratool status ID` with a real id. {exc}",
    )


def _credentials(profile: Profile) -> Iterator[Check]:
    for name in ("TRATOOL_LOOP_SUBSCRIPTION_KEY", "TRATOOL_LOOP_API_KEY"):
        present = bool(os.environ.get(name))
        yield Check(name, "ok" if present else "fail", "set" if present else "not set")
    mode = profile.storage_target().mode
    yield Check("storage credentials", "fail" if mode == "none" else "ok", mode)


def _storage(profile: Profile) -> Check:
    """Upload a small probe and read it back through its SAS URL, as Loop would."""
    target = profile.storage_target()
    if target.mode == "none":
        return Check("storage", "fail", "no credentials to try")
    with tempfile.TemporaryDirectory() as folder:
        probe = Path(folder) / "probe.txt"
        probe.write_bytes(b"tratool doctor\r\n")
        try:
            result = upload(probe, target, blob_name=f"{target.prefix}/doctor/probe.txt")
        except StorageError as exc:
            return Check("storage", "fail", str(exc))
    return Check(
        "storage", "ok", f"{result.blob_url} written and read back through a read-only SAS URL"
    )


def _route(client: LoopClient, name: str, call: Callable[[], object]) -> Check:
    try:
        call()
    except LoopError as exc:
        return _verdict(name, exc)
    return Check(f"Loop {name}", "ok", "the route answers")


def _verdict(name: str, exc: LoopError) -> Check:
    """What a failed probe says about the route."""
    if isinstance(exc, LoopRejected):
        return Check(f"Loop {name}", "ok", "the route answers")
    if isinstance(exc, LoopRouteNotFound):
        return Check(f"Loop {name}", "fail", f"route not found (404): {exc}")
    if isinstance(exc, LoopAuthError):
        return Check(f"Loop {name}", "fail", f"the route answers, the keys are refused: {exc}")
    if isinstance(exc, LoopForbidden):
        return Check(f"Loop {name}", "warn", f"refused (403): {exc}")
    return Check(f"Loop {name}", "fail", str(exc))


def _clock(profile: Profile) -> Check:
    """Compare the local clock with Loop's Date header: SAS start times depend on it."""
    try:
        theirs = LoopClient.from_env(profile.loop).server_time()
    except LoopError as exc:
        return Check("clock", "warn", f"cannot reach Loop to compare clocks: {exc}")
    if theirs is None:
        return Check("clock", "warn", "Loop sent no Date header to compare with")
    skew = dt.datetime.now(dt.UTC) - theirs
    seconds = abs(skew.total_seconds())
    level: Literal["ok", "warn", "fail"] = (
        "ok" if seconds < 60 else "warn" if seconds < 15 * 60 else "fail"
    )
    return Check(
        "clock",
        level,
        f"{skew.total_seconds():+.0f} s from Loop's clock (SAS start "
        "times are back-dated 15 minutes)",
    )
