#!/usr/bin/env bash
# make demo: the main job end to end, on embedded defaults — no account, no network.
# Starts Azurite (the Azure Storage emulator) and the Loop simulator on 127.0.0.1, converts a
# spreadsheet export to TRA, validates it (also against the dossier's settings in "Loop"),
# pushes it through Azurite, waits for the import, shows a file the dossier cannot take refused
# before upload, pushes another without any Azure account (the storage Loop provides), and
# stops both servers.
set -euo pipefail
cd "$(dirname "$0")/.."
TRATOOL=.venv/bin/tratool
WORK=$(mktemp -d -t tratool-demo.XXXXXX)
PIDS=()

cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$WORK"
}
trap cleanup EXIT

# wait_for FILE PATTERN: print the first match once the server wrote it (30 s at most).
wait_for() {
    for _ in $(seq 300); do
        if match=$(grep -o -m1 "$2" "$1" 2>/dev/null); then echo "$match"; return 0; fi
        sleep 0.1
    done
    echo "demo: no '$2' in $1:" >&2; cat "$1" >&2; return 1
}

node_modules/.bin/azurite-blob --blobHost 127.0.0.1 --blobPort 0 --inMemoryPersistence \
    --silent --disableTelemetry --skipApiVersionCheck > "$WORK/azurite.log" 2>&1 &
PIDS+=($!)
"$TRATOOL" loop-sim --dossier DEMO001 --waiting 1 --running 2 > "$WORK/loop-sim.log" 2>&1 &
PIDS+=($!)
AZURITE=$(wait_for "$WORK/azurite.log" 'http://127.0.0.1:[0-9]*')
LOOP=$(wait_for "$WORK/loop-sim.log" 'http://127.0.0.1:[0-9]*')
echo "Azurite (storage emulator) on $AZURITE, Loop simulator on $LOOP"

export AZURE_STORAGE_CONNECTION_STRING="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=$AZURITE/devstoreaccount1;"
export TRATOOL_LOOP_BASE_URL="$LOOP/loop-api-publiques/"
export TRATOOL_LOOP_SUBSCRIPTION_KEY=sim-subscription-key
export TRATOOL_LOOP_API_KEY=sim-key:sim-secret
export TRATOOL_JOURNAL="$WORK/journal.sqlite"
export XDG_CACHE_HOME="$WORK/cache"   # the dossier settings cache of this run only

echo
echo "== 1. convert the sales spreadsheet to TRA"
"$TRATOOL" convert fixtures/ventes-excel.csv --mapping fixtures/ventes-mapping.toml \
    -o "$WORK/PG00001.TRA"
echo
# Two checks need settings Loop's public API does not give (fiscal years TRA-X05, company code
# TRA-F24): each would only add an info line "check skipped", so they are left out here.
echo "== 2. validate it, also against dossier DEMO001's own settings in Loop"
echo "(ignoring TRA-X05,F24: they need dossier settings Loop's API does not list)"
"$TRATOOL" validate "$WORK/PG00001.TRA" --dossier DEMO001 --ignore TRA-X05,TRA-F24
echo
echo "== 3. push it into dossier DEMO001 (through Azurite) and wait for the import"
"$TRATOOL" push "$WORK/PG00001.TRA" --dossier DEMO001 --timeout 2m
echo
echo "== 4. pushing the same file again is refused"
if "$TRATOOL" push "$WORK/PG00001.TRA" --dossier DEMO001 2>&1; then
    echo "demo: a second push went through" >&2; exit 1
fi
echo
echo "== 5. the submission journal"
"$TRATOOL" history
echo
echo "== 6. what dossier DEMO001 has in Loop, as tratool.toml tables (first lines)"
"$TRATOOL" dossier settings DEMO001 | head -8
echo
echo "== 7. a journal, an account and a section DEMO001 lacks: refused before any upload"
LC_ALL=C sed -e 's/^HA /ZZ /' -e 's/44566000/60640000/' -e 's/ABUREAU  /ACHANTIER/' \
    fixtures/achats-ete.tra > "$WORK/PG00002.TRA"
if "$TRATOOL" push "$WORK/PG00002.TRA" --dossier DEMO001 2>&1; then
    echo "demo: a file the dossier cannot take went through" >&2; exit 1
fi
echo
echo "== 8. no Azure account at all: the file goes to the storage Loop provides"
env -u AZURE_STORAGE_CONNECTION_STRING "$TRATOOL" push fixtures/achats-ete.tra \
    --dossier DEMO001 --timeout 2m
echo
"$TRATOOL" history
