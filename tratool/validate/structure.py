"""Structure rules (TRA-S01 … TRA-S13): the header, parameter records, line widths and types."""

from __future__ import annotations

from .. import layout
from ..values import EMPTY_DATES, parse_date, parse_timestamp
from .findings import Sink
from .rules import Severity
from .settings import FiscalYear, ValidationConfig

ORIGINS = frozenset({"CLI", "EXP"})
CONTENTS = frozenset({"JRL", "DOS", "BAL", "SYN", "JAL"})
FORMATS = frozenset({"STD", "ETE"})
EXERCISE_STATES = frozenset({"OUV", "CDE", "CPR", "CLO", "NON"})
JOURNAL_NATURES = frozenset("ACH ANA BQE CAI CLO ECC EXT OD ODA REG VTE ANO".split())
ACCOUNT_NATURES = frozenset("BQE CAI CHA COC COD COF COS DIV EXT IMO PRO TIC TID".split())
TIERS_NATURES = frozenset({"AUC", "AUD", "CLI", "DIV", "FOU", "SAL"})
DOSSIER_RECORDS = frozenset({"PS1", "PS2", "PS3", "PS4", "PS5", "EXO", "ETB", "DEV", "MDP", "MDR"})
QUIET_LINE_TYPES = frozenset({"", "X", "A", "H", "O"})


def header_fields(text: str) -> dict[str, str]:
    padded = text.ljust(layout.HEADER.end)
    return {f.name: padded[f.start : f.end] for f in layout.HEADER.fields}


class StructureRules:
    def __init__(self, config: ValidationConfig, sink: Sink) -> None:
        self.config = config
        self.sink = sink
        self.fiscal_years: list[FiscalYear] = []  # from ***EXO records
        self.tiers: dict[str, tuple[str, str]] = {}  # from ***CAE: code -> (nature, collective)
        self._exercise_codes: set[str] = set()
        self._open_exercises = 0
        self._dossier_record_reported = False

    def _emit(
        self,
        rule: str,
        number: int,
        name: str | None,
        column: int | None,
        message: str,
        value: str | None = None,
        hint: str | None = None,
        severity: Severity | None = None,
        text: str | None = None,
    ) -> None:
        self.sink.emit(
            rule,
            number,
            column,
            name,
            message,
            value=value,
            hint=hint,
            severity=severity,
            source=text,
        )

    # -- line 1 -----------------------------------------------------------------------------
    def not_a_header(self, text: str) -> None:
        if text.startswith("!"):
            message = "line 1 starts with '!': a legacy CCIMPEX file without TRA header"
        else:
            message = f"line 1 is not a TRA header (it starts {text[:14]!r})"
        self._emit(
            "TRA-S02",
            1,
            None,
            1,
            message,
            text[:14],
            "start the file with a header such as ***S5CLIJRLETE…: without it Cegid "
            "takes line 1 as a title and its entry is lost",
            text=text,
        )

    def header(self, text: str) -> dict[str, str]:
        raw = header_fields(text)
        emit, cfg = self._emit, self.config

        def at(name: str) -> int:
            return layout.HEADER.field(name).pos

        product = raw["product"].strip()
        if product != cfg.expected_product:
            emit(
                "TRA-S02",
                1,
                "product",
                at("product"),
                f"product {product!r} is not the expected {cfg.expected_product!r}",
                raw["product"],
                severity="warning",
                text=text,
            )
        origin = raw["origin"].strip()
        if origin not in ORIGINS:
            emit(
                "TRA-S03",
                1,
                "origin",
                at("origin"),
                f"origin {origin or 'blank'!r} is not CLI or EXP",
                raw["origin"],
                "Cegid rejects the file",
                text=text,
            )
        elif origin != cfg.expected_origin:
            emit(
                "TRA-S03",
                1,
                "origin",
                at("origin"),
                f"origin {origin!r} differs from the expected {cfg.expected_origin!r}",
                raw["origin"],
                "the Loop guide asks for CLI",
                "warning",
                text=text,
            )
        content = raw["content"].strip()
        if content not in CONTENTS:
            emit(
                "TRA-S04",
                1,
                "content",
                at("content"),
                f"content {content or 'blank'!r} is not JRL, DOS, BAL or SYN",
                raw["content"],
                text=text,
            )
        elif content == "JAL" and cfg.expected_content == "JRL":
            emit(
                "TRA-S04",
                1,
                "content",
                at("content"),
                "content 'JAL' is read as JRL",
                raw["content"],
                "write JRL",
                "warning",
                text=text,
            )
        elif content != cfg.expected_content:
            emit(
                "TRA-S04",
                1,
                "content",
                at("content"),
                f"content {content!r} is not {cfg.expected_content!r}",
                raw["content"],
                "a journal import needs a JRL file; DOS, BAL and SYN select other imports",
                text=text,
            )
        fmt = raw["format"].strip()
        if fmt not in FORMATS:
            emit(
                "TRA-S05",
                1,
                "format",
                at("format"),
                f"format {fmt or 'blank'!r} is not STD or ETE",
                raw["format"],
                "use ETE" if fmt == "EXT" else None,
                text=text,
            )
        elif cfg.expected_format and fmt != cfg.expected_format:
            emit(
                "TRA-S05",
                1,
                "format",
                at("format"),
                f"format {fmt!r} is not the expected {cfg.expected_format!r}",
                raw["format"],
                text=text,
            )
        elif content == "BAL" and fmt != "STD":
            emit(
                "TRA-S05",
                1,
                "format",
                at("format"),
                "a BAL file must be STD",
                raw["format"],
                text=text,
            )
        version = raw["version"].strip()
        if len(version) != 3 or not version.isdigit():
            emit(
                "TRA-S06",
                1,
                "version",
                at("version"),
                f"version {version or 'blank'!r} is not 3 digits",
                raw["version"],
                "write 007 (the Loop guide's version)",
                text=text,
            )
        elif version <= "004":
            emit(
                "TRA-S06",
                1,
                "version",
                at("version"),
                f"version {version} makes Cegid skip every line whose first amount is 0",
                raw["version"],
                severity="warning",
                text=text,
            )
        elif version > "008":
            emit(
                "TRA-S06",
                1,
                "version",
                at("version"),
                f"version {version}: fields beyond column 1280 are unknown to tratool",
                raw["version"],
                severity="info",
                text=text,
            )
        for name in ("switchover_date", "closing_date", "purge_date"):
            value = raw[name].strip()
            if value and value not in EMPTY_DATES:
                try:
                    parse_date(value)
                except ValueError as exc:
                    emit("TRA-S07", 1, name, at(name), str(exc), raw[name], text=text)
        try:
            parse_timestamp(raw["generated_at"])
        except ValueError as exc:
            emit(
                "TRA-S07",
                1,
                "generated_at",
                at("generated_at"),
                str(exc),
                raw["generated_at"],
                text=text,
            )
        return raw

    # -- parameter records ------------------------------------------------------------------
    def parameter(self, number: int, text: str, content: str) -> None:
        prefix, code = text[:3], text[3:6]
        if prefix != "***":
            self._emit(
                "TRA-S08",
                number,
                None,
                1,
                f"parameter record with prefix {prefix!r}",
                text[:6],
                "Cegid reads ### and ¥¥¥ like ***; tratool writes ***",
                text=text,
            )
        name = "TL" if text[3:5] == "TL" else code
        if name not in layout.KNOWN_PARAMETER_CODES:
            self._emit(
                "TRA-S08",
                number,
                None,
                4,
                f"unknown record code {code!r}",
                code,
                "Cegid silently ignores the record and its content",
                text=text,
            )
            return
        if content == "JRL" and name in DOSSIER_RECORDS and not self._dossier_record_reported:
            self._dossier_record_reported = True
            self._emit(
                "TRA-S13",
                number,
                None,
                4,
                f"a JRL file carries a dossier-level ***{name} record",
                code,
                "a journal import needs none; their effect in Loop is unknown",
                text=text,
            )
        check = getattr(self, f"_record_{name.lower()}", None)
        if check is not None:
            check(number, text.ljust(1100))

    def _bad(self, number: int, column: int, message: str, text: str) -> None:
        self._emit(
            "TRA-S12",
            number,
            None,
            column,
            message,
            text[column - 1 : column + 2],
            text=text.rstrip(),
        )

    def _record_ps2(self, number: int, text: str) -> None:
        checks = [(7, "general account length", 6), (10, "auxiliary length", 6)]
        checks += [(13 + 3 * axis, f"axis {axis + 1} section length", 3) for axis in range(5)]
        for column, what, minimum in checks:
            raw = text[column - 1 : column + 1].strip()
            if not raw:
                continue
            if not raw.isdigit() or not minimum <= int(raw) <= 17:
                self._bad(number, column, f"PS2 {what} {raw!r} is not {minimum} to 17", text)
        for column, expected, what in (
            (7, self.config.general_account_length, "general"),
            (10, self.config.auxiliary_length, "auxiliary"),
        ):
            raw = text[column - 1 : column + 1].strip()
            if expected is not None and raw.isdigit() and int(raw) != expected:
                self._bad(
                    number,
                    column,
                    f"PS2 {what} length {raw} differs from the "
                    f"dossier's {expected}: the import would abort",
                    text,
                )

    def _record_ps5(self, number: int, text: str) -> None:
        currency, euro = text[6:9].strip(), text[10:11]
        if currency not in ("EUR", "FRF"):
            self._bad(number, 7, f"PS5 keeping currency {currency!r} is not EUR or FRF", text)
        elif (currency == "EUR") != (euro == "X") and euro.strip():
            self._bad(number, 11, f"PS5 euro flag {euro!r} contradicts currency {currency}", text)

    def _record_exo(self, number: int, text: str) -> None:
        fields = {f.name: text[f.start : f.end] for f in layout.EXERCISE.fields}
        code, state = fields["code"].strip(), fields["state"].strip()
        if not (code.isdigit() and 1 <= int(code) <= 999):
            self._bad(number, 7, f"EXO code {code!r} is not 001 to 999", text)
        elif code in self._exercise_codes:
            self._bad(number, 7, f"EXO code {code} appears twice", text)
        self._exercise_codes.add(code)
        try:
            start, end = parse_date(fields["start"]), parse_date(fields["end"])
        except ValueError as exc:
            self._bad(number, 10, f"EXO {exc}", text)
            return
        if start is None or end is None or start.day != 1 or end.day < 28 or end <= start:
            self._bad(
                number,
                10,
                f"EXO dates {fields['start']}-{fields['end']} are not the "
                "first and last day of an exercise",
                text,
            )
            return
        if state not in EXERCISE_STATES:
            self._bad(number, 26, f"EXO state {state!r} is not OUV, CDE, CPR, CLO or NON", text)
            return
        self._open_exercises += state == "OUV"
        if state == "OUV" and self._open_exercises == 3:
            self._bad(number, 26, "more than two open exercises", text)
        self.fiscal_years.append(FiscalYear(start, end, state))

    def _record_jal(self, number: int, text: str) -> None:
        fields = {f.name: text[f.start : f.end].strip() for f in layout.JOURNAL.fields}
        nature, mode = fields["nature"], fields["entry_mode"]
        if nature not in JOURNAL_NATURES:
            self._bad(number, 45, f"JAL nature {nature!r} is not a journal nature", text)
        elif nature in ("BQE", "CAI") and not fields["counterpart_account"]:
            self._bad(number, 54, f"JAL {nature} journal without its account", text)
        elif nature == "ODA" and not fields["axis"]:
            self._bad(number, 71, "JAL ODA journal without its axis", text)
        if mode not in ("", "-", "BOR", "LIB"):
            self._bad(number, 74, f"JAL entry mode {mode!r} is not -, BOR or LIB", text)

    def _record_cgn(self, number: int, text: str) -> None:
        fields = {f.name: text[f.start : f.end] for f in layout.GENERAL_ACCOUNT.fields}
        if fields["nature"].strip() not in ACCOUNT_NATURES:
            self._bad(
                number,
                59,
                f"CGN nature {fields['nature'].strip()!r} is not an account nature",
                text,
            )
        flags = fields["lettrable"] + fields["pointable"] + fields["ventilable_axes"]
        if any(c not in "X- " for c in flags):
            self._bad(number, 62, f"CGN flags {flags!r} are not X or -", text)

    def _record_cae(self, number: int, text: str) -> None:
        fields = {f.name: text[f.start : f.end].strip() for f in layout.TIERS.fields}
        if fields["nature"] not in TIERS_NATURES:
            self._bad(number, 59, f"CAE nature {fields['nature']!r} is not a tiers nature", text)
        self.tiers[fields["code"]] = (fields["nature"], fields["collective_account"])

    # -- entry lines ------------------------------------------------------------------------
    def width(self, number: int, text: str, extended: bool, analytic: bool) -> None:
        width = len(text)
        if width < layout.STD_WIDTH:
            found = layout.ENTRY.at(width + 1)
            self._emit(
                "TRA-S09",
                number,
                found.name if found else None,
                width + 1,
                f"the line is {width} characters long; an entry line has "
                f"{'at least ' if extended else ''}{layout.STD_WIDTH}",
                None,
                "missing columns are read as blanks: an editor may have stripped "
                "trailing blanks, or a field is missing — tratool cannot tell which",
                text=text,
            )
        elif not extended and width > layout.STD_WIDTH:
            self._emit(
                "TRA-S09",
                number,
                None,
                layout.STD_WIDTH + 1,
                f"the line is {width} characters long in a STD file",
                None,
                "Cegid ignores everything after column 222",
                "warning",
                text=text,
            )
        elif extended:
            limit = min(
                self.config.max_line_width,
                layout.ETE_ANALYTIC.end if analytic else layout.ETE_GENERAL.end,
            )
            if width > limit:
                self._emit(
                    "TRA-S09",
                    number,
                    None,
                    limit + 1,
                    f"the line is {width} characters long; this ETE line ends at column {limit}",
                    None,
                    severity="warning",
                    text=text,
                )

    def line_type(self, number: int, text: str, line_type: str) -> None:
        if line_type in QUIET_LINE_TYPES:
            return
        if line_type == "-":
            self._emit(
                "TRA-S10",
                number,
                "line_type",
                31,
                "line type '-' is read as a plain general line",
                line_type,
                "tratool writes a blank",
                "info",
                text=text,
            )
        elif line_type in ("E", "L"):
            self._emit(
                "TRA-S10",
                number,
                "line_type",
                31,
                f"line type {line_type!r} is read like X but is undocumented",
                line_type,
                "write X",
                "warning",
                text=text,
            )
        elif line_type in layout.SPECIAL_LINE_TYPES:
            kinds = {"G": "an attachment (GED)", "P": "a payment approval (BAP)", "B": "a budget"}
            self._emit(
                "TRA-S10",
                number,
                "line_type",
                31,
                f"line type {line_type!r} is {kinds[line_type]} line, not a journal entry",
                line_type,
                severity="warning",
                text=text,
            )
        else:
            self._emit(
                "TRA-S10",
                number,
                "line_type",
                31,
                f"line type {line_type!r} is unknown",
                line_type,
                "Cegid silently ignores the auxiliary or section of such a line",
                text=text,
            )
