"""The record cannot be quietly rewritten: verify finds any edit, deletion, reordering or
truncation, head prints what delegations keep, and PostgreSQL refuses UPDATE and DELETE."""

import io
import json
import zipfile
from collections.abc import Callable
from datetime import UTC
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.test import Client

from server.conferences.models import Meeting, Participant
from server.negotiation import receipts, services
from server.negotiation.chain import GENESIS, EventRecord, chain_hash, leaf_hash
from server.negotiation.models import ClauseEvent, NegotiationEvent, NegotiationText

from .conftest import clause_version, past_the_trigger

pytestmark = [pytest.mark.django_db]
Person = Callable[[str], Participant]


def verify(*args: str) -> str:
    out = StringIO()
    call_command("negotiation", "verify", *args, stdout=out, stderr=out)
    return out.getvalue()


def edit(text: NegotiationText) -> None:
    event = NegotiationEvent.objects.get(text=text, index=2)
    NegotiationEvent.objects.filter(pk=event.pk).update(payload={**event.payload, "x": 1})


def delete(text: NegotiationText) -> None:
    ClauseEvent.objects.filter(event__text=text, event__index=2).delete()
    NegotiationEvent.objects.filter(text=text, index=2).delete()


def swap(text: NegotiationText) -> None:
    """Exchange two events' contents (and hashes) whole: each still matches its own hash."""
    a, b = NegotiationEvent.objects.filter(text=text, index__in=[2, 3]).order_by("index")
    fields = ["kind", "payload", "created_at", "leaf_hash", "chain_hash", "actor", "delegation"]
    for name in fields:
        value = getattr(a, name)
        setattr(a, name, getattr(b, name))
        setattr(b, name, value)
    NegotiationEvent.objects.bulk_update([a, b], fields)


def support(text: NegotiationText, delegate: Participant, meeting: Meeting) -> None:
    """One more event on the text: a position on clause 1."""
    services.position_take(
        actor=delegate,
        meeting=meeting,
        text=text,
        target="clause",
        key=1,
        stance="support",
        base_version=clause_version(text, 1),
    )


def truncate(text: NegotiationText) -> None:
    last = NegotiationEvent.objects.filter(text=text).order_by("-index")[0]
    ClauseEvent.objects.filter(event=last).delete()
    last.delete()


@pytest.mark.parametrize("tamper", [edit, delete, swap, truncate], ids=lambda f: f.__name__)
def test_verify_names_the_first_bad_event(
    tamper: Callable[[NegotiationText], None], text: NegotiationText
) -> None:
    assert "draft: OK, 5 events" in verify("draft")
    with past_the_trigger():
        tamper(text)
    with pytest.raises(CommandError, match="does not verify"):
        verify("draft")
    expected = {
        "edit": "BAD at event 2",
        "delete": "BAD at event 2",
        "swap": "BAD at event 2",
        "truncate": "BAD at event 4",
    }
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("negotiation", "verify", "draft", stdout=out, stderr=out)
    assert expected[tamper.__name__] in out.getvalue()


def test_head_is_printed_and_a_kept_head_is_checked(
    text: NegotiationText, person: Person, plenary: Meeting
) -> None:
    out = StringIO()
    call_command("negotiation", "head", "draft", stdout=out)
    kept = out.getvalue().split()[0]
    text.refresh_from_db()
    assert kept == text.head_hash and len(kept) == 64
    support(text, person("brazil"), plenary)
    assert "OK, 6 events" in verify("draft", "--head", kept)  # the log still extends it
    with pytest.raises(CommandError):
        verify("draft", "--head", "ab" * 32)


def test_verify_without_a_name_checks_every_text(text: NegotiationText) -> None:
    assert "draft: OK" in verify()


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only"
)
def test_postgresql_refuses_update_and_delete_of_events(text: NegotiationText) -> None:
    for change in (
        lambda: NegotiationEvent.objects.filter(text=text, index=1).update(kind="x"),
        lambda: NegotiationEvent.objects.filter(text=text, index=4).delete(),
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            ClauseEvent.objects.filter(event__text=text).delete()
            change()


def test_verify_replays_the_log_and_names_a_clause_changed_behind_its_back(
    text: NegotiationText,
) -> None:
    """The projection is rewritten directly (the log is untouched, so the chain verifies):
    verify names the clause, and pages and exports no longer present the head."""
    text.refresh_from_db()
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(get_user_model().objects.get(username="brazil"))
    page = client.get(f"/negotiation/{text.pk}/").content.decode()
    assert text.head_hash in page and "does not match its record" not in page
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE negotiation_clause SET content = %s WHERE text_id = %s AND key = 3",
            ['["Decides to mobilize USD 100 billion per year by 2035;"]', text.pk],
        )
    out = StringIO()
    with pytest.raises(CommandError, match="does not verify"):
        call_command("negotiation", "verify", "draft", stdout=out, stderr=out)
    assert "BAD: the projection differs from the log: clause 3: its content differs" in (
        out.getvalue()
    )
    page = client.get(f"/negotiation/{text.pk}/").content.decode()
    assert "does not match its record" in page and 'data-testid="head"' not in page
    base = f"/negotiation/{text.pk}/export"
    for document in ("compilation", "clean"):
        export = client.get(f"{base}/{document}.html").content.decode()
        assert "does not match its record" in export and text.head_hash not in export
    docx = zipfile.ZipFile(io.BytesIO(client.get(f"{base}/compilation.docx").content))
    assert "does not match its record" in docx.read("word/document.xml").decode()


def receipt_of(client: Client, text: NegotiationText) -> dict[str, object]:
    reply = client.get(f"/negotiation/{text.pk}/receipt.json")
    assert reply.status_code == 200 and reply["Content-Type"] == "application/json"
    assert "attachment" in reply["Content-Disposition"]
    received: dict[str, object] = reply.json()
    return received


def test_any_participant_downloads_a_receipt_from_the_page_or_the_cli(
    text: NegotiationText,
) -> None:
    text.refresh_from_db()
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(get_user_model().objects.get(username="wmo"))  # an observer
    assert f"/negotiation/{text.pk}/receipt.json" in client.get(f"/negotiation/{text.pk}/").text
    receipt = receipt_of(client, text)
    assert (receipt["text"], receipt["version"], receipt["head"]) == (
        text.pk,
        text.event_count,
        text.head_hash,
    )
    last = NegotiationEvent.objects.get(text=text, index=4)
    assert receipt["time"] == last.created_at.astimezone(UTC).isoformat(timespec="microseconds")
    out = StringIO()
    call_command("negotiation", "receipt", "draft", stdout=out)
    printed = json.loads(out.getvalue())
    assert (printed["version"], printed["head"]) == (receipt["version"], receipt["head"])
    stranger = get_user_model().objects.create(username="stranger")
    outsider = Client(HTTP_HOST="127.0.0.1")
    outsider.force_login(stranger)
    assert outsider.get(f"/negotiation/{text.pk}/receipt.json").status_code == 404
    anonymous = Client(HTTP_HOST="127.0.0.1").get(f"/negotiation/{text.pk}/receipt.json")
    assert anonymous.status_code == 302


def rewrite_history(text: NegotiationText, actor: Participant) -> None:
    """Attribute event 2 to someone else and recompute every hash after it, and the head:
    a rewrite that leaves the chain consistent with itself."""
    events = list(NegotiationEvent.objects.filter(text=text).order_by("index"))
    previous = GENESIS
    for event in events:
        if event.index == 2:
            event.actor = actor
        record = EventRecord(
            text.pk,
            event.index,
            event.kind,
            event.payload,
            event.actor_id,
            event.delegation_id,
            event.meeting_id,
            event.agenda_item_id,
            event.transcript_from,
            event.transcript_to,
            event.created_at,
        )
        previous = chain_hash(previous, leaf_hash(record))
        event.leaf_hash, event.chain_hash = leaf_hash(record).hex(), previous.hex()
    NegotiationEvent.objects.bulk_update(events, ["actor", "leaf_hash", "chain_hash"])
    NegotiationText.objects.filter(pk=text.pk).update(head_hash=previous.hex())


def test_a_receipt_detects_a_rewrite_that_recomputed_every_hash(
    text: NegotiationText, person: Person, plenary: Meeting, tmp_path: Path
) -> None:
    kept = tmp_path / "receipt.json"
    out = StringIO()
    call_command("negotiation", "receipt", "draft", stdout=out)
    kept.write_text(out.getvalue())
    support(text, person("brazil"), plenary)
    assert "OK, 6 events" in verify("--receipt", str(kept))  # the log extends it
    assert "extends the receipt of version 5" in verify("draft", "--receipt", str(kept))
    with past_the_trigger():
        rewrite_history(text, person("chair"))
    assert "draft: OK, 6 events" in verify("draft")  # consistent with itself
    out = StringIO()
    with pytest.raises(CommandError, match="does not verify"):
        call_command("negotiation", "verify", "--receipt", str(kept), stdout=out, stderr=out)
    assert "BAD: the log does not extend the receipt: after event 4" in out.getvalue()
    assert "the record was rewritten" in out.getvalue()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not json", "not JSON"),
        (b'{"kind": "other"}', "not a negotiation receipt"),
        (
            b'{"kind": "plenary.negotiation.receipt", "text": 1, "version": 0, "head": ""}',
            "positive integers",
        ),
        (
            b'{"kind": "plenary.negotiation.receipt", "text": 1, "version": 2, "head": "xyz"}',
            "64 lowercase hexadecimal",
        ),
        (b" " * 5000, "at most 4096 bytes"),
        (b"\xff\xfe", "not JSON"),
        (b"[" * 4000, "not JSON"),
    ],
)
def test_a_bad_receipt_file_is_refused_with_a_clear_message(
    text: NegotiationText, tmp_path: Path, content: bytes, message: str
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_bytes(content)
    with pytest.raises(CommandError, match=message):
        verify("draft", "--receipt", str(bad))
    with pytest.raises(CommandError, match="Cannot read the receipt"):
        verify("draft", "--receipt", str(tmp_path / "missing.json"))


def test_a_receipt_for_another_text_or_a_longer_log_does_not_verify(
    text: NegotiationText, person: Person, tmp_path: Path
) -> None:
    other = services.text_create(actor=person("secretariat"), slug="other", title="Other")
    receipt = receipts.receipt_issue(other)
    kept = tmp_path / "other.json"
    kept.write_text(receipts.receipt_dumps(receipt))
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("negotiation", "verify", "draft", "--receipt", str(kept), stderr=out)
    assert "the receipt is for text" in out.getvalue()
    text.refresh_from_db()
    longer = receipts.receipt_issue(text) | {"version": 99}
    kept.write_text(json.dumps(longer))
    with pytest.raises(CommandError):
        call_command("negotiation", "verify", "draft", "--receipt", str(kept), stderr=out)
    assert "events were removed" in out.getvalue()


on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="roles and the trigger exist on PostgreSQL only"
)
RUNTIME = "plenary_runtime_test"  # created inside the test's transaction, gone after it


@on_postgresql
def test_postgresql_refuses_truncate_of_events(text: NegotiationText) -> None:
    with (
        pytest.raises(DatabaseError, match="append-only: TRUNCATE refused"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no checks pending from the setup
        cursor.execute("TRUNCATE negotiation_negotiationevent CASCADE")
    assert NegotiationEvent.objects.filter(text=text).count() == 5


def as_runtime(sql: str, params: list[int] | None = None) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL ROLE {RUNTIME}")
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(sql, params)
        cursor.execute("RESET ROLE")  # a released savepoint keeps SET LOCAL


@on_postgresql
def test_the_runtime_role_reads_and_appends_events_but_cannot_rewrite_them(
    text: NegotiationText,
) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {RUNTIME} NOLOGIN")
    out = StringIO()
    call_command("runtime_grants", "--role", RUNTIME, stdout=out)
    assert "SELECT and INSERT only" in out.getvalue()
    event = NegotiationEvent.objects.get(text=text, index=4)
    as_runtime("SELECT count(*) FROM negotiation_negotiationevent")
    as_runtime(
        "INSERT INTO negotiation_negotiationevent (text_id, index, kind, payload, created_at,"
        " leaf_hash, chain_hash) VALUES (%s, 99, 'x', '{}', now(), '', '')",
        [text.pk],
    )
    as_runtime("UPDATE negotiation_negotiationtext SET title = title WHERE id = %s", [text.pk])
    for refused in (
        "UPDATE negotiation_negotiationevent SET kind = 'x'",
        "DELETE FROM negotiation_negotiationevent",
        "TRUNCATE negotiation_negotiationevent CASCADE",
        "ALTER TABLE negotiation_negotiationevent DISABLE TRIGGER ALL",
        "DROP TRIGGER negotiation_event_append_only ON negotiation_negotiationevent",
    ):
        with pytest.raises(DatabaseError, match=r"permission denied|must be owner"):
            as_runtime(refused)
    assert NegotiationEvent.objects.get(pk=event.pk).kind == event.kind
    with connection.cursor() as cursor:
        cursor.execute("CREATE ROLE plenary_superuser_test SUPERUSER NOLOGIN")
    with pytest.raises(CommandError, match="superuser"):
        call_command("runtime_grants", "--role", "plenary_superuser_test", stdout=out)
    with pytest.raises(CommandError, match="must not be the schema's owner"):
        call_command("runtime_grants", "--role", connection.settings_dict["USER"], stdout=out)


@pytest.mark.parametrize("reference", ["²", "9" * 5000, str(2**70)])
def test_a_text_reference_that_is_no_id_is_looked_up_by_name_not_a_traceback(
    reference: str, text: NegotiationText
) -> None:
    with pytest.raises(CommandError, match="No negotiation text"):
        verify(reference)
