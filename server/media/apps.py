from django.apps import AppConfig


class MediaConfig(AppConfig):
    name = "server.media"
    label = "media"
    verbose_name = "Media: audio and video through Janus"

    def ready(self) -> None:
        # Registers the room action (media.mute) and its event payload.
        from . import actions, events  # noqa: F401
