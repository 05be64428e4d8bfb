"""Deleting an account (issue 18; docs/privacy.md, "Deleting"), through the real pages and services:
the person's own deletion with their password (and second factor), an administrator's with a reason,
and what the rest of the platform shows afterwards: their messages stay, under "Verwijderde
gebruiker", and nothing names them any more."""

import re
from datetime import timedelta

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret, hotp_value, yield_hotp_counters_from_time
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client

from community import services as community_services
from community.models import AuditEvent, GroupInvitation, GroupMembership, Notification, User
from events import services as event_services
from events.models import Registration
from privacy import deletion
from rooms.models import Message
from tests.events.conftest import event_publish
from tests.factories import PASSWORD, UserFactory, group_add_member, group_create
from tests.rooms.support import committed, group_room, post, thematic_room

pytestmark = pytest.mark.django_db

DELETE = "/account/verwijderen/"


def logged_in(person) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="nl")
    assert client.login(email=person.email, password=PASSWORD)
    return client


def delete_form(client, **data):
    return client.post(DELETE, {"password": PASSWORD, "understood": "on", **data})


def test_the_page_says_what_goes_and_what_stays_and_asks_the_password():
    person = UserFactory(profile="Lotte")
    post(thematic_room(), person, "Hoe organiseren jullie een babbelbox?")
    html = logged_in(person).get(DELETE).content.decode()
    assert "Je account verwijderen" in html
    assert "1 bericht in de gespreksruimtes blijft leesbaar" in html
    assert 'name="password"' in html and 'autocomplete="current-password"' in html
    assert 'name="code"' not in html  # no second factor set up


def test_a_wrong_password_deletes_nothing_and_keeps_the_form():
    person = UserFactory(profile="Lotte")
    client = logged_in(person)
    response = client.post(DELETE, {"password": "niet-mijn-wachtwoord", "understood": "on"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Dit is niet je wachtwoord." in html
    assert 'name="understood" id="id_understood" checked' in html or "checked" in html
    assert User.objects.filter(pk=person.pk).exists()
    response = client.post(DELETE, {"password": PASSWORD})
    assert response.status_code == 400
    assert "Vink het vakje aan" in response.content.decode()
    assert User.objects.filter(pk=person.pk).exists()


def test_deleting_ends_every_session_and_the_account_is_gone():
    person = UserFactory(profile="Lotte")
    laptop, phone = logged_in(person), logged_in(person)
    phone_key = phone.session.session_key
    response = delete_form(laptop)
    assert response.status_code == 302 and response["Location"] == "/"
    assert not User.objects.filter(pk=person.pk).exists()
    assert not Session.objects.filter(session_key=phone_key).exists()
    assert phone.get("/gemeenschap/profiel/").status_code == 302  # sent to log in
    assert "Je account is verwijderd." in laptop.get("/", follow=True).content.decode()
    line = AuditEvent.objects.get(action=AuditEvent.Action.ACCOUNT_DELETED)
    assert line.subject_id == person.pk and line.actor is None and line.reason == ""
    assert "Lotte" not in f"{line.target} {line.detail}" and person.email not in f"{line.target} {line.detail}"


def test_with_two_factor_the_code_is_asked_too():
    person = UserFactory()
    secret = generate_totp_secret()
    TOTP.activate(person, secret)
    client = logged_in(person)
    assert 'name="code"' in client.get(DELETE).content.decode()
    response = delete_form(client)
    assert response.status_code == 400 and User.objects.filter(pk=person.pk).exists()
    response = delete_form(client, code="000000")
    assert "Deze code klopt niet" in response.content.decode()
    code = f"{hotp_value(secret, next(yield_hotp_counters_from_time())):06d}"
    assert delete_form(client, code=code).status_code == 302
    assert not User.objects.filter(pk=person.pk).exists()
    assert not Authenticator.objects.filter(user_id=person.pk).exists()


def test_messages_stay_readable_under_deleted_user_on_the_room_and_thread_pages():
    room = thematic_room()
    leaving, reader = UserFactory(profile="Lotte Vermeulen"), UserFactory(profile="Jonas")
    first = post(room, leaving, "Wij werken met een wachtzaalcoach.")
    post(room, reader, "Dank je, dat proberen we ook.", parent_seq=first.seq)
    delete_form(logged_in(leaving))

    client = logged_in(reader)
    for url in (room.get_absolute_url(), Message.objects.get(pk=first.pk).get_absolute_url()):
        html = client.get(url).content.decode()
        assert "Wij werken met een wachtzaalcoach." in html
        assert "Verwijderde gebruiker" in html
        assert "Lotte" not in html
        assert f"/gemeenschap/leden/{leaving.pk}/" not in html and f'data-author="{leaving.pk}"' not in html


def test_a_mention_of_them_and_notifications_that_named_them_lose_the_name():
    room = thematic_room()
    leaving, colleague, third = (
        UserFactory(profile="Lotte Vermeulen"),
        UserFactory(profile="Jonas"),
        UserFactory(profile="Sara"),
    )
    with committed():
        post(room, leaving, "Vraag voor @Jonas: hoe loopt het project?")
        mentioning = post(room, colleague, "@Lotte Vermeulen en @Sara, zie jullie vrijdag!")
    assert Notification.objects.get(recipient=colleague).text.startswith("Lotte Vermeulen noemde je")
    assert "@Lotte Vermeulen" in Notification.objects.get(recipient=third).text

    delete_form(logged_in(leaving))

    assert Notification.objects.get(recipient=colleague).text.startswith("Een verwijderde gebruiker noemde je")
    told_third = Notification.objects.get(recipient=third).text
    assert "Lotte" not in told_third and "@verwijderde gebruiker en @Sara" in told_third
    body = Message.objects.get(pk=mentioning.pk).body_html
    assert f'data-person="{leaving.pk}"' not in body and "Lotte" not in body
    assert "@verwijderde gebruiker" in body and f'data-person="{third.pk}"' in body
    html = logged_in(third).get(room.get_absolute_url()).content.decode()
    assert "Lotte" not in html and "@verwijderde gebruiker" in html


def test_search_results_do_not_name_them(client):
    room = thematic_room()
    leaving = UserFactory(profile="Lotte Vermeulen")
    post(room, leaving, "Onze wachtzaalcoach helpt ouders met de formulieren.")
    delete_form(logged_in(leaving))
    reader = logged_in(UserFactory())
    html = reader.get("/zoeken/", {"q": "wachtzaalcoach"}).content.decode()
    assert "wachtzaalcoach" in html.lower() and "Lotte" not in html
    html = reader.get("/zoeken/", {"q": "Lotte Vermeulen"}).content.decode()
    results = html[html.find('<ol class="results">') :].split("</ol>")[0] if '<ol class="results">' in html else ""
    assert "Lotte" not in results


def test_a_seat_goes_to_the_first_on_the_waitlist():
    event = event_publish(capacity=1)
    leaving, waiting = UserFactory(), UserFactory()
    event_services.event_register(event=event, person=leaving)
    queued = event_services.event_register(event=event, person=waiting)
    assert queued.status == Registration.Status.WAITLISTED
    mail.outbox.clear()
    number = leaving.pk
    with committed():
        deletion.account_delete(person=leaving, actor=leaving)
    assert Registration.objects.get(pk=queued.pk).status == Registration.Status.CONFIRMED
    assert [m.to for m in mail.outbox] == [[waiting.email]]
    assert not Registration.objects.filter(person_id=number).exists()


def test_the_only_facilitator_hands_over_to_the_longest_standing_member_by_default():
    leaving = UserFactory()
    group = group_create(facilitator=leaving, name="Intervisie Kempen")
    oldest, newest = UserFactory(profile="Eerste"), UserFactory(profile="Tweede")
    group_add_member(group, oldest)
    group_add_member(group, newest)
    client = logged_in(leaving)
    html = client.get(DELETE).content.decode()
    assert "Wie wordt gespreksleider van Intervisie Kempen?" in html
    delete_form(client)
    print(
        list(
            GroupMembership.objects.filter(group=group).values_list(
                "person__profile__display_name", "role", "joined_at"
            )
        )
    )
    assert GroupMembership.objects.get(group=group, person=oldest).role == GroupMembership.Role.FACILITATOR
    assert GroupMembership.objects.get(group=group, person=newest).role == GroupMembership.Role.MEMBER


def test_the_person_may_choose_who_takes_over():
    leaving = UserFactory()
    group = group_create(facilitator=leaving)
    oldest, chosen = UserFactory(), UserFactory()
    group_add_member(group, oldest)
    group_add_member(group, chosen)
    delete_form(logged_in(leaving), **{f"handover_{group.pk}": str(chosen.pk)})
    assert GroupMembership.objects.get(group=group, person=chosen).role == GroupMembership.Role.FACILITATOR
    assert GroupMembership.objects.get(group=group, person=oldest).role == GroupMembership.Role.MEMBER


def test_a_second_facilitator_or_an_empty_group_needs_no_handover():
    leaving, other = UserFactory(), UserFactory()
    shared = group_create(facilitator=leaving, name="Gedeeld")
    group_add_member(shared, other)
    community_services.group_facilitator_add(actor=leaving, group=shared, person=other)
    group_create(facilitator=leaving, name="Alleen ik")
    assert deletion.handovers_needed(leaving) == []


def test_open_invitations_to_their_address_go():
    group = group_create()
    facilitator = group.memberships.get().person
    leaving = UserFactory()
    community_services.group_member_invite(actor=facilitator, group=group, email=leaving.email)
    deletion.account_delete(person=leaving, actor=leaving)
    assert not GroupInvitation.objects.filter(email=leaving.email).exists()


# An administrator's deletion ----------------------------------------------------------------------


def test_the_cms_delete_leads_to_the_deletion_with_a_reason():
    admin, person = UserFactory(is_superuser=True, is_staff=True), UserFactory(profile="Lotte")
    post(thematic_room(), person, "Een bericht dat blijft.")
    client = logged_in(admin)
    response = client.get(f"/cms/users/delete/{person.pk}/")
    assert response.status_code == 302 and response["Location"] == f"/cms/accounts/{person.pk}/verwijderen/"
    page = client.get(response["Location"])
    assert page.status_code == 200 and "1 bericht in de gespreksruimtes blijft leesbaar" in page.content.decode()
    refused = client.post(response["Location"], {"reason": ""})
    assert refused.status_code == 400 and "Geef de reden" in refused.content.decode()
    assert User.objects.filter(pk=person.pk).exists()
    done = client.post(response["Location"], {"reason": "Gevraagd per e-mail op 3 december."})
    assert done.status_code == 302
    assert not User.objects.filter(pk=person.pk).exists()
    assert Message.objects.filter(author__isnull=True, body="Een bericht dat blijft.").exists()
    line = AuditEvent.objects.get(action=AuditEvent.Action.ACCOUNT_DELETED)
    assert (line.actor, line.subject_id, line.reason) == (admin, person.pk, "Gevraagd per e-mail op 3 december.")


def test_only_platform_administrators_may_delete_someone_else():
    editor, person = UserFactory(is_staff=True), UserFactory()
    from django.contrib.auth.models import Group, Permission

    editors = Group.objects.get_or_create(name="Redacteurs")[0]
    editors.permissions.add(Permission.objects.get(codename="access_admin"))
    editor.groups.add(editors)
    client = logged_in(editor)
    response = client.post(f"/cms/accounts/{person.pk}/verwijderen/", {"reason": "Zomaar"})
    assert response.status_code in (302, 403)
    assert User.objects.filter(pk=person.pk).exists()


def test_bulk_deletion_in_the_cms_is_refused():
    admin, person = UserFactory(is_superuser=True, is_staff=True), UserFactory()
    client = logged_in(admin)
    response = client.post(
        f"/cms/bulk/{User._meta.app_label}/{User._meta.model_name}/delete/?id={person.pk}", {"id": [person.pk]}
    )
    assert response.status_code == 302
    assert User.objects.filter(pk=person.pk).exists()


def test_an_administrator_cannot_delete_themselves_there():
    admin = UserFactory(is_superuser=True, is_staff=True)
    response = logged_in(admin).post(f"/cms/accounts/{admin.pk}/verwijderen/", {"reason": "Weg"})
    assert response.status_code == 302 and response["Location"] == DELETE
    assert User.objects.filter(pk=admin.pk).exists()


# Group rooms and intervision sessions -------------------------------------------------------------


def test_a_group_room_keeps_their_messages_for_the_members():
    leaving, member = UserFactory(profile="Lotte"), UserFactory(profile="Jonas")
    room = group_room(members=[leaving, member])
    post(room, leaving, "Tot volgende week!")
    deletion.account_delete(person=leaving, actor=leaving)
    html = logged_in(member).get(room.get_absolute_url()).content.decode()
    assert "Tot volgende week!" in html and "Verwijderde gebruiker" in html and "Lotte" not in html


def test_the_page_costs_a_bounded_number_of_queries(django_assert_max_num_queries):
    person = UserFactory()
    group = group_create(facilitator=person)
    for _ in range(3):
        group_add_member(group, UserFactory())
    client = logged_in(person)
    with django_assert_max_num_queries(20):
        assert client.get(DELETE).status_code == 200


def test_what_stays_is_counted_without_names():
    person = UserFactory(profile="Lotte")
    post(thematic_room(), person, "Een")
    post(thematic_room(), person, "Twee")
    deletion.account_delete(person=person, actor=person)
    line = AuditEvent.objects.get()
    assert line.detail["messages_kept"] == 2
    assert not re.search("Lotte|persoon", str(line.detail))


def test_past_registrations_go_without_moving_anyone():
    past = event_publish(title="Voorbij", starts_in=timedelta(days=-3))
    person = UserFactory()
    Registration.objects.create(event=past, person=person, status=Registration.Status.CONFIRMED)
    deletion.account_delete(person=person, actor=person)
    assert not Registration.objects.filter(event=past).exists()


def test_intervision_contributions_stay_under_deleted_user(client):
    from tests.intervision.test_pages import ADVICE, Group, as_, contribute, to_phase

    g = Group()
    session = g.session()
    to_phase(as_(client, g.facilitator), session, ADVICE)
    as_(client, g.member)
    contribute(client, session, "Spreek een vast moment per week af.", client_id="a-1")
    deletion.account_delete(person=g.member, actor=g.member)
    html = as_(client, g.other).get(session.get_absolute_url()).content.decode()
    assert "Spreek een vast moment per week af." in html
    assert "Verwijderde gebruiker" in html and "Mo Deelnemer" not in html


def test_what_they_published_for_an_organisation_stays():
    from tests.search.test_page_search import practice_publish

    person = UserFactory()
    page = practice_publish("Babbelbox", "Ouders praten met elkaar.", owner=person)
    deletion.account_delete(person=person, actor=person)
    page.refresh_from_db()
    assert page.live and page.owner is None


def test_the_last_administrator_cannot_delete_their_account():
    admin = UserFactory(is_superuser=True, is_staff=True)
    client = logged_in(admin)
    response = delete_form(client)
    assert response.status_code == 400
    assert "Je bent de enige beheerder van het platform." in response.content.decode()
    assert User.objects.filter(pk=admin.pk).exists()
    UserFactory(is_superuser=True, is_staff=True)
    assert delete_form(client).status_code == 302
    assert not User.objects.filter(pk=admin.pk).exists()


# What the review found ----------------------------------------------------------------------------


def test_a_community_manager_without_the_right_to_delete_users_cannot_delete_anyone():
    from django.contrib.auth.models import Permission

    manager, superuser, person = (
        UserFactory(is_staff=True),
        UserFactory(is_superuser=True, is_staff=True),
        UserFactory(),
    )
    manager.user_permissions.add(
        Permission.objects.get(codename="access_admin"), Permission.objects.get(codename="manage_community")
    )
    client = logged_in(manager)
    for target in (superuser, person):
        response = client.post(f"/cms/accounts/{target.pk}/verwijderen/", {"reason": "Zomaar"})
        assert response.status_code in (302, 403)
        assert User.objects.filter(pk=target.pk).exists()


def test_the_presenter_and_facilitator_of_a_session_can_delete_their_accounts(client):
    from intervision.models import Session
    from tests.intervision.test_pages import Group

    g = Group()
    session = g.session()
    deletion.account_delete(person=g.presenter, actor=g.presenter)
    deletion.account_delete(person=g.facilitator, actor=g.facilitator)  # hands the group over too
    session = Session.objects.get(pk=session.pk)
    assert session.presenter_id is None and session.facilitator_id is None
    assert client.get(session.get_absolute_url()).status_code in (302, 200)  # the record stays


def test_an_administrator_deletes_a_deactivated_sole_facilitator_and_hands_over_as_themselves():
    admin = UserFactory(is_superuser=True, is_staff=True)
    leaving, member = UserFactory(), UserFactory()
    group = group_create(facilitator=leaving)
    group_add_member(group, member)
    leaving.is_active = False
    leaving.save()
    mail.outbox.clear()
    with committed():
        deletion.account_delete(person=leaving, actor=admin, reason="Vertrokken")
    assert GroupMembership.objects.get(group=group, person=member).role == GroupMembership.Role.FACILITATOR
    assert leaving.email not in [address for m in mail.outbox for address in m.to]


def test_their_own_handover_mails_only_the_new_facilitator():
    leaving, member = UserFactory(), UserFactory()
    group = group_create(facilitator=leaving)
    group_add_member(group, member)
    mail.outbox.clear()
    with committed():
        deletion.account_delete(person=leaving, actor=leaving)
    assert [m.to for m in mail.outbox] == [[member.email]]


def test_the_name_leaves_the_written_text_and_the_earlier_versions_too():
    room = thematic_room()
    leaving, author = UserFactory(profile="Zoë Zichtbaar"), UserFactory(profile="Jonas")
    message = post(room, author, "Vraag het aan @Zoë Zichtbaar.")
    from rooms import services as room_services

    room_services.room_message_edit(actor=author, message=message, body="Vraag het aan @Zoë Zichtbaar, zij weet het.")
    deletion.account_delete(person=leaving, actor=leaving)
    message = Message.objects.get(pk=message.pk)
    assert "Zoë" not in message.body and "@verwijderde gebruiker, zij weet het." in message.body
    assert all("Zoë" not in revision.body for revision in message.revisions.all())


def test_their_addresses_leave_invitations_and_the_groups_log():
    from community.models import GroupActivity

    group = group_create()
    facilitator = group.memberships.get().person
    leaving = UserFactory()
    invitation = community_services.group_member_invite(actor=facilitator, group=group, email=leaving.email)
    community_services.group_invitation_accept(user=leaving, token=community_services.invitation_token(invitation))
    assert GroupActivity.objects.filter(subject_email=leaving.email).exists()
    deletion.account_delete(person=leaving, actor=leaving)
    assert not GroupInvitation.objects.filter(email__iexact=leaving.email).exists()
    assert not GroupActivity.objects.filter(subject_email__iexact=leaving.email).exists()
    assert GroupActivity.objects.filter(group=group, verb=GroupActivity.Verb.INVITED).exists()  # the event stays


def test_wagtails_history_of_the_account_loses_the_name():
    from django.contrib.contenttypes.models import ContentType
    from wagtail.log_actions import log
    from wagtail.models import ModelLogEntry

    person = UserFactory(profile="Lotte Naam")
    log(instance=person, action="wagtail.edit")
    number = person.pk
    deletion.account_delete(person=person, actor=person)
    labels = ModelLogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(User), object_id=str(number)
    ).values_list("label", flat=True)
    assert list(labels) == ["Verwijderde gebruiker"]


def test_guessing_the_password_is_limited():
    person = UserFactory()
    client = logged_in(person)
    statuses = [client.post(DELETE, {"password": f"gok-{n}", "understood": "on"}).status_code for n in range(11)]
    assert statuses[:10] == [400] * 10 and statuses[10] == 429
    assert "Te veel pogingen." in client.post(DELETE, {"password": PASSWORD, "understood": "on"}).content.decode()
    assert User.objects.filter(pk=person.pk).exists()
