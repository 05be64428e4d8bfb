"""The session pages, below /intervisie/ (intervision/views.py)."""

from django.urls import path

from . import views

app_name = "intervision"

urlpatterns = [
    path("groepen/<slug:slug>/sessies/nieuw/", views.session_plan, name="session_plan"),
    path("groepen/<slug:slug>/sessies/instellingen/", views.session_settings, name="session_settings"),
    path("groepen/<slug:slug>/methodes/", views.method_list, name="methods"),
    path("groepen/<slug:slug>/methodes/<int:pk>/", views.method_edit, name="method_edit"),
    path("groepen/<slug:slug>/methodes/<int:pk>/kopieren/", views.method_copy, name="method_copy"),
    path("sessies/<int:pk>/", views.session_detail, name="session"),
    path("sessies/<int:pk>/casus/", views.session_case, name="session_case"),
    path("sessies/<int:pk>/verslag/", views.session_record, name="session_record"),
    path("sessies/<int:pk>/praktijk/", views.session_practice, name="session_practice"),
    path("sessies/<int:pk>/sturen/", views.session_control, name="session_control"),
    path("sessies/<int:pk>/bijdragen/", views.session_contribute, name="session_contribute"),
    path("sessies/<int:pk>/actiepunten/", views.session_action_point, name="session_action_point"),
    path("sessies/<int:pk>/adviezen/<int:contribution_pk>/", views.session_advice_take, name="session_advice_take"),
    path("sessies/<int:pk>/opvolging/<int:point_pk>/", views.session_follow_up, name="session_follow_up"),
    path("sessies/<int:pk>/waarnemers/", views.session_observers, name="session_observers"),
    path(
        "sessies/<int:pk>/waarnemers/<int:observer_pk>/weg/",
        views.session_observer_remove,
        name="session_observer_remove",
    ),
]
