from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Plenary administration"
admin.site.site_title = "Plenary"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("server.rooms.urls")),
    path("api/", include("server.api.urls")),
    path("", include("server.accounts.urls")),
    path("", include("server.web.urls")),
    path("", include("server.media.urls")),
    path("negotiation/", include("server.negotiation.urls")),
    path("minutes/", include("server.minutes.urls")),
    path("glossary/", include("server.glossary.urls")),
]
