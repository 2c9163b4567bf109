from django.urls import path

from . import views

urlpatterns = [
    path("meetings/<int:meeting_id>/media/", views.meeting_media, name="meeting-media"),
]
