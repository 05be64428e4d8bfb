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


def test_notifications_page_pages_back_through_older_ones(client):
    from community import services

    user = UserFactory()
    created = [services.notification_create(recipient=user, text=f"melding {n}") for n in range(55)]
    client.force_login(user)
    first = client.get("/gemeenschap/meldingen/")
    assert len(first.context["notifications"]) == 50
    assert "Oudere meldingen" in first.content.decode()
    second = client.get(f"/gemeenschap/meldingen/?voor={first.context['older']}")
    assert [n.pk for n in second.context["notifications"]] == [n.pk for n in reversed(created[:5])]
    assert second.context["older"] is None
    assert client.get("/gemeenschap/meldingen/?voor=abc").status_code == 200


def test_notifications_only_link_inside_the_site():
    from community import services

    user = UserFactory()
    for url in ("https://evil.example/", "//evil.example/", "javascript:alert(1)"):
        with pytest.raises(ValueError):
            services.notification_create(recipient=user, text="x", url=url)
    assert not Notification.objects.exists()


BROKEN_LAYER = {
    "default": {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": {"hosts": ["redis://127.0.0.1:1/0"]}}
}


@pytest.fixture
def broken_channel_layer(settings):
    from channels.layers import channel_layers

    channel_layers.backends.clear()
    settings.CHANNEL_LAYERS = BROKEN_LAYER
    yield
    channel_layers.backends.clear()


@pytest.mark.django_db(transaction=True)
def test_a_channel_layer_that_is_down_loses_nothing(client, broken_channel_layer, caplog):
    user = UserFactory()
    client.force_login(user)
    response = client.post("/gemeenschap/meldingen/test/")
    assert response.status_code == 302
    assert Notification.objects.filter(recipient=user).count() == 1
    announced = [record for record in caplog.records if "not announced" in record.getMessage()]
    assert announced and not any(record.exc_info for record in announced)  # one line each, no traceback
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
