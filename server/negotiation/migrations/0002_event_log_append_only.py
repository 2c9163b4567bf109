"""On PostgreSQL, the event log refuses UPDATE and DELETE: history is appended, never
rewritten (corrections are new events). Other databases rely on the hash chain alone."""

from django.db import migrations

from ._postgresql import on_postgresql

CREATE = """
CREATE OR REPLACE FUNCTION negotiation_event_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'negotiation events are append-only: % refused on event %', TG_OP, OLD.id
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER negotiation_event_append_only
    BEFORE UPDATE OR DELETE ON negotiation_negotiationevent
    FOR EACH ROW EXECUTE FUNCTION negotiation_event_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS negotiation_event_append_only ON negotiation_negotiationevent;
DROP FUNCTION IF EXISTS negotiation_event_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [("negotiation", "0001_initial")]

    operations = [migrations.RunPython(on_postgresql(CREATE), on_postgresql(DROP))]
