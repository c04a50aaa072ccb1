"""The Loop wire as the simulator hears it: routes, verbs, fields and parameters, spelled the way
Cegid's two seed guides (and its public pages) spell them.

These are deliberately *not* read from the client's settings (`tratool.loop.settings`): if both
sides took their spellings from one place, a wrong spelling would agree with itself and every
test would pass. A client misconfigured (or mistyped) against these constants gets the gateway's
404, as it would from the real Loop. Each constant can still be changed per simulator
(`SimulatorOptions`), to rehearse a Loop that turns out to spell something differently.
"""

from __future__ import annotations

BASE_PATH = "/loop-api-publiques/"

# Route name (the simulator's own key) -> path after the base URL.
ROUTES = {
    "import_tra": "importTra",  # seed: "post …/loop-api-publiques/importTra"
    "import_status": "getImportStatus",  # Cegid's JSON-import page; the seed names no path
    "dossier": "dossierClient",  # seed: "POST /dossierClient?codeDossier={codeDossier}"
    "groupe": "groupe",  # seed: "GET …/groupe?codeDossier={codeDossier}&filter=&sort=…"
    "agence": "AgenceCabinet",  # seed catalogue: "Modification d'un AgenceCabinet"
    "collaborateur": "CollaborateurCabinet",  # seed catalogue: "… d'un CollaborateurCa..."
    "engagement": "engagement",  # Cegid's Engagement page
    # A client dossier's accounting settings (Cegid's "Paramètres comptables" pages), GET only.
    "journal": "journal",
    "compte": "compte",
    "section": "section",
    "etablissement": "etablissementComplet",
    # Cegid's page « Obtention de l'URI-URL du fichier »: GET getFileUrlDeposit?filename=…
    "file_deposit": "getFileUrlDeposit",
}
# The second CollaborateurCabinet GET of the seed's catalogue (its label is cut off): one record
# by its objectId. Cegid's page says "to retrieve a single resource the request should supply
# the UID"; the path form is an assumption.
ITEM_ROUTES = {"collaborateur": "CollaborateurCabinet/{objectId}"}

# Exactly the verbs of the seed's catalogue ("Paramètres cabinet", "Écritures comptables
# (import)"); any other verb gets the gateway's 404, as an unknown APIM operation does.
VERBS = {
    "import_tra": ("POST",),
    "import_status": ("GET",),
    "dossier": ("GET", "POST", "PUT", "DELETE"),
    "groupe": ("GET", "POST", "PUT", "DELETE"),
    "agence": ("GET", "PUT"),
    "collaborateur": ("GET", "PUT"),
    "engagement": ("POST",),  # "Création d'un engagement" and "Modification …": both POST
    "journal": ("GET",),
    "compte": ("GET",),
    "section": ("GET",),
    "etablissement": ("GET",),
    "file_deposit": ("GET",),
}

DEPOSIT_PARAMETER = "filename"  # with its extension: .tra, .txt or .csv
DEPOSIT_ANSWER = ("depositUrl", "uri")  # printed in two answer structures on Cegid's page
DOSSIER_FIELD = "codeIbs"  # Cegid's import pages; the seed's example body says codeTbs
STATUS_PARAMETER = "accountingImportRequestId"  # seed: « le champ … est obligatoire »
FIRM_PARAMETER = "codeDossier"
FIRM_CODE = "cabinet"  # the screenshots; the seed's text says « le nom du cabinet »
OBJECT_ID, REVISION_ID = "objectId", "revisionId"

# The field that names a record in each resource (what "already exists" compares).
KEYS = {
    "dossier": "codeDossier",
    "groupe": "code",
    "agence": "code",
    "collaborateur": "identifiant",  # Cegid's page filters on identifiant=="Collaborateur_100"
    "engagement": "codeIBS",  # Cegid's Engagement page filters on codeIBS=="CEGID003"
}

# APIM's default answers (Microsoft's documented bodies), shared by every route.
NOT_FOUND = {"statusCode": 404, "message": "Resource not found"}
MISSING_KEY = (
    "Access denied due to missing subscription key. Make sure to include "
    "subscription key when making requests to an API."
)
INVALID_KEY = (
    "Access denied due to invalid subscription key. Make sure to provide a valid "
    "key for an active subscription."
)
