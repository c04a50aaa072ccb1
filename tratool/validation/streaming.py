"""The reference validation pass: one streaming pass over a file, feeding each line to the
rule families in turn. `engine.validate` runs it, or its fast subclass (validation/columnar.py)."""

from __future__ import annotations

import datetime as dt
import operator
import re
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import IO

from ..display import listing
from ..i18n import N_
from ..tra import layout
from ..tra.lines import (
    DecodedLine,
    DecodedLines,
    LineDecoder,
    LineKind,
    classify,
    field_at,
)
from ..tra.values import parse_date
from .analytics import AnalyticRules
from .configuration import ValidationConfig
from .dossier import DossierRules
from .entries import EntryRules
from .extended import ExtendedRules
from .findings import Report, Sink
from .line import NO_LETTERING, entry_line, money
from .parameters import ParameterRules
from .pieces import PieceRules
from .structure import StructureRules

_ENTRY_NAMES = tuple(f.name for f in layout.ENTRY.fields)
_CUT_ENTRY = operator.itemgetter(*(slice(f.start, f.end) for f in layout.ENTRY.fields))
_STD_WIDTH = layout.STD_WIDTH


def entry_fields(text: str) -> dict[str, str]:
    """An entry line's 22 standard fields by name, raw (a short line padded with blanks)."""
    # (Not `strict`: the getter gives one value per name, and this runs for every line.)
    return dict(zip(_ENTRY_NAMES, _CUT_ENTRY(text.ljust(_STD_WIDTH)), strict=False))


# What the rules that read an entry line alone leave the cross-line families: its raw fields,
# its ETE lettering (state, code, latest date) and opening kind.
LineRead = tuple[dict[str, str], tuple[str, str, str], str]
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# The records whose facts the dossier rules read: a fiscal year, a tiers' nature.
_DOSSIER_FACTS = frozenset({"EXO", "CAE"})
_ETE_LETTERING = [
    layout.ETE_GENERAL.field(n) for n in ("lettering_state", "lettering_code", "lettering_max_date")
]
_OPENING = layout.ETE_GENERAL.field("opening_kind")
DEFAULT_MAX_FINDINGS = 10_000
_DATES_KEPT = 4_096  # distinct entry dates parsed once each (a year has 366); then forgotten


class ValidationPass:
    """One validation of one file: the rule families, fed one line at a time, and the report
    they fill."""

    def __init__(
        self, path: str, config: ValidationConfig, decoder: LineDecoder, max_findings: int
    ) -> None:
        self.decoder = decoder
        self.report = Report(path=path, encoding=decoder.encoding)
        self.config = config
        self.sink = Sink(self.report, config, max_findings)
        self.structure = StructureRules(config, self.sink)
        self.parameters = ParameterRules(config, self.sink)
        self.fields = EntryRules(config, self.sink)
        self.extended = ExtendedRules(config, self.sink)
        self.pieces = PieceRules(config, self.sink)
        self.analytics = AnalyticRules(config, self.sink)
        self.dossier = DossierRules(
            config, self.sink, self.parameters.fiscal_years, self.parameters.tiers
        )
        # What the header says, once read: the content, the ETE format, the file version.
        self.content, self.is_extended, self.version = "JRL", False, ""
        self._entry_dates: dict[str, dt.date | None] = {}  # raw date -> date, for the totals

    def run(self, stream: IO[bytes]) -> Report:
        lines = DecodedLines(stream, self.decoder)
        self.consume(lines, lines)
        return self.finish(lines)

    def consume(self, lines: DecodedLines, decoded: Iterable[DecodedLine]) -> None:
        """Check `decoded`, lines that `lines` read, until a fatal one."""
        for line in decoded:
            if line.problems and any(p.fatal for p in line.problems):
                self._decoding(line)
                return  # a binary or UTF-16 file: one finding, nothing more is read
            self._line(lines, line)

    def finish(self, lines: DecodedLines) -> Report:
        self.report.totals.lines = lines.count if lines.size else 0
        self._finish(lines)
        return self.report

    def _line(self, lines: DecodedLines, line: DecodedLine) -> None:
        number, text = line.number, line.text
        if line.problems:
            self._decoding(line)
        self._controls(number, text)
        kind = classify(number, text)
        if kind is LineKind.BLANK:
            self.sink.emit(
                "TRA-S11",
                line=number,
                message=N_("blank line"),
                hint=N_("Cegid skips it; it often reveals a broken export"),
            )
        elif kind is LineKind.HEADER:
            self._header(text)
            lines.extended = self.is_extended
        else:
            if number == 1:
                self.structure.not_a_header(text)
            if kind is LineKind.PARAMETER:
                self._parameter(number, text)
                return
            line_type = text[layout.LINE_TYPE_SLICE].strip()
            if kind is LineKind.SPECIAL:
                self.structure.line_type(number, text, line_type)
            else:
                self._entry(number, text, line_type, self.is_extended, self.version)

    def _decoding(self, line: DecodedLine) -> None:
        """TRA-D01: what breaks Cegid's one byte per column, where it is."""
        for problem in line.problems:
            self.sink.emit(
                "TRA-D01",
                line=problem.line,
                column=problem.column,
                field=problem.field,
                message=problem.message,
                value=problem.value,
                hint=problem.hint,
                source=line.text or None,
            )

    def _controls(self, number: int, text: str) -> None:
        """TRA-D06: the first control character inside the record."""
        control = _CONTROL.search(text)
        if control is None:
            return
        found = field_at(text, control.start() + 1, self.is_extended)
        self.sink.emit(
            "TRA-D06",
            line=number,
            column=control.start() + 1,
            field=found.name if found else None,
            message=N_("control character {char!r} inside the record", char=control.group()),
            value=control.group(),
            hint=N_(
                "tabs and other control characters break displays and exports; a TAB often "
                "replaced a run of blanks"
            ),
            source=text,
        )

    def _header(self, text: str) -> None:
        self.fields.check_digits(1, text, layout.HEADER)
        header = self.structure.header(text)
        self.content, self.version = header["content"].strip(), header["version"]
        self.report.format = header["format"].strip()
        self.is_extended = self.report.format == "ETE"

    def _parameter(self, number: int, text: str) -> None:
        self.report.totals.parameter_records += 1
        self.parameters.add(number, text, self.content)
        code = layout.record_code(text)
        if code in _DOSSIER_FACTS:
            self.dossier.learned()
        typed = layout.PARAMETER_LAYOUTS.get(code)
        if typed is not None:
            self.fields.check_digits(number, text, typed)

    def _entry(self, number: int, text: str, line_type: str, extended: bool, version: str) -> None:
        raw, lettering, opening = self.line_rules(number, text, line_type, extended, version)
        self.cross_line(number, text, raw, lettering, opening)

    def line_rules(
        self, number: int, text: str, line_type: str, extended: bool, version: str
    ) -> LineRead:
        """The rules that read an entry line alone; what the cross-line families read of it
        besides: its fields, its ETE lettering and opening kind."""
        raw = entry_fields(text)
        self.structure.width(number, text, line_type, extended, version)
        self.structure.line_type(number, text, line_type)
        self.fields.check(number, text, raw)
        lettering, opening = NO_LETTERING, ""
        if extended:
            ete = layout.ete_layout(line_type)
            self.extended.check(number, text, ete, self.fields.check_digits(number, text, ete))
            wide = text.ljust(layout.ETE_GENERAL.end)
            opening = wide[_OPENING.start : _OPENING.end].strip()
            if line_type not in layout.ANALYTIC_LINE_TYPES:
                state, code, date = (wide[f.start : f.end] for f in _ETE_LETTERING)
                lettering = (state.strip(), code.strip(), date)
        return raw, lettering, opening

    def cross_line(
        self,
        number: int,
        text: str,
        raw: dict[str, str],
        lettering: tuple[str, str, str] = NO_LETTERING,
        opening: str = "",
        content: int | None = None,
    ) -> None:
        """Feed one entry line to the families that look across lines, and count it."""
        line = entry_line(number, text, raw, lettering, opening, content)
        self.pieces.add(line)
        self.analytics.add(line)
        self.dossier.add(line)
        key = line.key
        # The totals' money and pièces come from the pièce rules, in exact hundredths.
        dates = self._entry_dates
        date = dates[key[1]] if key[1] in dates else self._entry_date(key[1])
        self.report.totals.count_line(key[0], date)

    def _entry_date(self, raw: str) -> dt.date | None:
        """An entry's date for the totals (None when not a date: TRA-F02 says it), remembered:
        a file holds few distinct dates, and parsing one costs more than the rest of counting
        its line."""
        if len(self._entry_dates) >= _DATES_KEPT:
            self._entry_dates.clear()  # a file of very many distinct (broken) dates
        try:
            date = parse_date(raw)
        except ValueError:
            date = None
        self._entry_dates[raw] = date
        return date

    def _finish(self, lines: DecodedLines) -> None:
        totals = self.report.totals
        for family in (self.extended, self.pieces, self.analytics, self.dossier):
            family.finish()
        totals.settle(
            pieces=self.pieces.seen,
            debit=Decimal(self.pieces.debit).scaleb(-2),
            credit=Decimal(self.pieces.credit).scaleb(-2),
        )
        if not lines.stopped:  # a file that is not text got its one finding
            self._whole_file(lines)
        self._skipped_rules()
        self._totals()
        # Pièce-level findings come out when a pièce closes; report in file order, whole-file
        # findings last.
        self.report.findings.sort(key=lambda f: (f.line is None, f.line or 0, f.column or 0))

    def _whole_file(self, lines: DecodedLines) -> None:
        """TRA-S01, D02, D04, D05: what only the whole file shows."""
        sink, config, totals = self.sink, self.config, self.report.totals
        if totals.entries == 0:
            sink.emit(
                "TRA-S01",
                message=N_("the file holds no entry line"),
                hint=N_("nothing to import: Loop would fail only after upload and polling"),
            )
        lf, crlf = lines.endings.get("LF", 0), lines.endings.get("CRLF", 0)
        if lf:
            sink.emit(
                "TRA-D02",
                message=N_("{lf} line(s) end in LF alone, {crlf} in CRLF", lf=lf, crlf=crlf)
                if crlf
                else N_("{lf} line(s) end in LF alone", lf=lf),
                hint=N_("Cegid writes CRLF; its file checker assumes it"),
            )
        path = self.report.path
        pseudo = path.startswith("<") and path.endswith(">")  # <stdin>, <stream>: no file name
        if not pseudo and not path.lower().endswith(".tra"):
            sink.emit(
                "TRA-D04",
                message=N_("the file name {name!r} does not end in .tra", name=Path(path).name),
                hint=N_("Cegid's checker refuses other extensions"),
            )
        if totals.entries > config.max_movements or lines.size > config.max_bytes:
            sink.emit(
                "TRA-D05",
                message=N_(
                    "{entries} entry lines, {size} bytes: above Loop's recommendation "
                    "({max_lines} lines, {max_bytes} bytes)",
                    entries=totals.entries,
                    size=lines.size,
                    max_lines=config.max_movements,
                    max_bytes=config.max_bytes,
                ),
                hint=N_("split the file"),
            )

    def _skipped_rules(self) -> None:
        config = self.config
        for rule, needs, present in (
            (
                "TRA-X05",
                N_("fiscal_years (or ***EXO records)"),
                config.fiscal_years or self.parameters.fiscal_years,
            ),
            ("TRA-X09", "sections", config.sections is not None),
            ("TRA-F18", "establishments", config.establishments is not None),
            ("TRA-F24", "company_code", config.company_code is not None),
        ):
            if not present:
                # the rule id already heads the finding: the message says what and why only
                message = N_("check skipped: no {needs} configured", needs=needs)
                self.sink.emit(rule, message=message, severity="info")

    def _totals(self) -> None:
        """TRA-D07: the totals of the file, as one info finding."""
        totals = self.report.totals
        dates = (
            N_(", {first} → {last}", first=totals.first_date, last=totals.last_date)
            if totals.first_date and totals.last_date
            else ""
        )
        journals = listing([f"{j} {n}" for j, n in sorted(totals.journals.items())])
        self.sink.emit(
            "TRA-D07",
            message=N_(
                "{entries} entries in {pieces} pièces ({journals}){dates}; debit {debit}, "
                "credit {credit}",
                entries=totals.entries,
                pieces=totals.pieces,
                journals=journals or N_("no journal"),
                dates=dates,
                debit=money(self.pieces.debit),
                credit=money(self.pieces.credit),
            ),
            severity="info",
        )
