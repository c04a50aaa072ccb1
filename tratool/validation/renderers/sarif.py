"""SARIF 2.1.0, the interchange format of static analysers (GitHub code scanning reads it).

One run for all files; every rule of the catalogue is described in the driver, so a viewer
can show the rule's title, its default level and Cegid's own message beside each result. The
run's `language` says in which language its titles, helps and messages are; ids, names, tags
and property names stay the same in every language.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import PurePath
from typing import Any
from urllib.parse import quote

from ..._version import installed_version
from ...i18n import translator
from ..findings import Finding, Report
from ..rules import RULES, Rule
from .location import field_columns

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVELS = {"error": "error", "warning": "warning", "info": "note"}
_RULE_INDEX = {rule_id: index for index, rule_id in enumerate(RULES)}


def artifact_uri(path: str) -> str:
    """A URI reference for a file path: relative paths stay relative (code scanning resolves
    them against the repository), absolute ones become file: URIs."""
    pure = PurePath(path)
    if pure.is_absolute():
        return "file://" + quote(pure.as_posix())
    return quote(pure.as_posix())


def _rule_name(rule: Rule) -> str:
    """SARIF wants a readable identifier: the English title in PascalCase, the same in every
    language (code scanning keys its alerts on the rule, and a name is matched on)."""
    words = re.findall(r"[A-Za-z0-9]+", str(rule.title))
    return "".join(word[:1].upper() + word[1:] for word in words)


def _descriptor(rule: Rule, lang: str) -> dict[str, Any]:
    _ = translator(lang)
    title = rule.title.render(lang)
    help_text = _("{rule}: {title} (docs/validation.md).").format(rule=rule.id, title=title)
    if rule.cegid_message:
        help_text += " " + _("Cegid: « {message} »").format(message=rule.cegid_message)
    full = _("{title} ({family})").format(title=title, family=rule.family_title.render(lang))
    descriptor: dict[str, Any] = {
        "id": rule.id,
        "name": _rule_name(rule),
        "shortDescription": {"text": title},
        "fullDescription": {"text": full},
        "help": {"text": help_text},
        "defaultConfiguration": {"level": _LEVELS[rule.severity]},
        "properties": {"tags": [rule.family]},
    }
    if rule.cegid_message:
        descriptor["properties"]["cegidMessage"] = rule.cegid_message
    return descriptor


def _region(finding: Finding) -> dict[str, int] | None:
    if finding.line is None:
        return None
    region = {"startLine": finding.line}
    columns = field_columns(finding)
    if columns is not None:
        region["startColumn"] = columns[0]
        region["endColumn"] = columns[1] + 1  # SARIF's end column is exclusive
    return region


def _result(report: Report, finding: Finding, lang: str) -> dict[str, Any]:
    hint = finding.hint_in(lang)
    text = finding.message_in(lang)
    if hint:
        text += " (" + translator(lang)("hint: {hint}").format(hint=hint) + ")"
    physical: dict[str, Any] = {"artifactLocation": {"uri": artifact_uri(report.path)}}
    region = _region(finding)
    if region is not None:
        physical["region"] = region
    result: dict[str, Any] = {
        "ruleId": finding.rule,
        "ruleIndex": _RULE_INDEX[finding.rule],
        "level": _LEVELS[finding.severity],
        "message": {"text": text},
        "locations": [{"physicalLocation": physical}],
    }
    properties = {"field": finding.field, "value": finding.value}
    if finding.cegid_message:
        properties["cegidMessage"] = finding.cegid_message
    result["properties"] = {k: v for k, v in properties.items() if v is not None}
    return result


def sarif(reports: Sequence[Report], *, lang: str = "en") -> str:
    """One SARIF log for all the files, every rule described, one result per finding; the
    words for people in `lang`."""
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "tratool",
                "version": installed_version(),
                "rules": [_descriptor(rule, lang) for rule in RULES.values()],
            }
        },
        "language": lang,  # of the messages and descriptions, for the viewer
        # TRA is single-byte: a column counts characters, which are also bytes.
        "columnKind": "unicodeCodePoints",
        "results": [
            _result(r, f, lang) for r in reports for f in r.findings if f.rule != "TRA-D07"
        ],
    }
    log = {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}
    return json.dumps(log, ensure_ascii=False, indent=2)
