"""Addresses of the events app that are not Wagtail pages; mounted at /agenda/ before Wagtail's
own routes, which serve the agenda and the event pages themselves (events/routes.py)."""

from django.urls import path

from . import views

app_name = "events"

urlpatterns = [
    # Wagtail serves only addresses that end in "/"; files are routed here by the event's slug,
    # which Wagtail lets hold any letter ("reünie"): `str`, not Django's ASCII-only `slug`.
    path("agenda.ics", views.public_feed, name="public_feed"),
    path("<str:slug>/agenda.ics", views.event_calendar_file, name="event_calendar_file"),
    path("<str:slug>/deelnemers.csv", views.event_attendees_csv, name="event_attendees_csv"),
    path("mijn/", views.my_agenda, name="my_agenda"),
    path("mijn/kalender/", views.my_feed, name="my_feed"),
    path("kalender/<str:token>.ics", views.personal_feed, name="personal_feed"),
    path("groepen/<slug:slug>/", views.meeting_list, name="meetings"),
    path("groepen/<slug:slug>/nieuw/", views.meeting_create, name="meeting_create"),
    path("groepen/<slug:slug>/<int:pk>/", views.meeting_detail, name="meeting"),
    path("groepen/<slug:slug>/<int:pk>/bewerken/", views.meeting_edit, name="meeting_edit"),
    path("groepen/<slug:slug>/<int:pk>/annuleren/", views.meeting_cancel, name="meeting_cancel"),
]
