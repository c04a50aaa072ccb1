"""Structure rules: the header (TRA-S02 … TRA-S07), entry line widths (TRA-S09) and column 31
(TRA-S10). Parameter records are in parameters.py."""

from __future__ import annotations

from ..errors import Severity
from ..i18n import N_, Text, TextValueError
from ..tra import layout
from ..tra.diagnose import entry_width, not_a_header
from ..tra.values import EMPTY_DATES, parse_date, parse_timestamp
from .findings import RuleSet

ORIGINS = frozenset({"CLI", "EXP"})
CONTENTS = frozenset({"JRL", "DOS", "BAL", "SYN", "JAL"})
FORMATS = frozenset({"STD", "ETE"})
QUIET_LINE_TYPES = frozenset({"", "X", "A", "H", "O"})
LATEST_VERSION = "011"  # Cegid's version-011 specification (tra-format.md §12)


def header_fields(text: str) -> dict[str, str]:
    padded = text.ljust(layout.HEADER.end)
    return {f.name: padded[f.start : f.end] for f in layout.HEADER.fields}


class StructureRules(RuleSet):
    def not_a_header(self, text: str) -> None:
        message, hint = not_a_header(text)
        self.report(
            "TRA-S02", line=1, column=1, message=message, source=text, value=text[:14], hint=hint
        )

    def header(self, text: str) -> dict[str, str]:
        """TRA-S02 … TRA-S07 on line 1; returns its raw fields."""
        raw = header_fields(text)
        self._product(text, raw)
        self._origin(text, raw)
        self._content(text, raw)
        self._format(text, raw)
        self._version(text, raw)
        self._dates(text, raw)
        return raw

    def _header_finding(
        self,
        rule: str,
        name: str,
        message: Text,
        text: str,
        raw: dict[str, str],
        *,
        hint: Text | None = None,
        severity: Severity | None = None,
    ) -> None:
        pos = layout.HEADER.field(name).pos
        self.report(
            rule,
            line=1,
            column=pos,
            field=name,
            message=message,
            source=text,
            value=raw[name],
            hint=hint,
            severity=severity,
        )

    def _product(self, text: str, raw: dict[str, str]) -> None:
        product, expected = raw["product"].strip(), self.config.expected_product
        if product != expected:
            message = N_(
                "product {product!r} is not the expected {expected!r}",
                product=product,
                expected=expected,
            )
            self._header_finding("TRA-S02", "product", message, text, raw, severity="warning")

    def _origin(self, text: str, raw: dict[str, str]) -> None:
        origin, expected = raw["origin"].strip(), self.config.expected_origin
        if origin not in ORIGINS:
            message = N_("origin {origin!r} is not CLI or EXP", origin=origin or N_("blank"))
            hint = N_("Cegid rejects the file")
            self._header_finding("TRA-S03", "origin", message, text, raw, hint=hint)
        elif origin != expected:
            self._header_finding(
                "TRA-S03",
                "origin",
                N_(
                    "origin {origin!r} differs from the expected {expected!r}",
                    origin=origin,
                    expected=expected,
                ),
                text,
                raw,
                hint=N_("the Loop guide asks for CLI"),
                severity="warning",
            )

    def _content(self, text: str, raw: dict[str, str]) -> None:
        content, expected = raw["content"].strip(), self.config.expected_content
        if content not in CONTENTS:
            message = N_(
                "content {content!r} is not JRL, DOS, BAL or SYN", content=content or N_("blank")
            )
            self._header_finding("TRA-S04", "content", message, text, raw)
        elif content == "JAL" and expected == "JRL":
            message = N_("content 'JAL' is read as JRL")
            hint = N_("write JRL")
            self._header_finding(
                "TRA-S04", "content", message, text, raw, hint=hint, severity="warning"
            )
        elif content != expected:
            hint = N_("a journal import needs a JRL file; DOS, BAL and SYN select other imports")
            message = N_(
                "content {content!r} is not {expected!r}", content=content, expected=expected
            )
            self._header_finding("TRA-S04", "content", message, text, raw, hint=hint)

    def _format(self, text: str, raw: dict[str, str]) -> None:
        fmt, expected = raw["format"].strip(), self.config.expected_format
        message = None
        if fmt not in FORMATS:
            message = N_("format {format!r} is not STD or ETE", format=fmt or N_("blank"))
        elif expected and fmt != expected:
            message = N_(
                "format {format!r} is not the expected {expected!r}", format=fmt, expected=expected
            )
        elif raw["content"].strip() == "BAL" and fmt != "STD":
            message = N_("a BAL file must be STD")
        if message is not None:
            hint = N_("use ETE") if fmt == "EXT" else None
            self._header_finding("TRA-S05", "format", message, text, raw, hint=hint)

    def _version(self, text: str, raw: dict[str, str]) -> None:
        version = raw["version"].strip()
        if len(version) != 3 or not version.isascii() or not version.isdigit():
            message = N_(
                "version {version!r} is not 3 ASCII digits", version=version or N_("blank")
            )
            hint = N_("write 007 (the Loop guide's version)")
            self._header_finding("TRA-S06", "version", message, text, raw, hint=hint)
        elif version <= "004":
            message = N_(
                "version {version} makes Cegid skip every line whose first amount is 0",
                version=version,
            )
            self._header_finding("TRA-S06", "version", message, text, raw, severity="warning")
        elif version > LATEST_VERSION:
            message = N_(
                "version {version} is newer than {latest}, the latest Cegid specification: "
                "fields beyond column {column} are unknown",
                version=version,
                latest=LATEST_VERSION,
                column=layout.ETE_GENERAL.end,
            )
            self._header_finding("TRA-S06", "version", message, text, raw, severity="info")

    def _dates(self, text: str, raw: dict[str, str]) -> None:
        for name in ("switchover_date", "closing_date", "purge_date"):
            value = raw[name].strip()
            if value and value not in EMPTY_DATES:
                try:
                    parse_date(value)
                except TextValueError as exc:
                    self._header_finding("TRA-S07", name, exc.text, text, raw)
        try:
            parse_timestamp(raw["generated_at"])
        except TextValueError as exc:
            self._header_finding("TRA-S07", "generated_at", exc.text, text, raw)

    # -- entry lines ------------------------------------------------------------------------
    def width(self, number: int, text: str, line_type: str, extended: bool, version: str) -> None:
        problem = entry_width(text, line_type, extended, version, self.config.max_line_width)
        if problem is not None:
            self.report(
                "TRA-S09",
                line=number,
                column=problem.column,
                field=problem.field,
                message=problem.message,
                source=text,
                hint=problem.hint,
                severity=problem.loss.severity,
            )

    def line_type(self, number: int, text: str, line_type: str) -> None:
        if line_type in QUIET_LINE_TYPES:
            return
        if line_type == "-":
            self.report(
                "TRA-S10",
                line=number,
                column=31,
                field="line_type",
                message=N_("line type '-' is read as a plain general line"),
                source=text,
                value=line_type,
                hint=N_("tratool writes a blank"),
                severity="info",
            )
        elif line_type in ("E", "L"):
            self.report(
                "TRA-S10",
                line=number,
                column=31,
                field="line_type",
                message=N_(
                    "line type {line_type!r} is read like X but is undocumented",
                    line_type=line_type,
                ),
                source=text,
                value=line_type,
                hint=N_("write X"),
                severity="warning",
            )
        elif line_type in layout.SPECIAL_LINE_TYPES:
            kinds = {
                "G": N_("line type 'G' is an attachment (GED) line, not a journal entry"),
                "P": N_("line type 'P' is a payment approval (BAP) line, not a journal entry"),
                "B": N_("line type 'B' is a budget line, not a journal entry"),
            }
            self.report(
                "TRA-S10",
                line=number,
                column=31,
                field="line_type",
                message=kinds[line_type],
                source=text,
                value=line_type,
                severity="warning",
            )
        else:
            self.report(
                "TRA-S10",
                line=number,
                column=31,
                field="line_type",
                message=N_("line type {line_type!r} is unknown", line_type=line_type),
                source=text,
                value=line_type,
                hint=N_("Cegid silently ignores the auxiliary or section of such a line"),
            )
