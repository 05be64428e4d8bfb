"""The audit trail (issue 18, docs/privacy.md "Audit trail"): every act an administrator may have to
account for writes exactly one line, in the act's own transaction, naming no person in its words;
superusers read the trail in the CMS, in Dutch, and nobody can add, change or delete a line there."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from community import services
from community.demo import editors_group_ensure
from community.models import AuditEvent, Membership, User
from community.services.audit import audit_record
from events import services as event_services
from rooms import services as room_services
from tests.events.conftest import event_publish
from tests.factories import OrganisationFactory, UserFactory, group_add_member, group_create
from tests.rooms.support import group_room, post

pytestmark = pytest.mark.django_db

Action = AuditEvent.Action
AUDIT = "community_audit"


class Trail:
    """The lines written since it was made: the factories' own acts (a group's first facilitator, a
    link to an organisation) are not what a test is about."""

    def __init__(self):
        self.since = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0

    def lines(self, **filters) -> list[AuditEvent]:
        return list(AuditEvent.objects.filter(id__gt=self.since, **filters).order_by("id"))

    def one(self, **filters) -> AuditEvent:
        lines = self.lines(**filters)
        assert len(lines) == 1, [(line.action, line.target) for line in lines]
        return lines[0]


def names_nobody(line: AuditEvent, *people: User) -> None:
    for person in people:
        assert person.display_name not in line.target, line.target
        assert person.email not in line.target, line.target


# Roles in intervision groups -------------------------------------------------------------------


def test_making_a_member_facilitator_writes_one_line():
    facilitator, member = UserFactory(profile="Fien Facilitator"), UserFactory(profile="Mo Member")
    group = group_create(facilitator=facilitator, name="Kempen Jonge Ouders")
    group_add_member(group, member)
    trail = Trail()

    services.group_facilitator_add(actor=facilitator, group=group, person=member)

    line = trail.one()
    assert (line.actor, line.action, line.subject_id) == (facilitator, Action.ROLE_CHANGED, member.pk)
    assert line.target == "groep Kempen Jonge Ouders: gespreksleider gemaakt"
    assert line.detail == {"group": group.pk, "role": "facilitator"}
    names_nobody(line, facilitator, member)


def test_handing_over_the_facilitator_role_writes_one_line_about_the_new_facilitator():
    facilitator, member = UserFactory(profile="Fien Facilitator"), UserFactory(profile="Mo Member")
    group = group_create(facilitator=facilitator, name="Kempen")
    group_add_member(group, member)
    trail = Trail()

    services.group_facilitator_hand_over(actor=facilitator, group=group, to_person=member)

    line = trail.one()
    assert (line.actor, line.action, line.subject_id) == (facilitator, Action.ROLE_CHANGED, member.pk)
    assert line.target == "groep Kempen: nam de rol van gespreksleider over"
    assert line.detail["stepped_down"] == [facilitator.pk]
    names_nobody(line, facilitator, member)


def test_removing_a_member_writes_one_line_and_leaving_writes_none():
    facilitator, member, leaver = UserFactory(), UserFactory(profile="Mo Member"), UserFactory()
    group = group_create(facilitator=facilitator, name="Kempen")
    group_add_member(group, member)
    group_add_member(group, leaver)
    trail = Trail()

    services.group_member_leave(actor=leaver, group=group)
    assert trail.lines() == []

    services.group_member_remove(actor=facilitator, group=group, person=member)
    line = trail.one()
    assert (line.actor, line.subject_id, line.target) == (
        facilitator,
        member.pk,
        "groep Kempen: uit de groep verwijderd",
    )
    assert line.detail["was"] == "member"


def test_a_new_group_writes_a_line_for_each_facilitator_named():
    admin = UserFactory(is_superuser=True, is_staff=True)
    first, second = UserFactory(), UserFactory()
    trail = Trail()

    services.group_create(
        actor=admin, name="Mechelen", visibility="closed", facilitators=[first, second], member_cap=None
    )

    assert [(line.actor, line.subject_id) for line in trail.lines()] == [(admin, first.pk), (admin, second.pk)]


def test_a_refused_or_rolled_back_act_writes_nothing():
    facilitator, member = UserFactory(), UserFactory()
    group = group_create(facilitator=facilitator, name="Kempen")
    group_add_member(group, member)
    trail = Trail()

    with pytest.raises(ValidationError):  # the only facilitator cannot be removed
        services.group_member_remove(actor=facilitator, group=group, person=facilitator)
    with pytest.raises(RuntimeError), transaction.atomic():
        services.group_facilitator_add(actor=facilitator, group=group, person=member)
        assert len(trail.lines()) == 1  # written inside the act's transaction ...
        raise RuntimeError("something after it failed")

    assert trail.lines() == []  # ... and gone with it


# Roles in organisations ------------------------------------------------------------------------


def test_approving_a_link_request_writes_one_line_by_the_decider():
    organisation = OrganisationFactory(name="Huis van het Kind Geel")
    coordinator, person = UserFactory(profile="Cora Coördinator"), UserFactory(profile="Piet Peeters")
    services.membership_save(person=coordinator, organisation=organisation, role=Membership.Role.COORDINATOR)
    request = services.membership_request_create(actor=person, organisation=organisation, role=Membership.Role.STAFF)
    trail = Trail()

    services.membership_request_decide(actor=coordinator, membership_request=request, approve=True)

    line = trail.one()
    assert (line.actor, line.action, line.subject_id) == (coordinator, Action.ROLE_CHANGED, person.pk)
    assert line.target == "organisatie Huis van het Kind Geel: gekoppeld als medewerker"
    names_nobody(line, coordinator, person)


def test_a_changed_role_in_an_organisation_writes_one_line_and_an_unchanged_one_none():
    admin = UserFactory(is_superuser=True, is_staff=True)
    organisation = OrganisationFactory(name="CAW De Kempen")
    person = UserFactory()
    membership = services.membership_save(person=person, organisation=organisation, role=Membership.Role.STAFF)
    trail = Trail()

    services.membership_save(
        actor=admin, membership=membership, person=person, organisation=organisation, role=Membership.Role.STAFF
    )
    assert trail.lines() == []
    services.membership_save(
        actor=admin, membership=membership, person=person, organisation=organisation, role=Membership.Role.COORDINATOR
    )

    line = trail.one()
    assert (line.actor, line.subject_id) == (admin, person.pk)
    assert line.target == "organisatie CAW De Kempen: rol gewijzigd van medewerker naar coördinator/trekker"
    assert line.detail == {"organisation": organisation.pk, "role": "coordinator", "was": "staff"}


def test_linking_and_changing_a_role_in_the_cms_write_a_line_each_by_the_administrator(client, superuser):
    organisation = OrganisationFactory(name="CAW De Kempen")
    person = UserFactory(profile="Piet Peeters")
    trail = Trail()
    client.force_login(superuser)

    client.post(
        reverse("community_memberships:add"), {"person": person.pk, "organisation": organisation.pk, "role": "staff"}
    )
    membership = Membership.objects.get(person=person)
    client.post(
        reverse("community_memberships:edit", args=[membership.pk]),
        {"person": person.pk, "organisation": organisation.pk, "role": "coordinator"},
    )

    linked, changed = trail.lines()
    assert (linked.actor, linked.subject_id, linked.target) == (
        superuser,
        person.pk,
        "organisatie CAW De Kempen: gekoppeld als medewerker",
    )
    assert (changed.actor, changed.detail["was"], changed.detail["role"]) == (superuser, "staff", "coordinator")
    names_nobody(changed, person, superuser)


def test_unlinking_in_the_cms_writes_one_line(client, superuser):
    organisation = OrganisationFactory(name="CAW De Kempen")
    person = UserFactory()
    membership = services.membership_save(person=person, organisation=organisation, role=Membership.Role.STAFF)
    trail = Trail()
    client.force_login(superuser)

    response = client.post(reverse("community_memberships:delete", args=[membership.pk]))

    assert response.status_code == 302 and not Membership.objects.filter(pk=membership.pk).exists()
    line = trail.one()
    assert (line.actor, line.subject_id) == (superuser, person.pk)
    assert line.target == "organisatie CAW De Kempen: koppeling als medewerker verwijderd"


# Roles in the CMS ------------------------------------------------------------------------------


def user_form(person: User, **fields) -> dict:
    data = {
        "email": person.email,
        "first_name": "Eva",
        "last_name": "Editor",
        "password1": "",
        "password2": "",
        "is_active": "on",
        "groups": [str(pk) for pk in person.groups.values_list("pk", flat=True)],
    }
    if person.is_superuser:
        data["is_superuser"] = "on"
    data.update(fields)
    return {name: value for name, value in data.items() if value is not None}


def test_an_administrator_giving_cms_roles_in_the_user_screen_writes_a_line_each(client, superuser):
    editors = Group.objects.create(name="Redacteurs")
    person = UserFactory(profile="Eva Editor")
    trail = Trail()
    client.force_login(superuser)

    response = client.post(
        reverse("wagtailusers_users:edit", args=[person.pk]),
        user_form(person, groups=[str(editors.pk)], is_superuser="on"),
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    lines = trail.lines()
    assert {(line.target, line.actor, line.subject_id) for line in lines} == {
        ("CMS-rol Redacteurs gegeven", superuser, person.pk),
        ("beheerder gemaakt (alle rechten in het CMS)", superuser, person.pk),
    }
    assert all(line.action == Action.ROLE_CHANGED for line in lines)

    trail = Trail()
    person.refresh_from_db()
    client.post(reverse("wagtailusers_users:edit", args=[person.pk]), user_form(person, groups=[], is_superuser=None))
    assert {line.target for line in trail.lines()} == {"CMS-rol Redacteurs afgenomen", "beheerdersrechten afgenomen"}

    trail = Trail()  # saving without a change is no line
    person.refresh_from_db()
    client.post(reverse("wagtailusers_users:edit", args=[person.pk]), user_form(person))
    assert trail.lines() == []


def test_a_new_account_made_in_the_cms_with_a_role_writes_its_line(client, superuser):
    moderators = Group.objects.create(name="Moderatoren")
    trail = Trail()
    client.force_login(superuser)

    response = client.post(
        reverse("wagtailusers_users:add"),
        {
            "email": "nieuw@huis.test",
            "first_name": "Nieuw",
            "last_name": "Lid",
            "password1": "een-lang-wachtwoord-42",
            "password2": "een-lang-wachtwoord-42",
            "is_active": "on",
            "groups": [str(moderators.pk)],
        },
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    person = User.objects.get(email="nieuw@huis.test")
    line = trail.one()
    assert (line.actor, line.subject_id, line.target) == (superuser, person.pk, "CMS-rol Moderatoren gegeven")


def test_the_bulk_assign_role_writes_a_line_per_person(client, superuser):
    moderators = Group.objects.create(name="Moderatoren")
    first, second = UserFactory(), UserFactory()
    trail = Trail()
    client.force_login(superuser)

    url = reverse("wagtail_bulk_action", args=["community", "user", "assign_role"])
    response = client.post(f"{url}?id={first.pk}&id={second.pk}", {"role": moderators.pk})

    assert response.status_code == 302
    assert sorted((line.actor, line.subject_id, line.target) for line in trail.lines()) == [
        (superuser, first.pk, "CMS-rol Moderatoren gegeven"),
        (superuser, second.pk, "CMS-rol Moderatoren gegeven"),
    ]


def test_a_role_changed_outside_the_cms_is_recorded_without_an_actor():
    person = User.objects.get(pk=UserFactory().pk)
    trail = Trail()

    person.is_staff = True
    person.save()
    person.groups.add(Group.objects.create(name="Redacteurs"))
    person.last_login = timezone.now()
    person.save(update_fields=["last_login"])  # a login: no line, no extra query

    assert [(line.actor, line.target, line.detail["system"]) for line in trail.lines()] == [
        (None, "stafstatus gegeven", True),
        (None, "CMS-rol Redacteurs gegeven", True),
    ]


# Moderation ------------------------------------------------------------------------------------


def test_hiding_and_restoring_a_message_write_a_line_each_about_its_author():
    facilitator, author = UserFactory(profile="Fien Facilitator"), UserFactory(profile="Auteur Anna")
    room = group_room(facilitator=facilitator, members=[author])
    message = post(room, author, "Het gezin uit de Kerkstraat 12")
    trail = Trail()

    room_services.room_message_hide(actor=facilitator, message=message, hidden=True, note="Een adres.")
    room_services.room_message_hide(actor=facilitator, message=message, hidden=True)  # already hidden: nothing
    room_services.room_message_hide(actor=facilitator, message=message, hidden=False)

    hidden, restored = trail.lines()
    assert (hidden.actor, hidden.action, hidden.subject_id) == (facilitator, Action.MESSAGE_HIDDEN, author.pk)
    assert hidden.target == f"ruimte {room.name}, bericht {message.seq}" and hidden.reason == "Een adres."
    assert (restored.action, restored.subject_id, restored.reason) == (Action.MESSAGE_RESTORED, author.pk, "")
    for line in (hidden, restored):
        names_nobody(line, facilitator, author)
        assert "Kerkstraat" not in line.target


# Attendee lists --------------------------------------------------------------------------------


def test_viewing_and_exporting_an_attendee_list_write_a_line_each(client):
    organiser = UserFactory(is_superuser=True, is_staff=True, profile="Olga Organisator")
    event = event_publish(title="Netwerknamiddag Kempen")
    attendee = UserFactory(profile="Anna Peeters")
    event_services.event_register(event=event, person=attendee)
    trail = Trail()

    client.force_login(UserFactory())
    assert client.get(event.url + "deelnemers/").status_code == 403
    assert client.get(event.url + "deelnemers.csv").status_code == 403
    assert trail.lines() == []  # refused: nothing was read

    client.force_login(organiser)
    assert client.get(event.url + "deelnemers/").status_code == 200
    assert client.get(event.url + "deelnemers.csv").status_code == 200

    viewed, exported = trail.lines()
    assert (viewed.actor, viewed.action, viewed.target) == (
        organiser,
        Action.ATTENDEES_VIEWED,
        "Netwerknamiddag Kempen",
    )
    assert (exported.action, exported.subject_id) == (Action.ATTENDEES_EXPORTED, None)
    assert exported.detail == {"event": event.pk, "attendees": 1}
    names_nobody(viewed, attendee, organiser)


# The trail in the CMS --------------------------------------------------------------------------


def fill_trail(count: int) -> list[User]:
    actors = [UserFactory(profile=f"Beheerder {number}") for number in range(count)]
    for number, actor in enumerate(actors):
        audit_record(actor=actor, action=Action.ROLE_CHANGED, subject=number + 1000, target=f"groep G{number}")
    return actors


def test_superusers_read_the_trail_in_dutch_newest_first(client, superuser):
    gone = UserFactory(profile="Weg Beheerder")
    audit_record(
        actor=gone, action=Action.MESSAGE_HIDDEN, subject=41, target="ruimte Opvoeden, bericht 7", reason="Een adres."
    )
    gone.delete()
    audit_record(actor=None, action=Action.ROLE_CHANGED, subject=42, target="stafstatus gegeven")
    audit_record(actor=superuser, action=Action.ATTENDEES_EXPORTED, target="Netwerknamiddag Kempen")
    client.force_login(superuser)

    page = client.get(reverse(f"{AUDIT}:index")).content.decode()

    assert "Audittrail" in page
    for text in (
        "verborg een bericht",
        "ruimte Opvoeden, bericht 7",
        "Een adres.",
        "verwijderde gebruiker",
        "geen account (een opdracht of het systeem)",
        "exporteerde een deelnemerslijst",
        "Beheer Samenhuis",
        "Accountnummer",
        "Waarover",
    ):
        assert text in page, text
    assert page.index("Netwerknamiddag Kempen") < page.index("stafstatus gegeven") < page.index("Opvoeden")
    assert "Weg Beheerder" not in page
    assert reverse("wagtailadmin_home") in page


def test_the_trail_filters_by_action_account_and_date(client, superuser):
    audit_record(actor=superuser, action=Action.MESSAGE_HIDDEN, subject=7, target="ruimte A, bericht 1")
    audit_record(actor=superuser, action=Action.ATTENDEES_VIEWED, target="Netwerknamiddag Kempen")
    old = audit_record(actor=superuser, action=Action.ROLE_CHANGED, subject=7, target="groep Oud")
    AuditEvent.objects.filter(pk=old.pk).update(at=timezone.now() - timedelta(days=400))
    client.force_login(superuser)
    index = reverse(f"{AUDIT}:index")

    def shown(**query) -> set[str]:
        page = client.get(index, query).content.decode()
        return {target for target in ("ruimte A", "Netwerknamiddag", "groep Oud") if target in page}

    assert shown() == {"ruimte A", "Netwerknamiddag", "groep Oud"}
    assert shown(action=Action.MESSAGE_HIDDEN) == {"ruimte A"}
    assert shown(subject_id=7) == {"ruimte A", "groep Oud"}
    today = timezone.localdate().isoformat()
    assert shown(at_from=today, at_to=today) == {"ruimte A", "Netwerknamiddag"}
    assert shown(q="Oud") == {"groep Oud"}


def test_the_trail_pages_with_a_bounded_number_of_queries(client, superuser, django_assert_max_num_queries):
    fill_trail(60)
    client.force_login(superuser)
    index = reverse(f"{AUDIT}:index")
    client.get(index)  # warm Wagtail's per-process caches; then 8 queries a page, whatever the number of actors

    with django_assert_max_num_queries(10):
        first = client.get(index)
    with django_assert_max_num_queries(10):
        second = client.get(index, {"p": 2})

    assert "Beheerder 59" in first.content.decode() and "Beheerder 0" not in first.content.decode()
    assert "Beheerder 0" in second.content.decode()


def test_the_trail_is_refused_to_everyone_but_superusers(client, administrator):
    fill_trail(1)
    index = reverse(f"{AUDIT}:index")
    editor = UserFactory(is_staff=True)
    editor.groups.add(editors_group_ensure())

    client.force_login(editor)  # a CMS editor with staff status
    response = client.get(index)
    assert response.status_code == 302 and response.url == reverse("wagtailadmin_home")

    client.force_login(administrator)  # CMS access and `manage_community`, not a superuser
    response = client.get(index)
    assert response.status_code == 302 and response.url == reverse("wagtailadmin_home")
    assert "Beheerder 0" not in client.get(reverse("wagtailadmin_home")).content.decode()
    assert index not in client.get(reverse("wagtailadmin_home")).content.decode()  # not in the menu
    assert client.get(reverse(f"{AUDIT}:index_results")).status_code in (302, 403)

    client.force_login(UserFactory())  # a member without CMS access
    response = client.get(index)
    assert response.status_code == 302 and "login" in response.url

    client.logout()
    assert client.get(index).status_code == 302


def test_no_line_can_be_added_changed_or_deleted_in_the_cms(client, superuser):
    audit_record(actor=superuser, action=Action.ROLE_CHANGED, target="groep Kempen")
    line = AuditEvent.objects.get(target="groep Kempen")
    client.force_login(superuser)

    for view, args in (("add", []), ("edit", [line.pk]), ("delete", [line.pk]), ("copy", [line.pk])):
        with pytest.raises(NoReverseMatch):
            reverse(f"{AUDIT}:{view}", args=args)
    index = reverse(f"{AUDIT}:index")
    for address in (f"{index}new/", f"{index}edit/{line.pk}/", f"{index}delete/{line.pk}/", f"{index}{line.pk}/"):
        assert client.post(address, {"target": "iets anders"}).status_code == 404, address
    page = client.get(index).content.decode()
    assert f"{index}edit/" not in page and f"{index}delete/" not in page and f"{index}new/" not in page

    line.refresh_from_db()
    assert line.target == "groep Kempen"
    assert AuditEvent.objects.filter(target="groep Kempen").count() == 1  # reading the trail is not recorded
