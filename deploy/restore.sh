#!/usr/bin/env bash
# Restore a backup made by backup.sh into an EMPTY database and recordings directory, then
# verify every negotiation text's hash chain (docs/operations.md).
#
#   DATABASE_URL=postgres://…/plenary_restored PLENARY_RECORDINGS_DIR=/var/lib/plenary/recordings \
#     deploy/restore.sh /srv/backups/plenary-20261201T120000Z
#
# Create the database first (createdb plenary_restored). The negotiation event table's
# append-only trigger is restored with it. An encrypted backup (*.age) is decrypted on the
# fly with the age identity file named by PLENARY_BACKUP_IDENTITY. The database password
# reaches pg_restore through a private password file (pgpass.sh), never its command line.
# Runs `plenary` from PATH, or $PLENARY.
set -euo pipefail
umask 077
backup=${1:?usage: restore.sh BACKUP_DIRECTORY}
: "${DATABASE_URL:?DATABASE_URL must name the (empty) database to restore into}"
recordings=${PLENARY_RECORDINGS_DIR:-${PLENARY_DATA_DIR:-/var/lib/plenary}/recordings}
plenary=${PLENARY:-plenary}
(cd "$backup" && sha256sum --check --quiet SHA256SUMS)
source "$(dirname "$0")/pgpass.sh"
mkdir -p "$recordings"
[ -z "$(ls -A "$recordings")" ] || { echo "restore.sh: $recordings is not empty" >&2; exit 1; }
load=(pg_restore --exit-on-error --no-owner --no-privileges --dbname="$DATABASE")
unpack=(tar --extract --gzip --file=- --directory="$recordings")
if [ -e "$backup/plenary.dump.age" ]; then
  identity=${PLENARY_BACKUP_IDENTITY:-}
  [ -r "$identity" ] || {
    echo "restore.sh: the backup is encrypted: set PLENARY_BACKUP_IDENTITY to its age identity file" >&2
    exit 1
  }
  age --decrypt --identity "$identity" "$backup/plenary.dump.age" | "${load[@]}"
  age --decrypt --identity "$identity" "$backup/recordings.tar.gz.age" | "${unpack[@]}"
else
  "${load[@]}" "$backup/plenary.dump"
  "${unpack[@]}" < "$backup/recordings.tar.gz"
fi
$plenary negotiation verify
echo "restore.sh: restored from $backup; every negotiation record verifies"
