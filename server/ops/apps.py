from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "server.ops"
    label = "ops"
    verbose_name = "Operations: probes, metrics, logs"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from server.rooms.models import RoomEvent

        from .metrics import room_event_saved

        post_save.connect(room_event_saved, sender=RoomEvent, dispatch_uid="ops-room-events")
