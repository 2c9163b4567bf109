from django.urls import path

from . import views

urlpatterns = [
    path("<slug:slug>/", views.glossary_page, name="glossary"),
    path("<slug:slug>/terms", views.term_save, name="glossary-term-save"),
    path("<slug:slug>/terms/delete", views.term_delete, name="glossary-term-delete"),
]
