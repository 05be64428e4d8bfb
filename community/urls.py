from django.urls import path

from . import views

app_name = "community"

urlpatterns = [
    path("", views.index, name="index"),
    path("meldingen/", views.notifications, name="notifications"),
    path("meldingen/gelezen/", views.notifications_mark_read, name="notifications_mark_read"),
    path("meldingen/test/", views.notification_test, name="notification_test"),
    path("profiel/", views.profile_edit, name="profile"),
]
