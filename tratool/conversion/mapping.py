"""How source columns become TRA fields: a mapping file, or the common French headers.

See docs/convert.md for the TOML format. Without a mapping file, tratool recognises the usual
column names of French exports (Journal, Date, Compte, Tiers, Libellé, Débit, Crédit…) and
says which required column it could not find.
"""

from __future__ import annotations

import tomllib
import unicodedata
from pathlib import Path
from typing import Any

import attrs

from ..errors import ConfigError

FIELDS = frozenset(
    {
        "journal",
        "date",
        "piece_type",
        "account",
        "auxiliary",
        "reference",
        "label",
        "payment_method",
        "due_date",
        "establishment",
        "currency",
        "piece",
        "debit",
        "credit",
        "amount",
        "direction",
        "foreign_amount",
        "exchange_rate",
    }
)
DEFAULT_COLLECTIVES = {"401": "COF", "411": "COC", "421": "COS", "467": "COD"}
DIRECTIONS = {
    "D": {"d", "debit", "db", "dr", "+"},
    "C": {"c", "credit", "cr", "-"},
}
# Normalised header names (lower case, no accents, letters and digits only) per field.
_ALIASES = {
    "journal": {"journal", "codejournal", "jal", "journalcode"},
    "date": {"date", "dateecriture", "datecomptable", "datepiece", "ecrituredate"},
    "account": {"compte", "comptegeneral", "numcompte", "numerocompte", "account", "comptenum"},
    "auxiliary": {
        "auxiliaire",
        "compteauxiliaire",
        "tiers",
        "compteaux",
        "codetiers",
        "compauxnum",
    },
    "reference": {"reference", "ref", "nfacture", "facture", "numfacture", "pieceref"},
    "label": {"libelle", "label", "description", "ecriturelib", "libelleecriture"},
    "debit": {"debit"},
    "credit": {"credit"},
    "amount": {"montant", "amount"},
    "direction": {"sens"},
    "piece": {"piece", "numpiece", "numeropiece", "npiece", "ecriturenum"},
    "due_date": {"echeance", "dateecheance"},
    "payment_method": {"modepaiement", "modereglement", "reglement"},
    "currency": {"devise", "idevise"},
    "piece_type": {"typepiece", "naturepiece"},
    "establishment": {"etablissement"},
}


def normalise(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name.lower())
    return "".join(c for c in decomposed if c.isalnum() and not unicodedata.combining(c))


@attrs.frozen(kw_only=True)
class Mapping:
    columns: dict[str, str] = attrs.field(factory=dict)  # TRA field -> source column
    constants: dict[str, str] = attrs.field(factory=dict)  # TRA field -> fixed value
    date_format: str | None = None
    group_by: tuple[str, ...] = ("journal", "date", "reference")  # when no piece column
    first_number: int = 1
    collective_prefixes: dict[str, str] = attrs.field(factory=lambda: dict(DEFAULT_COLLECTIVES))
    journal_codes: dict[str, str] = attrs.field(factory=dict)  # long source code -> TRA code
    format: str = "ETE"
    source: str = "<built-in>"

    def column(self, field: str) -> str | None:
        return self.columns.get(field)

    def check(self, available: tuple[str, ...]) -> None:
        """Raise ConfigError naming what is missing, against the file's header."""
        missing = sorted({c for c in self.columns.values() if c not in available})
        if missing:
            raise ConfigError(
                self.source, f"column(s) {missing} are not in the file; it has {list(available)}"
            )
        has = set(self.columns) | set(self.constants)
        needs = ["date", "account"]
        if "journal" not in has:
            needs.append("journal")
        absent = [f for f in needs if f not in has]
        if not ({"debit", "credit"} <= has or "amount" in has):
            absent.append("debit and credit (or amount)")
        if absent:
            raise ConfigError(
                self.source,
                f"no column for {', '.join(absent)} among "
                f"{list(available)}: give a mapping file (--mapping) or --journal",
            )

    @classmethod
    def guess(cls, available: tuple[str, ...], **options: Any) -> Mapping:
        """A mapping from the usual French header names."""
        by_name = {normalise(c): c for c in available}
        columns = {}
        for field, aliases in _ALIASES.items():
            found = next((by_name[a] for a in aliases if a in by_name), None)
            if found is not None:
                columns[field] = found
        return cls(columns=columns, source="<guessed from the header>", **options)

    @classmethod
    def load(cls, path: Path, **overrides: Any) -> Mapping:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(str(path), f"cannot read the mapping: {exc}") from exc
        unknown = sorted(set(data) - {"columns", "constants", "options"})
        if unknown:
            raise ConfigError(
                str(path), f"unknown table(s) {unknown}: use [columns], [constants] and [options]"
            )
        bad = sorted((set(data.get("columns", {})) | set(data.get("constants", {}))) - FIELDS)
        if bad:
            raise ConfigError(str(path), f"unknown field(s) {bad}; fields are {sorted(FIELDS)}")
        options = dict(data.get("options", {}))
        allowed = {
            "date_format",
            "group_by",
            "first_number",
            "collective_prefixes",
            "journal_codes",
            "format",
        }
        if set(options) - allowed:
            raise ConfigError(str(path), f"unknown option(s) {sorted(set(options) - allowed)}")
        if "group_by" in options:
            options["group_by"] = tuple(options["group_by"])
        values = {
            "columns": dict(data.get("columns", {})),
            "constants": {k: str(v) for k, v in data.get("constants", {}).items()},
            **options,
            "source": str(path),
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)


def direction_of(text: str) -> str | None:
    key = normalise(text) or text.strip()
    for direction, words in DIRECTIONS.items():
        if key in words or text.strip() in words:
            return direction
    return None
