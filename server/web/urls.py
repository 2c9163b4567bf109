from django.urls import path

from . import views

urlpatterns = [
    path("", views.meeting_list, name="meeting-list"),
    path("meetings/<int:meeting_id>/", views.meeting_room, name="meeting-room"),
    path("meetings/<int:meeting_id>/interpret/", views.meeting_interpret, name="meeting-interpret"),
    path("api/protocol/constants.json", views.protocol_constants, name="protocol-constants"),
]
