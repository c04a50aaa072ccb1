"""Rules that hold lines against what the dossier knows (TRA-X05, TRA-X06, TRA-X10): its fiscal
years, its collective accounts and tiers, its lettrable accounts."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from ..errors import Severity
from ..tra import layout
from ..tra.values import parse_date
from .configuration import COLLECTIVE_NATURES, FiscalYear, ValidationConfig
from .findings import RuleSet, Sink
from .line import EntryLine, money

GENERAL_TIERS_NATURE = {"COC": "CLI", "COF": "FOU", "COS": "SAL"}

_LINE_TYPE = layout.LINE_TYPE.pos
_AUXILIARY = layout.ENTRY_FIELDS["auxiliary"].pos


class DossierRules(RuleSet):
    def __init__(
        self,
        config: ValidationConfig,
        sink: Sink,
        fiscal_years: list[FiscalYear],
        tiers: dict[str, tuple[str, str]],
    ) -> None:
        super().__init__(config, sink)
        self._file_years = fiscal_years  # filled by ***EXO records, before the entries
        self._file_tiers = tiers  # filled by ***CAE records
        self._lettering: defaultdict[tuple[str, str, str], list[int]] = defaultdict(lambda: [0, 0])
        self._date_cache: dict[str, tuple[Severity, str, str] | None] = {}
        self._collective_cache: dict[tuple[str, bool, str], tuple[Severity, str, str] | None] = {}

    def add(self, line: EntryLine) -> None:
        if line.general:
            self._collective(line.number, line.text, line.raw, line.line_type)
            self._letter(
                line.number, line.text, line.raw, line.lettering, line.signed, line.line_type
            )
        self._fiscal_year(line.number, line.text, line.raw["date"])

    def _collective(self, number: int, text: str, raw: dict[str, str], line_type: str) -> None:
        account, auxiliary = raw["account"].strip(), raw["auxiliary"].strip()
        is_tiers = line_type == "X"
        key = (account, is_tiers, auxiliary)
        if key not in self._collective_cache:
            self._collective_cache[key] = self._collective_issue(account, is_tiers, auxiliary)
        issue = self._collective_cache[key]
        if issue is not None:
            severity, message, hint = issue
            self.report(
                "TRA-X06",
                line=number,
                column=layout.ENTRY_FIELDS["account"].pos,
                field="account",
                message=message,
                source=text,
                hint=hint,
                severity=severity,
                value=raw["account"],
            )

    def _collective_issue(
        self, account: str, is_tiers: bool, auxiliary: str
    ) -> tuple[Severity, str, str] | None:
        chart = self.config.chart_of_accounts
        if chart is not None:
            nature = chart[account].nature if account in chart else None
        else:
            nature = next(
                (n for p, n in self.config.collective_prefixes.items() if account.startswith(p)),
                None,
            )
        collective = nature in COLLECTIVE_NATURES
        if is_tiers and not account.startswith("4"):
            return (
                "error",
                f"auxiliary {auxiliary!r} on account {account}, outside class 4",
                "no French chart makes it collective: Cegid drops the auxiliary",
            )
        if is_tiers and not collective:
            if chart is not None:
                return (
                    "error",
                    f"account {account} is not collective"
                    f"{self.config.origin('chart_of_accounts', account) or ' in the chart'}, yet "
                    f"carries auxiliary {auxiliary!r}",
                    "Cegid would drop the auxiliary",
                )
            return (
                "warning",
                f"account {account} matches no collective prefix "
                f"({', '.join(self.config.collective_prefixes)}), yet carries auxiliary "
                f"{auxiliary!r}",
                "declare the prefix in collective_prefixes, or give the chart of accounts",
            )
        if not is_tiers and collective:
            return (
                "error",
                f"collective account {account} without an auxiliary",
                f"Cegid would substitute its waiting tiers: put X in column {_LINE_TYPE} and "
                f"the tiers code at column {_AUXILIARY}",
            )
        tiers = self.config.tiers
        known = (
            tiers[auxiliary].nature
            if tiers and auxiliary in tiers
            else self._file_tiers.get(auxiliary, ("", ""))[0]
        )
        expected = GENERAL_TIERS_NATURE.get(nature or "")
        if is_tiers and known and expected and known not in (expected, "DIV"):
            return (
                "error",
                f"tiers {auxiliary} is {known}, but account {account} is {nature}",
                "Cegid would treat the tiers as missing or replace the collective",
            )
        return None

    def _letter(
        self,
        number: int,
        text: str,
        raw: dict[str, str],
        lettering: tuple[str, str, str],
        signed: int,
        line_type: str,
    ) -> None:
        state, code, date = lettering
        if not code:
            return
        account = raw["account"].strip()
        if state == "TL":
            group = self._lettering[(account, raw["auxiliary"].strip(), code)]
            group[0] += signed
            group[1] = group[1] or number
        chart = self.config.chart_of_accounts
        if (
            chart is not None
            and line_type != "X"
            and account in chart
            and not chart[account].lettrable
        ):
            self.report(
                "TRA-X10",
                line=number,
                column=layout.ENTRY_FIELDS["lettering_code"].pos,
                field="lettering_code",
                message=f"lettering on account {account}, which is not lettrable"
                f"{self.config.origin('chart_of_accounts', account)}",
                source=text,
            )
        if not date.strip() or date.strip() == "01011900":
            self.report(
                "TRA-X10",
                line=number,
                column=layout.ENTRY_FIELDS["lettering_code"].pos,
                field="lettering_code",
                message=f"lettering code {code!r} without a lettering date",
                source=text,
                hint="the FEC requires both",
            )

    def _fiscal_year(self, number: int, text: str, date: str) -> None:
        years = self.config.fiscal_years or self._file_years
        if not years:
            return
        if date not in self._date_cache:
            self._date_cache[date] = _year_issue(date, years, self.config.closed_until)
        issue = self._date_cache[date]
        if issue is not None:
            severity, message, hint = issue
            self.report(
                "TRA-X05",
                line=number,
                column=layout.ENTRY_FIELDS["date"].pos,
                field="date",
                message=message,
                source=text,
                hint=hint,
                severity=severity,
                value=date,
            )

    def finish(self) -> None:
        for (account, auxiliary, code), (balance, line) in self._lettering.items():
            if balance:
                self.report(
                    "TRA-X10",
                    line=line,
                    column=layout.ENTRY_FIELDS["lettering_code"].pos,
                    field="lettering_code",
                    message=f"total lettering {code!r} "
                    f"on {account} {auxiliary} does not balance ({money(balance)})",
                )


def _year_issue(
    raw: str, years: list[FiscalYear] | tuple[FiscalYear, ...], closed_until: dt.date | None
) -> tuple[Severity, str, str] | None:
    try:
        date = parse_date(raw)
    except ValueError:
        return None  # TRA-F02 reports it
    if date is None:
        return None
    year = next((y for y in years if y.start <= date <= y.end), None)
    if year is None:
        return (
            "error",
            f"{date:%d/%m/%Y} is outside every fiscal year of the dossier",
            "a date outside every exercise stops the whole import",
        )
    if year.state in ("CLO", "CDE"):
        return (
            "error",
            f"{date:%d/%m/%Y} is in the closed exercise {year.start:%d/%m/%Y}-{year.end:%d/%m/%Y}",
            "Cegid refuses entries in a closed exercise",
        )
    if year.state == "NON":
        return (
            "warning",
            f"{date:%d/%m/%Y} is in an exercise not yet opened",
            "open the exercise in Loop first",
        )
    if closed_until is not None and date <= closed_until:
        return (
            "error",
            f"{date:%d/%m/%Y} is in the period closed until {closed_until:%d/%m/%Y}",
            "Cegid refuses entries in a closed period",
        )
    return None
