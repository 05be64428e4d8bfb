"""Accounts through allauth, in our layout and in Dutch."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail

from community.models import User
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def sign_up(client, **overrides):
    data = {"display_name": "Lien", "email": "lien@huis.test", "password1": PASSWORD, "password2": PASSWORD}
    return client.post("/accounts/signup/", {**data, **overrides})


def test_sign_up_creates_account_with_profile_and_sends_verification(client):
    response = sign_up(client)
    assert response.status_code == 302
    user = User.objects.get(email="lien@huis.test")
    assert user.profile.display_name == "Lien"
    assert not EmailAddress.objects.get(user=user).verified
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject.startswith("[Samenhuis]")
    assert "/accounts/confirm-email/" in mail.outbox[0].body


def test_unverified_account_cannot_log_in_until_the_link_is_followed(client):
    sign_up(client)
    client.logout()
    response = client.post("/accounts/login/", {"login": "lien@huis.test", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    assert "_auth_user_id" not in client.session

    link = re.search(r"/accounts/confirm-email/[^/\s]+/", mail.outbox[-1].body).group(0)
    client.post(link)
    assert EmailAddress.objects.get(email="lien@huis.test").verified
    assert client.session["_auth_user_id"] == str(User.objects.get(email="lien@huis.test").pk)


def test_invalid_sign_up_rerenders_in_dutch_and_keeps_input(client):
    response = sign_up(client, password2="iets-anders-123", display_name="Lien Peeters")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="Lien Peeters"' in html
    assert 'value="lien@huis.test"' in html
    assert "hetzelfde wachtwoord" in html.lower()
    assert not User.objects.filter(email="lien@huis.test").exists()


def test_duplicate_email_is_refused(client):
    UserFactory(email="bestaat@huis.test")
    sign_up(client, email="bestaat@huis.test")
    assert User.objects.filter(email="bestaat@huis.test").count() == 1


def test_failed_logins_are_rate_limited(client):
    UserFactory(email="doelwit@huis.test")
    for _ in range(5):
        response = client.post("/accounts/login/", {"login": "doelwit@huis.test", "password": "fout-wachtwoord"})
        assert "Te veel inlogpogingen" not in response.content.decode()
    # The right password is refused too while the limit holds: that is the point of it.
    response = client.post("/accounts/login/", {"login": "doelwit@huis.test", "password": PASSWORD})
    assert "Te veel inlogpogingen" in response.content.decode()
    assert 'value="doelwit@huis.test"' in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_password_reset_sends_a_link_for_known_addresses_only(client):
    UserFactory(email="vergeten@huis.test")
    client.post("/accounts/password/reset/", {"email": "vergeten@huis.test"})
    assert len(mail.outbox) == 1
    assert "/accounts/password/reset/key/" in mail.outbox[0].body
    client.post("/accounts/password/reset/", {"email": "onbekend@huis.test"})
    # allauth prevents enumeration: the unknown address gets a notice, not a reset link.
    assert "/accounts/password/reset/key/" not in mail.outbox[-1].body


def test_account_pages_use_the_site_layout(client):
    user = UserFactory()
    client.force_login(user)
    for url in ("/accounts/email/", "/accounts/password/change/", "/accounts/2fa/"):
        html = client.get(url).content.decode()
        assert 'class="skip-link"' in html, url
        assert html.count("<h1") == 1, url
        assert 'lang="nl-BE"' in html, url


def test_totp_can_be_activated(client):
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import hotp_value, yield_hotp_counters_from_time

    user = UserFactory()
    client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    # Turning on 2FA asks for the password again, even right after logging in.
    assert client.get("/accounts/2fa/totp/activate/")["Location"].startswith("/accounts/reauthenticate/")
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    page = client.get("/accounts/2fa/totp/activate/")
    assert page.status_code == 200
    secret = page.context["form"].secret
    code = f"{hotp_value(secret, next(yield_hotp_counters_from_time())):06d}"
    response = client.post("/accounts/2fa/totp/activate/", {"code": code})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def test_profile_edit_keeps_input_on_error_and_saves_when_valid(client):
    user = UserFactory(profile="Oude naam")
    client.force_login(user)
    response = client.post("/gemeenschap/profiel/", {"display_name": ""})
    assert response.status_code == 200
    assert "Dit is een verplicht veld" in response.content.decode()
    client.post("/gemeenschap/profiel/", {"display_name": "Nieuwe naam"})
    user.profile.refresh_from_db()
    assert user.profile.display_name == "Nieuwe naam"


def test_changing_the_password_sends_a_dutch_security_notice(client):
    user = UserFactory(email="an@huis.test", profile="An")
    client.force_login(user)
    mail.outbox.clear()
    response = client.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": "een-nieuw-lang-wachtwoord", "password2": "een-nieuw-lang-wachtwoord"},
    )
    assert response.status_code == 302
    (notice,) = [message for message in mail.outbox if message.to == ["an@huis.test"]]
    assert notice.subject.startswith("[Samenhuis]") and "wachtwoord" in notice.subject.lower()
    assert "Samenhuis" in notice.body
