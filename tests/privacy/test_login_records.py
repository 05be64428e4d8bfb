"""A login writes a login record (docs/privacy.md, register "login_records"): the address the
server saw, the browser, truncated, and the session the login opened."""

import pytest

from community.models import LoginRecord
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_logging_in_records_address_browser_and_session(client):
    person = UserFactory()
    browser = "Mozilla/5.0 " + "x" * 300
    response = client.post(
        "/accounts/login/",
        {"login": person.email, "password": PASSWORD},
        REMOTE_ADDR="203.0.113.7",
        HTTP_USER_AGENT=browser,
    )
    assert response.status_code == 302
    record = LoginRecord.objects.get(person=person)
    assert record.ip_address == "203.0.113.7"
    assert record.user_agent == browser[:200]
    assert record.session_key and record.session_key == client.session.session_key


def test_a_failed_login_records_nothing(client):
    person = UserFactory()
    client.post("/accounts/login/", {"login": person.email, "password": "fout-wachtwoord"})
    assert not LoginRecord.objects.exists()


def test_a_login_without_request_details_is_recorded_with_an_unknown_address(client):
    person = UserFactory()
    client.force_login(person)
    record = LoginRecord.objects.get(person=person)
    assert record.ip_address is None and record.user_agent == ""
