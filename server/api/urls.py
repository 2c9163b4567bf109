from django.urls import path

from . import views

urlpatterns = [
    path("schema/", views.api_schema, name="api-schema"),
    path("protocol/", views.api_protocol, name="api-protocol"),
]
