"""The accounting settings every simulated dossier starts with: a small French company.

Shaped like the answers of Cegid's ``journal``, ``compte``, ``section`` and
``etablissementComplet`` pages (shared/docs/loop-api.md §6.8): a chart of accounts on 8 digits
with the supplier, customer and employee collectives (401, 411, 421), four journals, two
analytic axes, one establishment. The repository's fixtures are written against it.
"""

from __future__ import annotations

from typing import Any

# Journal types as Cegid numbers them: Achat 1, OD 2, A-Nouveau 3, Banque 4, Caisse 5,
# Écart de change 6, Régularisation 7, Vente 8.
JOURNALS: tuple[dict[str, Any], ...] = (
    {"code": "HA", "libelle": "Journal des achats", "type": 1},
    {"code": "VTE", "libelle": "Journal des ventes", "type": 8},
    {
        "code": "BQ1",
        "libelle": "Banque Crédit Mutuel",
        "type": 4,
        "compteContrepartie": "51210000",
        "typeContrepartie": 1,
    },
    {"code": "OD", "libelle": "Opérations diverses", "type": 2},
)


def _account(numero: str, libelle: str, **flags: Any) -> dict[str, Any]:
    record = {
        "numero": numero,
        "libelle": libelle,
        "type": flags.pop("type", 1),
        "collectif": False,
        "lettrable": False,
        "pointable": False,
        "centralisable": False,
        "analytique": False,
        "ferme": False,
    }
    record.update(flags)
    return record


COMPTES: tuple[dict[str, Any], ...] = (
    _account("10100000", "Capital social"),
    _account("40100000", "Fournisseurs", collectif=True, lettrable=True, centralisable=True),
    _account("41100000", "Clients", collectif=True, lettrable=True, centralisable=True),
    _account("42100000", "Personnel - rémunérations dues", collectif=True, lettrable=True),
    _account("44566000", "TVA sur autres biens et services"),
    _account("44571000", "TVA collectée"),
    _account("47100000", "Compte d'attente"),
    _account("51210000", "Banque Crédit Mutuel", pointable=True, compteBanque="CM001"),
    _account("60610000", "Fournitures non stockables", analytique=True),
    _account("62260000", "Honoraires", analytique=True),
    _account("62570000", "Réceptions", analytique=True, ferme=True),
    _account("64110000", "Salaires, appointements", analytique=True),
    _account("70610000", "Prestations de services", analytique=True),
)

_CENTRES = {"code": "A1", "libelle": "Centres de coût"}
_ACTIVITES = {"code": "A2", "libelle": "Activités"}
SECTIONS: tuple[dict[str, Any], ...] = (
    {"code": "ATELIER", "description": "Atelier", "ferme": False, "axe": _CENTRES},
    {"code": "BUREAU", "description": "Bureau", "ferme": False, "axe": _CENTRES},
    {"code": "ANCIEN", "description": "Ancien dépôt", "ferme": True, "axe": _CENTRES},
    {"code": "NEGOCE", "description": "Négoce", "ferme": False, "axe": _ACTIVITES},
    {"code": "SERVICE", "description": "Services", "ferme": False, "axe": _ACTIVITES},
)

ETABLISSEMENTS: tuple[dict[str, Any], ...] = (
    {
        "code": "001",
        "type": 1,  # Principal-siège social
        "nature": 2,  # Personne morale
        "raisonsociale": "ATELIERS DU PORT",
        "siret": "42472213000079",
        "numvoie": "21",
        "nomvoie": "RUE JASMIN",
        "codepostal": "44000",
        "localite": "NANTES",
        "pays": "FR",
    },
)

SETTINGS: dict[str, tuple[dict[str, Any], ...]] = {
    "journal": JOURNALS,
    "compte": COMPTES,
    "section": SECTIONS,
    "etablissement": ETABLISSEMENTS,
}
