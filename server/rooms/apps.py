from django.apps import AppConfig


class RoomsConfig(AppConfig):
    name = "server.rooms"
    label = "rooms"
