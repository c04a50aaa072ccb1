"""Dossier settings kept on disk between runs, so CI jobs do not ask Loop every time.

One JSON file per Loop base URL and dossier, in the user cache directory
(``$XDG_CACHE_HOME/tratool/dossiers``, else ``~/.cache/tratool/dossiers``), carrying the time
it was read from Loop. `obtain` decides where the settings come from — a fresh cached copy,
Loop, a stale copy when Loop cannot be reached, or nothing — and says which in one line.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import urllib.parse
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Literal

import attrs

from .._fsutil import atomic_output
from ..errors import LoopError, LoopRejected
from ..i18n import N_, Text
from ..loop import LoopClient
from ..redaction import redact
from .dossier_settings import DossierSettings, fetch

DEFAULT_TTL = dt.timedelta(hours=12)
Source = Literal["loop", "cache", "stale cache", "none", "refused"]


def default_folder(env: Mapping[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    base = env.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "tratool" / "dossiers"


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@attrs.frozen
class SettingsCache:
    folder: Path
    ttl: dt.timedelta = DEFAULT_TTL

    def path(self, base_url: str, dossier: str) -> Path:
        # One folder per Loop (production, integration, a simulator…); the dossier code is
        # user input, so it is percent-encoded into a plain file name.
        service = hashlib.sha256(base_url.encode()).hexdigest()[:16]
        return self.folder / service / f"{urllib.parse.quote(dossier, safe='')}.json"

    def load(self, base_url: str, dossier: str) -> DossierSettings | None:
        """The cached copy, or None when there is none or it cannot be read (it is then
        simply fetched again)."""
        try:
            text = self.path(base_url, dossier).read_text(encoding="utf-8")
            settings = DossierSettings.from_json(json.loads(text))
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None
        return settings if settings.dossier == dossier else None

    def save(self, settings: DossierSettings) -> None:
        path = self.path(settings.base_url, settings.dossier)
        path.parent.mkdir(parents=True, exist_ok=True)
        with atomic_output(path, "w") as out:
            json.dump(settings.to_json(), out, ensure_ascii=False, indent=1)

    def fresh(self, settings: DossierSettings, now: dt.datetime) -> bool:
        return dt.timedelta(0) <= now - settings.fetched_at <= self.ttl


@attrs.frozen
class Obtained:
    settings: DossierSettings | None
    source: Source
    note: Text  # one line for the user: where the settings came from, or why there are none


def _counts(settings: DossierSettings) -> Text:
    return N_(
        "{journals} journals, {accounts} accounts, {sections} sections, "
        "{establishments} establishments",
        journals=len(settings.journal),
        accounts=len(settings.compte),
        sections=len(settings.section),
        establishments=len(settings.etablissement),
    )


def obtain(
    client: LoopClient,
    dossier: str,
    cache: SettingsCache | None,
    *,
    keys: bool = True,
    refresh: bool = False,
    now: Callable[[], dt.datetime] = _utcnow,
) -> Obtained:
    """The dossier's settings: a cached copy younger than the TTL (unless `refresh`), else
    Loop (then cached), else an older cached copy, else none. `keys` is False when no Loop
    keys are configured (Loop is then not asked). Never raises for Loop or cache failures:
    the note says what happened, so validation can go on without them and say so."""
    base_url = client.settings.base_url
    cached = cache.load(base_url, dossier) if cache is not None else None
    moment = now()
    if cached is not None and cache is not None and not refresh and cache.fresh(cached, moment):
        note = N_(
            "dossier {dossier}: settings from the cache, read from Loop at {moment} UTC ({counts})",
            dossier=dossier,
            moment=cached.fetched_at,
            counts=_counts(cached),
        )
        return Obtained(cached, "cache", note)
    if not keys:
        note = N_(
            "dossier {dossier}: settings not read, no Loop keys "
            "(TRATOOL_LOOP_SUBSCRIPTION_KEY, TRATOOL_LOOP_API_KEY)",
            dossier=dossier,
        )
        return Obtained(None, "none", note)
    try:
        settings = fetch(client, dossier, now)
    except LoopRejected as exc:
        # Loop answered and said no (most often: no such dossier). Not an outage to ride out
        # with a cached copy: the check cannot be made, and the caller must stop.
        note = N_(
            "dossier {dossier}: Loop refused to give its settings ({reason})",
            dossier=dossier,
            reason=_first_line(exc),
        )
        return Obtained(None, "refused", note)
    except LoopError as exc:
        return _unreachable(dossier, cached, _first_line(exc))
    if cache is not None:
        with contextlib.suppress(OSError):  # a read-only cache costs a fetch next time
            cache.save(settings)
    note = N_(
        "dossier {dossier}: settings read from Loop ({counts})",
        dossier=dossier,
        counts=_counts(settings),
    )
    return Obtained(settings, "loop", note)


def _first_line(error: LoopError) -> Text | str:
    """What Loop said, redacted, on one line: its `Text` when it has one."""
    english = redact(str(error)).splitlines()[0]
    return error.text if error.text is not None and "\n" not in str(error) else english


def _unreachable(dossier: str, cached: DossierSettings | None, reason: Text | str) -> Obtained:
    if cached is not None:
        note = N_(
            "dossier {dossier}: Loop could not be read ({reason}); using the cached settings "
            "read at {moment} UTC",
            dossier=dossier,
            reason=reason,
            moment=cached.fetched_at,
        )
        return Obtained(cached, "stale cache", note)
    note = N_(
        "dossier {dossier}: settings could not be read from Loop ({reason})",
        dossier=dossier,
        reason=reason,
    )
    return Obtained(None, "none", note)
