#!/usr/bin/env bash
# Back up Plenary: the PostgreSQL database (pg_dump, custom format) and the recordings
# directory (tar), into one new folder with a SHA-256 list of both (docs/operations.md).
#
#   DATABASE_URL=postgres://… PLENARY_RECORDINGS_DIR=/var/lib/plenary/recordings \
#     deploy/backup.sh /srv/backups/plenary-$(date -u +%Y%m%dT%H%M%SZ)
#
# Everything is written for its owner only (folder 0700, files 0600), and the database
# password reaches pg_dump through a private password file (pgpass.sh), never its command
# line. With PLENARY_BACKUP_RECIPIENT set to an age public key (age1…, from `age-keygen`, or
# an SSH public key), the dump and the recordings are encrypted to it as they are written
# (plenary.dump.age, recordings.tar.gz.age): nothing unencrypted touches the disk, and only
# the holder of the matching identity can restore (restore.sh, PLENARY_BACKUP_IDENTITY).
#
# The dump is consistent on its own (one snapshot). Recordings are files: a floor turn being
# recorded during the backup may be cut short in the tar, never the database's record of it.
# Also print the negotiation heads (`plenary negotiation head TEXT`) and keep them apart
# from the backup: restore.sh verifies the chains, and a kept head proves nothing was cut.
set -euo pipefail
umask 077
target=${1:?usage: backup.sh TARGET_DIRECTORY}
: "${DATABASE_URL:?DATABASE_URL must name the database to back up}"
recordings=${PLENARY_RECORDINGS_DIR:-${PLENARY_DATA_DIR:-/var/lib/plenary}/recordings}
recipient=${PLENARY_BACKUP_RECIPIENT:-}
source "$(dirname "$0")/pgpass.sh"
mkdir -p "$target" "$recordings"
chmod 700 "$target"
[ -z "$(ls -A "$target")" ] || { echo "backup.sh: $target is not empty" >&2; exit 1; }
dump=(pg_dump --format=custom --no-owner --no-privileges "$DATABASE")
archive=(tar --create --gzip --file=- --directory="$recordings" .)
if [ -n "$recipient" ]; then
  "${dump[@]}" | age --encrypt --recipient "$recipient" --output "$target/plenary.dump.age"
  "${archive[@]}" | age --encrypt --recipient "$recipient" --output "$target/recordings.tar.gz.age"
  files=(plenary.dump.age recordings.tar.gz.age)
else
  "${dump[@]}" --file="$target/plenary.dump"
  "${archive[@]}" > "$target/recordings.tar.gz"
  files=(plenary.dump recordings.tar.gz)
fi
(cd "$target" && sha256sum "${files[@]}" > SHA256SUMS)
echo "backup.sh: database and recordings saved in $target${recipient:+, encrypted}"
