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
    note: str  # one line for the user: where the settings came from, or why there are none


def _counts(settings: DossierSettings) -> str:
    return (
        f"{len(settings.journal)} journals, {len(settings.compte)} accounts, "
        f"{len(settings.section)} sections, {len(settings.etablissement)} establishments"
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
        return Obtained(
            cached,
            "cache",
            f"dossier {dossier}: settings from the cache, read from Loop at "
            f"{cached.fetched_at:%Y-%m-%d %H:%M} UTC ({_counts(cached)})",
        )
    if not keys:
        return Obtained(
            None,
            "none",
            f"dossier {dossier}: settings not read, no Loop keys "
            "(TRATOOL_LOOP_SUBSCRIPTION_KEY, TRATOOL_LOOP_API_KEY)",
        )
    try:
        settings = fetch(client, dossier, now)
    except LoopRejected as exc:
        # Loop answered and said no (most often: no such dossier). Not an outage to ride out
        # with a cached copy: the check cannot be made, and the caller must stop.
        reason = redact(str(exc)).splitlines()[0]
        return Obtained(
            None, "refused", f"dossier {dossier}: Loop refused to give its settings ({reason})"
        )
    except LoopError as exc:
        reason = redact(str(exc)).splitlines()[0]
        if cached is not None:
            return Obtained(
                cached,
                "stale cache",
                f"dossier {dossier}: Loop could not be read ({reason}); using the cached "
                f"settings read at {cached.fetched_at:%Y-%m-%d %H:%M} UTC",
            )
        return Obtained(
            None,
            "none",
            f"dossier {dossier}: settings could not be read from Loop ({reason})",
        )
    if cache is not None:
        with contextlib.suppress(OSError):  # a read-only cache costs a fetch next time
            cache.save(settings)
    return Obtained(
        settings, "loop", f"dossier {dossier}: settings read from Loop ({_counts(settings)})"
    )
