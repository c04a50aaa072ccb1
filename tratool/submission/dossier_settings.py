"""A client dossier's accounting settings, read from Loop and given to the validator.

Loop's "Paramètres comptables" pages (``journal``, ``compte``, ``section``,
``etablissementComplet``) list what the dossier's import checks against: the journals and their
type, the general accounts (collective, lettrable, analytic, closed), the analytic sections of
each axis, the establishments. `fetch` reads them all; `validation_tables` turns them into the
validator's ``journals``, ``chart_of_accounts``, ``sections`` and ``establishments``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

import attrs

from ..loop import LoopClient
from ..validation.configuration import AccountInfo, JournalInfo, ValidationConfig

# Cegid's journal types (loop-api.md §6.8) and the TRA journal natures they are (***JAL).
JOURNAL_NATURES = {1: "ACH", 2: "OD", 3: "ANO", 4: "BQE", 5: "CAI", 6: "ECC", 7: "REG", 8: "VTE"}
# The collective natures the validator knows, by the French chart's prefixes; any other
# collective account is "miscellaneous" (COD).
COLLECTIVE_PREFIXES = {"401": "COF", "411": "COC", "421": "COS"}
RESOURCES = ("journal", "compte", "section", "etablissement")


def _records(items: Any) -> tuple[dict[str, Any], ...]:
    """The records of a list as Loop answered it; anything that is not an object is dropped
    (it describes nothing the validator could use)."""
    return tuple(dict(item) for item in items if isinstance(item, Mapping))


def _flag(value: Any) -> bool:
    """Cegid documents booleans; a "false" string must not read as true."""
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "x", "oui")
    return value is True or (isinstance(value, int) and value == 1)


def _number(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    return int(value) if isinstance(value, str) and value.strip().isdigit() else None


@attrs.frozen(kw_only=True)
class DossierSettings:
    """The four lists as Loop answered them, with when and from where they were read."""

    dossier: str
    base_url: str
    fetched_at: dt.datetime  # UTC
    journal: tuple[dict[str, Any], ...] = attrs.field(default=(), converter=_records)
    compte: tuple[dict[str, Any], ...] = attrs.field(default=(), converter=_records)
    section: tuple[dict[str, Any], ...] = attrs.field(default=(), converter=_records)
    etablissement: tuple[dict[str, Any], ...] = attrs.field(default=(), converter=_records)

    def to_json(self) -> dict[str, Any]:
        return {
            "dossier": self.dossier,
            "base_url": self.base_url,
            "fetched_at": self.fetched_at.isoformat(timespec="seconds"),
            **{name: list(getattr(self, name)) for name in RESOURCES},
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> DossierSettings:
        """Back from `to_json`; raises KeyError, TypeError or ValueError when malformed."""
        lists = {name: _records(data.get(name) or ()) for name in RESOURCES}
        fetched = dt.datetime.fromisoformat(str(data["fetched_at"]))
        if fetched.tzinfo is None:
            raise ValueError("fetched_at has no time zone")
        return cls(
            dossier=str(data["dossier"]),
            base_url=str(data["base_url"]),
            fetched_at=fetched,
            **lists,
        )


def fetch(
    client: LoopClient,
    dossier: str,
    now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
) -> DossierSettings:
    """Every page of the four lists. Raises the client's `LoopError`s."""
    return DossierSettings(
        dossier=dossier,
        base_url=client.settings.base_url,
        fetched_at=now(),
        journal=tuple(client.list_journals(dossier)),
        compte=tuple(client.list_comptes(dossier)),
        section=tuple(client.list_sections(dossier)),
        etablissement=tuple(client.list_etablissements(dossier)),
    )


def _text(record: Mapping[str, Any], *names: str) -> str:
    for name in names:
        value = record.get(name)
        if value not in (None, ""):
            return str(value).strip()
    return ""


def _axis(section: Mapping[str, Any]) -> str:
    """The axis code of a section: ``axe`` is an object on Cegid's page; accept a bare code."""
    axe = section.get("axe")
    if isinstance(axe, Mapping):
        return _text(axe, "code", "axe", "numero")
    return str(axe or "").strip()


def _journals(records: tuple[dict[str, Any], ...]) -> dict[str, JournalInfo]:
    journals = {}
    for record in records:
        code = _text(record, "code")
        if code:
            kind = _number(record.get("type"))
            journals[code] = JournalInfo(
                label=_text(record, "libelle"),
                closed=_flag(record.get("ferme")),
                nature=JOURNAL_NATURES.get(kind, "") if kind is not None else "",
            )
    return journals


def _accounts(records: tuple[dict[str, Any], ...], axes: frozenset[str]) -> dict[str, AccountInfo]:
    chart = {}
    for record in records:
        number = _text(record, "numero")
        if not number:
            continue
        nature = ""
        if _flag(record.get("collectif")):
            nature = next(
                (n for prefix, n in COLLECTIVE_PREFIXES.items() if number.startswith(prefix)), "COD"
            )
        chart[number] = AccountInfo(
            nature=nature,
            lettrable=_flag(record.get("lettrable")),
            # Loop says whether an account is analytic, not on which axes: every axis the
            # dossier has sections on.
            ventilable=axes if _flag(record.get("analytique")) else frozenset(),
            closed=_flag(record.get("ferme")),
        )
    return chart


def validation_tables(settings: DossierSettings) -> dict[str, Any]:
    """The validator's tables for this dossier. A list Loop answered empty gives no table (a
    dossier without sections says nothing about them); establishments without a ``code``
    cannot be matched to the file's establishment column and give no table either."""
    sections = {
        f"{_axis(s)}/{_text(s, 'code')}": _flag(s.get("ferme"))
        for s in settings.section
        if _axis(s) and _text(s, "code")
    }
    axes = frozenset(key.split("/", 1)[0] for key in sections)
    establishments = frozenset(_text(e, "code") for e in settings.etablissement) - {""}
    tables: dict[str, Any] = {
        "journals": _journals(settings.journal),
        "chart_of_accounts": _accounts(settings.compte, axes),
        "sections": sections,
        "establishments": establishments,
    }
    return {name: table for name, table in tables.items() if table}


def with_settings(config: ValidationConfig, settings: DossierSettings | None) -> ValidationConfig:
    """`config` completed with the dossier's settings (entries of tratool.toml win)."""
    if settings is None:
        return config
    return config.with_dossier(settings.dossier, validation_tables(settings))


def plain_tables(tables: Mapping[str, Any]) -> dict[str, Any]:
    """`validation_tables` as plain TOML / JSON values: the [validate] keys they stand for."""
    out: dict[str, Any] = {}
    for name, table in tables.items():
        if isinstance(table, frozenset):
            out[name] = sorted(table)
        elif name == "sections":
            out[name] = dict(table)
        else:
            out[name] = {
                code: {
                    k: sorted(v) if isinstance(v, frozenset) else v
                    for k, v in attrs.asdict(info, recurse=False).items()
                }
                for code, info in table.items()
            }
    return out
