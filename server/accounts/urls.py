from django.contrib.auth import views as auth_views
from django.urls import path
from django.views.i18n import JavaScriptCatalog

from . import views

# The pages' modules translate through this catalog (frontend/static/js/i18n.js), loaded as
# a script file (no inline script: CSP), from locale/ only (not the admin's strings).
javascript_catalog = JavaScriptCatalog.as_view(domain="djangojs", packages=["server.accounts"])

urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="accounts/login.html", redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("language/", views.interface_language, name="interface-language"),
    path("jsi18n/", javascript_catalog, name="javascript-catalog"),
]
