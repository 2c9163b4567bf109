#!/usr/bin/env bash
# Restore a backup made by backup.sh into an EMPTY database and recordings directory, then
# verify every negotiation text's hash chain (docs/operations.md).
#
#   DATABASE_URL=postgres://…/plenary_restored PLENARY_RECORDINGS_DIR=/var/lib/plenary/recordings \
#     deploy/restore.sh /srv/backups/plenary-20261201T120000Z
#
# Create the database first (createdb plenary_restored). The negotiation event table's
# append-only trigger is restored with it. Runs `plenary` from PATH, or $PLENARY.
set -euo pipefail
source=${1:?usage: restore.sh BACKUP_DIRECTORY}
: "${DATABASE_URL:?DATABASE_URL must name the (empty) database to restore into}"
recordings=${PLENARY_RECORDINGS_DIR:-${PLENARY_DATA_DIR:-/var/lib/plenary}/recordings}
plenary=${PLENARY:-plenary}
(cd "$source" && sha256sum --check --quiet SHA256SUMS)
mkdir -p "$recordings"
[ -z "$(ls -A "$recordings")" ] || { echo "restore.sh: $recordings is not empty" >&2; exit 1; }
pg_restore --exit-on-error --no-owner --no-privileges --dbname="$DATABASE_URL" "$source/plenary.dump"
tar --extract --gzip --file="$source/recordings.tar.gz" --directory="$recordings"
$plenary negotiation verify
echo "restore.sh: restored from $source; every negotiation record verifies"
