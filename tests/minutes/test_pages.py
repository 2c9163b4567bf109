"""The minutes pages over HTTP: from the meeting list to a meeting's minutes, the editor (the
record beside its transcript), corrections and the audit, issuing and reopening."""

import re

import pytest

from server.captions.models import TranscriptSegment
from server.conferences.models import Meeting
from server.minutes.models import Minutes, SegmentRevision

from .conftest import client_for

pytestmark = [pytest.mark.django_db]


def test_the_meeting_list_links_to_each_meetings_minutes(recorded: Meeting) -> None:
    page = client_for("france").get("/").content.decode()
    assert f'href="/minutes/meetings/{recorded.pk}/">Minutes</a>' in page


def test_the_secretariat_starts_minutes_from_the_meetings_page(recorded: Meeting) -> None:
    assert (
        "Start the draft"
        not in client_for("kenya").get(f"/minutes/meetings/{recorded.pk}/").content.decode()
    )
    client = client_for("secretariat")
    form = client.get(f"/minutes/meetings/{recorded.pk}/").content.decode()
    assert "No minutes of this meeting yet." in form
    assert re.search(r'<option value="fr">fr</option>', form)
    reply = client.post(
        f"/minutes/meetings/{recorded.pk}/", {"form": "summary", "language": "fr"}, follow=True
    )
    minutes = Minutes.objects.get()
    assert reply.redirect_chain[-1][0] == f"/minutes/{minutes.pk}/"
    assert "Draft summary record started." in reply.content.decode()
    again = client.post(
        f"/minutes/meetings/{recorded.pk}/", {"form": "summary", "language": "fr"}, follow=True
    )
    assert "exists already" in again.content.decode() and Minutes.objects.count() == 1
    listing = client.get(f"/minutes/meetings/{recorded.pk}/").content.decode()
    assert f'<a href="/minutes/{minutes.pk}/">CF/2026/PV.2</a>' in listing


def test_the_editor_shows_each_statement_beside_its_transcript(
    recorded: Meeting, verbatim: Minutes
) -> None:
    page = client_for("secretariat").get(f"/minutes/{verbatim.pk}/?language=fr").content.decode()
    assert page.count('data-testid="statement"') == 9
    assert page.count('data-testid="segment"') == 12
    spain = TranscriptSegment.objects.get(meeting=recorded, text__startswith="Gracias")
    block = page[page.index(f'id="segment-{spain.pk}"') :]
    assert block.index("Gracias, señora Presidenta") < block.index("Merci, Madame la Présidente")
    assert "Procès-verbal CF/2026/PV.2" in page and "Issue CF/2026/PV.2" in page
    assert (
        '<span class="lead">' not in page and '<strong class="lead">La Présidence</strong>' in page
    )


def test_a_correction_through_the_page_shows_in_the_audit(
    recorded: Meeting, verbatim: Minutes
) -> None:
    kenya = TranscriptSegment.objects.get(meeting=recorded, text__startswith="The fund must")
    client = client_for("kenya")
    reply = client.post(
        f"/minutes/{verbatim.pk}/segments/{kenya.pk}/correct",
        {
            "language": "en",
            "view": "en",
            "text": kenya.text.replace("this year", "in 2026"),
            "reason": "As delivered.",
        },
        follow=True,
    )
    page = reply.content.decode()
    assert "Correction recorded." in page and "must be operational in 2026" in page
    assert reply.redirect_chain[-1][0] == f"/minutes/{verbatim.pk}/?language=en#segment-{kenya.pk}"
    audit = client.get(f"/minutes/{verbatim.pk}/audit").content.decode()
    revision = SegmentRevision.objects.get()
    assert f'<tr data-segment="{kenya.pk}">' in audit
    assert "Mr. David Otieno (Kenya), segment" in audit and "As delivered." in audit
    assert "operational <del>this</del><ins>in</ins> <del>year,</del><ins>2026,</ins> with" in audit
    assert revision.at.strftime("%Y-%m-%d %H:%M:%S") in audit


def test_issuing_and_reopening_through_the_page(recorded: Meeting, verbatim: Minutes) -> None:
    client = client_for("secretariat")
    issued = client.post(f"/minutes/{verbatim.pk}/issue", follow=True).content.decode()
    assert "CF/2026/PV.2 is issued: it will not change." in issued
    assert "This record does not change: reopen it" in issued
    assert "/correct" not in issued and "Issue CF/2026/PV.2" not in issued
    reopened = client.post(
        f"/minutes/{verbatim.pk}/reopen", {"reason": "France asked."}, follow=True
    )
    corrigendum = Minutes.objects.get(version=2)
    assert reopened.redirect_chain[-1][0] == f"/minutes/{corrigendum.pk}/"
    page = reopened.content.decode()
    assert "Corrigendum of" in page and "France asked." in page and "/correct" in page
    history = client.get(f"/minutes/{corrigendum.pk}/audit").content.decode()
    assert "CF/2026/PV.2/Corr.1" in history and "reopened because: France asked." in history
    old = client.get(f"/minutes/{verbatim.pk}/").content.decode()
    assert "Reopened as" in old and "Reopen as a corrigendum" not in old


def test_while_issued_minutes_stand_other_drafts_take_no_corrections(
    recorded: Meeting, verbatim: Minutes, summary: Minutes
) -> None:
    client = client_for("secretariat")
    client.post(f"/minutes/{verbatim.pk}/issue")
    page = client.get(f"/minutes/{summary.pk}/").content.decode()
    assert "Corrections are closed while" in page and "/correct" not in page
