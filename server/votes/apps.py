from django.apps import AppConfig


class VotesConfig(AppConfig):
    name = "server.votes"
    label = "votes"
    verbose_name = "Decisions and votes"

    def ready(self) -> None:
        # Registers the decision operations with the room's action registry, the vote event
        # payloads with the room's event registry, and the room snapshot's "votes" part.
        from . import actions, events, selectors  # noqa: F401
