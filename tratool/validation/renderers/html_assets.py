"""The style and the script of the HTML report, inline in every page (no external asset).

The page's Content Security Policy allows exactly these two texts, by their SHA-256.
"""

from __future__ import annotations

CSS = """
:root { color-scheme: light; --error: #b00020; --warning: #8a5a00; --info: #005a8a; }
body { font: 14px/1.45 system-ui, sans-serif; margin: 1.5rem; color: #111; }
h1 { font-size: 1.4rem; } h2 { font-size: 1.15rem; border-bottom: 2px solid #333; }
h3 { font-size: 1rem; margin-top: 1.5rem; } h4 { font-size: .95rem; margin: .8rem 0 .3rem; }
[hidden] { display: none !important; }
table { border-collapse: collapse; } th, td { padding: .15rem .6rem; text-align: left; }
table.summary th { color: #444; font-weight: normal; }
table.pieces th, table.pieces td { border-bottom: 1px solid #ddd; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.off td { background: #fde7ea; font-weight: bold; }
.verdict.ok { color: #1b6e20; } .verdict.failed { color: var(--error); }
.badge { display: inline-block; min-width: 4.5em; font-size: .8em; font-weight: bold;
  text-transform: uppercase; }
.badge.error { color: var(--error); } .badge.warning { color: var(--warning); }
.badge.info { color: var(--info); }
.rule { font-family: ui-monospace, monospace; }
.hint, .cegid { margin-left: 4.5em; color: #444; } .cegid { font-style: italic; }
ul { list-style: none; padding-left: .5rem; margin: .2rem 0; }
pre.grid { font: 13px/1.35 "DejaVu Sans Mono", ui-monospace, monospace; margin: .3rem 0;
  padding: .2rem .4rem; background: #f6f6f6; border: 1px solid #ddd; overflow-x: auto; }
pre.grid .ruler { color: #888; }
p.legend { color: #444; font-size: .9em; }
mark { color: inherit; border-radius: 2px; }
mark.error { background: #ffc9d0; outline: 1px solid var(--error); }
mark.warning { background: #ffe6a8; outline: 1px solid var(--warning); }
mark.info { background: #cde8f7; outline: 1px solid var(--info); }
#filter fieldset { display: inline-block; border: 1px solid #ccc; margin-right: 1rem; }
@media print {
  body { margin: 0; font-size: 10pt; }
  #filter { display: none !important; }
  a { color: inherit; text-decoration: none; }
  pre.grid { font-size: 7.5pt; overflow: visible; break-inside: avoid; background: none; }
  mark { print-color-adjust: exact; -webkit-print-color-adjust: exact; }
  section.group, tr { break-inside: avoid; }
  h2 { break-before: page; } article.file:first-child h2 { break-before: auto; }
}
"""

# The filter: shown only when this runs, so a page without JavaScript has no dead controls.
SCRIPT = """
(function () {
  "use strict";
  var form = document.getElementById("filter");
  if (!form) { return; }
  form.hidden = false;
  function checked(name) {
    var on = {};
    form.querySelectorAll("input[name=" + name + "]").forEach(function (box) {
      on[box.value] = box.checked;
    });
    return on;
  }
  function apply() {
    var severity = checked("severity"), rule = checked("rule");
    document.querySelectorAll("li[data-severity]").forEach(function (item) {
      item.hidden = !(severity[item.dataset.severity] && rule[item.dataset.rule]);
    });
    document.querySelectorAll("section.group").forEach(function (group) {
      group.hidden = !group.querySelector("li[data-severity]:not([hidden])");
    });
  }
  form.addEventListener("change", apply);
  apply();
})();
"""
