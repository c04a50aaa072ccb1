"""The rule catalogue (shared/docs/validation-rules.md) as data: stable IDs, default severity,
a one-line title and Cegid's own message where it is known.

A rule's title is a `Text` (its English is the catalogue's msgid), shown in the reader's
language by the reports; the ID and the family stay the same in every language, as machines
match on them."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

import attrs

from ..errors import ConfigError, Severity
from ..i18n import N_, Text

# What a family of rules is called where people read it (SARIF's full description).
_FAMILY_TITLES = {
    "structure": N_("structure rule"),
    "field": N_("field rule"),
    "cross-line": N_("cross-line rule"),
    "file": N_("file rule"),
}


@attrs.frozen
class Rule:
    id: str
    severity: Severity  # the default; some checks of a rule report a milder level
    title: Text
    # Cegid's own words (validation-rules.md), so a user can match a finding with what Cegid
    # shows. "{value}" stands where Cegid names the faulty value. When Cegid words a blank
    # field or a given field differently, those variants win over the general message.
    cegid_message: str = ""
    cegid_missing: str = ""
    cegid_fields: tuple[tuple[str, str], ...] = ()

    def cegid_for(self, field: str | None, value: str | None) -> str:
        """Cegid's message for a finding on `field` holding `value` ("" when unknown)."""
        shown = (value or "").strip()
        template = dict(self.cegid_fields).get(field or "", self.cegid_message)
        if value is not None and not shown and self.cegid_missing:
            template = self.cegid_missing
        return template.replace("{value}", shown or "X")

    @property
    def family(self) -> str:
        return {"S": "structure", "F": "field", "X": "cross-line", "D": "file"}[self.id[4]]

    @property
    def family_title(self) -> Text:
        return _FAMILY_TITLES[self.family]


_CATALOGUE = [
    Rule(
        "TRA-S01",
        "error",
        N_("the file holds at least one entry line"),
        "Fichier incorrect : aucunes lignes d'écriture.",
    ),
    Rule(
        "TRA-S02",
        "error",
        N_("line 1 is a TRA header"),
        "Entête du fichier inexistante ou incorrecte.",
    ),
    Rule(
        "TRA-S03",
        "error",
        N_("header origin is CLI or EXP"),
        "Origine du fichier incorrect",
        "Origine du fichier manquant.",
    ),
    Rule(
        "TRA-S04",
        "error",
        N_("header content is JRL"),
        "Type de fichier incorrect. (pos 9)",
        "Type de fichier manquant.",
    ),
    Rule(
        "TRA-S05",
        "error",
        N_("header format is STD or ETE"),
        "Format du fichier incorrect",
        "Format du fichier manquant.",
    ),
    Rule(
        "TRA-S06",
        "error",
        N_("header version is 3 ASCII digits"),
        "Version de fichier manquant.(pos 34)",
    ),
    Rule(
        "TRA-S07",
        "warning",
        N_("header dates are valid"),
        cegid_fields=(
            ("switchover_date", "Format de la date de bascule incorrect. (pos 18)"),
            ("closing_date", "Format de la date d'arrete periodique incorrect.(pos 26)"),
        ),
    ),
    Rule("TRA-S08", "warning", N_("parameter records have known codes")),
    Rule("TRA-S09", "error", N_("entry lines lose nothing by their width")),
    Rule("TRA-S10", "error", N_("column 31 holds a known line type")),
    Rule("TRA-S11", "warning", N_("no blank lines")),
    Rule("TRA-S12", "error", N_("parameter records are coherent")),
    Rule("TRA-S13", "info", N_("a JRL file carries no dossier-level records")),
    Rule("TRA-F01", "error", N_("journal code is valid"), "Code journal incorrect.(pos 1)"),
    Rule(
        "TRA-F02",
        "error",
        N_("entry date is a calendar date"),
        "Date comptable manquante ou incorrecte (pos 4).",
    ),
    Rule("TRA-F03", "error", N_("piece type is known"), "Type pièce incorrecte (pos 12)"),
    Rule(
        "TRA-F04",
        "error",
        N_("general account is valid"),
        "Compte général incorrect ou inexistant.",
    ),
    Rule(
        "TRA-F05",
        "error",
        N_("line type and auxiliary agree"),
        "Compte auxiliaire est manquant. Erreur Ecriture.",
    ),
    Rule("TRA-F06", "error", N_("label is usable")),
    Rule("TRA-F07", "info", N_("tiers lines carry a reference")),
    Rule("TRA-F08", "warning", N_("payment method is known")),
    Rule("TRA-F09", "error", N_("due date is valid"), "Date d'echeance incorrecte (pos 122)."),
    Rule("TRA-F10", "error", N_("direction is D or C"), "Sens du mouvement incorrect"),
    Rule("TRA-F11", "error", N_("amount is a positive decimal"), "Montant1 manquant ou incorrect"),
    Rule(
        "TRA-F12", "error", N_("entry type is normal"), "Type de mouvement manquant ou incorrect."
    ),
    Rule("TRA-F13", "error", N_("piece number is numeric")),
    Rule(
        "TRA-F14",
        "error",
        N_("currency is an ISO 4217 code"),
        "Erreur : la devise {value} est inconnue.",
    ),
    Rule("TRA-F15", "warning", N_("exchange rate is given for a foreign currency")),
    Rule("TRA-F16", "error", N_("amount code is valid"), "Code montant incorrect"),
    Rule("TRA-F17", "error", N_("amounts 2 and 3 are numeric and present when named")),
    Rule("TRA-F18", "warning", N_("establishment is known"), "Etablissement {value} est manquant"),
    Rule(
        "TRA-F19",
        "error",
        N_("analytic axis and section are valid"),
        "Axe analytique manquant.",
        cegid_fields=(("auxiliary", "Section analytique manquante"),),
    ),
    Rule("TRA-F20", "warning", N_("due number is numeric")),
    Rule("TRA-F21", "warning", N_("opening kind is valid (ETE)")),
    Rule(
        "TRA-F22",
        "warning",
        N_("lettering state is filled and agrees with the code (ETE general lines)"),
        "Statut du mouvement incorrect ou manquant. pos(1021)",
        cegid_fields=(
            ("lettering_code", "Code de lettrage incompatible avec l'etat lettrage.(pos 1014)"),
        ),
    ),
    Rule("TRA-F23", "warning", N_("other dates are valid (ETE)")),
    Rule(
        "TRA-F24",
        "warning",
        N_("company code matches the dossier (ETE)"),
        "Code société {value} incohérent",
    ),
    Rule("TRA-F25", "warning", N_("required fields of Cegid's specification are filled (ETE)")),
    Rule("TRA-F26", "error", N_("numeric fields hold the ASCII digits 0-9 only")),
    Rule("TRA-X01", "error", N_("every pièce balances"), "Fichier déséquilibré en montant"),
    Rule("TRA-X02", "error", N_("folio journals balance by group")),
    Rule("TRA-X03", "error", N_("the whole file balances")),
    Rule("TRA-X04", "error", N_("pièces are homogeneous and contiguous")),
    Rule(
        "TRA-X05",
        "error",
        N_("dates fall in an open fiscal year"),
        "Date d'écriture incompatible par rapport aux exercices du dossier",
    ),
    Rule(
        "TRA-X06",
        "error",
        N_("auxiliaries only on collective accounts"),
        "<compte> n'est pas un collectif, <aux> est remplacé par blanc",
    ),
    Rule("TRA-X07", "error", N_("analytic lines match their general line")),
    Rule(
        "TRA-X08",
        "error",
        N_("analytic-only lines balance on the journal's axis"),
        "L'axe analytique est différent de l'axe du journal",
    ),
    Rule(
        "TRA-X09",
        "warning",
        N_("sections exist and are open"),
        "Attention, la section X est fermée",
    ),
    Rule(
        "TRA-X10",
        "warning",
        N_("total lettering balances (ETE)"),
        "Le lettrage n'est pas équilibré, aucune écriture ne sera exportée",
    ),
    Rule("TRA-X11", "warning", N_("pièce numbers follow each other per journal")),
    Rule(
        "TRA-X12",
        "warning",
        N_("folio journals take normal entries only"),
        "Mode de saisie du journal incorrect",
    ),
    Rule("TRA-D01", "error", N_("single-byte Windows-1252 encoding")),
    Rule("TRA-D02", "warning", N_("CRLF line endings")),
    Rule("TRA-D03", "warning", N_("no duplicate lines or pièces"), "Doublon : <ligne>"),
    Rule(
        "TRA-D04",
        "warning",
        N_("the file name ends in .tra"),
        "Le fichier selectionné n'est pas un fichier au format TRA",
    ),
    Rule("TRA-D05", "warning", N_("the file is within Loop's size recommendation")),
    Rule("TRA-D06", "warning", N_("no control characters inside records")),
    Rule("TRA-D07", "info", N_("totals of the file")),
]
RULES: dict[str, Rule] = {rule.id: rule for rule in _CATALOGUE}


def check_rule_patterns(
    patterns: Iterable[str], where: str, *, source: str, prefixes: bool = True
) -> None:
    """Raise `ConfigError` for a pattern that names no rule, suggesting the closest ID: a typo
    in a selection must never switch a check off. With `prefixes`, ``TRA-X`` (every rule it
    starts) is a pattern too."""
    for pattern in patterns:
        if pattern in RULES or (prefixes and any(r.startswith(pattern) for r in RULES)):
            continue
        unknown = N_(
            "{where}unknown rule {pattern!r}{suggestion}",
            where=f"{where}: " if where else "",
            pattern=pattern,
            suggestion=_suggestion(pattern),
        )
        raise ConfigError(source, unknown)


def _suggestion(pattern: str) -> Text:
    wanted = pattern.strip().upper()
    if not wanted.startswith("TRA-"):
        wanted = "TRA-" + wanted.removeprefix("TRA")
    # Letters typed for the digits that look like them: TRA-XO1, TRA-FI1.
    wanted = wanted[:5] + wanted[5:].translate(str.maketrans("OIL", "011"))
    if len(wanted) == 6 and wanted[5].isdigit():
        wanted = wanted[:5] + "0" + wanted[5]  # TRA-D8 for TRA-D08
    if wanted in RULES:
        return N_("; did you mean {rule}?", rule=wanted)
    close = difflib.get_close_matches(wanted, RULES, n=1, cutoff=0.6)
    if close:
        return N_("; did you mean {rule}?", rule=close[0])
    return N_(" (see docs/validation.md for the IDs)")
