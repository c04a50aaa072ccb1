"""Cross-line rules (TRA-X01 … TRA-X12) and duplicate detection (TRA-D03), while streaming.

A pièce is the run of lines sharing (journal, date, piece number). It is checked when the
key changes; what is kept afterwards is a hash per pièce, plus the balance of the pièces that
did not balance (a later fragment of the same pièce may still balance them). Memory therefore
grows with the number of pièces, never with the number of lines.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import attrs

from ..values import parse_date
from .findings import Sink
from .rules import Severity
from .settings import COLLECTIVE_NATURES, FiscalYear, ValidationConfig

GENERAL_TIERS_NATURE = {"COC": "CLI", "COF": "FOU", "COS": "SAL"}
FOLIO_MODES = frozenset({"BOR", "LIB"})


def cents(raw: str) -> int:
    """An amount field in hundredths; 0 for what the field rules report as invalid."""
    text = raw.strip().replace(",", ".")
    if not text:
        return 0
    negative = text.startswith("-")
    units, _, fraction = text.lstrip("+-").partition(".")
    if not units.isdigit() or (fraction and not fraction.isdigit()):
        return 0
    value = int(units) * 100 + int((fraction + "00")[:2])
    return -value if negative else value


def day(raw: str) -> str:
    """A raw JJMMAAAA field as people read it: 31/04/2024 (even when impossible)."""
    text = raw.strip()
    return f"{text[:2]}/{text[2:4]}/{text[4:]}" if len(text) == 8 and text.isdigit() else repr(text)


def money(value: int) -> str:
    sign = "-" if value < 0 else ""
    return f"{sign}{abs(value) // 100},{abs(value) % 100:02}"


@attrs.define
class Piece:
    key: tuple[str, str, str]
    line: int
    text: str
    piece_type: str
    currency: str
    establishment: str
    balance: int = 0  # debit - credit, keeping currency, hundredths
    foreign: int = 0  # the same in the foreign currency, when amounts name one
    analytic_only: int = 0  # O lines balance among themselves
    content: int = 0  # order-independent hash of the lines, without the piece number
    lines: set[int] = attrs.field(factory=set)
    date_changed: bool = False  # split from the previous pièce by a date change (TRA-X04)


@attrs.define
class Unbalanced:
    """A pièce that did not balance when it closed; a later fragment may still balance it."""

    line: int
    text: str
    balance: int


@attrs.define
class GeneralLine:
    """The last general line: A lines that follow split it."""

    line: int
    text: str
    key: tuple[str, str, str]
    account: str
    direction: str
    amount: int
    axes: dict[str, int] = attrs.field(factory=dict)


class PieceRules:
    def __init__(
        self,
        config: ValidationConfig,
        sink: Sink,
        fiscal_years: list[FiscalYear],
        tiers: dict[str, tuple[str, str]],
    ) -> None:
        self.config = config
        self.sink = sink
        self._file_years = fiscal_years  # filled by ***EXO records, before the entries
        self._file_tiers = tiers
        self.piece: Piece | None = None
        self.general: GeneralLine | None = None
        self.debit = 0
        self.credit = 0
        self._closed: set[int] = set()
        self._pending: dict[tuple[str, str, str], Unbalanced] = {}
        self._contents: dict[int, int] = {}  # pièce content hash -> first line
        self._numbers: dict[str, tuple[int, str]] = {}  # journal -> (last number, date raw)
        self._number_dates: dict[tuple[str, int], str] = {}
        self._lettering: defaultdict[tuple[str, str, str], list[int]] = defaultdict(lambda: [0, 0])
        self._folio: tuple[tuple[str, str, str, str], int, int, str] | None = None
        self._date_cache: dict[str, tuple[Severity, str, str] | None] = {}
        self._collective_cache: dict[tuple[str, bool, str], tuple[Severity, str, str] | None] = {}

    def _emit(
        self,
        rule: str,
        line: int | None,
        column: int | None,
        field: str | None,
        message: str,
        text: str | None,
        hint: str | None = None,
        severity: Severity | None = None,
        value: str | None = None,
    ) -> None:
        self.sink.emit(
            rule,
            line,
            column,
            field,
            message,
            hint=hint,
            value=value,
            severity=severity,
            source=text,
        )

    # -- per line -----------------------------------------------------------------------------
    def add(
        self,
        number: int,
        text: str,
        raw: dict[str, str],
        lettering: tuple[str, str, str],
        opening: str,
    ) -> None:
        journal, date, piece_number = (
            raw["journal"].strip(),
            raw["date"],
            raw["piece_number"].strip(),
        )
        key = (journal, date, piece_number)
        line_type = raw["line_type"].strip()
        direction = raw["direction"]
        sign = 1 if direction == "D" else -1 if direction == "C" else 0
        code = (raw["amount_code"].strip() or "E--").ljust(3, "-")
        amounts = (raw["amount"], raw["amount2"], raw["amount3"])
        keeping = cents(amounts[code.index("E")] if "E" in code else amounts[0])
        foreign = cents(amounts[code.index("D")]) if "D" in code else 0

        piece = self.piece
        if piece is None or piece.key != key:
            self._close_general()
            previous = piece
            if piece is not None:
                self._close(piece)
            piece = self.piece = Piece(
                key, number, text, raw["piece_type"], raw["currency"], raw["establishment"]
            )
            if (
                previous is not None
                and previous.key[0] == journal
                and previous.key[2] == piece_number
                and piece_number
            ):
                piece.date_changed = True
                self._emit(
                    "TRA-X04",
                    number,
                    4,
                    "date",
                    f"pièce {journal} {piece_number} "
                    f"changes date from {day(previous.key[1])} to {day(date)} here",
                    text,
                    "all lines of a pièce share one date; Cegid would make two "
                    "unbalanced pièces of it",
                    value=date,
                )
        else:
            self._homogeneous(number, text, piece, raw)

        line_hash = hash(
            (
                journal,
                date,
                raw["account"],
                raw["auxiliary"],
                raw["reference"],
                raw["label"],
                raw["currency"],
                raw["amount"],
                direction,
                line_type,
            )
        )
        if line_hash in piece.lines:
            self._emit(
                "TRA-D03",
                number,
                None,
                None,
                f"this line repeats an earlier line of pièce {journal} {piece_number}",
                text,
                "Cegid imports both unless "
                "« Contrôler les doublons » is on, which the API cannot set",
            )
        piece.lines.add(line_hash)
        piece.content += hash((journal, date, raw["piece_type"], line_hash))

        if line_type in ("A",):
            self._analytic(number, text, raw, keeping)
        elif line_type == "O":
            piece.analytic_only += sign * keeping
            self._journal_axis(number, text, journal, raw["axis"].strip())
        else:
            if opening not in ("OAN", "H"):
                piece.balance += sign * keeping
                piece.foreign += sign * foreign
            self.debit += keeping if sign > 0 else 0
            self.credit += keeping if sign < 0 else 0
            self._close_general()
            self.general = GeneralLine(
                number, text, key, raw["account"].strip(), direction, keeping
            )
            self._collective(number, text, raw, line_type)
            self._folio_group(number, text, raw, sign * keeping)
            self._letter(number, text, raw, lettering, sign * keeping, line_type)
        if line_type in ("A", "H", "O"):
            self._section(number, text, raw)
        self._fiscal_year(number, text, date)
        self._folio_entry_type(number, text, journal, raw["entry_type"].strip())

    def _homogeneous(self, number: int, text: str, piece: Piece, raw: dict[str, str]) -> None:
        for name, first, column in (
            ("piece_type", piece.piece_type, 12),
            ("currency", piece.currency, 160),
        ):
            if raw[name] != first:
                self._emit(
                    "TRA-X04",
                    number,
                    column,
                    name,
                    f"{name} {raw[name].strip()!r} "
                    f"differs from {first.strip()!r} on the pièce's first line "
                    f"{piece.line}",
                    text,
                    "in pièce journals Cegid silently starts a "
                    "new pièce here; both halves end up on the waiting account"
                    if name == "piece_type"
                    else None,
                    value=raw[name],
                )
        if raw["establishment"] != piece.establishment:
            self._emit(
                "TRA-X04",
                number,
                216,
                "establishment",
                f"establishment {raw['establishment'].strip()!r} differs from line {piece.line}'s",
                text,
                severity="warning",
                value=raw["establishment"],
            )

    def _analytic(self, number: int, text: str, raw: dict[str, str], amount: int) -> None:
        general = self.general
        if general is None or general.key != self.piece.key:  # type: ignore[union-attr]
            self._emit(
                "TRA-X07",
                number,
                31,
                "line_type",
                "an analytic line that follows no general line of its pièce",
                text,
                "Cegid hangs it on the last general line it saw",
            )
            return
        account, direction = raw["account"].strip(), raw["direction"]
        if account != general.account or direction != general.direction:
            self._emit(
                "TRA-X07",
                number,
                14,
                "account",
                f"analytic line on {account} "
                f"{direction} does not match its general line {general.line} "
                f"({general.account} {general.direction})",
                text,
            )
        axis = raw["axis"].strip() or "A1"
        general.axes[axis] = general.axes.get(axis, 0) + amount
        chart = self.config.chart_of_accounts
        if chart is not None and account in chart and axis not in chart[account].ventilable:
            self._emit(
                "TRA-X07",
                number,
                219,
                "axis",
                f"account {account} is not ventilable on axis {axis}",
                text,
                "Cegid would drop the analytic split",
            )

    def _close_general(self) -> None:
        general, self.general = self.general, None
        if general is None:
            return
        for axis, total in sorted(general.axes.items()):
            if total != general.amount:
                self._emit(
                    "TRA-X07",
                    general.line,
                    131,
                    "amount",
                    f"the analytic lines on "
                    f"{axis} sum to {money(total)}, the general line is "
                    f"{money(general.amount)}",
                    general.text,
                    "Cegid would post the gap on the waiting section, or absorb it silently",
                )

    def _collective(self, number: int, text: str, raw: dict[str, str], line_type: str) -> None:
        account, auxiliary = raw["account"].strip(), raw["auxiliary"].strip()
        is_tiers = line_type == "X"
        key = (account, is_tiers, auxiliary)
        if key not in self._collective_cache:
            self._collective_cache[key] = self._collective_issue(account, is_tiers, auxiliary)
        issue = self._collective_cache[key]
        if issue is not None:
            severity, message, hint = issue
            self._emit(
                "TRA-X06", number, 14, "account", message, text, hint, severity, raw["account"]
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
                    f"account {account} is not collective in the chart, yet "
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
                "Cegid would substitute its waiting tiers: put X in column 31 and the "
                "tiers code at column 32",
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

    def _journal_axis(self, number: int, text: str, journal: str, axis: str) -> None:
        info = (self.config.journals or {}).get(journal)
        if info is not None and info.axis and axis != info.axis:
            self._emit(
                "TRA-X08",
                number,
                219,
                "axis",
                f"analytic-only line on axis {axis!r}; journal {journal} works on {info.axis}",
                text,
            )

    def _section(self, number: int, text: str, raw: dict[str, str]) -> None:
        sections = self.config.sections
        if sections is None:
            return
        key = f"{raw['axis'].strip() or 'A1'}/{raw['auxiliary'].strip()}"
        if key not in sections:
            self._emit(
                "TRA-X09",
                number,
                32,
                "auxiliary",
                f"section {key} is not a known section of the dossier",
                text,
                value=raw["auxiliary"],
            )
        elif sections[key]:
            self._emit(
                "TRA-X09",
                number,
                32,
                "auxiliary",
                f"section {key} is closed",
                text,
                "a closed section stops the import",
                value=raw["auxiliary"],
            )

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
            self._emit(
                "TRA-X10",
                number,
                1014,
                "lettering_code",
                f"lettering on account {account}, which is not lettrable",
                text,
            )
        if not date.strip() or date.strip() == "01011900":
            self._emit(
                "TRA-X10",
                number,
                1014,
                "lettering_code",
                f"lettering code {code!r} without a lettering date",
                text,
                "the FEC requires both",
            )

    def _folio_group(self, number: int, text: str, raw: dict[str, str], signed: int) -> None:
        info = (self.config.journals or {}).get(raw["journal"].strip())
        if info is None or info.mode not in FOLIO_MODES:
            self._flush_folio()
            return
        key = (raw["journal"], raw["date"], raw["piece_type"], raw["currency"])
        if self._folio is not None and self._folio[0] == key:
            folio = self._folio
            self._folio = (key, folio[1], folio[2] + signed, folio[3])
        else:
            self._flush_folio()
            self._folio = (key, number, signed, text)

    def _flush_folio(self) -> None:
        folio, self._folio = self._folio, None
        if folio is not None and folio[2] != 0:
            self._emit(
                "TRA-X02",
                folio[1],
                1,
                "journal",
                f"the {folio[0][0].strip()} folio of "
                f"{day(folio[0][1])} does not balance ({money(folio[2])})",
                folio[3],
                "Cegid inserts a waiting-account line « GENEREE PAR COMSX »",
            )

    def _folio_entry_type(self, number: int, text: str, journal: str, entry_type: str) -> None:
        info = (self.config.journals or {}).get(journal)
        if info is not None and info.mode in FOLIO_MODES and entry_type not in ("", "N"):
            self._emit(
                "TRA-X12",
                number,
                151,
                "entry_type",
                f"journal {journal} is "
                f"{info.mode}, which takes normal entries only, not {entry_type!r}",
                text,
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
            self._emit("TRA-X05", number, 4, "date", message, text, hint, severity, date)

    # -- per pièce ----------------------------------------------------------------------------
    def _close(self, piece: Piece) -> None:
        key_hash = hash(piece.key)
        journal, date, number = piece.key
        if key_hash in self._closed:
            self._emit(
                "TRA-X04",
                piece.line,
                152,
                "piece_number",
                f"pièce {journal} {number} of {day(date)} continues here after other lines",
                piece.text,
                "keep the lines of a pièce together",
                "warning",
            )
        self._closed.add(key_hash)
        pending = self._pending.get(piece.key)
        if pending is not None:
            pending.balance += piece.balance
            if pending.balance == 0:
                del self._pending[piece.key]
        elif piece.balance:
            self._pending[piece.key] = Unbalanced(piece.line, piece.text, piece.balance)
        if piece.foreign:
            self._emit(
                "TRA-X01",
                piece.line,
                131,
                "amount",
                f"pièce {journal} {number} does "
                f"not balance in its foreign currency ({money(piece.foreign)})",
                piece.text,
            )
        if piece.analytic_only:
            self._emit(
                "TRA-X08",
                piece.line,
                131,
                "amount",
                f"the analytic-only lines of "
                f"pièce {journal} {number} do not balance ({money(piece.analytic_only)})",
                piece.text,
                "Cegid would add a line on the waiting section",
            )
        first = self._contents.setdefault(piece.content, piece.line)
        if first != piece.line:
            self._emit(
                "TRA-D03",
                piece.line,
                152,
                "piece_number",
                f"pièce {journal} {number} repeats the pièce at line {first} line for line",
                piece.text,
                "the same entries would be imported twice",
            )
        self._numbering(piece)

    def _numbering(self, piece: Piece) -> None:
        journal, date, raw_number = piece.key
        if not raw_number.isdigit() or int(raw_number) == 0:
            return
        number = int(raw_number)
        seen = self._number_dates.setdefault((journal, number), date)
        if seen != date and not piece.date_changed:  # TRA-X04 already said it
            self._emit(
                "TRA-X02",
                piece.line,
                152,
                "piece_number",
                f"piece number {number} of "
                f"journal {journal} is used on {day(seen)} and on {day(date)}",
                piece.text,
                severity="warning",
            )
        last = self._numbers.get(journal)
        self._numbers[journal] = (number, date)
        if last is None or seen != date:
            return
        last_number, last_date = last
        if number == last_number:
            return
        if number < last_number and _ordinal(date) >= _ordinal(last_date):
            self._emit(
                "TRA-X11",
                piece.line,
                152,
                "piece_number",
                f"piece number {number} of journal {journal} comes after {last_number}",
                piece.text,
            )
        elif number > last_number + 1:
            self._emit(
                "TRA-X11",
                piece.line,
                152,
                "piece_number",
                f"pieces {last_number + 1}-{number - 1} of journal {journal} are missing",
                piece.text,
                "the FEC requires continuous numbering",
            )

    def finish(self) -> None:
        self._close_general()
        if self.piece is not None:
            self._close(self.piece)
            self.piece = None
        self._flush_folio()
        for (journal, date, number), pending in self._pending.items():
            side = "debit" if pending.balance > 0 else "credit"
            self._emit(
                "TRA-X01",
                pending.line,
                152,
                "piece_number",
                f"pièce {journal} {number} of "
                f"{day(date)} does not balance: {side} exceeds by {money(abs(pending.balance))}",
                pending.text,
                "Cegid would silently post the difference on the waiting account",
            )
        for (account, auxiliary, code), (balance, line) in self._lettering.items():
            if balance:
                self._emit(
                    "TRA-X10",
                    line,
                    1014,
                    "lettering_code",
                    f"total lettering {code!r} "
                    f"on {account} {auxiliary} does not balance ({money(balance)})",
                    None,
                )
        if self.debit != self.credit:
            self._emit(
                "TRA-X03",
                None,
                None,
                None,
                f"the file does not balance: debit "
                f"{money(self.debit)}, credit {money(self.credit)}",
                None,
            )


def _ordinal(raw: str) -> int:
    try:
        date = parse_date(raw)
    except ValueError:
        return 0
    return date.toordinal() if date else 0


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
