"""Every group URL and action x {anonymous, outsider, member, facilitator, administrator} x
{open, closed, secret} → the status the rules in community.permissions promise.

Secret groups answer 404 to everyone who is not in them, also to anonymous visitors (a login
redirect would reveal that the group exists). Refused rules of the group (already a member,
nothing to withdraw) come back as a message on a redirect (302); actions that are not yours
to take are 403.
"""

import pytest
from django.urls import reverse

from community import services
from community.models import GroupMembership, IntervisionGroup, JoinRequest
from tests.factories import UserFactory, group_add_member, group_create

ROLES = ["anonymous", "outsider", "member", "facilitator", "admin"]
VISIBILITIES = ["open", "closed", "secret"]
MANAGE = {"facilitator": None, "admin": None}  # management endpoints: facilitators and admins only


def managed(success: int):
    """Status for a management endpoint on a group the role can see."""
    return lambda role, visibility: success if role in MANAGE else 403


def expected_join(role, visibility):
    if role in ("member", "facilitator"):
        return 302  # already a member: a message, nothing changes
    return 302 if visibility == "open" else 403


def expected_request(role, visibility):
    if role in ("member", "facilitator"):
        return 302  # already in: redirected to the group with a message
    return 200 if visibility == "closed" else 403


def expected_leave(role, visibility):
    return 200 if role in ("member", "facilitator") else 403


# Endpoints that post typed text (an e-mail address to invite).
KEEPS_TYPED_TEXT = {"group_invite"}

# endpoint name, method, builds kwargs/data from the world, expected status for a role that may see the group
ENDPOINTS = [
    ("group", "get", lambda role, visibility: 200),
    ("group_join", "post", expected_join),
    ("group_request", "get", expected_request),
    ("group_request_withdraw", "post", lambda role, visibility: 302),
    ("group_leave", "get", expected_leave),
    ("group_manage", "get", managed(200)),
    ("group_edit", "get", managed(200)),
    ("group_activity", "get", managed(200)),
    ("group_invite", "post", managed(302)),
    ("group_request_decide", "post", managed(302)),
    ("group_member_remove", "post", managed(302)),
    ("group_member_role", "post", managed(302)),
]


@pytest.fixture
def world(db):
    people = {
        "admin": UserFactory(is_superuser=True, is_staff=True),
        "facilitator": UserFactory(),
        "member": UserFactory(),
        "outsider": UserFactory(),
        "target": UserFactory(),
        "requester": UserFactory(),
    }
    group = group_create(facilitator=people["facilitator"], visibility=IntervisionGroup.Visibility.CLOSED)
    group_add_member(group, people["member"])
    group_add_member(group, people["target"])
    join_request = services.group_member_request(actor=people["requester"], group=group)
    return people, group, join_request


def _set_visibility(group, visibility, actor):
    return services.group_update(
        actor=actor,
        group=group,
        name=group.name,
        description=group.description,
        region=group.region,
        visibility=visibility,
        member_cap=group.member_cap,
    )


def _call(client, name, method, group, people, join_request):
    kwargs = {"slug": group.slug}
    data = {}
    if name == "group_request_decide":
        kwargs["pk"] = join_request.pk
        data = {"decision": "decline"}
    elif name in ("group_member_remove", "group_member_role"):
        kwargs["pk"] = people["target"].pk
        data = {"action": "add_facilitator"}
    elif name == "group_invite":
        data = {"email": "nieuw-lid@huis.test"}
    url = reverse(f"community:{name}", kwargs=kwargs)
    return client.post(url, data) if method == "post" else client.get(url)


@pytest.mark.parametrize("visibility", VISIBILITIES)
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "method", "expected"), ENDPOINTS, ids=[e[0] for e in ENDPOINTS])
def test_group_endpoint_status(client, world, role, visibility, name, method, expected):
    people, group, join_request = world
    group = _set_visibility(group, visibility, people["admin"])
    if role != "anonymous":
        client.force_login(people[role])

    response = _call(client, name, method, group, people, join_request)

    if visibility == "secret" and role in ("anonymous", "outsider"):
        want = 404
    elif role == "anonymous":
        # A form with typed text whose session is gone comes back with the text and a way to log
        # in (samenhuis/refusals.py); one without is sent to log in.
        want = 403 if name in KEEPS_TYPED_TEXT else 302
    else:
        want = expected(role, visibility)
    assert response.status_code == want, (role, visibility, name)
    if role == "anonymous" and want == 302:
        assert response["Location"].startswith(reverse("account_login"))
    if role == "anonymous" and want == 403:
        html = response.content.decode()
        assert reverse("account_login") in html and "nieuw-lid@huis.test" in html


@pytest.mark.parametrize("role", ["outsider", "member"])
def test_refused_management_actions_change_nothing(client, world, role):
    people, group, join_request = world
    client.force_login(people[role])
    before = set(GroupMembership.objects.filter(group=group).values_list("person_id", "role"))

    for name in ("group_request_decide", "group_member_remove", "group_member_role", "group_invite"):
        assert _call(client, name, "post", group, people, join_request).status_code == 403

    assert set(GroupMembership.objects.filter(group=group).values_list("person_id", "role")) == before
    assert JoinRequest.objects.get(pk=join_request.pk).status == JoinRequest.Status.PENDING
    assert not group.invitations.exists()


def test_unknown_group_is_404_for_everyone(client, world):
    people, _group, _request = world
    client.force_login(people["admin"])
    assert client.get(reverse("community:group", kwargs={"slug": "bestaat-niet"})).status_code == 404


def test_get_on_a_post_only_action_is_405(client, world):
    people, group, _request = world
    client.force_login(people["member"])
    assert client.get(reverse("community:group_join", kwargs={"slug": group.slug})).status_code == 405
