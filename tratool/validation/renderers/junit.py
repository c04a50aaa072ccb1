"""JUnit XML, the test report GitLab, Jenkins and most CI servers display.

Each file is a test suite and each rule of the catalogue a test case in it, named by its ID and
its title in the report's language: a rule with errors fails (one <failure> listing every
error), warnings and notes are printed in the case's <system-out>, and a rule without findings
passes. The totals go to the suite's <system-out>.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from ...i18n import shown, translator
from ..findings import Finding, Report
from ..rules import RULES
from .markup import xml_text


def _where(report: Report, finding: Finding) -> str:
    parts = [report.path, *(str(p) for p in (finding.line, finding.column) if p is not None)]
    return ":".join(parts)


def _describe(report: Report, finding: Finding, lang: str) -> str:
    _ = translator(lang)
    levels = {"error": _("error"), "warning": _("warning"), "info": _("info")}
    field = f" {finding.field}" if finding.field else ""
    level = levels[finding.severity]
    text = f"{_where(report, finding)}: {level}{field}: {finding.message_in(lang)}"
    hint = finding.hint_in(lang)
    if hint:
        text += " (" + _("hint: {hint}").format(hint=hint) + ")"
    if finding.cegid_message:
        text += f" Cegid : « {finding.cegid_message} »"
    return text


def _case(report: Report, rule_id: str, findings: list[Finding], lang: str) -> list[str]:
    name = xml_text(f"{rule_id} {RULES[rule_id].title.render(lang)}")
    head = f'    <testcase classname="{xml_text(report.path)}" name="{name}">'
    errors = [f for f in findings if f.severity == "error"]
    others = [f for f in findings if f.severity != "error"]
    if not findings:
        return [head[:-1] + "/>"]
    out = [head]
    if errors:
        body = "\n".join(xml_text(_describe(report, f, lang)) for f in errors)
        _ = translator(lang)
        first = _("{count} error(s): {message}")
        message = xml_text(first.format(count=len(errors), message=errors[0].message_in(lang)))
        out.append(f'      <failure message="{message}" type="{rule_id}">{body}</failure>')
    if others:
        body = "\n".join(xml_text(_describe(report, f, lang)) for f in others)
        out.append(f"      <system-out>{body}</system-out>")
    out.append("    </testcase>")
    return out


def _totals(report: Report, lang: str) -> str:
    _ = translator(lang)
    t = report.totals
    amounts = _("lines {lines}, entries {entries}, pièces {pieces}, debit {debit}, credit {credit}")
    counts = _("{errors} error(s), {warnings} warning(s), {infos} info")
    return (
        amounts.format(
            lines=t.lines,
            entries=t.entries,
            pieces=t.pieces,
            debit=shown(t.debit, lang),
            credit=shown(t.credit, lang),
        )
        + "; "
        + counts.format(errors=report.errors, warnings=report.warnings, infos=report.counts["info"])
    )


def _suite(report: Report, lang: str) -> tuple[list[str], int, int]:
    by_rule: dict[str, list[Finding]] = defaultdict(list)
    for finding in report.findings:
        if finding.rule != "TRA-D07":
            by_rule[finding.rule].append(finding)
    cases = [rule_id for rule_id in RULES if rule_id != "TRA-D07"]
    failed = sum(1 for rule_id in cases if any(f.severity == "error" for f in by_rule[rule_id]))
    out = [
        f'  <testsuite name="{xml_text(report.path)}" tests="{len(cases)}" '
        f'failures="{failed}" errors="0" skipped="0">'
    ]
    for rule_id in cases:
        out.extend(_case(report, rule_id, by_rule[rule_id], lang))
    out += [f"    <system-out>{xml_text(_totals(report, lang))}</system-out>", "  </testsuite>"]
    return out, len(cases), failed


def junit(reports: Sequence[Report], *, lang: str = "en") -> str:
    """A <testsuites> document: one suite per file, one case per file and rule; the
    findings' messages in `lang`."""
    suites: list[str] = []
    tests = failures = 0
    for report in reports:
        lines, count, failed = _suite(report, lang)
        suites.extend(lines)
        tests, failures = tests + count, failures + failed
    head = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<testsuites name="tratool validate" tests="{tests}" failures="{failures}" errors="0">'
    )
    return "\n".join([head, *suites, "</testsuites>"]) + "\n"
