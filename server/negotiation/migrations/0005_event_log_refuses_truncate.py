"""On PostgreSQL, the event log also refuses TRUNCATE (a statement, not a row operation, so
the row trigger of 0002 does not see it) while it holds any event: emptying an empty log
(a test database being flushed) loses nothing and is let through."""

from django.db import migrations

from ._postgresql import on_postgresql

CREATE = """
CREATE OR REPLACE FUNCTION negotiation_event_no_truncate() RETURNS trigger AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM negotiation_negotiationevent) THEN
        RAISE EXCEPTION 'negotiation events are append-only: TRUNCATE refused'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER negotiation_event_no_truncate
    BEFORE TRUNCATE ON negotiation_negotiationevent
    FOR EACH STATEMENT EXECUTE FUNCTION negotiation_event_no_truncate();
"""
DROP = """
DROP TRIGGER IF EXISTS negotiation_event_no_truncate ON negotiation_negotiationevent;
DROP FUNCTION IF EXISTS negotiation_event_no_truncate();
"""


class Migration(migrations.Migration):
    dependencies = [("negotiation", "0004_text_closed_session")]

    operations = [migrations.RunPython(on_postgresql(CREATE), on_postgresql(DROP))]
