"""Every migration of Plenary's apps is reversible: the schema goes to zero and back, on
SQLite and on PostgreSQL (``DATABASE_URL``), where the negotiation log's append-only
trigger goes and comes back with it."""

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection

pytestmark = [pytest.mark.django_db(transaction=True)]


def plenary_apps() -> list[str]:
    return [c.label for c in apps.get_app_configs() if c.name.startswith("server.")]


def trigger_exists() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_trigger WHERE tgname = 'negotiation_event_append_only'"
        )
        row = cursor.fetchone()
    return bool(row and row[0])


def test_every_app_migrates_to_zero_and_back() -> None:
    with_migrations = [
        label for label in plenary_apps() if apps.get_app_config(label).models_module
    ]
    for label in reversed(with_migrations):
        call_command("migrate", label, "zero", verbosity=0)
    tables = set(connection.introspection.table_names())
    assert not {t for t in tables if t.split("_")[0] in with_migrations}
    if connection.vendor == "postgresql":
        assert not trigger_exists()

    call_command("migrate", verbosity=0)
    tables = set(connection.introspection.table_names())
    assert {"rooms_roomevent", "negotiation_negotiationevent"} <= tables
    if connection.vendor == "postgresql":
        assert trigger_exists()
