"""Parameter records (TRA-S08, TRA-S12, TRA-S13): known codes, coherent contents, and the
facts they bring (fiscal years from ***EXO, tiers from ***CAE) for the cross-line rules."""

from __future__ import annotations

from ..i18n import N_, Text, TextValueError
from ..tra import layout
from ..tra.values import is_ascii_number, parse_date
from .configuration import FiscalYear, ValidationConfig
from .findings import RuleSet, Sink

EXERCISE_STATES = frozenset({"OUV", "CDE", "CPR", "CLO", "NON"})
JOURNAL_NATURES = frozenset("ACH ANA BQE CAI CLO ECC EXT OD ODA REG VTE ANO".split())
ACCOUNT_NATURES = frozenset("BQE CAI CHA COC COD COF COS DIV EXT IMO PRO TIC TID".split())
TIERS_NATURES = frozenset({"AUC", "AUD", "CLI", "DIV", "FOU", "SAL"})
DOSSIER_RECORDS = frozenset({"PS1", "PS2", "PS3", "PS4", "PS5", "EXO", "ETB", "DEV", "MDP", "MDR"})


class ParameterRules(RuleSet):
    def __init__(self, config: ValidationConfig, sink: Sink) -> None:
        super().__init__(config, sink)
        self.fiscal_years: list[FiscalYear] = []  # from ***EXO records
        self.tiers: dict[str, tuple[str, str]] = {}  # from ***CAE: code -> (nature, collective)
        self._exercise_codes: set[str] = set()
        self._open_exercises = 0
        self._dossier_record_reported = False

    def add(self, number: int, text: str, content: str) -> None:
        prefix, code = layout.cut(text, layout.PREFIX), layout.cut(text, layout.RECORD_CODE)
        if prefix != "***":
            self.report(
                "TRA-S08",
                line=number,
                column=layout.PREFIX.pos,
                message=N_("parameter record with prefix {prefix!r}", prefix=prefix),
                source=text,
                value=text[: layout.RECORD_CODE.end],
                hint=N_("Cegid reads ### and ¥¥¥ like ***; tratool writes ***"),
            )
        name = layout.record_code(text)
        if name not in layout.KNOWN_PARAMETER_CODES:
            self.report(
                "TRA-S08",
                line=number,
                column=layout.RECORD_CODE.pos,
                message=N_("unknown record code {code!r}", code=code),
                source=text,
                value=code,
                hint=N_("Cegid silently ignores the record and its content"),
            )
            return
        if content == "JRL" and name in DOSSIER_RECORDS and not self._dossier_record_reported:
            self._dossier_record_reported = True
            self.report(
                "TRA-S13",
                line=number,
                column=layout.RECORD_CODE.pos,
                message=N_("a JRL file carries a dossier-level ***{name} record", name=name),
                source=text,
                value=code,
                hint=N_("a journal import needs none; their effect in Loop is unknown"),
            )
        check = getattr(self, f"_record_{name.lower()}", None)
        if check is not None:
            check(number, text.ljust(1100))

    def _bad(self, number: int, field: layout.Field, message: Text, text: str) -> None:
        self.report(
            "TRA-S12",
            line=number,
            column=field.pos,
            message=message,
            source=text.rstrip(),
            value=layout.cut(text, field),
        )

    def _record_ps2(self, number: int, text: str) -> None:
        lengths = layout.LENGTHS.field
        checks = [
            (lengths("general_account_length"), N_("general account length"), 6),
            (lengths("auxiliary_length"), N_("auxiliary length"), 6),
        ]
        checks += [
            (lengths(f"axis{axis}_length"), N_("axis {axis} section length", axis=axis), 3)
            for axis in range(1, 6)
        ]
        for field, what, minimum in checks:
            raw = layout.cut(text, field).strip()
            if not raw:
                continue
            if not is_ascii_number(raw) or not minimum <= int(raw) <= 17:
                message = N_(
                    "PS2 {what} {raw!r} is not {minimum} to 17", what=what, raw=raw, minimum=minimum
                )
                self._bad(number, field, message, text)
        for field, expected, general in (
            (lengths("general_account_length"), self.config.general_account_length, True),
            (lengths("auxiliary_length"), self.config.auxiliary_length, False),
        ):
            raw = layout.cut(text, field).strip()
            if expected is not None and is_ascii_number(raw) and int(raw) != expected:
                message = (
                    N_(
                        "PS2 general length {raw} differs from the dossier's {expected}: the "
                        "import would abort",
                        raw=raw,
                        expected=expected,
                    )
                    if general
                    else N_(
                        "PS2 auxiliary length {raw} differs from the dossier's {expected}: the "
                        "import would abort",
                        raw=raw,
                        expected=expected,
                    )
                )
                self._bad(number, field, message, text)

    def _record_ps5(self, number: int, text: str) -> None:
        currency_field = layout.CURRENCY.field("keeping_currency")
        euro_field = layout.CURRENCY.field("keeps_euro")
        currency, euro = layout.cut(text, currency_field).strip(), layout.cut(text, euro_field)
        if currency not in ("EUR", "FRF"):
            message = N_("PS5 keeping currency {currency!r} is not EUR or FRF", currency=currency)
            self._bad(number, currency_field, message, text)
        elif (currency == "EUR") != (euro == "X") and euro.strip():
            message = N_(
                "PS5 euro flag {euro!r} contradicts currency {currency}",
                euro=euro,
                currency=currency,
            )
            self._bad(number, euro_field, message, text)

    def _record_exo(self, number: int, text: str) -> None:
        fields = {f.name: text[f.start : f.end] for f in layout.EXERCISE.fields}
        code, state = fields["code"].strip(), fields["state"].strip()
        if not (is_ascii_number(code) and 1 <= int(code) <= 999):
            message = N_("EXO code {code!r} is not 001 to 999", code=code)
            self._bad(number, layout.EXERCISE.field("code"), message, text)
        elif code in self._exercise_codes:
            message = N_("EXO code {code} appears twice", code=code)
            self._bad(number, layout.EXERCISE.field("code"), message, text)
        self._exercise_codes.add(code)
        try:
            start, end = parse_date(fields["start"]), parse_date(fields["end"])
        except TextValueError as exc:
            message = N_("EXO {reason}", reason=exc.text)
            self._bad(number, layout.EXERCISE.field("start"), message, text)
            return
        if start is None or end is None or start.day != 1 or end.day < 28 or end <= start:
            message = N_(
                "EXO dates {start}-{end} are not the first and last day of an exercise",
                start=fields["start"],
                end=fields["end"],
            )
            self._bad(number, layout.EXERCISE.field("start"), message, text)
            return
        if state not in EXERCISE_STATES:
            message = N_("EXO state {state!r} is not OUV, CDE, CPR, CLO or NON", state=state)
            self._bad(number, layout.EXERCISE.field("state"), message, text)
            return
        self._open_exercises += state == "OUV"
        if state == "OUV" and self._open_exercises == 3:
            message = N_("more than two open exercises")
            self._bad(number, layout.EXERCISE.field("state"), message, text)
        self.fiscal_years.append(FiscalYear(start, end, state))

    def _record_jal(self, number: int, text: str) -> None:
        fields = {f.name: text[f.start : f.end].strip() for f in layout.JOURNAL.fields}
        nature, mode = fields["nature"], fields["entry_mode"]
        if nature not in JOURNAL_NATURES:
            self._bad(
                number,
                layout.JOURNAL.field("nature"),
                N_("JAL nature {nature!r} is not a journal nature", nature=nature),
                text,
            )
        elif nature in ("BQE", "CAI") and not fields["counterpart_account"]:
            self._bad(
                number,
                layout.JOURNAL.field("counterpart_account"),
                N_("JAL {nature} journal without its account", nature=nature),
                text,
            )
        elif nature == "ODA" and not fields["axis"]:
            message = N_("JAL ODA journal without its axis")
            self._bad(number, layout.JOURNAL.field("axis"), message, text)
        if mode not in ("", "-", "BOR", "LIB"):
            self._bad(
                number,
                layout.JOURNAL.field("entry_mode"),
                N_("JAL entry mode {mode!r} is not -, BOR or LIB", mode=mode),
                text,
            )

    def _record_cgn(self, number: int, text: str) -> None:
        fields = {f.name: text[f.start : f.end] for f in layout.GENERAL_ACCOUNT.fields}
        if fields["nature"].strip() not in ACCOUNT_NATURES:
            self._bad(
                number,
                layout.GENERAL_ACCOUNT.field("nature"),
                N_(
                    "CGN nature {nature!r} is not an account nature",
                    nature=fields["nature"].strip(),
                ),
                text,
            )
        flags = fields["lettrable"] + fields["pointable"] + fields["ventilable_axes"]
        if any(c not in "X- " for c in flags):
            self._bad(
                number,
                layout.GENERAL_ACCOUNT.field("lettrable"),
                N_("CGN flags {flags!r} are not X or -", flags=flags),
                text,
            )

    def _record_cae(self, number: int, text: str) -> None:
        fields = {f.name: text[f.start : f.end].strip() for f in layout.TIERS.fields}
        if fields["nature"] not in TIERS_NATURES:
            self._bad(
                number,
                layout.TIERS.field("nature"),
                N_("CAE nature {nature!r} is not a tiers nature", nature=fields["nature"]),
                text,
            )
        self.tiers[fields["code"]] = (fields["nature"], fields["collective_account"])
