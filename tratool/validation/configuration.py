"""What the validator knows about the target dossier, and how strict it is.

Every key is documented in docs/validation.md. Defaults follow the rule catalogue: rules that
need facts about the dossier (fiscal years, chart of accounts…) are skipped, with one ``info``
finding, when those facts are not given.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

from ..config import ConfigFile
from ..errors import SEVERITIES, ConfigError, Severity, system_reason
from ..i18n import N_, Text, TextValueError
from .currencies import DEFAULT_DECIMALS, iso_4217
from .rules import check_rule_patterns

DOSSIER_TABLES = frozenset({"journals", "chart_of_accounts", "sections", "establishments"})
_NOT_SETTINGS = frozenset({"source", "dossier", "dossier_tables", "local_keys"})
DEFAULT_COLLECTIVES = {"401": "COF", "411": "COC", "421": "COS", "467": "COD"}
DEFAULT_PAYMENT_METHODS = frozenset(
    "ARH AVR BOE BOR CB CCD CHE CHQ DIV ESP LCR PRE REL RTD TEP TIP TRD TRE VIR".split()
)
COLLECTIVE_NATURES = frozenset({"COC", "COF", "COS", "COD"})


@attrs.frozen
class FiscalYear:
    start: dt.date
    end: dt.date
    state: str = "OUV"  # OUV open, CPR provisionally closed, CDE/CLO closed, NON not opened

    def to_toml(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "state": self.state}


@attrs.frozen
class JournalInfo:
    label: str = ""
    mode: str = "-"  # "-" pièce, "BOR" bordereau, "LIB" libre
    closed: bool = False
    axis: str = ""  # for analytic (ODA) journals
    nature: str = ""  # ACH, VTE, BQE, CAI, OD, ANO, ECC, REG… ("" when not known)


@attrs.frozen
class AccountInfo:
    nature: str = ""
    lettrable: bool = False
    ventilable: frozenset[str] = frozenset()  # axes, e.g. {"A1"}
    closed: bool = False


@attrs.frozen
class TiersInfo:
    nature: str = ""  # CLI, FOU, SAL, DIV…
    collective: str = ""


@attrs.frozen(kw_only=True)
class ValidationConfig:
    """The validator's settings. Build it directly, or with `from_mapping` from a TOML table."""

    fiscal_years: tuple[FiscalYear, ...] = ()
    closed_until: dt.date | None = None
    collective_prefixes: dict[str, str] = attrs.field(factory=lambda: dict(DEFAULT_COLLECTIVES))
    general_account_length: int | None = None
    auxiliary_length: int | None = None
    filler_char: str = "0"
    journals: dict[str, JournalInfo] | None = None
    reserved_journals: frozenset[str] = frozenset({"AN"})
    chart_of_accounts: dict[str, AccountInfo] | None = None
    tiers: dict[str, TiersInfo] | None = None
    sections: dict[str, bool] | None = None  # "A1/SECTION" -> closed
    establishments: frozenset[str] | None = None
    payment_methods: frozenset[str] = DEFAULT_PAYMENT_METHODS
    # code -> decimals of the dossier's currency table; None: every ISO 4217 code, with its
    # ISO decimals (the dossier's table is unknown, so a foreign code is only a warning).
    currencies: dict[str, int] | None = None
    dossier_currency: str = "EUR"
    company_code: str | None = None
    expected_origin: str = "CLI"
    expected_product: str = "S5"
    expected_content: str = "JRL"
    expected_format: str | None = None  # None: STD or ETE
    allow_negative_amounts: bool = False
    accept_decimal_point: bool = True
    max_line_width: int | None = None  # None: the header version's layout (1280 or 1407)
    max_movements: int = 1_000_000
    max_bytes: int = 133_000_000
    severity: dict[str, Severity | str] = attrs.field(factory=dict)  # rule -> severity or "off"
    ignore: tuple[str, ...] = ()
    select: tuple[str, ...] = ()
    source: str | None = None  # the file it was read from
    # The Loop dossier whose own settings filled some of the tables below (with_dossier), the
    # tables it filled, and the "table:key" entries tratool.toml set (those win).
    dossier: str | None = None
    dossier_tables: frozenset[str] = frozenset()
    local_keys: frozenset[str] = frozenset()

    def with_dossier(self, dossier: str, tables: Mapping[str, Any]) -> ValidationConfig:
        """These settings completed with a Loop dossier's own `tables` (``journals``,
        ``chart_of_accounts``, ``sections``, ``establishments``). An entry set here (from
        tratool.toml) wins over the dossier's entry of the same code; the others are added."""
        values: dict[str, Any] = {}
        local: set[str] = set()
        for name, theirs in tables.items():
            if name not in DOSSIER_TABLES:
                raise ValueError(f"{name!r} is not a table a dossier can fill")
            ours = getattr(self, name)
            if ours is None:
                values[name] = theirs
            elif isinstance(ours, frozenset):
                local |= {f"{name}:{key}" for key in ours}
                values[name] = ours | theirs
            else:
                local |= {f"{name}:{key}" for key in ours}
                values[name] = {**theirs, **ours}
        return attrs.evolve(
            self,
            **values,
            dossier=dossier,
            dossier_tables=frozenset(tables),
            local_keys=frozenset(local),
        )

    def origin(self, table: str, key: str | None = None) -> Text | str:
        """The words " in dossier CODE" when the dossier's settings speak for `table` (and for
        its entry `key`, unless tratool.toml set it), else "": findings say where facts come
        from."""
        if self.dossier is None or table not in self.dossier_tables:
            return ""
        if key is not None and f"{table}:{key}" in self.local_keys:
            return ""
        return N_(" in dossier {dossier}", dossier=self.dossier)

    def decimals(self, currency: str) -> int:
        """How many decimals an amount in this currency may have."""
        if self.currencies is not None and currency in self.currencies:
            return self.currencies[currency]
        return iso_4217().get(currency, DEFAULT_DECIMALS)

    def __attrs_post_init__(self) -> None:
        source = self.source or "<config>"
        check_rule_patterns(self.select, "[validate] select", source=source)
        check_rule_patterns(self.ignore, "[validate] ignore", source=source)
        check_rule_patterns(self.severity, "[validate.severity]", source=source, prefixes=False)

    def severity_of(self, rule: str, default: Severity) -> Severity | None:
        """The severity to report a finding with, or None when the rule is switched off."""
        if self.select and not rule.startswith(self.select):
            return None
        if rule.startswith(self.ignore) if self.ignore else False:
            return None
        chosen = self.severity.get(rule, default)
        return None if chosen == "off" else chosen  # type: ignore[return-value]

    @classmethod
    def from_file(cls, config: ConfigFile) -> ValidationConfig:
        return cls.from_mapping(
            config.section("validate"), base=config.path.parent, source=str(config.path)
        )

    @classmethod
    def from_mapping(
        cls, data: dict[str, Any], *, base: Path = Path("."), source: str = "<config>"
    ) -> ValidationConfig:
        """Build from a TOML table, refusing unknown keys and malformed values."""
        known = {a.name for a in attrs.fields(cls)} - _NOT_SETTINGS
        unknown = sorted(set(data) - known)
        if unknown:
            keys = ", ".join(unknown)
            raise ConfigError(source, N_("unknown key(s) in [validate]: {keys}", keys=keys))
        try:
            values = {key: _convert(key, value, base) for key, value in data.items()}
        except (AttributeError, KeyError, TypeError, ValueError) as exc:  # a value of a wrong type
            # Ours say it in French too; Python's own (a bad ISO date, a missing key) stay English.
            error = exc.text if isinstance(exc, TextValueError) else str(exc)
            raise ConfigError(source, N_("[validate] {error}", error=error)) from exc
        for rule, level in dict(values.get("severity", {})).items():
            if level not in (*SEVERITIES, "off"):
                wrong = N_(
                    "[validate.severity] {rule}: {level} is not error, warning, info or off",
                    rule=rule,
                    level=repr(level),
                )
                raise ConfigError(source, wrong)
        return cls(**values, source=source)

    def to_toml(self) -> dict[str, Any]:
        """The effective settings, as a [validate] table (for --print-config)."""
        out: dict[str, Any] = {}
        for a in attrs.fields(type(self)):
            value = getattr(self, a.name)
            if a.name in _NOT_SETTINGS or value is None:
                continue
            if a.name == "fiscal_years":
                value = [fy.to_toml() for fy in value]
            elif isinstance(value, frozenset):
                value = sorted(value)
            elif isinstance(value, tuple):
                value = list(value)
            elif isinstance(value, dict):
                value = {k: attrs.asdict(v) if attrs.has(type(v)) else v for k, v in value.items()}
                value = {k: sorted(v) if isinstance(v, frozenset) else v for k, v in value.items()}
            out[a.name] = value
        return out


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def _convert(key: str, value: Any, base: Path) -> Any:
    if key == "fiscal_years":
        return tuple(
            FiscalYear(_date(fy["start"]), _date(fy["end"]), str(fy.get("state", "OUV")))
            for fy in value
        )
    if key == "closed_until":
        return _date(value)
    if key == "journals":
        return {code: JournalInfo(**info) for code, info in value.items()}
    if key == "tiers":
        return {code: TiersInfo(**info) for code, info in value.items()}
    if key == "chart_of_accounts":
        return (
            read_chart(base / value)
            if isinstance(value, str)
            else {code: _account(info) for code, info in value.items()}
        )
    if key in ("reserved_journals", "establishments", "payment_methods"):
        return frozenset(str(v) for v in value)
    if key in ("ignore", "select"):
        return tuple(str(v) for v in value)
    if key == "sections":
        return {str(k): bool(v) for k, v in value.items()}
    return _plain(key, value)


# The TOML type of the settings `_convert` keeps as they are, by the start of their annotation.
_PLAIN_TYPES: dict[str, tuple[tuple[type, ...], Text]] = {
    "int": ((int,), N_("a whole number")),
    "str": ((str,), N_("text")),
    "bool": ((bool,), N_("true or false")),
    "dict": ((dict,), N_("a table")),
}


def _plain(key: str, value: Any) -> Any:
    """A value of the type its setting is declared with (a bool is not a number)."""
    declared = str(attrs.fields_dict(ValidationConfig)[key].type)
    for prefix, (kinds, words) in _PLAIN_TYPES.items():
        if declared.startswith(prefix):
            wrong_bool = isinstance(value, bool) and bool not in kinds
            if wrong_bool or not isinstance(value, kinds):
                wrong = N_(
                    "{key} = {value}: expected {words}", key=key, value=repr(value), words=words
                )
                raise TextValueError(wrong)
    return value


def _account(info: dict[str, Any]) -> AccountInfo:
    return AccountInfo(
        nature=str(info.get("nature", "")),
        lettrable=bool(info.get("lettrable", False)),
        ventilable=frozenset(info.get("ventilable", ())),
        closed=bool(info.get("closed", False)),
    )


def read_chart(path: Path) -> dict[str, AccountInfo]:
    """A chart-of-accounts CSV: columns account, nature, and optionally lettrable (X/-),
    ventilable (axes such as "A1 A2") and closed (X/-). Delimiter ; , or tab."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        reason = system_reason(exc)
        unreadable = N_("cannot read the chart of accounts: {reason}", reason=reason)
        raise ConfigError(str(path), unreadable) from exc
    except UnicodeDecodeError:
        text = path.read_text(encoding="cp1252")
    dialect = csv.Sniffer().sniff(text.splitlines()[0] if text else ",", delimiters=";,\t")
    chart: dict[str, AccountInfo] = {}
    for row in csv.DictReader(text.splitlines(), dialect=dialect):
        if "account" not in row or "nature" not in row:
            raise ConfigError(str(path), N_("the chart needs 'account' and 'nature' columns"))
        chart[row["account"].strip()] = AccountInfo(
            nature=row["nature"].strip().upper(),
            lettrable=(row.get("lettrable") or "").strip().upper() == "X",
            ventilable=frozenset((row.get("ventilable") or "").split()),
            closed=(row.get("closed") or "").strip().upper() == "X",
        )
    return chart
