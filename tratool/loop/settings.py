"""What stays configurable about Cegid Loop's API (shared/docs/loop-api.md §11).

Much of Loop's contract is not public: route spellings, the dossier field of the import body,
the status parameter and codes come from screenshots of Cegid's test console. Every one of them
is a setting here, so a user adapts tratool to the real service without a code change.
"""

from __future__ import annotations

import os
import urllib.parse
from collections.abc import Mapping
from typing import Any, Literal

import attrs

from ..errors import ConfigError
from ..i18n import N_

PRESETS = {
    "prod": "https://api.cegid.com/loop-api-publiques/",
    "inte": "https://inte-api.cegid.com/loop-api-publiques/",
}
ImportState = Literal["waiting", "running", "succeeded", "failed", "unknown"]
DEFAULT_ROUTES = {
    "import_tra": "importTra",
    "import_status": "getImportStatus",
    "dossier": "dossierClient",
    "groupe": "groupe",
    "agence": "AgenceCabinet",
    "collaborateur": "CollaborateurCabinet",
    # The seed's second CollaborateurCabinet GET: one record by objectId (path form assumed).
    "collaborateur_item": "CollaborateurCabinet/{objectId}",
    "engagement": "engagement",
    # A client dossier's accounting settings ("Paramètres comptables"), read only.
    "journal": "journal",
    "compte": "compte",
    "section": "section",
    "etablissement": "etablissementComplet",
    # Cegid's own storage: where to PUT a file before importing it by URI.
    "file_deposit": "getFileUrlDeposit",
}
DEFAULT_STATUS_MAP: dict[int, ImportState] = {
    1: "waiting",
    2: "running",
    3: "succeeded",
    4: "failed",
}


@attrs.frozen(kw_only=True)
class LoopSettings:
    base_url: str = PRESETS["prod"]
    routes: dict[str, str] = attrs.field(factory=lambda: dict(DEFAULT_ROUTES))
    dossier_field: str = "codeIbs"  # the seed's example says codeTbs
    status_parameter: str = "accountingImportRequestId"
    status_map: dict[int, ImportState] = attrs.field(factory=lambda: dict(DEFAULT_STATUS_MAP))
    cabinet_code: str = "cabinet"  # codeDossier for firm-level resources
    # codeDossier for a dossier's accounting settings: its own code. Cegid's compte page
    # says "cabinet" where the others say "Code dossier", so it stays a template.
    settings_code: str = "{dossier}"
    page_size: int = 100
    connect_timeout: float = 10.0
    read_timeout: float = 60.0
    max_attempts: int = 5  # for requests that are safe to repeat
    backoff_base: float = 1.0  # seconds; full jitter up to base * 2**attempt
    backoff_cap: float = 30.0
    max_retry_after: float = 300.0  # a longer Retry-After is reported, not waited for

    def url(self, route: str, **parts: str) -> str:
        """The route's URL; ``{name}`` placeholders are filled from `parts`, percent-encoded."""
        path = self.routes[route].lstrip("/")
        for name, value in parts.items():
            path = path.replace("{" + name + "}", urllib.parse.quote(value, safe=""))
        return self.base_url.rstrip("/") + "/" + path

    @classmethod
    def from_mapping(cls, data: dict[str, Any], *, source: str = "<config>") -> LoopSettings:
        """From a [loop] table; ``base_url`` may name a preset (``prod``, ``inte``)."""
        known = {a.name for a in attrs.fields(cls)} | {"preset"}
        unknown = sorted(set(data) - known)
        if unknown:
            message = N_(
                "unknown key(s) in [{table}]: {keys}", table="loop", keys=", ".join(unknown)
            )
            raise ConfigError(source, message)
        values = dict(data)
        for key, value in values.items():
            _check_type(cls, key, value, source)
        preset = values.pop("preset", None)
        if preset is not None:
            if preset not in PRESETS:
                message = N_(
                    "[loop] preset {preset!r} is not one of {presets}",
                    preset=str(preset),
                    presets=str(sorted(PRESETS)),
                )
                raise ConfigError(source, message)
            values.setdefault("base_url", PRESETS[preset])
        if "routes" in values:
            unknown_routes = sorted(set(values["routes"]) - set(DEFAULT_ROUTES))
            if unknown_routes:
                message = N_("[loop.routes] unknown route(s): {routes}", routes=str(unknown_routes))
                raise ConfigError(source, message)
            values["routes"] = {**DEFAULT_ROUTES, **values["routes"]}
        if "status_map" in values:
            try:
                values["status_map"] = {int(k): v for k, v in values["status_map"].items()}
            except ValueError:
                message = N_("[loop.status_map] keys are status codes (1, 2…)")
                raise ConfigError(source, message) from None
        return cls(**values)


def _check_type(cls: type[LoopSettings], key: str, value: Any, source: str) -> None:
    """A [loop] value of the type of its default (a float setting takes a whole number too;
    a bool is never a number)."""
    if key == "preset":
        expected: type = str
    else:
        default = attrs.fields_dict(cls)[key].default
        factory = getattr(default, "factory", None)  # attrs.Factory: the value it makes
        expected = type(factory() if callable(factory) else default)
    kinds = (int, float) if expected is float else (expected,)
    if (isinstance(value, bool) and expected is not bool) or not isinstance(value, kinds):
        message = N_(
            "[loop] {key} = {value}: expected {type}",
            key=key,
            value=repr(value),
            type=expected.__name__,
        )
        raise ConfigError(source, message)


def settings_for(
    data: Mapping[str, Any] | None = None,
    *,
    source: str = "<defaults>",
    env: Mapping[str, str] | None = None,
    base_url: str | None = None,
) -> LoopSettings:
    """Settings from a [loop] table, then TRATOOL_LOOP_BASE_URL, then the command line —
    later ones win."""
    env = os.environ if env is None else env
    values = dict(data or {})
    if env.get("TRATOOL_LOOP_BASE_URL"):
        values["base_url"] = env["TRATOOL_LOOP_BASE_URL"]
        values.pop("preset", None)
    if base_url:
        values.pop("preset", None)
        values["base_url"] = PRESETS.get(base_url, base_url)
    return LoopSettings.from_mapping(values, source=source)
