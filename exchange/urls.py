"""The pages of needs, offers and roadmaps, below /uitwisseling/ (exchange/views.py)."""

from django.urls import path

from . import views

app_name = "exchange"

urlpatterns = [
    path("", views.index, name="index"),
    path("meldingen/", views.preferences, name="preferences"),
    path("aanbod/", views.offer_list, name="offers"),
    path("aanbod/nieuw/", views.offer_publish, name="offer_publish"),
    path("aanbod/<int:pk>/", views.offer_detail, name="offer"),
    path("aanbod/<int:pk>/bewerken/", views.offer_edit, name="offer_edit"),
    path("noden/", views.need_list, name="needs"),
    path("noden/nieuw/", views.need_publish, name="need_publish"),
    path("noden/<int:pk>/", views.need_detail, name="need"),
    path("noden/<int:pk>/bewerken/", views.need_edit, name="need_edit"),
    path("noden/<int:pk>/afsluiten/", views.need_close, name="need_close"),
    path("noden/<int:pk>/heropenen/", views.need_reopen, name="need_reopen"),
    path("noden/<int:need_pk>/aanbod/<int:offer_pk>/interesse/", views.match_interest, name="match_interest"),
    path("routekaart/", views.roadmap_home, name="roadmaps"),
    path("routekaart/<slug:slug>/nieuw-jaar/", views.roadmap_start, name="roadmap_start"),
    path("routekaart/<slug:slug>/<int:year>/", views.roadmap_detail, name="roadmap"),
    path("routekaart/<slug:slug>/<int:year>/affiche/", views.roadmap_poster, name="roadmap_poster"),
    path("routekaart/<slug:slug>/<int:year>/affiche.pdf", views.roadmap_poster_pdf, name="roadmap_poster_pdf"),
    path("routekaart/<slug:slug>/<int:year>/delen/", views.roadmap_share, name="roadmap_share"),
    path("routekaart/<slug:slug>/<int:year>/<slug:domain>/", views.roadmap_domain_edit, name="roadmap_domain"),
    path("regio/", views.region_overview, name="region_overview"),
    path("regio/csv/", views.region_overview_csv, name="region_overview_csv"),
]
