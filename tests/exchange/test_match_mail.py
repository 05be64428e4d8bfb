"""New matches by e-mail for the people who chose it (exchange/mail.py, docs/exchange.md): in the
app only by default, one Dutch mail after commit with a link for those who chose e-mail, and the
settings page under /uitwisseling/meldingen/ that works without JavaScript."""

import pytest
from django.conf import settings
from django.core import mail

from community.models import Notification, Profile
from exchange import selectors, services
from exchange.models import MatchNotice

pytestmark = pytest.mark.django_db

BASE = settings.WAGTAILADMIN_BASE_URL.rstrip("/")


def published(kempen, capture, make):
    """Publish through the real services and run what waits for the commit."""
    with capture(execute=True):
        return make()


def test_by_default_a_new_match_is_told_in_the_app_only(kempen, django_capture_on_commit_callbacks):
    published(kempen, django_capture_on_commit_callbacks, kempen.offer)
    published(kempen, django_capture_on_commit_callbacks, kempen.need)
    assert Notification.objects.filter(recipient=kempen.staff).count() == 1
    assert selectors.new_matches_notice_of(kempen.staff) == MatchNotice.APP
    assert mail.outbox == []


def test_a_new_need_mails_the_offer_staff_who_chose_email_once_in_dutch(kempen, django_capture_on_commit_callbacks):
    services.preference_set(actor=kempen.staff, new_matches=MatchNotice.EMAIL)
    published(kempen, django_capture_on_commit_callbacks, kempen.offer)
    assert mail.outbox == []  # no need yet: nothing matched

    need = published(kempen, django_capture_on_commit_callbacks, kempen.need)

    assert [message.to for message in mail.outbox] == [[kempen.staff.email]]
    message = mail.outbox[0]
    assert message.subject == "[Samenhuis] Een nieuwe nood van Huis Geel past bij jullie aanbod"
    assert "Vorming rond opvoedingsvragen" in message.body
    assert f"{BASE}/uitwisseling/noden/{need.pk}/" in message.body
    assert f"{BASE}/uitwisseling/meldingen/" in message.body
    # The other staff of the organisation (a partner contact is not staff) chose nothing: no mail.
    published(kempen, django_capture_on_commit_callbacks, lambda: kempen.need(title="Nog een vorming over opvoeden"))
    assert len(mail.outbox) == 2


def test_a_new_offer_mails_the_huis_coordinators_who_chose_email(kempen, django_capture_on_commit_callbacks):
    published(kempen, django_capture_on_commit_callbacks, kempen.need)
    published(
        kempen,
        django_capture_on_commit_callbacks,
        lambda: kempen.need(house=kempen.midden, actor=kempen.midden_coordinator),
    )
    services.preference_set(actor=kempen.coordinator, new_matches=MatchNotice.EMAIL)
    services.preference_set(actor=kempen.midden_coordinator, new_matches=MatchNotice.APP)

    offer = published(kempen, django_capture_on_commit_callbacks, kempen.offer)

    assert [message.to for message in mail.outbox] == [[kempen.coordinator.email]]
    message = mail.outbox[0]
    assert message.subject == "[Samenhuis] Een nieuw aanbod van CAW Kempen past bij een nood van jullie Huis"
    assert f"{BASE}{offer.get_absolute_url()}" in message.body
    assert message.body.startswith("Een nieuw aanbod van CAW Kempen past bij een nood van je Huis")
    # Both coordinators are told in the app, whatever they chose.
    assert Notification.objects.filter(recipient__in=[kempen.coordinator, kempen.midden_coordinator]).count() == 2


def test_the_mail_names_no_person_only_organisations(kempen, django_capture_on_commit_callbacks):
    """The publisher keeps their profile to their connections; the mail names nobody at all."""
    Profile.objects.filter(user=kempen.coordinator).update(visibility=Profile.Visibility.CONNECTIONS)
    services.preference_set(actor=kempen.staff, new_matches=MatchNotice.EMAIL)
    published(kempen, django_capture_on_commit_callbacks, kempen.offer)
    published(kempen, django_capture_on_commit_callbacks, kempen.need)
    assert len(mail.outbox) == 1
    assert "An Geel" not in mail.outbox[0].body and "An Geel" not in mail.outbox[0].subject


def test_nothing_is_mailed_when_the_publish_rolls_back(kempen, django_capture_on_commit_callbacks):
    services.preference_set(actor=kempen.staff, new_matches=MatchNotice.EMAIL)
    published(kempen, django_capture_on_commit_callbacks, kempen.offer)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        kempen.need()
    assert callbacks  # scheduled for the commit, not sent during the transaction
    assert mail.outbox == []


def test_a_deactivated_person_gets_no_mail(kempen, django_capture_on_commit_callbacks):
    services.preference_set(actor=kempen.staff, new_matches=MatchNotice.EMAIL)
    published(kempen, django_capture_on_commit_callbacks, kempen.offer)
    kempen.staff.is_active = False
    kempen.staff.save()
    published(kempen, django_capture_on_commit_callbacks, kempen.need)
    assert mail.outbox == []


def test_only_members_keep_a_preference_and_only_known_choices(kempen):
    from django.contrib.auth.models import AnonymousUser
    from django.core.exceptions import PermissionDenied, ValidationError

    with pytest.raises(PermissionDenied):
        services.preference_set(actor=AnonymousUser(), new_matches=MatchNotice.EMAIL)
    with pytest.raises(ValidationError):
        services.preference_set(actor=kempen.staff, new_matches="fax")
    services.preference_set(actor=kempen.staff, new_matches=MatchNotice.EMAIL)
    services.preference_set(actor=kempen.staff, new_matches=MatchNotice.APP)
    assert selectors.new_matches_notice_of(kempen.staff) == MatchNotice.APP


# The settings page ---------------------------------------------------------------------------------


def test_the_settings_page_is_linked_from_the_index_and_saves_the_choice(client, kempen):
    client.force_login(kempen.staff)
    assert 'href="/uitwisseling/meldingen/"' in client.get("/uitwisseling/").content.decode()

    page = client.get("/uitwisseling/meldingen/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Alleen in de app" in html and "In de app en per e-mail" in html
    assert "checked" in html.split('value="app"')[1].split(">")[0]

    answer = client.post("/uitwisseling/meldingen/", {"new_matches": "email"}, follow=True)
    assert answer.redirect_chain == [("/uitwisseling/meldingen/", 302)]
    assert "Je keuze is bewaard." in answer.content.decode()
    assert selectors.new_matches_notice_of(kempen.staff) == MatchNotice.EMAIL
    assert "checked" in answer.content.decode().split('value="email"')[1].split(">")[0]


def test_a_wrong_choice_comes_back_with_a_dutch_error(client, kempen):
    client.force_login(kempen.staff)
    answer = client.post("/uitwisseling/meldingen/", {})
    assert answer.status_code == 400
    assert "Kies hoe je nieuwe matches wil vernemen." in answer.content.decode()
    answer = client.post("/uitwisseling/meldingen/", {"new_matches": "fax"})
    assert answer.status_code == 400
    assert "Selecteer een geldige keuze" in answer.content.decode()
    assert selectors.new_matches_notice_of(kempen.staff) == MatchNotice.APP


def test_anonymous_visitors_are_sent_to_log_in(client, kempen):
    answer = client.get("/uitwisseling/meldingen/")
    assert answer.status_code == 302 and "/accounts/login/" in answer["Location"]
    answer = client.post("/uitwisseling/meldingen/", {"new_matches": "email"})
    assert answer.status_code == 302
    assert selectors.new_matches_notice_of(kempen.staff) == MatchNotice.APP
