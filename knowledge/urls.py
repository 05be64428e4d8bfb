from django.urls import path

from . import views

app_name = "knowledge"

urlpatterns = [
    path("delen/", views.practice_share, name="practice_share"),
    path("mijn-bijdragen/", views.my_submissions, name="my_submissions"),
    path("mijn-bijdragen/<int:pk>/bewerken/", views.submission_edit, name="submission_edit"),
]
