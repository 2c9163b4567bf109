"""Users in the admin as Django has them, with every text field checked like any other
(``server.common.values``): names are printed in records and exports."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User

from server.common.values import TEXT_CHECKED

admin.site.unregister(User)


@admin.register(User)
class CheckedUserAdmin(UserAdmin[User]):
    formfield_overrides = TEXT_CHECKED
