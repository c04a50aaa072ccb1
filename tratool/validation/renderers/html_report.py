"""The HTML report: one self-contained page a person can open, filter and print.

No network and no external asset: the style and the script are inline, and a Content Security
Policy allows those two (by hash) and nothing else, so even a byte that escaping missed could
not load or run anything. Every character taken from the file goes through `markup.html_text`.
The page works without JavaScript (everything is shown; the filter form stays hidden).
"""

from __future__ import annotations

import base64
import hashlib
from collections import defaultdict
from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path

from ..._version import __version__
from ...errors import SEVERITIES, TraError
from ...i18n import translator
from ...tra.values import format_money
from ..balances import PieceBalance, piece_balances
from ..findings import Finding, Report
from ..rules import RULES
from . import html_assets
from .location import field_columns
from .markup import html_text as esc

CHUNK = 100  # columns per grid row: a long ETE line is cut, so nothing wraps or scrolls
BALANCED_ROWS = 200  # balanced pièces listed per file; unbalanced ones are always listed
Span = tuple[int, int, Finding]  # first and last column of a highlighted field, and why
_RANK = {severity: rank for rank, severity in enumerate(SEVERITIES)}


def _digest(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()


_CSP = (
    "default-src 'none'; base-uri 'none'; form-action 'none'; img-src data:; "
    f"style-src '{_digest(html_assets.CSS)}'; script-src '{_digest(html_assets.SCRIPT)}'"
)


def _money(value: Decimal | int, *, cents: bool = False) -> str:
    return format_money(Decimal(value) / 100 if cents else Decimal(value), grouped=True)


def _summary(report: Report) -> str:
    t = report.totals
    dates = f"{t.first_date:%d/%m/%Y} → {t.last_date:%d/%m/%Y}" if t.first_date else "-"
    journals = ", ".join(f"{esc(j)} ({n})" for j, n in sorted(t.journals.items())) or "-"
    verdict = "ok" if report.ok else "FAILED"
    rows = [
        ("verdict", f'<strong class="verdict {verdict.lower()}">{verdict}</strong>'),
        (
            "findings",
            f"{report.errors} error(s), {report.warnings} warning(s), {report.counts['info']} info",
        ),
        ("lines", f"{t.lines} ({t.entries} entries)"),
        ("pièces", str(t.pieces)),
        ("journals", journals),
        ("dates", dates),
        ("debit", _money(t.debit)),
        ("credit", _money(t.credit)),
    ]
    body = "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in rows)
    return f'<table class="summary">{body}</table>'


def _balances(rows: Sequence[PieceBalance] | None) -> str:
    if rows is None:
        return "<p>Per-pièce balance not available (the input could not be read again).</p>"
    unbalanced = [r for r in rows if r.difference]
    shown = [r for i, r in enumerate(rows) if r.difference or i < BALANCED_ROWS]
    head = (
        "<tr><th>journal</th><th>date</th><th>pièce</th><th>line</th>"
        "<th>debit</th><th>credit</th><th>difference</th></tr>"
    )
    body = "".join(
        f'<tr class="{"off" if r.difference else "on"}"><td>{esc(r.journal)}</td>'
        f"<td>{esc(r.date)}</td><td>{esc(r.number)}</td><td>{r.first_line}</td>"
        f'<td class="num">{_money(r.debit, cents=True)}</td>'
        f'<td class="num">{_money(r.credit, cents=True)}</td>'
        f'<td class="num">{_money(r.difference, cents=True) if r.difference else ""}</td></tr>'
        for r in shown
    )
    note = f"{len(unbalanced)} of {len(rows)} pièce(s) do not balance."
    if len(shown) < len(rows):
        note += f" {len(rows) - len(shown)} balanced pièce(s) not listed."
    return f'<p>{note}</p><table class="pieces">{head}{body}</table>'


def _item(finding: Finding, anchor: str | None, lang: str) -> str:
    where = []
    if finding.line is not None:
        label = f"line {finding.line}"
        where.append(f'<a href="#{anchor}">{label}</a>' if anchor else label)
    if finding.column is not None:
        where.append(f"column {finding.column}")
    if finding.field:
        where.append(f"<code>{esc(finding.field)}</code>")
    parts = [
        f'<span class="badge {finding.severity}">{finding.severity}</span> ',
        f'<span class="rule">{finding.rule}</span> ',
        f"{', '.join(where)}: " if where else "",
        f'<span lang="{lang}">{esc(finding.message_in(lang))}</span>',
    ]
    hint = finding.hint_in(lang)
    if hint:
        label = translator(lang)("hint: {hint}").format(hint=esc(hint))
        parts.append(f'<div class="hint" lang="{lang}">{label}</div>')
    if finding.cegid_message:
        parts.append(f'<div class="cegid" lang="fr">Cegid : « {esc(finding.cegid_message)} »</div>')
    return (
        f'<li data-severity="{finding.severity}" data-rule="{finding.rule}">{"".join(parts)}</li>'
    )


def _by_rule(prefix: str, findings: Sequence[Finding], lang: str) -> str:
    groups: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        groups[f.rule].append(f)
    order = sorted(groups, key=lambda r: (min(_RANK[f.severity] for f in groups[r]), r))
    out = []
    for rule_id in order:
        rule = RULES[rule_id]
        items = "".join(
            _item(f, f"{prefix}-l{f.line}" if f.line is not None else None, lang)
            for f in groups[rule_id]
        )
        out.append(
            f'<section class="group"><h4>{rule_id} {esc(rule.title)} '
            f'<span class="count">({len(groups[rule_id])})</span></h4>'
            f"<ul>{items}</ul></section>"
        )
    return "".join(out)


def _owners(spans: Sequence[Span], width: int) -> list[int | None]:
    """For each column, the index of the narrowest highlighted span covering it."""
    owners: list[int | None] = [None] * width
    for index in sorted(range(len(spans)), key=lambda i: spans[i][0] - spans[i][1]):
        first, last, _ = spans[index]
        for column in range(first, last + 1):
            owners[column - 1] = index
    return owners


def _ruler(start: int, end: int) -> str:
    numbers = [" "] * (end - start + 1)
    ticks = []
    for column in range(start, end + 1):
        ticks.append("|" if column % 10 == 0 else "+" if column % 5 == 0 else "·")
        if column % 10 == 0:
            label = str(column)
            at = column - start - len(label) + 1
            for offset, char in enumerate(label):
                if 0 <= at + offset < len(numbers):
                    numbers[at + offset] = char
    return f'<span class="ruler">{"".join(numbers)}\n{"".join(ticks)}</span>\n'


def _row(text: str, start: int, end: int, owners: list[int | None], spans: list[Span]) -> str:
    out, column = [], start
    while column <= end:
        owner, stop = owners[column - 1], column
        while stop + 1 <= end and owners[stop] == owner:
            stop += 1
        segment = esc(text[column - 1 : stop])
        if owner is None:
            out.append(segment)
        else:
            first, last, finding = spans[owner]
            name = finding.field or "?"
            out.append(
                f'<mark class="{finding.severity}" data-field="{esc(name)}" '
                f'data-first="{first}" data-last="{last}" data-rule="{finding.rule}" '
                f'title="{esc(name)}, columns {first}–{last}: {finding.rule}">{segment}</mark>'
            )
        column = stop + 1
    return f'<span class="line">{"".join(out)}</span>'


def _grid(number: int, findings: Sequence[Finding]) -> str:
    source = next((f.source for f in findings if f.source is not None), None)
    if source is None:
        return ""
    spans: list[Span] = [
        (cols[0], cols[1], f) for f in findings if (cols := field_columns(f)) is not None
    ]
    width = max([len(source), *(last for _, last, _ in spans)])
    text = source.ljust(width)
    owners = _owners(spans, width)
    blocks = []
    for start in range(1, width + 1, CHUNK):
        end = min(start + CHUNK - 1, width)
        if start > 1 and all(owners[c - 1] is None for c in range(start, end + 1)):
            continue  # a stretch without findings: left out, the ruler says where we are
        blocks.append(
            f'<pre class="grid" aria-label="line {number}, columns {start} to {end}">'
            f"{_ruler(start, end)}{_row(text, start, end, owners, spans)}</pre>"
        )
    return "".join(blocks)


def _by_line(prefix: str, findings: Sequence[Finding], lang: str) -> str:
    lines: dict[int | None, list[Finding]] = defaultdict(list)
    for f in findings:
        lines[f.line].append(f)
    out = []
    for number in sorted(lines, key=lambda n: -1 if n is None else n):
        group = lines[number]
        title = "Whole file" if number is None else f"Line {number}"
        anchor = f' id="{prefix}-l{number}"' if number is not None else ""
        grid = _grid(number, group) if number is not None else ""
        items = "".join(_item(f, None, lang) for f in group)
        out.append(
            f'<section class="group"{anchor}><h4>{title}</h4>{grid}<ul>{items}</ul></section>'
        )
    return "".join(out)


def _file(index: int, report: Report, balances: Sequence[PieceBalance] | None, lang: str) -> str:
    prefix = f"f{index}"
    findings = [f for f in report.findings if f.rule != "TRA-D07"]
    dropped = f"<p>{report.dropped} more finding(s) not listed (--max-findings).</p>"
    return (
        f'<article class="file"><h2>{esc(report.path)}</h2>'
        f"<h3>Summary</h3>{_summary(report)}"
        f"<h3>Balance by pièce</h3>{_balances(balances)}"
        f"<h3>Findings by rule</h3>{_by_rule(prefix, findings, lang) or '<p>None.</p>'}"
        f"<h3>Findings by line</h3>{_by_line(prefix, findings, lang) or '<p>None.</p>'}"
        f"{dropped if report.dropped else ''}</article>"
    )


def _filter(reports: Sequence[Report]) -> str:
    present = sorted({f.rule for r in reports for f in r.findings if f.rule != "TRA-D07"})
    severities = "".join(
        f'<label><input type="checkbox" name="severity" value="{s}" checked> {s}</label> '
        for s in SEVERITIES
    )
    rules = "".join(
        f'<label><input type="checkbox" name="rule" value="{r}" checked> {r}</label> '
        for r in present
    )
    return (
        '<form id="filter" hidden><fieldset><legend>Severity</legend>'
        f"{severities}</fieldset><fieldset><legend>Rule</legend>{rules}</fieldset></form>"
    )


def html_report(
    reports: Sequence[Report],
    balances: Mapping[str, Sequence[PieceBalance] | None],
    lang: str = "en",
) -> str:
    """The page for these reports; `balances` maps a report's path to its pièces; the
    findings' messages and hints in `lang`, marked with it (the page's frame is English)."""
    files = "".join(_file(i, r, balances.get(r.path), lang) for i, r in enumerate(reports))
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>tratool validation report</title><style>{html_assets.CSS}</style></head>"
        f"<body><header><h1>tratool validation report</h1>"
        f"<p>tratool {esc(__version__)}; {len(reports)} file(s)</p>{_filter(reports)}</header>"
        f"<main>{files}</main><script>{html_assets.SCRIPT}</script></body></html>\n"
    )


def _read_balances(report: Report) -> Sequence[PieceBalance] | None:
    """The pièces of a report's file, read again; None when it is no longer a readable file
    (standard input, or removed since)."""
    if not Path(report.path).is_file():
        return None
    try:
        return piece_balances(report.path, encoding=report.encoding)
    except (TraError, OSError, LookupError):
        return None


def html(reports: Sequence[Report], *, lang: str = "en") -> str:
    """The HTML report, the per-pièce balances read from each file."""
    return html_report(reports, {r.path: _read_balances(r) for r in reports}, lang)
