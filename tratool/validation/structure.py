"""Structure rules: the header (TRA-S02 … TRA-S07), entry line widths (TRA-S09) and column 31
(TRA-S10). Parameter records are in parameters.py."""

from __future__ import annotations

from ..errors import Severity
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
        message: str,
        text: str,
        raw: dict[str, str],
        *,
        hint: str | None = None,
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
            message = f"product {product!r} is not the expected {expected!r}"
            self._header_finding("TRA-S02", "product", message, text, raw, severity="warning")

    def _origin(self, text: str, raw: dict[str, str]) -> None:
        origin, expected = raw["origin"].strip(), self.config.expected_origin
        if origin not in ORIGINS:
            message = f"origin {origin or 'blank'!r} is not CLI or EXP"
            self._header_finding(
                "TRA-S03", "origin", message, text, raw, hint="Cegid rejects the file"
            )
        elif origin != expected:
            self._header_finding(
                "TRA-S03",
                "origin",
                f"origin {origin!r} differs from the expected {expected!r}",
                text,
                raw,
                hint="the Loop guide asks for CLI",
                severity="warning",
            )

    def _content(self, text: str, raw: dict[str, str]) -> None:
        content, expected = raw["content"].strip(), self.config.expected_content
        if content not in CONTENTS:
            message = f"content {content or 'blank'!r} is not JRL, DOS, BAL or SYN"
            self._header_finding("TRA-S04", "content", message, text, raw)
        elif content == "JAL" and expected == "JRL":
            message = "content 'JAL' is read as JRL"
            self._header_finding(
                "TRA-S04", "content", message, text, raw, hint="write JRL", severity="warning"
            )
        elif content != expected:
            hint = "a journal import needs a JRL file; DOS, BAL and SYN select other imports"
            message = f"content {content!r} is not {expected!r}"
            self._header_finding("TRA-S04", "content", message, text, raw, hint=hint)

    def _format(self, text: str, raw: dict[str, str]) -> None:
        fmt, expected = raw["format"].strip(), self.config.expected_format
        message = None
        if fmt not in FORMATS:
            message = f"format {fmt or 'blank'!r} is not STD or ETE"
        elif expected and fmt != expected:
            message = f"format {fmt!r} is not the expected {expected!r}"
        elif raw["content"].strip() == "BAL" and fmt != "STD":
            message = "a BAL file must be STD"
        if message is not None:
            hint = "use ETE" if fmt == "EXT" else None
            self._header_finding("TRA-S05", "format", message, text, raw, hint=hint)

    def _version(self, text: str, raw: dict[str, str]) -> None:
        version = raw["version"].strip()
        if len(version) != 3 or not version.isascii() or not version.isdigit():
            message = f"version {version or 'blank'!r} is not 3 ASCII digits"
            hint = "write 007 (the Loop guide's version)"
            self._header_finding("TRA-S06", "version", message, text, raw, hint=hint)
        elif version <= "004":
            message = f"version {version} makes Cegid skip every line whose first amount is 0"
            self._header_finding("TRA-S06", "version", message, text, raw, severity="warning")
        elif version > LATEST_VERSION:
            message = (
                f"version {version} is newer than {LATEST_VERSION}, the latest Cegid "
                f"specification: fields beyond column {layout.ETE_GENERAL.end} are unknown"
            )
            self._header_finding("TRA-S06", "version", message, text, raw, severity="info")

    def _dates(self, text: str, raw: dict[str, str]) -> None:
        for name in ("switchover_date", "closing_date", "purge_date"):
            value = raw[name].strip()
            if value and value not in EMPTY_DATES:
                try:
                    parse_date(value)
                except ValueError as exc:
                    self._header_finding("TRA-S07", name, str(exc), text, raw)
        try:
            parse_timestamp(raw["generated_at"])
        except ValueError as exc:
            self._header_finding("TRA-S07", "generated_at", str(exc), text, raw)

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
                message="line type '-' is read as a plain general line",
                source=text,
                value=line_type,
                hint="tratool writes a blank",
                severity="info",
            )
        elif line_type in ("E", "L"):
            self.report(
                "TRA-S10",
                line=number,
                column=31,
                field="line_type",
                message=f"line type {line_type!r} is read like X but is undocumented",
                source=text,
                value=line_type,
                hint="write X",
                severity="warning",
            )
        elif line_type in layout.SPECIAL_LINE_TYPES:
            kinds = {"G": "an attachment (GED)", "P": "a payment approval (BAP)", "B": "a budget"}
            self.report(
                "TRA-S10",
                line=number,
                column=31,
                field="line_type",
                message=f"line type {line_type!r} is {kinds[line_type]} line, not a journal entry",
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
                message=f"line type {line_type!r} is unknown",
                source=text,
                value=line_type,
                hint="Cegid silently ignores the auxiliary or section of such a line",
            )
