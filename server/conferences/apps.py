from django.apps import AppConfig


class ConferencesConfig(AppConfig):
    name = "server.conferences"
    label = "conferences"
