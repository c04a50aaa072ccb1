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
    client = LoopClient.from_env(profile.loop)
    yield _route(client, "import status", lambda: client.import_status("tratool-doctor"))
    yield _route(client, "dossiers", lambda: next(iter(client.list_dossiers(page_size=1)), None))
    yield _clock(profile)


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
    except LoopRejected:
        return Check(f"Loop {name}", "ok", "the route answers")
    except LoopRouteNotFound as exc:
        return Check(f"Loop {name}", "fail", f"route not found (404): {exc}")
    except LoopAuthError as exc:
        return Check(f"Loop {name}", "fail", f"the route answers, the keys are refused: {exc}")
    except LoopForbidden as exc:
        return Check(f"Loop {name}", "warn", f"refused (403): {exc}")
    except LoopError as exc:
        return Check(f"Loop {name}", "fail", str(exc))
    return Check(f"Loop {name}", "ok", "the route answers")


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
