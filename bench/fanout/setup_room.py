"""Create N bench participants in a Plenary data directory and print their session keys.

Run with the server's environment (``PLENARY_DATA_DIR``): ``python setup_room.py N``.
Prints JSON: {"meeting": id, "sessions": [...], "publisher": session}.
"""

import json
import os
import sys

import django


def main(count: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "server.settings")
    django.setup()
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.models import User
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import transaction

    from server.conferences.demo import PLENARY_SYMBOL, demo_load
    from server.conferences.models import Meeting, Participant

    conference = demo_load()
    meeting = Meeting.objects.get(conference=conference, symbol=PLENARY_SYMBOL)

    def session_for(user: User) -> str:
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        assert store.session_key is not None
        return store.session_key

    with transaction.atomic():
        users = User.objects.bulk_create(
            User(username=f"bench{n}", password="!") for n in range(count)
        )
        users = list(User.objects.filter(username__startswith="bench").order_by("pk"))
        Participant.objects.bulk_create(
            Participant(conference=conference, user=u, display_name=u.username, role="observer")
            for u in users
        )
        sessions = [session_for(u) for u in users]
    chair = User.objects.get(username="chair")
    print(
        json.dumps({"meeting": meeting.pk, "sessions": sessions, "publisher": session_for(chair)})
    )


if __name__ == "__main__":
    main(int(sys.argv[1]))
