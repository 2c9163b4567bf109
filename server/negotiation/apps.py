from typing import TYPE_CHECKING

from django.apps import AppConfig

if TYPE_CHECKING:
    from server.conferences.models import Conference


class NegotiationConfig(AppConfig):
    name = "server.negotiation"
    label = "negotiation"
    verbose_name = "Negotiation texts"

    def ready(self) -> None:
        # Registers the negotiation operations with the room's action registry, and the
        # negotiation event payloads with the room's event registry.
        from . import actions, events  # noqa: F401

    def demo_load(self, conference: "Conference") -> str:
        """The demo's negotiation text (see ``server.conferences.demo.DemoPart``)."""
        from .demo import negotiation_demo_load

        return f"Demo negotiation text: {negotiation_demo_load(conference).title}"
