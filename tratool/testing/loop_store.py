"""The Loop simulator's data: firm resources and import requests, with Loop's semantics.

Records carry an ``objectId`` and an opaque ``revisionId`` that changes on every write; an
update or delete quoting a stale revision is refused for that item (optimistic concurrency).
Lists support filter, sort (``a&&b:desc``), skip, take and select. State can persist to a JSON
file, written atomically after each change.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
import uuid
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import attrs

from .._fsutil import atomic_output
from ..loop import filters
from .loop_seed import SETTINGS
from .loop_wire import KEYS

RESOURCES = tuple(KEYS)
SETTINGS_RESOURCES = tuple(SETTINGS)  # a dossier's own: journal, compte, section, etablissement


def _text_of(name: str) -> Callable[[dict[str, Any]], str]:
    """A sort key: the field as text (Loop compares values as strings)."""
    return lambda record: str(record.get(name, ""))


def now_iso() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@attrs.define
class ImportRequest:
    id: str
    dossier: str
    url: str
    created: float  # the simulator's clock
    creation_date: str
    done_at: float | None = None  # when processing finished
    outcome: int | None = None  # 3 succeeded, 4 failed
    errors: list[str] = attrs.field(factory=list)
    uri: str = ""  # a file deposited through getFileUrlDeposit, instead of `url`
    status_override: list[int] = attrs.field(factory=list)  # scripted codes, for tests


@attrs.frozen
class ListQuery:
    """Loop's list parameters: filter, sort (``a&&b:desc``), skip, take, select."""

    filter: str | None = None
    sort: str | None = None
    skip: int = 0
    take: int | None = None
    select: str | None = None

    @classmethod
    def from_query(cls, query: Mapping[str, str], max_take: int = 0) -> ListQuery:
        """From a request's query string; `max_take` caps `take` (0: no cap). Raises
        ValueError for a skip or take that is not a number."""
        take = int(query["take"]) if query.get("take") else None
        if max_take and (take is None or take > max_take):
            take = max_take
        return cls(
            filter=query.get("filter"),
            sort=query.get("sort"),
            skip=int(query.get("skip") or 0),
            take=take,
            select=query.get("select"),
        )

    def apply(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The page of `rows` this query asks for; raises FilterError for a bad filter."""
        parsed = filters.parse(self.filter) if self.filter else None
        rows = [r for r in rows if parsed is None or filters.matches(parsed, r)]
        for key in reversed((self.sort or "").split("&&")):
            if key.strip():
                name, _, order = key.strip().partition(":")
                rows.sort(key=_text_of(name), reverse=order == "desc")
        rows = rows[self.skip : None if self.take is None else self.skip + self.take]
        if self.select:
            fields = [f.strip() for f in self.select.split(",") if f.strip()]
            rows = [{f: r.get(f) for f in fields if f in r} for r in rows]
        return rows


class Store:
    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self.lock = threading.RLock()
        self.records: dict[str, list[dict[str, Any]]] = {name: [] for name in RESOURCES}
        self.imports: dict[str, ImportRequest] = {}
        # dossier code -> settings resource (journal, compte…) -> records
        self.settings: dict[str, dict[str, list[dict[str, Any]]]] = {}
        self._revision = 0x24281  # the next revisionId, as a number
        if path is not None and path.exists():
            data = json.loads(path.read_text(encoding="utf-8"))
            self.records.update(data.get("records", {}))
            self.settings.update(data.get("settings", {}))
            for item in data.get("imports", []):
                self.imports[item["id"]] = ImportRequest(**item)
            self._revision = int(data.get("revision", self._revision))

    def save(self) -> None:
        if self.path is None:
            return
        with self.lock, atomic_output(self.path, "w") as out:
            json.dump(
                {
                    "records": self.records,
                    "settings": self.settings,
                    "revision": self._revision,
                    "imports": [attrs.asdict(i) for i in self.imports.values()],
                },
                out,
                ensure_ascii=False,
                indent=1,
            )

    def _new_revision(self) -> str:
        self._revision += 1
        return f"0x{self._revision:016X}"

    # -- queries ---------------------------------------------------------------------------
    def query(self, resource: str, wanted: ListQuery) -> list[dict[str, Any]]:
        with self.lock:
            rows = list(self.records[resource])
        return wanted.apply(rows)

    def query_settings(
        self, dossier: str, resource: str, wanted: ListQuery
    ) -> list[dict[str, Any]] | None:
        """A dossier's settings records, or None when the dossier does not exist."""
        with self.lock:
            if dossier not in self.settings:
                return None
            rows = list(self.settings[dossier].get(resource, []))
        return wanted.apply(rows)

    def seed_settings(self, dossier: str) -> None:
        """Give a dossier the accounting settings of `loop_seed` (a new Loop dossier comes
        with a chart of accounts, journals and sections)."""
        with self.lock:
            if dossier in self.settings:
                return
            self.settings[dossier] = {
                resource: [
                    {**record, "objectId": str(uuid.uuid4()), "revisionId": self._new_revision()}
                    for record in records
                ]
                for resource, records in SETTINGS.items()
            }
            self.save()

    def add_setting(self, dossier: str, resource: str, record: dict[str, Any]) -> None:
        """Add one settings record (a journal, an account…), as someone would in Loop."""
        with self.lock:
            self.seed_settings(dossier)
            self.settings[dossier][resource].append(
                {**record, "objectId": str(uuid.uuid4()), "revisionId": self._new_revision()}
            )
            self.save()

    def find(self, resource: str, key: str) -> dict[str, Any] | None:
        with self.lock:
            return next((r for r in self.records[resource] if r.get(KEYS[resource]) == key), None)

    def get(self, resource: str, object_id: str) -> dict[str, Any] | None:
        with self.lock:
            return next((r for r in self.records[resource] if r["objectId"] == object_id), None)

    # -- writes ----------------------------------------------------------------------------
    def create(self, resource: str, items: list[Any]) -> tuple[list[Any], list[Any]]:
        key = KEYS[resource]
        success, errors = [], []
        with self.lock:
            for item in items:
                if not isinstance(item, dict) or not str(item.get(key, "")).strip():
                    errors.append({"item": item, "message": f"{key} est obligatoire"})
                elif self.find(resource, str(item[key])) is not None:
                    errors.append({key: item[key], "message": f"{key} {item[key]} existe déjà"})
                else:
                    record = {
                        **item,
                        "objectId": str(uuid.uuid4()),
                        "revisionId": self._new_revision(),
                    }
                    self.records[resource].append(record)
                    success.append(record)
            self.save()
        return success, errors

    def _locate(self, resource: str, item: Any) -> tuple[dict[str, Any] | None, str | None]:
        if not isinstance(item, dict) or not item.get("objectId") or not item.get("revisionId"):
            return None, "objectId et revisionId sont obligatoires"
        record = next(
            (r for r in self.records[resource] if r["objectId"] == item["objectId"]), None
        )
        if record is None:
            return None, f"objectId {item['objectId']} introuvable"
        if record["revisionId"] != item["revisionId"]:
            return None, (
                f"revisionId {item['revisionId']} obsolète: l'enregistrement a été "
                f"modifié (revisionId actuel {record['revisionId']})"
            )
        return record, None

    def _each(
        self, resource: str, items: list[Any], act: Callable[[dict[str, Any], Any], Any]
    ) -> tuple[list[Any], list[Any]]:
        """Apply `act` to each item's current record; a missing or stale one is an error item."""
        success, errors = [], []
        with self.lock:
            for item in items:
                record, problem = self._locate(resource, item)
                if record is None:
                    errors.append({"objectId": (item or {}).get("objectId"), "message": problem})
                else:
                    success.append(act(record, item))
            self.save()
        return success, errors

    def update(self, resource: str, items: list[Any]) -> tuple[list[Any], list[Any]]:
        def act(record: dict[str, Any], item: Any) -> dict[str, Any]:
            record.update({k: v for k, v in item.items() if k not in ("objectId", "revisionId")})
            record["revisionId"] = self._new_revision()
            return dict(record)

        return self._each(resource, items, act)

    def delete(self, resource: str, items: list[Any]) -> tuple[list[Any], list[Any]]:
        def act(record: dict[str, Any], item: Any) -> dict[str, Any]:
            self.records[resource].remove(record)
            return {
                "status": "deleted",
                "objectId": record["objectId"],
                "revisionId": record["revisionId"],
            }

        return self._each(resource, items, act)
