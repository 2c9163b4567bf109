"""Logging out closes the user's room sockets on every server process."""

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest

from server.rooms.events import user_group_name


def close_user_sockets(
    sender: object, request: HttpRequest | None, user: AbstractBaseUser | None, **kwargs: object
) -> None:
    layer = get_channel_layer()
    if user is None or layer is None:
        return
    async_to_sync(layer.group_send)(user_group_name(user.pk), {"type": "session.ended"})
