"""Rules that hold lines against what the dossier knows (TRA-X05, TRA-X06, TRA-X10): its fiscal
years, its collective accounts and tiers, its lettrable accounts."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from ..errors import Severity
from ..i18n import N_, Text
from ..tra import layout
from ..tra.values import parse_date
from .configuration import COLLECTIVE_NATURES, FiscalYear, ValidationConfig
from .findings import RuleSet, Sink
from .line import EntryLine, money

GENERAL_TIERS_NATURE = {"COC": "CLI", "COF": "FOU", "COS": "SAL"}
Issue = tuple[Severity, Text, Text]  # severity, message, hint

_ANALYTIC = layout.ANALYTIC_LINE_TYPES
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
        self._file_years = fiscal_years  # filled by ***EXO records, usually before the entries
        self._file_tiers = tiers  # filled by ***CAE records
        self.revision = 0  # how many parameter records the answers have been told of
        self._lettering: defaultdict[tuple[str, str, str], list[int]] = defaultdict(lambda: [0, 0])
        self._date_cache: dict[str, Issue | None] = {}
        self._collective_cache: dict[tuple[str, bool, str], Issue | None] = {}

    def learned(self) -> None:
        """A parameter record was read: what it declares (a fiscal year, a tiers' nature) may
        change the answers kept per value, which are forgotten."""
        self.revision += 1
        self._date_cache.clear()
        self._collective_cache.clear()

    def add(self, line: EntryLine) -> None:
        raw, line_type = line.raw, line.line_type
        if line_type not in _ANALYTIC:  # `line.general`
            # The answers per value are looked up here: nearly every line has none to give.
            key = (raw["account"].strip(), line_type == "X", raw["auxiliary"].strip())
            cache = self._collective_cache
            issue = cache[key] if key in cache else self._collective_cached(*key)
            if issue is not None:
                self._answer("TRA-X06", "account", line, issue)
            if line.lettering[1]:  # a lettering code
                self._letter(line.number, line.text, raw, line.lettering, line.signed, line_type)
        date, issue = raw["date"], None
        if date in self._date_cache:
            issue = self._date_cache[date]
        elif self.config.fiscal_years or self._file_years:  # (none: TRA-X05 is skipped)
            issue = self._year_cached(date)
        if issue is not None:
            self._answer("TRA-X05", "date", line, issue)

    def _answer(self, rule: str, name: str, line: EntryLine, issue: Issue) -> None:
        """Report a per-value answer (TRA-X05 on the date, X06 on the account) at its field."""
        severity, message, hint = issue
        self.report(
            rule,
            line=line.number,
            column=layout.ENTRY_FIELDS[name].pos,
            field=name,
            message=message,
            source=line.text,
            hint=hint,
            severity=severity,
            value=line.raw[name],
        )

    def _collective_cached(self, account: str, is_tiers: bool, auxiliary: str) -> Issue | None:
        key = (account, is_tiers, auxiliary)
        try:
            return self._collective_cache[key]
        except KeyError:
            issue = self._collective_cache[key] = self._collective_issue(*key)
            return issue

    def collective_quiet(self, account: str, is_tiers: bool, auxiliary: str) -> bool:
        """Whether TRA-X06 has nothing to say on a general line (stripped fields)."""
        return self._collective_cached(account, is_tiers, auxiliary) is None

    def date_quiet(self, date: str) -> bool:
        """Whether TRA-X05 has nothing to say on an entry date (raw)."""
        return self._year_cached(date) is None

    @property
    def reads_tiers(self) -> bool:
        """Whether TRA-X06 may read a tiers' nature (the configuration's tiers, or the ***CAE
        records read so far): if not, the auxiliary changes none of its answers on a line."""
        return bool(self.config.tiers) or bool(self._file_tiers)

    @property
    def fiscal_years(self) -> list[FiscalYear] | tuple[FiscalYear, ...]:
        """The years TRA-X05 checks dates against: the configuration's, or else those of the
        file's ***EXO records read so far."""
        return self.config.fiscal_years or self._file_years

    def _year_cached(self, date: str) -> Issue | None:
        years = self.fiscal_years
        if not years:
            return None
        if date not in self._date_cache:
            self._date_cache[date] = _year_issue(date, years, self.config.closed_until)
        return self._date_cache[date]

    def _collective_issue(self, account: str, is_tiers: bool, auxiliary: str) -> Issue | None:
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
                N_(
                    "auxiliary {auxiliary!r} on account {account}, outside class 4",
                    auxiliary=auxiliary,
                    account=account,
                ),
                N_("no French chart makes it collective: Cegid drops the auxiliary"),
            )
        if is_tiers and not collective:
            if chart is not None:
                return (
                    "error",
                    N_(
                        "account {account} is not collective{origin}, yet carries auxiliary "
                        "{auxiliary!r}",
                        account=account,
                        origin=self.config.origin("chart_of_accounts", account)
                        or N_(" in the chart"),
                        auxiliary=auxiliary,
                    ),
                    N_("Cegid would drop the auxiliary"),
                )
            return (
                "warning",
                N_(
                    "account {account} matches no collective prefix ({prefixes}), yet carries "
                    "auxiliary {auxiliary!r}",
                    account=account,
                    prefixes=", ".join(self.config.collective_prefixes),
                    auxiliary=auxiliary,
                ),
                N_("declare the prefix in collective_prefixes, or give the chart of accounts"),
            )
        if not is_tiers and collective:
            return (
                "error",
                N_("collective account {account} without an auxiliary", account=account),
                N_(
                    "Cegid would substitute its waiting tiers: put X in column {line_type} and "
                    "the tiers code at column {auxiliary}",
                    line_type=_LINE_TYPE,
                    auxiliary=_AUXILIARY,
                ),
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
                N_(
                    "tiers {auxiliary} is {known}, but account {account} is {nature}",
                    auxiliary=auxiliary,
                    known=known,
                    account=account,
                    nature=str(nature),
                ),
                N_("Cegid would treat the tiers as missing or replace the collective"),
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
                message=N_(
                    "lettering on account {account}, which is not lettrable{origin}",
                    account=account,
                    origin=self.config.origin("chart_of_accounts", account),
                ),
                source=text,
            )
        if not date.strip() or date.strip() == "01011900":
            self.report(
                "TRA-X10",
                line=number,
                column=layout.ENTRY_FIELDS["lettering_code"].pos,
                field="lettering_code",
                message=N_("lettering code {code!r} without a lettering date", code=code),
                source=text,
                hint=N_("the FEC requires both"),
            )

    def finish(self) -> None:
        for (account, auxiliary, code), (balance, line) in self._lettering.items():
            if balance:
                self.report(
                    "TRA-X10",
                    line=line,
                    column=layout.ENTRY_FIELDS["lettering_code"].pos,
                    field="lettering_code",
                    message=N_(
                        "total lettering {code!r} on {account} {auxiliary} does not balance "
                        "({amount})",
                        code=code,
                        account=account,
                        auxiliary=auxiliary,
                        amount=money(balance),
                    ),
                )


def _year_issue(
    raw: str, years: list[FiscalYear] | tuple[FiscalYear, ...], closed_until: dt.date | None
) -> Issue | None:
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
            N_("{date} is outside every fiscal year of the dossier", date=date),
            N_("a date outside every exercise stops the whole import"),
        )
    if year.state in ("CLO", "CDE"):
        return (
            "error",
            N_(
                "{date} is in the closed exercise {start}-{end}",
                date=date,
                start=year.start,
                end=year.end,
            ),
            N_("Cegid refuses entries in a closed exercise"),
        )
    if year.state == "NON":
        return (
            "warning",
            N_("{date} is in an exercise not yet opened", date=date),
            N_("open the exercise in Loop first"),
        )
    if closed_until is not None and date <= closed_until:
        return (
            "error",
            N_(
                "{date} is in the period closed until {closed_until}",
                date=date,
                closed_until=closed_until,
            ),
            N_("Cegid refuses entries in a closed period"),
        )
    return None
