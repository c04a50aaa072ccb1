"""Analytic rules (TRA-X07 … TRA-X09): A lines split the general line just before them, O
lines balance among themselves on the journal's axis, sections exist and are open."""

from __future__ import annotations

from ..errors import Severity
from ..i18n import N_, Text
from ..tra import layout
from .configuration import ValidationConfig
from .findings import RuleSet, Sink
from .line import EntryLine, money


class AnalyticRules(RuleSet):
    def __init__(self, config: ValidationConfig, sink: Sink) -> None:
        super().__init__(config, sink)
        # The last general line, which A lines that follow split, and their sums per axis:
        # the line itself is kept (nearly every general line has no A line: nothing to build).
        self.general: EntryLine | None = None
        self._axes: dict[str, int] = {}
        self._key: tuple[str, str, str] | None = None
        self._first: tuple[int, str] = (0, "")  # the pièce's first line and its text
        self._analytic_only = 0  # O lines of the pièce, debit - credit
        self._missing: set[str] = set()  # sections the dossier lacks, already reported

    def add(self, line: EntryLine) -> None:
        number, text, raw = line.number, line.text, line.raw
        if line.key != self._key:
            self._close_piece()
            self._key, self._first = line.key, (number, text)
        line_type = line.line_type
        if line_type == "A":
            self._analytic(number, text, raw, line.keeping)
        elif line_type == "O":
            self._analytic_only += line.signed
            self._journal_axis(number, text, line.key[0], raw["axis"].strip())
        else:
            if self._axes:
                self._close_general()
            self.general = line
        if line_type in ("A", "H", "O") and self.config.sections is not None:
            self._section(number, text, raw)

    def _close_piece(self) -> None:
        self._close_general()
        if self._analytic_only and self._key is not None:
            journal, _, number = self._key
            self.report(
                "TRA-X08",
                line=self._first[0],
                column=layout.ENTRY_FIELDS["amount"].pos,
                field="amount",
                message=N_(
                    "the analytic-only lines of pièce {journal} {number} do not balance ({amount})",
                    journal=journal,
                    number=number,
                    amount=money(self._analytic_only),
                ),
                source=self._first[1],
                hint=N_("Cegid would add a line on the waiting section"),
            )
        self._analytic_only = 0

    def _analytic(self, number: int, text: str, raw: dict[str, str], amount: int) -> None:
        general = self.general
        if general is None or general.key != self._key:
            self.report(
                "TRA-X07",
                line=number,
                column=layout.ENTRY_FIELDS["line_type"].pos,
                field="line_type",
                message=N_("an analytic line that follows no general line of its pièce"),
                source=text,
                hint=N_("Cegid hangs it on the last general line it saw"),
            )
            return
        account, direction = raw["account"].strip(), raw["direction"]
        general_account, general_direction = (
            general.raw["account"].strip(),
            general.raw["direction"],
        )
        if account != general_account or direction != general_direction:
            self.report(
                "TRA-X07",
                line=number,
                column=layout.ENTRY_FIELDS["account"].pos,
                field="account",
                message=N_(
                    "analytic line on {account} {direction} does not match its general line "
                    "{line} ({general_account} {general_direction})",
                    account=account,
                    direction=direction,
                    line=general.number,
                    general_account=general_account,
                    general_direction=general_direction,
                ),
                source=text,
            )
        axis = raw["axis"].strip() or "A1"
        self._axes[axis] = self._axes.get(axis, 0) + amount
        chart = self.config.chart_of_accounts
        if chart is not None and account in chart and axis not in chart[account].ventilable:
            self.report(
                "TRA-X07",
                line=number,
                column=layout.ENTRY_FIELDS["axis"].pos,
                field="axis",
                message=N_(
                    "account {account} is not ventilable on axis {axis}{origin}",
                    account=account,
                    axis=axis,
                    origin=self.config.origin("chart_of_accounts", account),
                ),
                source=text,
                hint=N_("Cegid would drop the analytic split"),
            )

    def _close_general(self) -> None:
        general, self.general, axes = self.general, None, self._axes
        if general is None or not axes:  # most general lines: no A line split them
            return
        self._axes = {}
        for axis, total in sorted(axes.items()):
            if total != general.keeping:
                self.report(
                    "TRA-X07",
                    line=general.number,
                    column=layout.ENTRY_FIELDS["amount"].pos,
                    field="amount",
                    message=N_(
                        "the analytic lines on {axis} sum to {total}, the general line is {amount}",
                        axis=axis,
                        total=money(total),
                        amount=money(general.keeping),
                    ),
                    source=general.text,
                    hint=N_(
                        "Cegid would post the gap on the waiting section, or absorb it silently"
                    ),
                )

    def _journal_axis(self, number: int, text: str, journal: str, axis: str) -> None:
        info = (self.config.journals or {}).get(journal)
        if info is not None and info.axis and axis != info.axis:
            self.report(
                "TRA-X08",
                line=number,
                column=layout.ENTRY_FIELDS["axis"].pos,
                field="axis",
                message=N_(
                    "analytic-only line on axis {axis!r}; journal {journal} works on {expected}",
                    axis=axis,
                    journal=journal,
                    expected=info.axis,
                ),
                source=text,
            )

    def _section(self, number: int, text: str, raw: dict[str, str]) -> None:
        sections = self.config.sections
        if sections is None:
            return
        key = f"{raw['axis'].strip() or 'A1'}/{raw['auxiliary'].strip()}"
        origin = self.config.origin("sections", key)
        severity: Severity | None = None
        hint: Text | None = None
        if key not in sections and origin:
            if key in self._missing:
                return  # the dossier lacks it: said once, at its first line
            self._missing.add(key)
            # The dossier's own sections, read from Loop: it is certainly missing.
            message = N_("section {key} does not exist{origin}", key=key, origin=origin)
            severity = "error"
            hint = N_("create it in Loop first, or fix the code (reported at its first line only)")
        elif key not in sections:
            message = N_("section {key} is not a known section of the dossier", key=key)
        elif sections[key]:
            message = N_("section {key} is closed{origin}", key=key, origin=origin)
            hint = N_("a closed section stops the import")
        else:
            return
        self.report(
            "TRA-X09",
            line=number,
            column=layout.ENTRY_FIELDS["auxiliary"].pos,
            field="auxiliary",
            message=message,
            source=text,
            hint=hint,
            value=raw["auxiliary"],
            severity=severity,
        )

    def close_open(self) -> None:
        """Close the pièce in progress: the next one was proved without it (gridpieces.py)."""
        self._close_piece()
        self._key = None

    def finish(self) -> None:
        self._close_piece()
