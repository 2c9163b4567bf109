from django.apps import AppConfig


class GlossaryConfig(AppConfig):
    name = "server.glossary"
    label = "glossary"
