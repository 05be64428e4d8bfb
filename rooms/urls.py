"""The room pages, below /gemeenschap/ as before they had their own app (links in stored
notifications and mails keep working)."""

from django.urls import path

from . import views

app_name = "rooms"

urlpatterns = [
    path("gesprekken/", views.room_list, name="rooms"),
    path("gesprekken/alles-gelezen/", views.rooms_read_all, name="rooms_read_all"),
    path("gesprekken/<slug:slug>/", views.room_detail, name="room"),
    path("gesprekken/<slug:slug>/gelezen/", views.room_read, name="room_read"),
    path("gesprekken/<slug:slug>/meldingen/", views.room_notify, name="room_notify"),
    path("gesprekken/<slug:slug>/dempen/", views.room_mute, name="room_mute"),
    path("gesprekken/<slug:slug>/archiveren/", views.room_archive, name="room_archive"),
    path("gesprekken/<slug:slug>/bijlagen/<int:pk>/<str:name>", views.room_attachment, name="room_attachment"),
    path("gesprekken/<slug:slug>/<int:seq>/", views.room_message, name="room_message"),
    path("gesprekken/<slug:slug>/<int:seq>/bewerken/", views.room_message_edit, name="room_message_edit"),
    path("gesprekken/<slug:slug>/<int:seq>/verwijderen/", views.room_message_delete, name="room_message_delete"),
    path("gesprekken/<slug:slug>/<int:seq>/reageren/", views.room_message_react, name="room_message_react"),
    path("gesprekken/<slug:slug>/<int:seq>/melden/", views.room_message_report, name="room_message_report"),
    path("gesprekken/<slug:slug>/<int:seq>/verbergen/", views.room_message_hide, name="room_message_hide"),
    path("moderatie/", views.moderation, name="moderation"),
    path("moderatie/meldingen/<int:pk>/afwijzen/", views.report_dismiss, name="report_dismiss"),
]
