"""The CMS has one way in: allauth's login, with its verification, 2FA and rate limits."""

import pytest

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_cms_login_sends_people_to_the_site_login(client):
    response = client.get("/cms/login/?next=/cms/")
    assert response.status_code in (301, 302)
    assert response["Location"] == "/accounts/login/?next=/cms/"


def test_posting_a_password_to_the_cms_login_logs_nobody_in(client):
    user = UserFactory(is_superuser=True, is_staff=True, verified=False)
    client.post("/cms/login/", {"username": user.email, "password": PASSWORD})
    assert "_auth_user_id" not in client.session


def test_unverified_superuser_cannot_reach_the_cms_with_only_a_password(client):
    user = UserFactory(is_superuser=True, is_staff=True, verified=False)
    client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert client.get("/cms/").status_code == 302


@pytest.mark.parametrize("url", ["/cms/password_reset/", "/cms/account/change_password/"])
def test_wagtail_password_forms_are_switched_off(client, url):
    user = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(user)
    assert client.get(url).status_code == 404
