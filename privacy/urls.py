"""A person's own data (docs/privacy.md): mounted at the site root, before Wagtail's pages."""

from django.urls import path

from . import deletion_views, export_views, register_views

app_name = "privacy"

urlpatterns = [
    path("account/gegevens/", export_views.data_page, name="data"),
    path("account/gegevens/<int:pk>/<str:token>/", export_views.export_download, name="export_download"),
    path("account/verwijderen/", deletion_views.account_delete, name="delete"),
    path("privacy/verwerkingen/", register_views.register_page, name="register"),
]
