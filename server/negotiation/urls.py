from django.urls import path

from . import views

urlpatterns = [
    path("", views.text_list, name="negotiation-texts"),
    path("<int:text_id>/", views.text_page, name="negotiation-text"),
    path("<int:text_id>/body", views.text_body, name="negotiation-body"),
    path("<int:text_id>/diff", views.text_diff, name="negotiation-diff"),
    path("<int:text_id>/receipt.json", views.text_receipt, name="negotiation-receipt"),
    path("<int:text_id>/clauses/<int:key>/", views.clause_history, name="negotiation-clause"),
    path(
        "<int:text_id>/clauses/<int:key>/history.<str:fmt>",
        views.history_export,
        name="negotiation-history-export",
    ),
    path(
        "<int:text_id>/export/<str:document>.<str:fmt>",
        views.text_export,
        name="negotiation-export",
    ),
]
