"""The notification stream without JavaScript: a page and two forms."""

import pytest

from community.models import Notification
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_notifications_page_requires_login(client):
    response = client.get("/gemeenschap/meldingen/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_test_notification_is_stored_and_listed(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post("/gemeenschap/meldingen/test/", follow=True)
    assert Notification.objects.filter(recipient=user).count() == 1
    assert "Testmelding" in response.content.decode()


def test_forms_need_post_and_csrf(client):
    user = UserFactory()
    client.force_login(user)
    assert client.get("/gemeenschap/meldingen/test/").status_code == 405
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(user)
    assert strict.post("/gemeenschap/meldingen/gelezen/").status_code == 403


def test_mark_all_read_touches_only_my_notifications(client):
    from community import services

    me, other = UserFactory(), UserFactory()
    services.notification_create(recipient=me, text="mijn")
    services.notification_create(recipient=other, text="van een ander")
    client.force_login(me)
    client.post("/gemeenschap/meldingen/gelezen/")
    assert not Notification.objects.filter(recipient=me, read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=other, read_at__isnull=True).count() == 1
    html = client.get("/gemeenschap/meldingen/").content.decode()
    assert "van een ander" not in html
