"""Findings and the report that collects them."""

from __future__ import annotations

from collections import Counter
from typing import Any

import attrs

from ..errors import Severity
from ..i18n import Text, said
from ..tra.summary import Totals
from .configuration import ValidationConfig
from .rules import RULES


@attrs.frozen(kw_only=True)
class Finding:
    """One problem: which rule, how bad, where exactly, what the value was, how to fix it.

    The message and the hint are kept as `Text` (template and arguments) so that each
    renderer says them in its reader's language; `message` and `hint` are the English."""

    rule: str
    severity: Severity
    line: int | None  # None for findings about the whole file
    column: int | None
    field: str | None
    message_text: Text
    value: str | None = None
    hint_text: Text | None = None
    source: str | None = attrs.field(default=None, repr=False, eq=False)  # the line's text

    @property
    def message(self) -> str:
        return str(self.message_text)

    @property
    def hint(self) -> str | None:
        return said(self.hint_text, "en")

    def message_in(self, language: str) -> str:
        return self.message_text.render(language)

    def hint_in(self, language: str) -> str | None:
        return said(self.hint_text, language)

    @property
    def cegid_message(self) -> str:
        """Cegid's own words for this finding, the value filled in ("" when unknown).

        Notes (info) carry none: Cegid's messages name defects, and a note, such as "rule
        skipped: not configured", is not one."""
        if self.severity == "info":
            return ""
        return RULES[self.rule].cegid_for(self.field, self.value)


@attrs.define
class Report:
    """What `tratool.validate` found in one file."""

    path: str
    encoding: str
    format: str | None = None  # STD / ETE, from the header
    totals: Totals = attrs.field(factory=Totals)
    findings: list[Finding] = attrs.field(factory=list)
    counts: Counter[str] = attrs.field(factory=Counter)  # by severity, including dropped ones
    dropped: int = 0  # findings past max_findings, counted but not kept

    @property
    def errors(self) -> int:
        return self.counts["error"]

    @property
    def warnings(self) -> int:
        return self.counts["warning"]

    @property
    def ok(self) -> bool:
        return self.errors == 0

    def passed(self, *, strict: bool = False) -> bool:
        """No error; with `strict`, no warning either."""
        return self.ok and not (strict and self.warnings)

    def rules(self) -> Counter[str]:
        return Counter(f.rule for f in self.findings)


class Sink:
    """Applies the configured severities and the cap, then files findings in the report."""

    def __init__(self, report: Report, config: ValidationConfig, max_findings: int) -> None:
        self.report = report
        self.config = config
        self.max_findings = max_findings
        self._levels: dict[tuple[str, Severity], Severity | None] = {}

    def emit(
        self,
        rule: str,
        *,
        message: Text,
        line: int | None = None,
        column: int | None = None,
        field: str | None = None,
        source: str | None = None,
        value: str | None = None,
        hint: Text | None = None,
        severity: Severity | None = None,
    ) -> None:
        """File a finding of `rule`. `line` is None for a finding about the whole file;
        `source` is the offending line's text, shown under the message; `severity` overrides
        the rule's default for a milder check of the same rule."""
        default = severity or RULES[rule].severity
        key = (rule, default)
        if key not in self._levels:
            self._levels[key] = self.config.severity_of(rule, default)
        level = self._levels[key]
        if level is None:
            return
        self.report.counts[level] += 1
        if len(self.report.findings) >= self.max_findings:
            self.report.dropped += 1
            return
        self.report.findings.append(
            Finding(
                rule=rule,
                severity=level,
                line=line,
                column=column,
                field=field,
                message_text=message,
                value=value,
                hint_text=hint,
                source=source,
            )
        )


class Recorder(Sink):
    """A sink that only remembers whether anything was emitted, whatever its level: the fast
    engine asks the rule code whether a line or a pièce has something to report."""

    def __init__(self, config: ValidationConfig) -> None:
        super().__init__(Report(path="<probe>", encoding="ascii"), config, 0)
        self.emitted = False

    def emit(self, rule: str, **_: Any) -> None:
        self.emitted = True


class RuleSet:
    """Base of the rule families: the configuration they read and the sink they report to."""

    def __init__(self, config: ValidationConfig, sink: Sink) -> None:
        self.config = config
        self.sink = sink
        self.report = sink.emit  # keyword arguments only: see Sink.emit
