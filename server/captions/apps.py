from django.apps import AppConfig


class CaptionsConfig(AppConfig):
    name = "server.captions"
    label = "captions"

    def ready(self) -> None:
        # Registers room actions, the snapshot part and the caption event payloads.
        from . import actions, events, selectors  # noqa: F401
