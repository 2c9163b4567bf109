from django.urls import path

from . import views

urlpatterns = [
    path("meetings/<int:meeting_id>/", views.meeting_minutes, name="minutes-meeting"),
    path("<int:minutes_id>/", views.minutes_page, name="minutes-page"),
    path("<int:minutes_id>/audit", views.minutes_audit, name="minutes-audit"),
    path("<int:minutes_id>/export.<str:fmt>", views.minutes_export, name="minutes-export"),
    path("<int:minutes_id>/issue", views.minutes_issue, name="minutes-issue"),
    path("<int:minutes_id>/reopen", views.minutes_reopen, name="minutes-reopen"),
    path("<int:minutes_id>/summary", views.summary_save, name="minutes-summary"),
    path("<int:minutes_id>/summary/draft", views.summary_draft, name="minutes-summary-draft"),
    path(
        "<int:minutes_id>/segments/<int:segment_id>/correct",
        views.segment_correct,
        name="minutes-correct",
    ),
]
