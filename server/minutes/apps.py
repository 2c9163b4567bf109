from typing import TYPE_CHECKING

from django.apps import AppConfig

if TYPE_CHECKING:
    from server.conferences.models import Conference


class MinutesConfig(AppConfig):
    name = "server.minutes"
    label = "minutes"
    verbose_name = "Minutes"

    def demo_load(self, conference: "Conference") -> str:
        """The demo's recorded meeting (see ``server.conferences.demo.DemoPart``)."""
        from .demo import minutes_demo_load

        recorded = minutes_demo_load(conference)
        return f"Demo recorded meeting (for minutes): {recorded.title} ({recorded.symbol})"
