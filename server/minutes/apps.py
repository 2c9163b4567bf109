from django.apps import AppConfig


class MinutesConfig(AppConfig):
    name = "server.minutes"
    label = "minutes"
    verbose_name = "Minutes"
