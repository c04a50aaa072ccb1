"""Structure rules: the header (TRA-S02 … TRA-S07), entry line widths (TRA-S09) and column 31
(TRA-S10). Parameter records are in parameters.py."""

from __future__ import annotations

from ..tra import layout
from ..tra.values import EMPTY_DATES, parse_date, parse_timestamp
from .findings import RuleSet

ORIGINS = frozenset({"CLI", "EXP"})
CONTENTS = frozenset({"JRL", "DOS", "BAL", "SYN", "JAL"})
FORMATS = frozenset({"STD", "ETE"})
QUIET_LINE_TYPES = frozenset({"", "X", "A", "H", "O"})


def header_fields(text: str) -> dict[str, str]:
    padded = text.ljust(layout.HEADER.end)
    return {f.name: padded[f.start : f.end] for f in layout.HEADER.fields}


class StructureRules(RuleSet):
    def not_a_header(self, text: str) -> None:
        if text.startswith("!"):
            message = "line 1 starts with '!': a legacy CCIMPEX file without TRA header"
        else:
            message = f"line 1 is not a TRA header (it starts {text[:14]!r})"
        self.report(
            "TRA-S02",
            line=1,
            column=1,
            message=message,
            source=text,
            value=text[:14],
            hint="start the file with a header such as ***S5CLIJRLETE…: without it Cegid "
            "takes line 1 as a title and its entry is lost",
        )

    def header(self, text: str) -> dict[str, str]:
        raw = header_fields(text)
        cfg = self.config

        def at(name: str) -> int:
            return layout.HEADER.field(name).pos

        product = raw["product"].strip()
        if product != cfg.expected_product:
            self.report(
                "TRA-S02",
                line=1,
                column=at("product"),
                field="product",
                message=f"product {product!r} is not the expected {cfg.expected_product!r}",
                source=text,
                value=raw["product"],
                severity="warning",
            )
        origin = raw["origin"].strip()
        if origin not in ORIGINS:
            self.report(
                "TRA-S03",
                line=1,
                column=at("origin"),
                field="origin",
                message=f"origin {origin or 'blank'!r} is not CLI or EXP",
                source=text,
                value=raw["origin"],
                hint="Cegid rejects the file",
            )
        elif origin != cfg.expected_origin:
            self.report(
                "TRA-S03",
                line=1,
                column=at("origin"),
                field="origin",
                message=f"origin {origin!r} differs from the expected {cfg.expected_origin!r}",
                source=text,
                value=raw["origin"],
                hint="the Loop guide asks for CLI",
                severity="warning",
            )
        content = raw["content"].strip()
        if content not in CONTENTS:
            self.report(
                "TRA-S04",
                line=1,
                column=at("content"),
                field="content",
                message=f"content {content or 'blank'!r} is not JRL, DOS, BAL or SYN",
                source=text,
                value=raw["content"],
            )
        elif content == "JAL" and cfg.expected_content == "JRL":
            self.report(
                "TRA-S04",
                line=1,
                column=at("content"),
                field="content",
                message="content 'JAL' is read as JRL",
                source=text,
                value=raw["content"],
                hint="write JRL",
                severity="warning",
            )
        elif content != cfg.expected_content:
            self.report(
                "TRA-S04",
                line=1,
                column=at("content"),
                field="content",
                message=f"content {content!r} is not {cfg.expected_content!r}",
                source=text,
                value=raw["content"],
                hint="a journal import needs a JRL file; DOS, BAL and SYN select other imports",
            )
        fmt = raw["format"].strip()
        if fmt not in FORMATS:
            self.report(
                "TRA-S05",
                line=1,
                column=at("format"),
                field="format",
                message=f"format {fmt or 'blank'!r} is not STD or ETE",
                source=text,
                value=raw["format"],
                hint="use ETE" if fmt == "EXT" else None,
            )
        elif cfg.expected_format and fmt != cfg.expected_format:
            self.report(
                "TRA-S05",
                line=1,
                column=at("format"),
                field="format",
                message=f"format {fmt!r} is not the expected {cfg.expected_format!r}",
                source=text,
                value=raw["format"],
            )
        elif content == "BAL" and fmt != "STD":
            self.report(
                "TRA-S05",
                line=1,
                column=at("format"),
                field="format",
                message="a BAL file must be STD",
                source=text,
                value=raw["format"],
            )
        version = raw["version"].strip()
        if len(version) != 3 or not version.isdigit():
            self.report(
                "TRA-S06",
                line=1,
                column=at("version"),
                field="version",
                message=f"version {version or 'blank'!r} is not 3 digits",
                source=text,
                value=raw["version"],
                hint="write 007 (the Loop guide's version)",
            )
        elif version <= "004":
            self.report(
                "TRA-S06",
                line=1,
                column=at("version"),
                field="version",
                message=f"version {version} makes Cegid skip every line whose first amount is 0",
                source=text,
                value=raw["version"],
                severity="warning",
            )
        elif version > "008":
            self.report(
                "TRA-S06",
                line=1,
                column=at("version"),
                field="version",
                message=f"version {version}: fields beyond column 1280 are unknown to tratool",
                source=text,
                value=raw["version"],
                severity="info",
            )
        for name in ("switchover_date", "closing_date", "purge_date"):
            value = raw[name].strip()
            if value and value not in EMPTY_DATES:
                try:
                    parse_date(value)
                except ValueError as exc:
                    self.report(
                        "TRA-S07",
                        line=1,
                        column=at(name),
                        field=name,
                        message=str(exc),
                        source=text,
                        value=raw[name],
                    )
        try:
            parse_timestamp(raw["generated_at"])
        except ValueError as exc:
            self.report(
                "TRA-S07",
                line=1,
                column=at("generated_at"),
                field="generated_at",
                message=str(exc),
                source=text,
                value=raw["generated_at"],
            )
        return raw

    # -- entry lines ------------------------------------------------------------------------
    def width(self, number: int, text: str, extended: bool, analytic: bool) -> None:
        width = len(text)
        if width < layout.STD_WIDTH:
            found = layout.ENTRY.at(width + 1)
            self.report(
                "TRA-S09",
                line=number,
                column=width + 1,
                field=found.name if found else None,
                message=f"the line is {width} characters long; an entry line has "
                f"{'at least ' if extended else ''}{layout.STD_WIDTH}",
                source=text,
                hint="missing columns are read as blanks: an editor may have stripped "
                "trailing blanks, or a field is missing — tratool cannot tell which",
            )
        elif not extended and width > layout.STD_WIDTH:
            self.report(
                "TRA-S09",
                line=number,
                column=layout.STD_WIDTH + 1,
                message=f"the line is {width} characters long in a STD file",
                source=text,
                hint="Cegid ignores everything after column 222",
                severity="warning",
            )
        elif extended:
            limit = min(
                self.config.max_line_width,
                layout.ETE_ANALYTIC.end if analytic else layout.ETE_GENERAL.end,
            )
            if width > limit:
                self.report(
                    "TRA-S09",
                    line=number,
                    column=limit + 1,
                    message=f"the line is {width} characters long; "
                    f"this ETE line ends at column {limit}",
                    source=text,
                    severity="warning",
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
