"""``plenary runtime-grants [--database owner] [--role ROLE]``: give the runtime role what
it needs on PostgreSQL, and no more.

Two roles: the schema's **owner** migrates (``plenary migrate --database owner``, with
``PLENARY_OWNER_DATABASE_URL``) and then runs this; the **runtime** role — the user of
``DATABASE_URL``, which the web processes and workers run as — may read and write every
table, but may only read and append to the negotiation event log: no UPDATE, DELETE or
TRUNCATE, and, since it owns nothing, it cannot disable the log's triggers or drop them.
A missing runtime role is created (with ``DATABASE_URL``'s password) if the owner may
create roles. Run it after every migration: new tables need their grants.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections
from django.db.backends.utils import CursorWrapper

from server.negotiation.models import NegotiationEvent

READ_WRITE = "SELECT, INSERT, UPDATE, DELETE"
NEVER_ON_THE_LOG = "UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER"


class Command(BaseCommand):
    help = "Grant the runtime database role its rights (the event log: read and append only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--database", default="default", help="the owner's connection")
        parser.add_argument("--role", help="the runtime role (default: DATABASE_URL's user)")

    def handle(self, *args: object, **options: str | None) -> None:
        connection = connections[options["database"] or "default"]
        if connection.vendor != "postgresql":
            raise CommandError("Database roles exist on PostgreSQL only.")
        runtime = options["role"] or str(settings.DATABASES["default"].get("USER") or "")
        log = NegotiationEvent._meta.db_table
        with connection.cursor() as cursor:
            owner, schema = _one(cursor, "SELECT current_user, current_schema()")
            if not runtime or runtime == owner:
                raise CommandError(
                    f"The runtime role ({runtime or 'none'}) must not be the schema's owner "
                    f"({owner}): give DATABASE_URL another user."
                )
            self._role_ensure(cursor, runtime)
            (log_owner,) = _one(
                cursor, "SELECT tableowner FROM pg_tables WHERE tablename = %s", [log]
            )
            if log_owner == runtime:
                raise CommandError(f"The runtime role {runtime} owns {log}: give it to {owner}.")
            quote = connection.ops.quote_name
            role, where = quote(runtime), quote(schema)
            for statement in (
                f"GRANT USAGE ON SCHEMA {where} TO {role}",
                f"GRANT {READ_WRITE} ON ALL TABLES IN SCHEMA {where} TO {role}",
                f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA {where} TO {role}",
                f"REVOKE {NEVER_ON_THE_LOG} ON {quote(log)} FROM {role}, PUBLIC",
            ):
                cursor.execute(statement)
        self.stdout.write(
            f"{runtime}: read and write every table of {schema}; {log}: SELECT and INSERT only"
        )

    def _role_ensure(self, cursor: CursorWrapper, runtime: str) -> None:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = %s", [runtime])
        row = cursor.fetchone()
        if row is not None and row[0]:
            raise CommandError(
                f"The runtime role {runtime} is a superuser: it could rewrite the record."
            )
        if row is None:
            password = str(settings.DATABASES["default"].get("PASSWORD") or "")
            name = cursor.db.ops.quote_name(runtime)
            if password:
                cursor.execute(f"CREATE ROLE {name} LOGIN PASSWORD %s", [password])
            else:
                cursor.execute(f"CREATE ROLE {name} LOGIN")
            self.stdout.write(f"created the runtime role {runtime}")


def _one(cursor: CursorWrapper, sql: str, params: list[str] | None = None) -> tuple[str, ...]:
    cursor.execute(sql, params)
    row = cursor.fetchone()
    if row is None:
        raise CommandError(f"The database answered nothing to: {sql}")
    return tuple(str(value) for value in row)
