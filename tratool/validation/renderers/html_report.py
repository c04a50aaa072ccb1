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

from ..._version import installed_version
from ...errors import SEVERITIES, TraError
from ...i18n import shown, translator
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


def _money(value: Decimal | int, lang: str, *, cents: bool = False) -> str:
    amount = Decimal(value) / 100 if cents else Decimal(value)
    return shown(amount, lang)


def _notes(report: Report) -> int:
    """The notes listed: the totals note (TRA-D07) is the summary itself, as in text."""
    return report.counts["info"] - sum(f.rule == "TRA-D07" for f in report.findings)


def _summary(report: Report, lang: str) -> str:
    _ = translator(lang)
    t = report.totals
    dates = "-"
    if t.first_date and t.last_date:
        dates = f"{shown(t.first_date, lang)} → {shown(t.last_date, lang)}"
    journals = ", ".join(f"{esc(j)} ({n})" for j, n in sorted(t.journals.items())) or "-"
    verdict = "ok" if report.ok else "failed"  # the class; the word is the reader's
    word = _("ok") if report.ok else _("FAILED")
    counts = _("{errors} error(s), {warnings} warning(s), {infos} info")
    rows = [
        (_("verdict"), f'<strong class="verdict {verdict}">{word}</strong>'),
        (
            _("findings"),
            counts.format(errors=report.errors, warnings=report.warnings, infos=_notes(report)),
        ),
        (_("lines"), _("{lines} ({entries} entries)").format(lines=t.lines, entries=t.entries)),
        (_("pièces"), str(t.pieces)),
        (_("journals"), journals),
        (_("dates"), dates),
        (_("debit"), _money(t.debit, lang)),
        (_("credit"), _money(t.credit, lang)),
    ]
    body = "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in rows)
    return f'<table class="summary">{body}</table>'


def _balance_row(r: PieceBalance, lang: str) -> str:
    difference = _money(r.difference, lang, cents=True) if r.difference else ""
    return (
        f'<tr class="{"off" if r.difference else "on"}"><td>{esc(r.journal)}</td>'
        f"<td>{esc(r.date)}</td><td>{esc(r.number)}</td><td>{r.first_line}</td>"
        f'<td class="num">{_money(r.debit, lang, cents=True)}</td>'
        f'<td class="num">{_money(r.credit, lang, cents=True)}</td>'
        f'<td class="num">{difference}</td></tr>'
    )


def _balances(rows: Sequence[PieceBalance] | None, lang: str) -> str:
    _ = translator(lang)
    if rows is None:
        missing = _("Per-pièce balance not available (the input could not be read again).")
        return f"<p>{missing}</p>"
    unbalanced = [r for r in rows if r.difference]
    listed = [r for i, r in enumerate(rows) if r.difference or i < BALANCED_ROWS]
    heads = (_("journal"), _("date"), _("pièce"), _("line"), _("debit"), _("credit"))
    head = "<tr>" + "".join(f"<th>{h}</th>" for h in (*heads, _("difference"))) + "</tr>"
    body = "".join(_balance_row(r, lang) for r in listed)
    note = _("{unbalanced} of {count} pièce(s) do not balance.")
    note = note.format(unbalanced=len(unbalanced), count=len(rows))
    if len(listed) < len(rows):
        more = _("{count} balanced pièce(s) not listed.").format(count=len(rows) - len(listed))
        note += " " + more
    return f'<p>{note}</p><table class="pieces">{head}{body}</table>'


def _where(finding: Finding, anchor: str | None, lang: str) -> str:
    _ = translator(lang)
    where = []
    if finding.line is not None:
        label = _("line {number}").format(number=finding.line)
        where.append(f'<a href="#{anchor}">{label}</a>' if anchor else label)
    if finding.column is not None:
        where.append(_("column {number}").format(number=finding.column))
    if finding.field:
        where.append(f"<code>{esc(finding.field)}</code>")
    return ", ".join(where)


def _located(finding: Finding, anchor: str | None, lang: str) -> str:
    """Where the finding is, then what it says (French puts a space before the colon)."""
    message = f'<span lang="{lang}">{esc(finding.message_in(lang))}</span>'
    where = _where(finding, anchor, lang)
    if not where:
        return message
    _ = translator(lang)
    return _("{where}: {message}").format(where=where, message=message)


def _item(finding: Finding, anchor: str | None, lang: str) -> str:
    parts = [
        f'<span class="badge {finding.severity}">{_severity(finding.severity, lang)}</span> ',
        f'<span class="rule">{finding.rule}</span> ',
        _located(finding, anchor, lang),
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


def _severity(severity: str, lang: str) -> str:
    _ = translator(lang)
    return {"error": _("error"), "warning": _("warning"), "info": _("info")}[severity]


def _by_rule(prefix: str, findings: Sequence[Finding], lang: str) -> str:
    groups: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        groups[f.rule].append(f)
    order = sorted(groups, key=lambda r: (min(_RANK[f.severity] for f in groups[r]), r))
    out = []
    for rule_id in order:
        title = RULES[rule_id].title.render(lang)
        items = "".join(
            _item(f, f"{prefix}-l{f.line}" if f.line is not None else None, lang)
            for f in groups[rule_id]
        )
        out.append(
            f'<section class="group"><h4>{rule_id} {esc(title)} '
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


def _mark(segment: str, span: Span, lang: str) -> str:
    first, last, finding = span
    name = esc(finding.field or "?")
    _ = translator(lang)
    title = _("{field}, columns {first}–{last}: {rule}")
    title = title.format(field=name, first=first, last=last, rule=finding.rule)
    return (
        f'<mark class="{finding.severity}" data-field="{name}" '
        f'data-first="{first}" data-last="{last}" data-rule="{finding.rule}" '
        f'title="{title}">{segment}</mark>'
    )


def _row(
    text: str, start: int, end: int, owners: list[int | None], spans: list[Span], lang: str
) -> str:
    out, column = [], start
    while column <= end:
        owner, stop = owners[column - 1], column
        while stop + 1 <= end and owners[stop] == owner:
            stop += 1
        segment = esc(text[column - 1 : stop])
        out.append(segment if owner is None else _mark(segment, spans[owner], lang))
        column = stop + 1
    return f'<span class="line">{"".join(out)}</span>'


def _grid(number: int, findings: Sequence[Finding], lang: str) -> str:
    source = next((f.source for f in findings if f.source is not None), None)
    if source is None:
        return ""
    spans: list[Span] = [
        (cols[0], cols[1], f) for f in findings if (cols := field_columns(f)) is not None
    ]
    width = max([len(source), *(last for _, last, _ in spans)])
    text = source.ljust(width)
    owners = _owners(spans, width)
    _ = translator(lang)
    label = _("line {number}, columns {first} to {last}")
    blocks = []
    for start in range(1, width + 1, CHUNK):
        end = min(start + CHUNK - 1, width)
        if start > 1 and all(owners[c - 1] is None for c in range(start, end + 1)):
            continue  # a stretch without findings: left out, the ruler says where we are
        where = label.format(number=number, first=start, last=end)
        blocks.append(
            f'<pre class="grid" aria-label="{where}">'
            f"{_ruler(start, end)}{_row(text, start, end, owners, spans, lang)}</pre>"
        )
    return "".join(blocks)


def _by_line(prefix: str, findings: Sequence[Finding], lang: str) -> str:
    _ = translator(lang)
    lines: dict[int | None, list[Finding]] = defaultdict(list)
    for f in findings:
        lines[f.line].append(f)
    out = []
    for number in sorted(lines, key=lambda n: -1 if n is None else n):
        group = lines[number]
        title = _("Whole file") if number is None else _("Line {number}").format(number=number)
        anchor = f' id="{prefix}-l{number}"' if number is not None else ""
        grid = _grid(number, group, lang) if number is not None else ""
        items = "".join(_item(f, None, lang) for f in group)
        out.append(
            f'<section class="group"{anchor}><h4>{title}</h4>{grid}<ul>{items}</ul></section>'
        )
    if not out:
        return ""
    legend = _(
        "Above each line, a ruler counts its columns (| every 10, + every 5); "
        "a highlighted field gives its name and columns on hover."
    )
    return f'<p class="legend">{legend}</p>' + "".join(out)


def _file(index: int, report: Report, balances: Sequence[PieceBalance] | None, lang: str) -> str:
    _ = translator(lang)
    prefix = f"f{index}"
    findings = [f for f in report.findings if f.rule != "TRA-D07"]
    none = "<p>" + _("None.") + "</p>"
    sections = [
        (_("Summary"), _summary(report, lang)),
        (_("Balance by pièce"), _balances(balances, lang)),
        (_("Findings by rule"), _by_rule(prefix, findings, lang) or none),
        (_("Findings by line"), _by_line(prefix, findings, lang) or none),
    ]
    dropped = _("{count} more finding(s) not listed (--max-findings).")
    dropped = f"<p>{dropped.format(count=report.dropped)}</p>" if report.dropped else ""
    body = "".join(f"<h3>{heading}</h3>{content}" for heading, content in sections)
    return f'<article class="file"><h2>{esc(report.path)}</h2>{body}{dropped}</article>'


def _checkbox(name: str, value: str, label: str, title: str = "") -> str:
    title = f' title="{esc(title)}"' if title else ""
    return (
        f'<label{title}><input type="checkbox" name="{name}" value="{value}" checked> '
        f"{label}</label> "
    )


def _filter(reports: Sequence[Report], lang: str) -> str:
    _ = translator(lang)
    present = sorted({f.rule for r in reports for f in r.findings if f.rule != "TRA-D07"})
    severities = "".join(_checkbox("severity", s, _severity(s, lang)) for s in SEVERITIES)
    rules = "".join(_checkbox("rule", r, r, RULES[r].title.render(lang)) for r in present)
    fieldsets = ((_("Severity"), severities), (_("Rule"), rules))
    body = "".join(f"<fieldset><legend>{k}</legend>{v}</fieldset>" for k, v in fieldsets)
    return f'<form id="filter" hidden>{body}</form>'


def html_report(
    reports: Sequence[Report],
    balances: Mapping[str, Sequence[PieceBalance] | None],
    lang: str = "en",
) -> str:
    """The page for these reports; `balances` maps a report's path to its pièces. Everything
    meant for people is in `lang`, which the page declares; each finding's words carry their
    own language too, as Cegid's, always French, must."""
    _ = translator(lang)
    files = "".join(_file(i, r, balances.get(r.path), lang) for i, r in enumerate(reports))
    title = _("tratool validation report")
    about = _("tratool {version}; {count} file(s)").format(
        version=esc(installed_version()), count=len(reports)
    )
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{title}</title><style>{html_assets.CSS}</style></head>"
        f"<body><header><h1>{title}</h1>"
        f"<p>{about}</p>{_filter(reports, lang)}</header>"
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
