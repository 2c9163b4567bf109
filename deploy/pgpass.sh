# Sourced by backup.sh and restore.sh. libpq takes the password of DATABASE_URL from a
# private password file (PGPASSFILE, mode 0600, removed on exit), never from a command line,
# where `ps` would show it to every user of the machine. Sets DATABASE: the URL without its
# password, for pg_dump and pg_restore. The URL is read from the environment by Python, fed
# its program on stdin: nothing of it reaches an argument list.
PGPASSFILE=$(mktemp "${TMPDIR:-/tmp}/plenary-pgpass.XXXXXX")
export PGPASSFILE
trap 'rm -f "$PGPASSFILE"' EXIT
DATABASE=$("${PYTHON:-python3}" - "$PGPASSFILE" <<'PY'
import os
import sys
from urllib.parse import unquote, urlsplit

url = urlsplit(os.environ["DATABASE_URL"])
userinfo, at, hostport = url.netloc.rpartition("@")
user, _, _ = userinfo.partition(":")
if url.password is not None:
    def field(value: str) -> str:  # the password file's escapes
        return value.replace("\\", "\\\\").replace(":", "\\:")

    with open(sys.argv[1], "w") as passfile:
        passfile.write(f"*:*:*:{field(unquote(user))}:{field(unquote(url.password))}\n")
print(url._replace(netloc=f"{user}{at}{hostport}").geturl())
PY
)
