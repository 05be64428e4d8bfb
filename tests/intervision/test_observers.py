"""Observers of intervision sessions (docs/intervision.md, "Observers"): the group's facilitators
allow them on the group's settings page, a session's facilitators choose them among the people
they may see named, an observer reads a session that has not ended and writes nothing, and loses
it at the end, when removed, or when the group stops allowing observers."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from community import services as community_services
from community.models import IntervisionGroup, Membership, Notification, Profile
from intervision import permissions, selectors, services
from intervision.models import Contribution, GroupSessionSettings, Session, SessionObserver
from tests.community.test_visibility_matrix import visibility_set
from tests.factories import OrganisationFactory, UserFactory
from tests.intervision.test_pages import ACTIONS, QUESTIONS, Group, as_, contribute, control, to_phase, url

pytestmark = pytest.mark.django_db

NOT_SAVED = "Dit is niet bewaard"
NO_ACCOUNT = "Er is geen account met dit e-mailadres dat je kunt kiezen."


def allow(g, allowed=True, months=12):
    return services.session_settings_update(
        actor=g.facilitator, group=g.group, retention_months=months, observers_allowed=allowed
    )


def observer_of(g, session, person=None):
    person = person or UserFactory(profile="Wout Waarnemer")
    services.session_observer_add(actor=g.facilitator, session=session, person=person)
    return person


def test_the_groups_facilitators_allow_observers_on_the_session_settings_page(client):
    g = Group()
    settings_url = reverse("intervision:session_settings", args=[g.group.slug])
    as_(client, g.member)
    assert client.get(settings_url).status_code == 403
    assert client.post(settings_url, {"retention_months": "6", "observers_allowed": "on"}).status_code == 403
    assert not GroupSessionSettings.objects.filter(group=g.group).exists()
    assert settings_url not in client.get(g.group.get_absolute_url()).content.decode()

    as_(client, g.facilitator)
    assert settings_url in client.get(g.group.get_absolute_url()).content.decode()
    page = client.get(settings_url).content.decode()
    assert "Waarnemers toelaten" in page and "Casusteksten bewaren (maanden)" in page
    refused = client.post(settings_url, {"retention_months": "0", "observers_allowed": "on"})
    html = refused.content.decode()
    assert refused.status_code == 400 and 'value="0"' in html and "Zorg ervoor dat deze waarde minstens 1 is." in html
    assert client.post(settings_url, {"retention_months": "6", "observers_allowed": "on"}).status_code == 302
    saved = GroupSessionSettings.objects.get(group=g.group)
    assert (saved.retention_months, saved.observers_allowed) == (6, True)
    assert services.retention_months(g.group) == 6


def test_observers_are_added_only_when_the_group_allows_it_and_only_by_a_facilitator():
    g = Group()
    session = g.session(title="Casus over mama Verhaeghe")
    services.session_case_save(actor=g.presenter, session=session, text="Mama Verhaeghe komt niet meer.")
    guest = UserFactory(profile="Wout Waarnemer")
    with pytest.raises(ValidationError) as refused:
        services.session_observer_add(actor=g.facilitator, session=session, person=guest)
    assert refused.value.code == "observers_not_allowed"

    allow(g)
    with pytest.raises(PermissionDenied):
        services.session_observer_add(actor=g.member, session=session, person=guest)
    with pytest.raises(PermissionDenied):
        services.session_observer_add(actor=g.presenter, session=session, person=guest)
    services.session_observer_add(actor=g.facilitator, session=session, person=guest)
    assert list(SessionObserver.objects.filter(session=session).values_list("person", flat=True)) == [guest.pk]
    # Told only that they may observe a session of the group: no title, no case.
    (notification,) = Notification.objects.filter(recipient=guest)
    assert notification.text == f"Je mag een sessie van {g.group.name} volgen als waarnemer."
    assert notification.url == session.get_absolute_url()

    for person, code in ((guest, "duplicate"), (g.member, "member")):
        with pytest.raises(ValidationError) as refused:
            services.session_observer_add(actor=g.facilitator, session=session, person=person)
        assert refused.value.code == code
    for _ in range(services.OBSERVERS_MAX - 1):
        observer_of(g, session, UserFactory())
    with pytest.raises(ValidationError) as refused:
        observer_of(g, session, UserFactory())
    assert refused.value.code == "too_many"
    assert SessionObserver.objects.filter(session=session).count() == services.OBSERVERS_MAX

    services.session_end(actor=g.facilitator, session=session)
    with pytest.raises(PermissionDenied):  # an ended session has no observers to choose
        services.session_observer_remove(actor=g.facilitator, session=session, person=guest)


def test_a_facilitator_chooses_only_among_the_people_they_may_see_named(client):
    g = Group()
    session = g.session()
    allow(g)
    organisation = OrganisationFactory()
    colleague = UserFactory(profile="Cas Collega")
    stranger = UserFactory(profile="Sien Onbekend")
    for person in (g.facilitator, colleague):
        community_services.membership_save(person=person, organisation=organisation, role=Membership.Role.STAFF)
    for person in (colleague, stranger):
        visibility_set(person, Profile.Visibility.CONNECTIONS)

    # The list offers colleagues the facilitator may see, not the group's members; the stranger,
    # who shows their profile only to their connections, is neither offered nor found by address.
    choices = list(selectors.observer_choices(g.facilitator, session))
    assert colleague in choices and stranger not in choices and g.member not in choices
    with pytest.raises(ValidationError) as refused:
        services.session_observer_add(actor=g.facilitator, session=session, person=stranger)
    assert refused.value.code == "unknown_person"

    observers_url = url("session_observers", session)
    as_(client, g.member)
    assert client.get(observers_url).status_code == 403
    assert client.post(observers_url, {"email": colleague.email}).status_code == 403
    as_(client, g.facilitator)
    page = client.get(observers_url).content.decode()
    assert "Cas Collega" in page and "Sien Onbekend" not in page and "Mo Deelnemer" not in page
    for address in (stranger.email, "niemand@huis.test"):  # invisible or without an account: one answer
        response = client.post(observers_url, {"email": address})
        html = response.content.decode()
        assert response.status_code == 400 and NO_ACCOUNT in html and f'value="{address}"' in html
    response = client.post(observers_url, {"email": g.member.email})
    assert response.status_code == 400 and "is lid van de groep" in response.content.decode()
    response = client.post(observers_url, {"email": colleague.email, "person": colleague.pk})
    assert response.status_code == 400 and "een van de twee" in response.content.decode()
    assert not SessionObserver.objects.exists()

    assert client.post(observers_url, {"person": colleague.pk}).status_code == 302
    assert client.post(observers_url, {"email": stranger.email.upper()}).status_code == 400
    assert list(SessionObserver.objects.values_list("person", flat=True)) == [colleague.pk]
    assert "Cas Collega (waarnemer)" in client.get(session.get_absolute_url()).content.decode()


def test_an_observer_reads_the_session_but_not_the_draft_case_and_writes_nothing(client):
    g = Group()
    earlier = g.session(title="Een vorige sessie")
    to_phase(as_(client, g.facilitator), earlier, ACTIONS)
    services.action_point_add(actor=g.member, session=earlier, who="Mo", what="Een vorig actiepunt")
    control(client, earlier, "end")
    session = g.session()
    case = "Een moeder komt elke week met een andere vraag."
    services.session_case_save(actor=g.presenter, session=session, text=case)
    allow(g)
    guest = observer_of(g, session)

    as_(client, guest)
    page = client.get(session.get_absolute_url())
    html = page.content.decode()
    assert page.status_code == 200 and case not in html and "Je volgt deze sessie als waarnemer" in html
    assert "Wout Waarnemer (waarnemer)" in html and "Fien Begeleider (gespreksleider)" in html
    assert client.get(url("session_case", session)).status_code == 403
    assert client.post(url("session_case", session), {"case_text": "Overschreven"}).status_code == 403
    assert client.get(url("session_observers", session)).status_code == 403
    assert control(client, session, "start").status_code == 403
    session.refresh_from_db()
    assert session.status == Session.Status.PLANNED and session.case_text == case

    to_phase(as_(client, g.facilitator), session, QUESTIONS)
    as_(client, g.member)
    contribute(client, session, "Wat zei de moeder precies?")
    as_(client, guest)
    html = client.get(session.get_absolute_url()).content.decode()
    assert case in html and "1 vraag verzameld" in html and "Wat zei de moeder precies?" not in html
    assert "Een vorig actiepunt" not in html  # the group's earlier sessions are the group's
    response = contribute(client, session, "Mag ik ook iets vragen?", client_id="w-1")
    assert response.status_code == 403 and NOT_SAVED in response.content.decode()
    assert "Mag ik ook iets vragen?" in response.content.decode()
    assert control(client, session, "reveal").status_code == 403
    with pytest.raises(PermissionDenied):
        services.contribution_add(actor=guest, session=session, text="Toch een vraag?", client_id="w-2")
    assert Contribution.objects.filter(session=session).count() == 1

    as_(client, g.facilitator)
    control(client, session, "reveal")
    for _ in range(ACTIONS - QUESTIONS):
        control(client, session, "next")
    as_(client, guest)
    html = client.get(session.get_absolute_url()).content.decode()
    assert "Wat zei de moeder precies?" in html and url("session_action_point", session) not in html
    response = client.post(url("session_action_point", session), {"who": "Wout", "what": "Ook iets doen"})
    assert response.status_code == 403 and NOT_SAVED in response.content.decode()
    point = earlier.action_points.get()
    response = client.post(url("session_follow_up", session, point.pk), {f"punt-{point.pk}-done": "on"})
    assert response.status_code == 403
    point.refresh_from_db()
    assert point.done_at is None and not session.action_points.exists()


@pytest.mark.parametrize(
    ("visibility", "after_end"), [(IntervisionGroup.Visibility.CLOSED, 403), (IntervisionGroup.Visibility.SECRET, 404)]
)
def test_an_observer_loses_the_session_at_its_end_and_the_record_is_for_members(client, visibility, after_end):
    g = Group(visibility)
    session = g.session()
    allow(g)
    guest = observer_of(g, session)
    outsider = UserFactory()
    as_(client, outsider)
    assert client.get(session.get_absolute_url()).status_code == after_end
    to_phase(as_(client, g.facilitator), session, QUESTIONS)
    as_(client, guest)
    assert client.get(session.get_absolute_url()).status_code == 200
    as_(client, outsider)
    assert client.get(session.get_absolute_url()).status_code == after_end  # an observer of one session only

    as_(client, g.facilitator)
    control(client, session, "end")
    as_(client, guest)
    for page in ("session", "session_record"):
        assert client.get(url(page, session)).status_code == after_end
    assert not permissions.session_access(guest, Session.objects.get(pk=session.pk)).can_read
    as_(client, g.member)
    assert client.get(url("session_record", session)).status_code == 200


def test_removed_observers_and_those_of_a_group_that_stops_allowing_them_lose_the_session(client):
    g = Group()
    session, other = g.session(), g.session(title="Nog een sessie")
    allow(g)
    removed, kept = observer_of(g, session), observer_of(g, other, UserFactory(profile="Kim Kijker"))

    row = SessionObserver.objects.get(person=removed)
    as_(client, g.member)
    assert client.post(url("session_observer_remove", session, row.pk)).status_code == 403
    as_(client, g.facilitator)
    assert client.post(url("session_observer_remove", session, row.pk)).status_code == 302
    as_(client, removed)
    assert client.get(session.get_absolute_url()).status_code == 403

    as_(client, kept)
    assert client.get(other.get_absolute_url()).status_code == 200
    before = Session.objects.get(pk=other.pk).last_rev
    allow(g, False)
    assert client.get(other.get_absolute_url()).status_code == 403
    assert not SessionObserver.objects.filter(session=other).exists()
    assert Session.objects.get(pk=other.pk).observers_rev == before + 1
    allow(g, True)  # allowed again: the observers who were removed are not back
    assert client.get(other.get_absolute_url()).status_code == 403


def test_everyone_sees_who_observes_named_by_the_visibility_rule(client):
    g = Group()
    session = g.session()
    allow(g)
    organisation = OrganisationFactory()
    guest = UserFactory(profile="Vera Verborgen")
    for person in (g.facilitator, guest):
        community_services.membership_save(person=person, organisation=organisation, role=Membership.Role.STAFF)
    visibility_set(guest, Profile.Visibility.CONNECTIONS)
    observer_of(g, session, guest)

    as_(client, g.facilitator)  # a colleague: named
    assert "Vera Verborgen (waarnemer)" in client.get(session.get_absolute_url()).content.decode()
    as_(client, g.member)  # shares nothing with her: counted, not named
    html = client.get(session.get_absolute_url()).content.decode()
    assert "Vera Verborgen" not in html
    assert "1 waarnemer die zijn of haar profiel niet met jou deelt" in html
    assert selectors.observers_seen_by(session, g.member) == {"names": [], "hidden": 1}

    # The observer shares nothing with the presenter, who shows their profile to connections only.
    visibility_set(g.presenter, Profile.Visibility.CONNECTIONS)
    as_(client, guest)
    html = client.get(session.get_absolute_url()).content.decode()
    assert "Deelnemer (inbrenger)" in html and "Ine Inbrenger" not in html
    assert "Fien Begeleider (gespreksleider)" in html and "Vera Verborgen (waarnemer)" in html


def test_the_session_page_costs_the_same_with_one_observer_or_five(client, django_assert_max_num_queries):
    g = Group()
    session = g.session()
    allow(g)
    observer_of(g, session)
    to_phase(as_(client, g.facilitator), session, 2)
    as_(client, g.member)
    for index in range(5):
        contribute(client, session, f"Notitie {index}", client_id=f"n-{index}")
    with CaptureQueriesContext(connection) as one:
        assert client.get(session.get_absolute_url()).status_code == 200
    for _ in range(services.OBSERVERS_MAX - 1):
        observer_of(g, session, UserFactory())
    with django_assert_max_num_queries(len(one)):
        assert client.get(session.get_absolute_url()).status_code == 200


def test_the_observer_role_is_read_now_not_from_an_older_copy_of_the_session():
    g = Group()
    session = g.session()
    allow(g)
    guest = observer_of(g, session)
    stale = Session.objects.get(pk=session.pk)  # a socket's copy, from before the end
    services.session_start(actor=g.facilitator, session=session)
    services.session_end(actor=g.facilitator, session=session)
    access = permissions.session_access(guest, stale)
    assert not access.is_observer and not access.can_read
