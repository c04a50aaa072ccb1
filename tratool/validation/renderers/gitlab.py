"""GitLab Code Quality JSON: the findings shown in merge-request widgets.

GitLab compares the fingerprints of the base and the head branch to tell new findings from
fixed ones, so a fingerprint must not change when unrelated lines move: it is taken from the
file, the rule, the field and the offending line's text, not from the line number. Identical
findings on identical lines are told apart by their rank.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Sequence
from typing import Any

from ...i18n import translator
from ..findings import Finding, Report

# Errors block the upload (GitLab "critical"); warnings are "minor"; notes are "info".
_SEVERITIES = {"error": "critical", "warning": "minor", "info": "info"}


def _identity(path: str, finding: Finding) -> str:
    anchor = finding.source if finding.source is not None else f"line {finding.line}"
    return "\x1f".join([path, finding.rule, finding.field or "", finding.value or "", anchor])


def fingerprint(identity: str, rank: int) -> str:
    data = f"{identity}\x1f{rank}".encode("utf-8", "surrogateescape")
    return hashlib.sha256(data).hexdigest()


def _issue(report: Report, finding: Finding, digest: str, lang: str) -> dict[str, Any]:
    description = f"{finding.rule}: {finding.message_in(lang)}"
    hint = finding.hint_in(lang)
    if hint:
        description += " (" + translator(lang)("hint: {hint}").format(hint=hint) + ")"
    return {
        "type": "issue",
        "description": description,
        "check_name": finding.rule,
        "categories": ["Bug Risk"] if finding.severity == "error" else ["Style"],
        "fingerprint": digest,
        "severity": _SEVERITIES[finding.severity],
        "location": {"path": report.path, "lines": {"begin": finding.line or 1}},
    }


def gitlab(reports: Sequence[Report], *, lang: str = "en") -> str:
    """A JSON array of Code Quality issues, one per finding (the totals note left out), the
    descriptions in `lang`. The fingerprints do not depend on the language."""
    issues = []
    for report in reports:
        seen: Counter[str] = Counter()
        for finding in report.findings:
            if finding.rule == "TRA-D07":
                continue
            identity = _identity(report.path, finding)
            seen[identity] += 1
            issues.append(_issue(report, finding, fingerprint(identity, seen[identity]), lang))
    return json.dumps(issues, ensure_ascii=False, indent=2)
