from django.contrib import admin

from server.common.values import TEXT_CHECKED

from .models import AgendaItem, Conference, Delegation, Meeting, Participant


class DelegationInline(admin.TabularInline[Delegation, Conference]):
    formfield_overrides = TEXT_CHECKED
    model = Delegation
    extra = 1


@admin.register(Conference)
class ConferenceAdmin(admin.ModelAdmin[Conference]):
    formfield_overrides = TEXT_CHECKED
    list_display = [
        "title",
        "starts_on",
        "ends_on",
        "venue",
        "camera_gallery",
        "interpretation_captions",
    ]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [DelegationInline]


@admin.register(Delegation)
class DelegationAdmin(admin.ModelAdmin[Delegation]):
    formfield_overrides = TEXT_CHECKED
    list_display = ["code", "name", "kind", "conference"]
    list_filter = ["conference", "kind"]
    search_fields = ["code", "name"]


@admin.register(Participant)
class ParticipantAdmin(admin.ModelAdmin[Participant]):
    formfield_overrides = TEXT_CHECKED
    list_display = ["display_name", "delegation", "role", "preferred_language", "conference"]
    list_filter = ["conference", "role", "preferred_language"]
    search_fields = ["display_name", "user__username", "delegation__name"]
    autocomplete_fields = ["delegation", "user"]


class AgendaItemInline(admin.TabularInline[AgendaItem, Meeting]):
    formfield_overrides = TEXT_CHECKED
    model = AgendaItem
    extra = 1


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin[Meeting]):
    formfield_overrides = TEXT_CHECKED
    list_display = ["title", "symbol", "kind", "status", "scheduled_start", "conference"]
    list_filter = ["conference", "kind", "status"]
    filter_horizontal = ["admitted_delegations"]
    inlines = [AgendaItemInline]
