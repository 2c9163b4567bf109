from typing import TYPE_CHECKING

from django.apps import AppConfig

if TYPE_CHECKING:
    from server.conferences.models import Conference


class InterpretationConfig(AppConfig):
    name = "server.interpretation"
    label = "interpretation"
    verbose_name = "Interpretation"

    def ready(self) -> None:
        # Registers the interpretation operations with the room's action registry, the
        # booth event payload with the room's event registry, the snapshot's
        # "interpretation" part and (services) the room presence hook.
        from . import actions, events, selectors  # noqa: F401

    def demo_load(self, conference: "Conference") -> str:
        """The demo's booths (see ``server.conferences.demo.DemoPart``)."""
        from .demo import interpretation_demo_load

        booths = interpretation_demo_load(conference)
        return f"Demo interpretation booths: {', '.join(b.language for b in booths)}"
