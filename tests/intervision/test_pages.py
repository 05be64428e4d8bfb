"""Intervision sessions without JavaScript: planning, the case, running and the record through plain
pages, forms and page refreshes (intervision/views.py)."""

import datetime
import itertools
import zoneinfo

import pytest
from django.urls import reverse

from community.models import IntervisionGroup
from intervision import services
from intervision.models import ActionPoint, Contribution, Method, Session
from intervision.start import group_sessions_section
from tests.factories import UserFactory, group_add_member, group_create

pytestmark = pytest.mark.django_db

BRUSSELS = zoneinfo.ZoneInfo("Europe/Brussels")
_numbers = itertools.count(1)


class Group:
    """A group with a facilitator, a case presenter and two other members."""

    def __init__(self, visibility=IntervisionGroup.Visibility.CLOSED):
        self.facilitator = UserFactory(profile="Fien Begeleider")
        self.presenter = UserFactory(profile="Ine Inbrenger")
        self.member = UserFactory(profile="Mo Deelnemer")
        self.other = UserFactory(profile="Lena Lid")
        self.group = group_create(visibility=visibility, facilitator=self.facilitator, name=f"Groep {next(_numbers)}")
        for person in (self.presenter, self.member, self.other):
            group_add_member(self.group, person)

    def session(self, method_key="incident", **kwargs) -> Session:
        return services.session_plan(
            actor=self.facilitator,
            group=self.group,
            method=Method.objects.get(key=method_key, group__isnull=True),
            title=kwargs.pop("title", "Sessie over een incident"),
            planned_for=datetime.datetime.now(BRUSSELS) + datetime.timedelta(days=7),
            presenter=self.presenter,
            **kwargs,
        )


def as_(client, user):
    client.force_login(user)
    return client


def url(name, session, *args):
    return reverse(f"intervision:{name}", args=[session.pk, *args])


def control(client, session, action):
    session.refresh_from_db()
    return client.post(url("session_control", session), {"action": action, "phase": session.current_phase_id or ""})


def to_phase(client, session, position):
    """Start the session as the facilitator logged in with `client` and move to the phase at `position`."""
    assert control(client, session, "start").status_code == 302
    for _ in range(position):
        assert control(client, session, "next").status_code == 302
    session.refresh_from_db()
    assert session.current_phase.position == position
    return session


def contribute(client, session, text, client_id="b-1", **extra):
    return client.post(url("session_contribute", session), {"text": text, "client_id": client_id, **extra})


# Incident method: 0 intake, 1 questions (blind, others), 2 reconstruction, 3 analysis, 4 advice,
# 5 reflection (presenter), 6 agreements (action points). Gossip method: 2 is the gossip (others).
QUESTIONS, ADVICE, REFLECTION, ACTIONS, GOSSIP = 1, 4, 5, 6, 2


def test_a_facilitator_plans_a_session_through_the_form(client):
    g = Group()
    as_(client, g.member)
    plan_url = reverse("intervision:session_plan", args=[g.group.slug])
    assert client.get(plan_url).status_code == 403
    as_(client, g.facilitator)
    page = client.get(plan_url)
    assert page.status_code == 200 and "Ine Inbrenger" in page.content.decode()
    method = Method.objects.get(key="incident", group__isnull=True)
    data = {
        "title": "Een moeilijk gesprek",
        "method": method.pk,
        "planned_date": "2030-03-14",
        "planned_time": "19:30",
        "presenter": g.presenter.pk,
        "timekeeper": g.other.pk,
    }
    invalid = client.post(plan_url, {**data, "planned_time": ""})
    assert invalid.status_code == 400 and "Een moeilijk gesprek" in invalid.content.decode()
    response = client.post(plan_url, data)
    session = Session.objects.get(group=g.group)
    assert response.status_code == 302 and response["Location"] == session.get_absolute_url()
    assert session.planned_for == datetime.datetime(2030, 3, 14, 19, 30, tzinfo=BRUSSELS)
    assert (session.presenter, session.timekeeper, session.facilitator) == (g.presenter, g.other, g.facilitator)
    assert session.phases.count() == method.phases.count()
    group_page = client.get(g.group.get_absolute_url()).content.decode()
    assert session.get_absolute_url() in group_page and plan_url in group_page


def test_the_group_page_section_asks_the_database_at_most_twice(rf, django_assert_max_num_queries):
    from community.permissions import group_access

    g = Group()
    for _ in range(3):
        g.session()
    request = rf.get("/")
    access = group_access(g.member, g.group)
    with django_assert_max_num_queries(2):
        section = group_sessions_section(request, g.group, access)
    assert len(section.context["upcoming"]) == 3 and not section.context["can_plan"]
    outsider = group_access(UserFactory(), g.group)
    assert "upcoming" not in group_sessions_section(request, g.group, outsider).context


def test_the_case_is_read_by_the_presenter_and_facilitators_only_until_the_start(client):
    g = Group()
    session = g.session()
    as_(client, g.member)
    assert client.get(url("session_case", session)).status_code == 403
    as_(client, g.presenter)
    case = "Een moeder komt elke week met een andere vraag naar het consultatiebureau."
    response = client.post(url("session_case", session), {"case_text": case})
    assert response.status_code == 302
    assert case in client.get(session.get_absolute_url()).content.decode()
    as_(client, g.member)
    assert case not in client.get(session.get_absolute_url()).content.decode()
    as_(client, g.facilitator)
    assert case in client.get(session.get_absolute_url()).content.decode()
    control(client, session, "start")
    as_(client, g.member)
    assert case in client.get(session.get_absolute_url()).content.decode()


def test_outsiders_of_a_secret_group_get_404_and_non_members_of_a_closed_group_403(client):
    secret = Group(IntervisionGroup.Visibility.SECRET)
    session = secret.session()
    urls = [url(name, session) for name in ("session", "session_case", "session_record")]
    posts = [url(name, session) for name in ("session_control", "session_contribute", "session_action_point")]
    posts += [url("session_advice_take", session, 1), url("session_follow_up", session, 1)]
    group_urls = [
        reverse("intervision:session_plan", args=[secret.group.slug]),
        reverse("intervision:methods", args=[secret.group.slug]),
    ]
    for anonymous_url in urls + group_urls:
        assert client.get(anonymous_url).status_code == 404
    as_(client, UserFactory())
    for page_url in urls + group_urls:
        assert client.get(page_url).status_code == 404, page_url
    for post_url in posts:
        assert client.post(post_url, {"action": "start", "text": "x", "client_id": "a"}).status_code == 404, post_url

    closed = Group()
    closed_session = closed.session()
    for name in ("session", "session_case", "session_record"):
        response = client.get(url(name, closed_session))
        assert response.status_code == 403
        assert "Alleen de leden van de groep nemen deel aan haar sessies." in response.content.decode()
    assert client.get(reverse("intervision:methods", args=[closed.group.slug])).status_code == 403
    assert client.post(url("session_control", closed_session), {"action": "start"}).status_code == 403
    closed_session.refresh_from_db()
    assert closed_session.status == Session.Status.PLANNED
    client.logout()
    response = client.get(closed_session.get_absolute_url())
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_facilitator_runs_the_phases_with_buttons(client):
    g = Group()
    session = g.session()
    as_(client, g.member)
    assert control(client, session, "start").status_code == 403
    as_(client, g.facilitator)
    page = client.get(session.get_absolute_url()).content.decode()
    assert 'value="start"' in page and 'value="next"' not in page
    to_phase(client, session, 2)
    stale = client.post(url("session_control", session), {"action": "next", "phase": session.phases.first().pk})
    assert stale.status_code == 409  # a second press of a button on an old page moves nothing
    session.refresh_from_db()
    assert session.current_phase.position == 2
    assert control(client, session, "back").status_code == 302
    session.refresh_from_db()
    page = client.get(session.get_absolute_url()).content.decode()
    assert f'aria-current="step"><strong>{session.current_phase.name}</strong>' in page
    assert "Eindigt om" in page
    control(client, session, "pause")
    session.refresh_from_db()
    assert session.status == Session.Status.PAUSED
    assert "Gepauzeerd" in client.get(session.get_absolute_url()).content.decode()
    control(client, session, "resume")
    control(client, session, "extend")
    session.refresh_from_db()
    assert session.status == Session.Status.LIVE and session.current_phase.extended_minutes == 5
    control(client, session, "end")
    session.refresh_from_db()
    assert session.status == Session.Status.ENDED


def test_blind_questions_show_as_a_count_until_revealed(client):
    g = Group()
    session = g.session()
    to_phase(as_(client, g.facilitator), session, QUESTIONS)
    as_(client, g.member)
    question = "Wat zei de moeder precies toen ze binnenkwam?"
    assert contribute(client, session, question).status_code == 302
    assert question in client.get(session.get_absolute_url()).content.decode()  # the author reads their own
    as_(client, g.other)
    page = client.get(session.get_absolute_url()).content.decode()
    assert question not in page and "1 vraag verzameld" in page
    as_(client, g.facilitator)
    assert control(client, session, "reveal").status_code == 302
    as_(client, g.other)
    page = client.get(session.get_absolute_url()).content.decode()
    assert question in page and "Mo Deelnemer" in page


def test_the_presenter_cannot_write_in_the_gossip_phase_and_keeps_the_text(client):
    g = Group()
    session = g.session("roddel")
    to_phase(as_(client, g.facilitator), session, GOSSIP)
    as_(client, g.presenter)
    page = client.get(session.get_absolute_url()).content.decode()
    assert url("session_contribute", session) not in page
    text = "Ik wil hier toch iets op zeggen."
    response = contribute(client, session, text)
    assert response.status_code == 403
    html = response.content.decode()
    assert "Dit is niet bewaard" in html and text in html
    assert not Contribution.objects.filter(session=session).exists()
    as_(client, g.member)
    assert contribute(client, session, "Ik denk dat ze twijfelt.").status_code == 302


def test_advice_taken_by_the_presenter_shows_on_the_record(client):
    g = Group()
    session = g.session()
    to_phase(as_(client, g.facilitator), session, ADVICE)
    as_(client, g.member)
    contribute(client, session, "Spreek een vast moment per week af.", client_id="a-1")
    contribute(client, session, "Vraag een collega mee.", client_id="a-2")
    taken, _other = Contribution.objects.filter(session=session).order_by("seq")
    as_(client, g.member)
    assert client.post(url("session_advice_take", session, taken.pk), {"taken": "on"}).status_code == 403
    as_(client, g.presenter)
    assert "Dit advies overnemen" in client.get(session.get_absolute_url()).content.decode()
    assert client.post(url("session_advice_take", session, taken.pk), {"taken": "on"}).status_code == 302
    taken.refresh_from_db()
    assert taken.taken
    as_(client, g.facilitator)
    control(client, session, "next")  # the reflection
    as_(client, g.presenter)
    contribute(client, session, "Ik neem het vaste moment mee.", client_id="r-1")
    as_(client, g.facilitator)
    control(client, session, "end")
    as_(client, g.other)
    record = client.get(url("session_record", session)).content.decode()
    assert "Spreek een vast moment per week af." in record and "Vraag een collega mee." not in record
    assert "Ik neem het vaste moment mee." in record


def test_an_action_point_comes_back_in_the_groups_next_session(client):
    g = Group()
    session = g.session()
    to_phase(as_(client, g.facilitator), session, ACTIONS)
    as_(client, g.member)
    page = client.get(session.get_absolute_url()).content.decode()
    assert url("session_action_point", session) in page and url("session_contribute", session) not in page
    response = client.post(
        url("session_action_point", session), {"who": "Ine", "what": "Een vast moment inplannen", "due": "2030-01-10"}
    )
    assert response.status_code == 302
    point = ActionPoint.objects.get(session=session)
    assert point.due == datetime.date(2030, 1, 10)
    as_(client, g.facilitator)
    control(client, session, "end")
    following = g.session(title="De volgende sessie")
    as_(client, g.other)
    page = client.get(following.get_absolute_url()).content.decode()
    assert "Een vast moment inplannen" in page and "Hoe is het verder gegaan?" in page
    prefix = f"punt-{point.pk}"
    response = client.post(
        url("session_follow_up", following, point.pk), {f"{prefix}-done": "on", f"{prefix}-note": "Het loopt goed."}
    )
    assert response.status_code == 302
    point.refresh_from_db()
    assert point.done_at is not None and point.followed_up_in == following
    record = client.get(url("session_record", session)).content.decode()
    assert "Het loopt goed." in record


def test_a_text_with_a_phone_number_is_saved_only_when_confirmed(client):
    g = Group()
    session = g.session()
    to_phase(as_(client, g.facilitator), session, 2)
    as_(client, g.member)
    text = "Ze belde me op 0470 12 34 56 om het te vertellen."
    response = contribute(client, session, text, client_id="t-1")
    html = response.content.decode()
    assert response.status_code == 400
    assert text in html and "0470 12 34 56" in html
    assert "Ik heb dit nagekeken: toch bewaren" in html
    assert not Contribution.objects.filter(session=session).exists()
    response = contribute(client, session, text, client_id="t-1", confirmed="on")
    assert response.status_code == 302
    assert Contribution.objects.get(session=session).text == text


def test_the_case_with_identifiers_needs_the_checkbox_too(client):
    g = Group()
    session = g.session()
    as_(client, g.presenter)
    case = "Mail de moeder op moeder@voorbeeld.be."
    response = client.post(url("session_case", session), {"case_text": case})
    assert response.status_code == 400 and case in response.content.decode()
    session.refresh_from_db()
    assert session.case_text == ""
    assert client.post(url("session_case", session), {"case_text": case, "confirmed": "on"}).status_code == 302
    session.refresh_from_db()
    assert session.case_text == case


def test_a_form_sent_twice_stores_one_contribution(client):
    g = Group()
    session = g.session()
    to_phase(as_(client, g.facilitator), session, 2)
    as_(client, g.member)
    page = client.get(session.get_absolute_url())
    client_id = page.context["contribution_form"].initial["client_id"]
    for _ in range(2):  # a double click, or the browser sending the form again
        assert contribute(client, session, "Het begon al vroeger.", client_id=client_id).status_code == 302
    assert Contribution.objects.filter(session=session).count() == 1


def test_a_facilitator_copies_and_adapts_a_method(client):
    g = Group()
    as_(client, g.member)
    methods_url = reverse("intervision:methods", args=[g.group.slug])
    page = client.get(methods_url).content.decode()
    assert "Incidentmethode" in page and "Kopiëren en aanpassen" not in page
    shipped = Method.objects.get(key="incident", group__isnull=True)
    copy_url = reverse("intervision:method_copy", args=[g.group.slug, shipped.pk])
    assert client.post(copy_url).status_code == 403
    as_(client, g.facilitator)
    response = client.post(copy_url)
    copy = Method.objects.get(group=g.group)
    edit_url = reverse("intervision:method_edit", args=[g.group.slug, copy.pk])
    assert response.status_code == 302 and response["Location"] == edit_url
    phases = list(copy.phases.all())
    data = {
        "name": "Incident kort",
        "description": "Onze versie",
        "fasen-TOTAL_FORMS": str(len(phases) + 1),
        "fasen-INITIAL_FORMS": str(len(phases)),
        "fasen-MIN_NUM_FORMS": "0",
        "fasen-MAX_NUM_FORMS": "1000",
    }
    for index, phase in enumerate(phases):
        data |= {
            f"fasen-{index}-name": phase.name,
            f"fasen-{index}-purpose": phase.purpose,
            f"fasen-{index}-minutes": str(phase.minutes),
            f"fasen-{index}-speakers": phase.speakers,
            f"fasen-{index}-collects": phase.collects,
            f"fasen-{index}-ORDER": str(index + 1),
        }
    data["fasen-0-ORDER"] = "99"  # the intake last
    data["fasen-1-minutes"] = "25"
    data["fasen-2-DELETE"] = "on"
    extra = len(phases)
    data |= {
        f"fasen-{extra}-name": "Afsluiter",
        f"fasen-{extra}-minutes": "3",
        f"fasen-{extra}-speakers": "everyone",
        f"fasen-{extra}-collects": "nothing",
        f"fasen-{extra}-ORDER": "50",
    }
    assert client.get(edit_url).status_code == 200
    assert client.post(edit_url, {**data, "fasen-1-minutes": "0"}).status_code == 400
    assert client.post(edit_url, data).status_code == 302
    copy.refresh_from_db()
    names = [phase.name for phase in copy.phases.all()]
    assert copy.name == "Incident kort"
    assert names == [phases[1].name, *[phase.name for phase in phases[3:]], "Afsluiter", phases[0].name]
    assert copy.phases.get(name=phases[1].name).minutes == 25
    shipped_edit = reverse("intervision:method_edit", args=[g.group.slug, shipped.pk])
    assert client.get(shipped_edit).status_code == 404
