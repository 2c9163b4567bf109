from django.apps import AppConfig


class CaptionsConfig(AppConfig):
    name = "server.captions"
    label = "captions"

    def ready(self) -> None:
        from . import actions, selectors  # noqa: F401  (registers room actions, snapshot part)
