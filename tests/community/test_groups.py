"""Intervision group flows: invitations, requests, leaving, removing, handing over — each
writes the activity log and tells the people concerned; each refusal changes nothing."""

import re
from contextlib import contextmanager

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.urls import reverse

from community import permissions, services
from community.models import GroupActivity, GroupInvitation, GroupMembership, IntervisionGroup, JoinRequest, User
from tests.factories import PASSWORD, UserFactory, group_add_member, group_create

Verb = GroupActivity.Verb


@contextmanager
def refused(code: str):
    """The service refuses with a ValidationError of this code (the message itself is translated)."""
    with pytest.raises(ValidationError) as info:
        yield
    assert info.value.code == code, info.value.messages


def verbs(group):
    return list(GroupActivity.objects.filter(group=group).order_by("id").values_list("verb", flat=True))


def invitation_link(message) -> str:
    return re.search(r"https?://[^\s]+/gemeenschap/uitnodiging/[^\s]+/", message.body).group(0)


@pytest.fixture
def facilitator(db):
    return UserFactory(profile="Karim Gespreksleider")


@pytest.fixture
def closed_group(facilitator):
    return group_create(facilitator=facilitator, name="Intervisiegroep Kempen")


def test_request_approve_flow_tells_both_sides_and_logs(
    client, facilitator, closed_group, django_capture_on_commit_callbacks
):
    coordinator = UserFactory(profile="An Peeters")
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("community:group_request", kwargs={"slug": closed_group.slug}), {"motivation": "Ik werk in Geel."}
        )
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [[facilitator.email]]
    assert "Ik werk in Geel." in mail.outbox[0].body
    assert facilitator.notifications.filter(text__contains="An Peeters").exists()

    join_request = JoinRequest.objects.get(group=closed_group, person=coordinator)
    client.force_login(facilitator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("community:group_request_decide", kwargs={"slug": closed_group.slug, "pk": join_request.pk}),
            {"decision": "approve"},
        )
    assert GroupMembership.objects.filter(group=closed_group, person=coordinator).exists()
    assert mail.outbox[-1].to == [coordinator.email]
    assert verbs(closed_group)[-2:] == [Verb.REQUESTED, Verb.APPROVED]

    client.force_login(coordinator)
    page = client.get(closed_group.get_absolute_url())
    assert page.status_code == 200
    assert "An Peeters" in page.content.decode()  # members see the member list


def test_a_second_request_and_a_decision_twice_are_refused(facilitator, closed_group):
    person = UserFactory()
    join_request = services.group_member_request(actor=person, group=closed_group)
    with refused("pending"):
        services.group_member_request(actor=person, group=closed_group)
    services.group_request_decide(actor=facilitator, join_request=join_request, approve=False)
    with refused("handled"):
        services.group_request_decide(actor=facilitator, join_request=join_request, approve=True)
    assert not GroupMembership.objects.filter(group=closed_group, person=person).exists()


def test_a_member_cannot_approve_a_request(facilitator, closed_group):
    member = UserFactory()
    group_add_member(closed_group, member)
    join_request = services.group_member_request(actor=UserFactory(), group=closed_group)
    with pytest.raises(PermissionDenied):
        services.group_request_decide(actor=member, join_request=join_request, approve=True)
    assert JoinRequest.objects.get(pk=join_request.pk).status == JoinRequest.Status.PENDING


def test_a_full_group_refuses_joining_requests_approval_and_invitations(facilitator):
    group = group_create(facilitator=facilitator, visibility=IntervisionGroup.Visibility.OPEN, member_cap=2)
    services.group_member_join(actor=UserFactory(), group=group)
    with refused("full"):
        services.group_member_join(actor=UserFactory(), group=group)
    with refused("full"):
        services.group_member_invite(actor=facilitator, group=group, email="vol@huis.test")
    assert GroupMembership.objects.filter(group=group).count() == 2
    assert not GroupInvitation.objects.filter(group=group).exists()


def test_a_request_made_before_the_group_filled_up_cannot_be_approved(facilitator):
    group = group_create(facilitator=facilitator, member_cap=2)
    early = services.group_member_request(actor=UserFactory(), group=group)
    group_add_member(group, UserFactory())
    with refused("full"):
        services.group_request_decide(actor=facilitator, join_request=early, approve=True)
    assert JoinRequest.objects.get(pk=early.pk).status == JoinRequest.Status.PENDING


def test_joining_a_full_group_through_the_page_shows_the_message(client, facilitator):
    group = group_create(facilitator=facilitator, visibility=IntervisionGroup.Visibility.OPEN, member_cap=1)
    client.force_login(UserFactory())
    response = client.post(reverse("community:group_join", kwargs={"slug": group.slug}), follow=True)
    assert "vol" in response.content.decode() or "full" in response.content.decode()
    assert GroupMembership.objects.filter(group=group).count() == 1


def test_the_last_facilitator_can_neither_leave_nor_be_removed(facilitator, closed_group):
    admin = UserFactory(is_superuser=True)
    with refused("last_facilitator"):
        services.group_member_leave(actor=facilitator, group=closed_group)
    with refused("last_facilitator"):
        services.group_member_remove(actor=admin, group=closed_group, person=facilitator)
    assert GroupMembership.objects.get(group=closed_group, person=facilitator).is_facilitator


def test_hand_over_then_leave(facilitator, closed_group, django_capture_on_commit_callbacks):
    successor = UserFactory()
    group_add_member(closed_group, successor)
    with django_capture_on_commit_callbacks(execute=True):
        services.group_facilitator_hand_over(actor=facilitator, group=closed_group, to_person=successor)
    assert {m.to[0] for m in mail.outbox[-2:]} == {successor.email, facilitator.email}
    assert GroupMembership.objects.get(group=closed_group, person=successor).is_facilitator
    assert not GroupMembership.objects.get(group=closed_group, person=facilitator).is_facilitator

    with django_capture_on_commit_callbacks(execute=True):
        services.group_member_leave(actor=facilitator, group=closed_group)
    assert mail.outbox[-1].to == [successor.email]
    assert verbs(closed_group)[-2:] == [Verb.HANDED_OVER, Verb.LEFT]


def test_hand_over_to_an_outsider_is_refused(facilitator, closed_group):
    with refused("not_member"):
        services.group_facilitator_hand_over(actor=facilitator, group=closed_group, to_person=UserFactory())


def test_remove_a_member_tells_them(facilitator, closed_group, django_capture_on_commit_callbacks):
    member = UserFactory()
    group_add_member(closed_group, member)
    with django_capture_on_commit_callbacks(execute=True):
        services.group_member_remove(actor=facilitator, group=closed_group, person=member)
    assert mail.outbox[-1].to == [member.email]
    assert not GroupMembership.objects.filter(group=closed_group, person=member).exists()
    assert verbs(closed_group)[-1] == Verb.REMOVED


# Invitations -----------------------------------------------------------------------------------------


def test_invitation_for_someone_without_an_account(client, facilitator, django_capture_on_commit_callbacks):
    """They sign up with the invited address, need no second verification, and land in the secret group."""
    group = group_create(facilitator=facilitator, visibility=IntervisionGroup.Visibility.SECRET, name="Geheime groep")
    client.force_login(facilitator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("community:group_invite", kwargs={"slug": group.slug}), {"email": "Nieuw@Huis.test"}
        )
    assert response.status_code == 302
    message = mail.outbox[-1]
    assert message.to == ["nieuw@huis.test"]
    link = invitation_link(message)
    client.logout()

    page = client.get(link)
    assert page.status_code == 200
    assert "Geheime groep" in page.content.decode()

    signup = client.post(
        page.context["signup_url"],
        {"display_name": "Nieuwe Collega", "email": "nieuw@huis.test", "password1": PASSWORD, "password2": PASSWORD},
        follow=True,
    )
    person = User.objects.get(email="nieuw@huis.test")
    assert GroupMembership.objects.filter(group=group, person=person).exists()
    assert signup.redirect_chain[-1][0] == group.get_absolute_url()
    assert client.get(group.get_absolute_url()).status_code == 200
    assert GroupInvitation.objects.get(group=group).accepted_by == person
    assert verbs(group)[-2:] == [Verb.INVITED, Verb.ACCEPTED]


def test_invitation_for_an_existing_account_after_login(client, facilitator, closed_group):
    person = UserFactory(email="bestaand@huis.test")
    invitation = services.group_member_invite(actor=facilitator, group=closed_group, email="bestaand@huis.test")
    link = services.invitation_url(invitation)
    page = client.get(link)
    response = client.post(
        page.context["login_url"], {"login": "bestaand@huis.test", "password": PASSWORD}, follow=True
    )
    assert GroupMembership.objects.filter(group=closed_group, person=person).exists()
    assert response.redirect_chain[-1][0] == closed_group.get_absolute_url()


def test_invitation_cannot_be_used_by_another_account(client, facilitator, closed_group):
    services_invitation = services.group_member_invite(actor=facilitator, group=closed_group, email="juist@huis.test")
    intruder = UserFactory(email="iemand-anders@huis.test")
    client.force_login(intruder)
    response = client.post(services.invitation_url(services_invitation), follow=True)
    assert "juist@huis.test" in response.content.decode()
    assert not GroupMembership.objects.filter(group=closed_group, person=intruder).exists()


def test_invitation_duplicate_reuse_revoked_expired_and_forged(client, facilitator, closed_group):
    person = UserFactory(email="gast@huis.test")
    invitation = services.group_member_invite(actor=facilitator, group=closed_group, email="gast@huis.test")
    with refused("duplicate"):
        services.group_member_invite(actor=facilitator, group=closed_group, email="GAST@huis.test")
    assert GroupInvitation.objects.filter(group=closed_group).count() == 1

    token = services.invitation_token(invitation)
    with override_settings(SAMENHUIS_INVITATION_DAYS=0), refused("expired"):
        services.group_invitation_accept(user=person, token=token)
    with refused("invalid"):
        services.group_invitation_accept(user=person, token=token[:-3] + "abc")

    services.group_invitation_accept(user=person, token=token)
    other = UserFactory()
    client.force_login(other)
    response = client.get(services.invitation_url(invitation))
    assert response.status_code == 410
    assert "already been used" in response.content.decode() or "al gebruikt" in response.content.decode()

    second = services.group_member_invite(actor=facilitator, group=closed_group, email="tweede@huis.test")
    services.group_invitation_revoke(actor=facilitator, invitation=second)
    with refused("revoked"):
        services.group_invitation_accept(
            user=UserFactory(email="tweede@huis.test"), token=services.invitation_token(second)
        )


def test_inviting_a_member_is_refused(facilitator, closed_group):
    member = UserFactory(email="lid@huis.test")
    group_add_member(closed_group, member)
    with refused("member"):
        services.group_member_invite(actor=facilitator, group=closed_group, email="lid@huis.test")


def test_invite_form_errors_keep_the_input(client, facilitator, closed_group):
    client.force_login(facilitator)
    response = client.post(
        reverse("community:group_invite", kwargs={"slug": closed_group.slug}), {"email": "geen-adres"}
    )
    assert response.status_code == 400
    assert 'value="geen-adres"' in response.content.decode()


# Visibility ---------------------------------------------------------------------------------------------


def test_secret_groups_are_listed_only_for_their_members(client, facilitator):
    secret = group_create(facilitator=facilitator, visibility=IntervisionGroup.Visibility.SECRET, name="Stille groep")
    group_create(facilitator=facilitator, visibility=IntervisionGroup.Visibility.CLOSED, name="Zichtbare groep")
    outsider = UserFactory()
    client.force_login(outsider)
    page = client.get(reverse("community:groups")).content.decode()
    assert "Zichtbare groep" in page and "Stille groep" not in page
    assert secret not in permissions.groups_visible_to(outsider)

    client.force_login(facilitator)
    assert "Stille groep" in client.get(reverse("community:groups")).content.decode()


def test_group_list_filters_by_overlapping_region(client, facilitator):
    from community.models import Region

    kempen = Region.objects.get(slug="referentieregio-kempen")
    gent = Region.objects.get(slug="referentieregio-regio-gent")
    group_create(facilitator=facilitator, name="Groep Kempen", region=kempen)
    group_create(facilitator=facilitator, name="Groep Gent", region=gent)
    client.force_login(UserFactory())
    page = client.get(reverse("community:groups"), {"regio": "provincie-antwerpen"}).content.decode()
    assert "Groep Kempen" in page and "Groep Gent" not in page


def test_group_list_query_count_does_not_grow(client, facilitator, django_assert_max_num_queries):
    viewer = UserFactory()
    client.force_login(viewer)
    for number in range(3):
        group_create(facilitator=facilitator, name=f"Groep {number}")
    with django_assert_max_num_queries(25) as few:
        client.get(reverse("community:groups"))
    for number in range(3, 30):
        group_create(facilitator=facilitator, name=f"Groep {number}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("community:groups"))


def test_creating_a_group_needs_an_administrator(client, facilitator):
    client.force_login(facilitator)
    assert client.get(reverse("community:group_create")).status_code == 403
    admin = UserFactory(is_superuser=True)
    client.force_login(admin)
    response = client.post(
        reverse("community:group_create"),
        {"name": "Nieuwe groep", "visibility": "closed", "member_cap": "12", "facilitator_email": "onbekend@huis.test"},
    )
    assert response.status_code == 200
    assert 'value="Nieuwe groep"' in response.content.decode()
    assert not IntervisionGroup.objects.filter(name="Nieuwe groep").exists()
    response = client.post(
        reverse("community:group_create"),
        {"name": "Nieuwe groep", "visibility": "closed", "member_cap": "12", "facilitator_email": facilitator.email},
    )
    group = IntervisionGroup.objects.get(name="Nieuwe groep")
    assert response["Location"] == group.get_absolute_url()
    assert group.member_cap == 12
    assert GroupMembership.objects.get(group=group, person=facilitator).is_facilitator
