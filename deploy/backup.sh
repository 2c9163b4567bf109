#!/usr/bin/env bash
# Back up Plenary: the PostgreSQL database (pg_dump, custom format) and the recordings
# directory (tar), into one new folder with a SHA-256 list of both (docs/operations.md).
#
#   DATABASE_URL=postgres://… PLENARY_RECORDINGS_DIR=/var/lib/plenary/recordings \
#     deploy/backup.sh /srv/backups/plenary-$(date -u +%Y%m%dT%H%M%SZ)
#
# The dump is consistent on its own (one snapshot). Recordings are files: a floor turn being
# recorded during the backup may be cut short in the tar, never the database's record of it.
# Also print the negotiation heads (`plenary negotiation head TEXT`) and keep them apart
# from the backup: restore.sh verifies the chains, and a kept head proves nothing was cut.
set -euo pipefail
target=${1:?usage: backup.sh TARGET_DIRECTORY}
: "${DATABASE_URL:?DATABASE_URL must name the database to back up}"
recordings=${PLENARY_RECORDINGS_DIR:-${PLENARY_DATA_DIR:-/var/lib/plenary}/recordings}
mkdir -p "$target"
[ -z "$(ls -A "$target")" ] || { echo "backup.sh: $target is not empty" >&2; exit 1; }
pg_dump --format=custom --no-owner --no-privileges --file="$target/plenary.dump" "$DATABASE_URL"
mkdir -p "$recordings"
tar --create --gzip --file="$target/recordings.tar.gz" --directory="$recordings" .
(cd "$target" && sha256sum plenary.dump recordings.tar.gz > SHA256SUMS)
echo "backup.sh: database and recordings saved in $target"
