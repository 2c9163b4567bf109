from django.urls import path

from server.captions.consumers import AudioConsumer, ListenConsumer
from server.media.consumers import MediaConsumer
from server.rooms.consumers import RoomConsumer

websocket_urlpatterns = [
    path("ws/meetings/<int:meeting_id>/", RoomConsumer.as_asgi()),
    path("ws/meetings/<int:meeting_id>/audio/", AudioConsumer.as_asgi()),
    path("ws/meetings/<int:meeting_id>/listen/", ListenConsumer.as_asgi()),
    path("ws/meetings/<int:meeting_id>/media/", MediaConsumer.as_asgi()),
]
