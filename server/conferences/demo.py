"""The demo conference: a climate-finance summit with delegations in several languages.

Other apps add their parts to it (a negotiation text, a recorded meeting): an app whose
config has ``demo_load(conference)`` is a ``DemoPart``, and ``plenary demo`` loads the parts
in the order of ``INSTALLED_APPS``, so each after the apps it builds on. This app imports
none of them."""

import datetime as dt
from typing import Protocol, runtime_checkable

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import AbstractUser, Permission
from django.db import transaction
from django.utils import timezone

from .models import AgendaItem, Conference, Delegation, Meeting, Participant


@runtime_checkable
class DemoPart(Protocol):
    def demo_load(self, conference: Conference) -> str:
        """Load this app's part of the demo (idempotent); a line that says what it is."""
        ...


def demo_parts() -> list[DemoPart]:
    """The apps that add to the demo, in the order of ``INSTALLED_APPS``."""
    return [config for config in apps.get_app_configs() if isinstance(config, DemoPart)]


DEMO_PASSWORD = "plenary-demo"
SLUG = "climate-finance-summit"
PLENARY_SYMBOL = "CF/2026/PV.1"  # the open plenary the demo's live room and negotiation use

DELEGATIONS = [
    ("BRA", "Brazil", Delegation.Kind.MEMBER_STATE),
    ("ESP", "Spain", Delegation.Kind.MEMBER_STATE),
    ("FRA", "France", Delegation.Kind.MEMBER_STATE),
    ("KEN", "Kenya", Delegation.Kind.MEMBER_STATE),
    ("MEX", "Mexico", Delegation.Kind.MEMBER_STATE),
    ("SEN", "Senegal", Delegation.Kind.MEMBER_STATE),
    ("JPN", "Japan", Delegation.Kind.MEMBER_STATE),
    ("EU", "European Union", Delegation.Kind.ORGANISATION),
    ("WMO", "World Meteorological Organization", Delegation.Kind.OBSERVER),
]
Role = Participant.Role
# username, display name, delegation code, role, language
PEOPLE = [
    ("chair", "Amb. Ingrid Solberg (Chair)", None, Role.CHAIR, "en"),
    ("vicechair", "Ms. Aiko Tanaka (Vice-Chair)", None, Role.VICE_CHAIR, "en"),
    ("facilitator", "Mr. Kwame Mensah (Facilitator)", None, Role.FACILITATOR, "en"),
    ("secretariat", "Secretariat officer", None, Role.SECRETARIAT, "en"),
    ("brazil", "Ms. Ana Souza", "BRA", Role.DELEGATE, "es"),
    ("spain", "Sr. Javier Martín", "ESP", Role.DELEGATE, "es"),
    ("france", "Mme Claire Dubois", "FRA", Role.DELEGATE, "fr"),
    ("kenya", "Mr. David Otieno", "KEN", Role.DELEGATE, "en"),
    ("kenya2", "Ms. Grace Wanjiru", "KEN", Role.ADVISER, "en"),
    ("mexico", "Sra. Lucía Hernández", "MEX", Role.DELEGATE, "es"),
    ("senegal", "M. Ousmane Diop", "SEN", Role.DELEGATE, "fr"),
    ("japan", "Mr. Hiroshi Sato", "JPN", Role.DELEGATE, "en"),
    ("eu", "Ms. Katrin Weber", "EU", Role.DELEGATE, "en"),
    ("wmo", "Dr. Li Wei", "WMO", Role.OBSERVER, "en"),
    # The interpretation booths' (server/interpretation/demo.py assigns them): en, es, fr
    ("interpreter-en-1", "Ms. Helen Carter (EN booth)", None, Role.INTERPRETER, "en"),
    ("interpreter-es-1", "Sra. Marta Ruiz (ES booth)", None, Role.INTERPRETER, "es"),
    ("interpreter-es-2", "Sr. Pablo Ortega (ES booth)", None, Role.INTERPRETER, "es"),
    ("interpreter-fr-1", "Mme Sophie Laurent (FR booth)", None, Role.INTERPRETER, "fr"),
    ("interpreter-fr-2", "M. Julien Moreau (FR booth)", None, Role.INTERPRETER, "fr"),
]
PLENARY_AGENDA = [
    ("1", "Opening of the session"),
    ("2", "Adoption of the agenda and organization of work"),
    ("3", "New collective quantified goal on climate finance"),
    ("4", "Operationalization of the fund for responding to loss and damage"),
    ("5", "Closure of the session"),
]
INFORMAL_AGENDA = [
    ("1", "Draft decision on the new collective quantified goal"),
    ("2", "Any other business"),
]
CLOSED_ADMITTED = ["BRA", "ESP", "KEN", "EU", "FRA"]


def demo_load() -> Conference:
    """Create the demo conference; running it again changes nothing."""
    existing = Conference.objects.filter(slug=SLUG).first()
    if existing is not None:
        return existing
    with transaction.atomic():
        today = timezone.localdate()
        conference = Conference.objects.create(
            title="Summit on Climate Finance",
            slug=SLUG,
            venue="Virtual venue (Plenary)",
            languages="en,es,fr",
            starts_on=today,
            ends_on=today + dt.timedelta(days=4),
        )
        delegations = {
            code: Delegation.objects.create(conference=conference, code=code, name=name, kind=kind)
            for code, name, kind in DELEGATIONS
        }
        _people(conference, delegations)
        now = timezone.now().replace(minute=0, second=0, microsecond=0)
        _meeting(
            conference,
            "1st plenary meeting",
            PLENARY_SYMBOL,
            Meeting.Kind.PLENARY,
            Meeting.Status.OPEN,
            now,
            PLENARY_AGENDA,
        )
        informal = _meeting(
            conference,
            "Informal consultations on the finance goal",
            "CF/2026/INF.1",
            Meeting.Kind.CLOSED,
            Meeting.Status.SCHEDULED,
            now + dt.timedelta(hours=3),
            INFORMAL_AGENDA,
        )
        informal.admitted_delegations.set([delegations[c] for c in CLOSED_ADMITTED])
    return conference


def _people(conference: Conference, delegations: dict[str, Delegation]) -> None:
    users = get_user_model()
    password = make_password(DEMO_PASSWORD)  # hashed once: hashing is slow by design
    for username, name, code, role, language in PEOPLE:
        user = users.objects.filter(username=username).first()
        if user is None:
            user = users.objects.create(username=username, password=password)
        if role == Role.SECRETARIAT:
            _conference_staff(user)
        Participant.objects.create(
            conference=conference,
            user=user,
            delegation=delegations[code] if code else None,
            role=role,
            display_name=name,
            preferred_language=language,
        )


def _conference_staff(user: AbstractUser) -> None:
    """The secretariat may set up conferences in /admin/ (their models only), but is not a
    superuser: no users, groups or permissions to hand out, no negotiation log to edit."""
    user.is_staff = True
    user.is_superuser = False
    user.save()
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="conferences"))


def _meeting(
    conference: Conference,
    title: str,
    symbol: str,
    kind: str,
    status: str,
    start: dt.datetime,
    agenda: list[tuple[str, str]],
) -> Meeting:
    meeting = Meeting.objects.create(
        conference=conference,
        title=title,
        symbol=symbol,
        kind=kind,
        status=status,
        scheduled_start=start,
    )
    AgendaItem.objects.bulk_create(
        AgendaItem(meeting=meeting, position=i, number=number, title=title)
        for i, (number, title) in enumerate(agenda, start=1)
    )
    return meeting
