from django.urls import path

from . import views

urlpatterns = [
    path("meetings/<int:meeting_id>/events", views.meeting_events, name="meeting-events"),
    path(
        "meetings/<int:meeting_id>/actions/<str:action>",
        views.meeting_action,
        name="meeting-action",
    ),
]
