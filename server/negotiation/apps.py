from django.apps import AppConfig


class NegotiationConfig(AppConfig):
    name = "server.negotiation"
    label = "negotiation"
    verbose_name = "Negotiation texts"

    def ready(self) -> None:
        # Registers the negotiation operations with the room's action registry.
        from . import actions  # noqa: F401
