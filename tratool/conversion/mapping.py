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
from ..i18n import N_, TextValueError
from .cells import date_format

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
# Normalised header names (lower case, no accents, letters and digits only: "N° compte" is
# "ncompte") per field, French and English, as exports and spreadsheets title them. A name
# belongs to one field only.
# fmt: off
_ALIASES = {
    "journal": {
        "journal", "codejournal", "jal", "journalcode", "codejal", "cdjournal", "journalcd",
        "jnl", "codedujournal",
    },
    "date": {
        "date", "dateecriture", "datecomptable", "datepiece", "ecrituredate", "datedepiece",
        "datedecriture", "datemouvement", "dateoperation", "datecompta", "postingdate",
        "entrydate", "transactiondate", "accountingdate",
    },
    "account": {
        "compte", "comptegeneral", "numcompte", "numerocompte", "numerodecompte", "ncompte",
        "nocompte", "ndecompte", "comptenum", "comptegeneralnum", "cptgeneral", "cpt",
        "generalaccount", "account", "accountnumber", "accountno", "glaccount",
    },
    "auxiliary": {
        "auxiliaire", "compteauxiliaire", "tiers", "compteaux", "codetiers", "compauxnum",
        "comptetiers", "codeauxiliaire", "numtiers", "ntiers", "auxiliary", "subledger",
        "auxiliaryaccount",
    },
    "reference": {
        "reference", "ref", "nfacture", "facture", "numfacture", "numerofacture",
        "numerodefacture", "pieceref", "referencepiece", "refpiece", "invoice", "invoiceno",
        "invoicenumber",
    },
    "label": {
        "libelle", "label", "description", "ecriturelib", "libelleecriture", "libellemouvement",
        "libelleoperation", "intitule", "designation", "wording", "narrative",
    },
    "debit": {"debit", "montantdebit", "mtdebit", "debiteur", "debitamount"},
    "credit": {"credit", "montantcredit", "mtcredit", "crediteur", "creditamount"},
    "amount": {"montant", "amount", "mt", "montanteuro", "montanteur", "valeur", "value"},
    "direction": {"sens", "sensdc", "dc", "debitcredit", "direction", "side"},
    "piece": {
        "piece", "numpiece", "numeropiece", "npiece", "ecriturenum", "nopiece", "numerodepiece",
        "ndepiece", "pieceno", "piecenumber", "entrynumber", "voucher", "voucherno",
        "vouchernumber",
    },
    "due_date": {"echeance", "dateecheance", "datedecheance", "duedate"},
    "payment_method": {
        "modepaiement", "modereglement", "reglement", "modedepaiement", "modedereglement",
        "paymentmethod",
    },
    "currency": {"devise", "idevise", "codedevise", "currency", "currencycode"},
    "piece_type": {"typepiece", "naturepiece", "typedepiece", "naturedepiece"},
    "establishment": {"etablissement", "codeetablissement", "establishment"},
}
# fmt: on
_OPTION_TYPES: dict[str, type | tuple[type, ...]] = {
    "date_format": str,
    "group_by": list,
    "first_number": int,
    "collective_prefixes": dict,
    "journal_codes": dict,
    "format": str,
}
FORMATS = ("ETE", "STD")


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
            message = N_(
                "column(s) {missing} are not in the file; it has {available}",
                missing=str(missing),
                available=str(list(available)),
            )
            raise ConfigError(self.source, message)
        has = set(self.columns) | set(self.constants)
        needs = ["date", "account"]
        if "journal" not in has:
            needs.append("journal")
        absent = [f for f in needs if f not in has]
        if not ({"debit", "credit"} <= has or "amount" in has):
            absent.append("debit and credit (or amount)")
        if absent:
            remedy = (
                N_("give a mapping file (--mapping), or --journal CODE for the journal")
                if "journal" in absent
                else N_("give a mapping file (--mapping)")
            )
            message = N_(
                "no column for {fields} among {available}: {remedy}",
                fields=", ".join(absent),
                available=str(list(available)),
                remedy=remedy,
            )
            raise ConfigError(self.source, message)

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
        """Read a mapping file; every key and type is checked (ConfigError naming the key)."""
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            message = N_("cannot read the mapping: {reason}", reason=str(exc))
            raise ConfigError(str(path), message) from exc
        unknown = sorted(set(data) - {"columns", "constants", "options"})
        if unknown:
            message = N_(
                "unknown table(s) {tables}: use [columns], [constants] and [options]",
                tables=str(unknown),
            )
            raise ConfigError(str(path), message)
        tables = {name: _table(path, data, name) for name in ("columns", "constants", "options")}
        for name in ("columns", "constants"):
            _fields(path, name, tables[name])
        columns = _strings(path, "columns", tables["columns"], numbers=False)
        constants = _strings(path, "constants", tables["constants"], numbers=True)
        values: dict[str, Any] = {
            "columns": columns,
            "constants": constants,
            **_options(path, tables["options"]),
            "source": str(path),
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)


def _table(path: Path, data: dict[str, Any], name: str) -> dict[str, Any]:
    table = data.get(name, {})
    if not isinstance(table, dict):
        message = N_("[{name}] must be a table, not {kind}", name=name, kind=type(table).__name__)
        raise ConfigError(str(path), message)
    return table


def _fields(path: Path, table: str, values: dict[str, Any]) -> None:
    bad = sorted(set(values) - FIELDS)
    if bad:
        message = N_(
            "[{table}] unknown field(s) {bad}; fields are {fields}",
            table=table,
            bad=str(bad),
            fields=str(sorted(FIELDS)),
        )
        raise ConfigError(str(path), message)


def _strings(path: Path, table: str, values: dict[str, Any], *, numbers: bool) -> dict[str, str]:
    """Text values; with `numbers`, a whole number is accepted as its digits (a piece type
    or an establishment written 1 instead of "001" is not: it would lose its zeros)."""
    out = {}
    for key, value in values.items():
        if isinstance(value, str) or (numbers and type(value) is int):
            out[key] = str(value)
        else:
            kind = N_("a column name") if table == "columns" else N_("a value")
            message = N_(
                "[{table}] {key} = {value}: expected {kind} in quotes, not {type}",
                table=table,
                key=key,
                value=repr(value),
                kind=kind,
                type=type(value).__name__,
            )
            raise ConfigError(str(path), message)
    return out


def _options(path: Path, options: dict[str, Any]) -> dict[str, Any]:
    where = str(path)
    unknown = sorted(set(options) - set(_OPTION_TYPES))
    if unknown:
        message = N_(
            "[options] unknown option(s) {unknown}; options are {options}",
            unknown=str(unknown),
            options=str(sorted(_OPTION_TYPES)),
        )
        raise ConfigError(where, message)
    for key, value in options.items():
        expected = _OPTION_TYPES[key]
        if not isinstance(value, expected) or isinstance(value, bool):
            message = N_(
                "[options] {key} = {value}: expected {expected}, not {type}",
                key=key,
                value=repr(value),
                expected=_TYPE_WORDS[key],
                type=type(value).__name__,
            )
            raise ConfigError(where, message)
    checked = dict(options)
    if "group_by" in options:
        group_by = options["group_by"]
        bad = [f for f in group_by if not isinstance(f, str) or f not in FIELDS]
        if bad or not group_by:
            message = N_(
                "[options] group_by: {bad}: give fields among {fields}",
                bad=str(bad) if bad else N_("empty"),
                fields=str(sorted(FIELDS)),
            )
            raise ConfigError(where, message)
        checked["group_by"] = tuple(group_by)
    if options.get("first_number", 1) < 1:
        raise ConfigError(where, N_("[options] first_number must be 1 or more"))
    if "format" in options and options["format"] not in FORMATS:
        wrong = N_("[options] format = {value}: ETE or STD", value=repr(options["format"]))
        raise ConfigError(where, wrong)
    for key in ("collective_prefixes", "journal_codes"):
        for inner, value in options.get(key, {}).items():
            if not isinstance(value, str):
                message = N_(
                    "[options] {key}.{inner} = {value}: expected text",
                    key=key,
                    inner=inner,
                    value=repr(value),
                )
                raise ConfigError(where, message)
    if "date_format" in options:
        try:
            date_format(options["date_format"])
        except ValueError as exc:
            reason = exc.text if isinstance(exc, TextValueError) else str(exc)
            message = N_("[options] date_format: {reason}", reason=reason)
            raise ConfigError(where, message) from None
    return checked


_TYPE_WORDS = {
    "date_format": N_('text such as "JJ/MM/AAAA"'),
    "group_by": N_('a list of fields such as ["journal", "date"]'),
    "first_number": N_("a whole number"),
    "collective_prefixes": N_('a table such as {{ "411" = "COC" }}'),
    "journal_codes": N_('a table such as {{ "VENTES" = "VTE" }}'),
    "format": N_('"ETE" or "STD"'),
}


def direction_of(text: str) -> str | None:
    key = normalise(text) or text.strip()
    for direction, words in DIRECTIONS.items():
        if key in words or text.strip() in words:
            return direction
    return None
