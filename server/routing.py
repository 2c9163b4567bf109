from django.urls import path

from server.rooms.consumers import RoomConsumer

websocket_urlpatterns = [
    path("ws/meetings/<int:meeting_id>/", RoomConsumer.as_asgi()),
]
