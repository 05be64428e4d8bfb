"""The rules of a session, through its services (intervision/services.py): planning, the phase
clock, who may write in which phase, blind questions, advice, action points and their follow-up,
identifiers in case texts, retention."""

import itertools
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from community.models import IntervisionGroup, Notification
from intervision import permissions, services
from intervision.methods import METHODS
from intervision.models import ActionPoint, Collects, Contribution, Method, Session
from tests.factories import UserFactory, group_add_member, group_create

pytestmark = pytest.mark.django_db
_ids = itertools.count(1)


class Circle:
    """A group with a facilitator, a presenter and two members, and a session with a method."""

    def __init__(self, method_key="incident", visibility=IntervisionGroup.Visibility.CLOSED):
        self.facilitator = UserFactory(profile="Greet Begeleider")
        self.presenter = UserFactory(profile="Ilse Inbrenger")
        self.anna, self.bart = UserFactory(profile="Anna"), UserFactory(profile="Bart")
        self.group = group_create(visibility=visibility, facilitator=self.facilitator, name=f"Groep {next(_ids)}")
        for person in (self.presenter, self.anna, self.bart):
            group_add_member(self.group, person)
        self.method = Method.objects.get(key=method_key, group__isnull=True)
        self.session = services.session_plan(
            actor=self.facilitator,
            group=self.group,
            method=self.method,
            title="Casus van Ilse",
            planned_for=timezone.now() + timedelta(days=1),
            presenter=self.presenter,
            timekeeper=self.bart,
        )

    def refresh(self) -> Session:
        self.session = Session.objects.select_related("current_phase", "group").get(pk=self.session.pk)
        return self.session

    def to_phase(self, collects: str, *, after: int = 0) -> None:
        """Start if needed and move to the first (or the after-th next) phase that collects this."""
        if self.refresh().status == Session.Status.PLANNED:
            services.session_start(actor=self.facilitator, session=self.session)
        seen = 0
        while True:
            phase = self.refresh().current_phase
            if phase.collects == collects:
                if seen == after:
                    return
                seen += 1
            services.session_move(actor=self.facilitator, session=self.session, to="next")

    def write(self, person, text, **kwargs):
        kwargs.setdefault("client_id", f"c-{next(_ids)}")
        return services.contribution_add(actor=person, session=self.session, text=text, **kwargs)


def test_every_shipped_method_is_there_with_its_phases_in_order():
    names = {key: [phase.name for phase in Method.objects.get(key=key).phases.all()] for key in METHODS}
    assert names["incident"][:6] == [
        "Intake van het incident",
        "Verhelderingsvragen",
        "Reconstructie",
        "Analyse",
        "Advies",
        "Reflectie",
    ]
    assert "Roddelen" in names["roddel"]
    assert len(names["tien-stappen"]) == 10
    assert set(METHODS) == {"incident", "roddel", "balint", "tien-stappen", "vrij"}


def test_a_plan_copies_the_phases_so_adapting_the_method_later_changes_no_session():
    circle = Circle()
    copy = services.method_copy(actor=circle.facilitator, method=circle.method, group=circle.group)
    phases = [
        {
            "name": phase.name,
            "purpose": phase.purpose,
            "minutes": 3,
            "speakers": phase.speakers,
            "collects": phase.collects,
        }
        for phase in copy.phases.all()
    ][::-1]
    services.method_update(actor=circle.facilitator, method=copy, name="Kort", description="", phases=phases)
    assert [phase.minutes for phase in copy.phases.all()] == [3] * len(phases)
    assert copy.phases.first().name == "Afspraken"  # reordered
    assert circle.session.phases.first().name == "Intake van het incident"
    assert circle.session.phases.first().minutes == 10


def test_only_the_groups_facilitators_plan_and_adapt():
    circle = Circle()
    with pytest.raises(PermissionDenied):
        services.method_copy(actor=circle.anna, method=circle.method, group=circle.group)
    with pytest.raises(PermissionDenied):
        services.session_plan(
            actor=circle.anna,
            group=circle.group,
            method=circle.method,
            title="x",
            planned_for=timezone.now(),
            presenter=circle.anna,
        )
    outsider = UserFactory()
    with pytest.raises(ValidationError) as refused:
        services.session_plan(
            actor=circle.facilitator,
            group=circle.group,
            method=circle.method,
            title="x",
            planned_for=timezone.now(),
            presenter=outsider,
        )
    assert refused.value.code == "not_a_member"
    other_group = Circle()
    own = services.method_copy(actor=other_group.facilitator, method=other_group.method, group=other_group.group)
    with pytest.raises(ValidationError):  # another group's method
        services.session_plan(
            actor=circle.facilitator,
            group=circle.group,
            method=own,
            title="x",
            planned_for=timezone.now(),
            presenter=circle.presenter,
        )
    with pytest.raises(PermissionDenied):  # the shipped methods change only in the code
        services.method_update(actor=circle.facilitator, method=circle.method, name="x", description="", phases=[])


def test_the_case_intake_is_a_draft_for_presenter_and_facilitator_until_the_start():
    circle = Circle()
    services.session_case_save(actor=circle.presenter, session=circle.session, text="Een moeder komt niet meer.")
    assert permissions.session_access(circle.facilitator, circle.refresh()).can_read_case
    assert not permissions.session_access(circle.anna, circle.session).can_read_case
    with pytest.raises(PermissionDenied):
        services.session_case_save(actor=circle.anna, session=circle.session, text="Niet de mijne")
    services.session_start(actor=circle.facilitator, session=circle.session)
    assert permissions.session_access(circle.anna, circle.refresh()).can_read_case


def test_identifiers_in_a_case_are_flagged_and_saved_only_when_confirmed():
    circle = Circle()
    text = "Mama Fatima belt ons op 0475 12 34 56."
    with pytest.raises(services.IdentifiersFound) as flagged:
        services.session_case_save(actor=circle.presenter, session=circle.session, text=text)
    assert flagged.value.code == "identifiers" and flagged.value.findings
    assert circle.refresh().case_text == ""
    services.session_case_save(actor=circle.presenter, session=circle.session, text=text, confirmed=True)
    assert circle.refresh().case_text == text


def test_the_phase_clock_is_the_servers_start_pause_extend_resume_back_and_end():
    circle = Circle()
    before = timezone.now()
    session = services.session_start(actor=circle.facilitator, session=circle.session)
    first = circle.refresh().current_phase
    assert session.status == Session.Status.LIVE and first.name == "Intake van het incident"
    assert before + timedelta(minutes=10) <= session.phase_ends_at <= timezone.now() + timedelta(minutes=10)
    # The timekeeper pauses, extends and resumes; a member cannot.
    with pytest.raises(PermissionDenied):
        services.session_pause(actor=circle.anna, session=circle.session)
    services.session_pause(actor=circle.bart, session=circle.session)
    paused = circle.refresh()
    assert paused.status == Session.Status.PAUSED and 590 <= paused.paused_left <= 600 and paused.phase_ends_at is None
    services.session_extend(actor=circle.bart, session=circle.session, minutes=5)
    assert circle.refresh().paused_left >= 890
    services.session_resume(actor=circle.bart, session=circle.session)
    resumed = circle.refresh()
    assert resumed.status == Session.Status.LIVE
    assert resumed.phase_ends_at >= timezone.now() + timedelta(seconds=880)
    with pytest.raises(PermissionDenied):  # the timekeeper keeps time, the facilitator leads
        services.session_move(actor=circle.bart, session=circle.session, to="next")
    services.session_move(actor=circle.facilitator, session=circle.session, to="next")
    assert circle.refresh().current_phase.name == "Verhelderingsvragen"
    services.session_move(actor=circle.facilitator, session=circle.session, to="back")
    assert circle.refresh().current_phase.pk == first.pk
    with pytest.raises(ValidationError):
        services.session_move(actor=circle.facilitator, session=circle.session, to="back")
    services.session_end(actor=circle.facilitator, session=circle.session)
    ended = circle.refresh()
    assert ended.status == Session.Status.ENDED and ended.current_phase is None
    with pytest.raises(PermissionDenied):
        services.session_move(actor=circle.facilitator, session=circle.session, to="next")


def test_moving_past_the_last_phase_ends_the_session_and_each_phase_keeps_its_time():
    circle = Circle(method_key="vrij")
    services.session_start(actor=circle.facilitator, session=circle.session)
    services.session_move(actor=circle.facilitator, session=circle.session, to="next")
    services.session_move(actor=circle.facilitator, session=circle.session, to="next")
    assert circle.refresh().status == Session.Status.ENDED
    assert all(phase.started_at is None for phase in circle.session.phases.all())


def test_starting_tells_the_group_only_that_a_session_starts():
    circle = Circle()
    services.session_case_save(actor=circle.presenter, session=circle.session, text="Geheime casus")
    services.session_start(actor=circle.facilitator, session=circle.session)
    texts = set(
        Notification.objects.filter(recipient=circle.anna, url=circle.session.get_absolute_url()).values_list(
            "text", flat=True
        )
    )
    assert texts == {f"Er start een sessie van {circle.group.name}."}
    assert not Notification.objects.filter(text__contains="Geheime").exists()
    assert not Notification.objects.filter(recipient=circle.facilitator, url=circle.session.get_absolute_url()).exists()


def test_questions_are_blind_until_revealed():
    circle = Circle()
    circle.to_phase(Collects.QUESTIONS)
    question = circle.write(circle.anna, "Hoe oud is het kind?")
    assert question.kind == Collects.QUESTIONS
    bart = permissions.session_access(circle.bart, circle.refresh())
    assert not bart.may_read(question)
    assert permissions.session_access(circle.anna, circle.session).may_read(question)
    assert permissions.session_access(circle.facilitator, circle.session).may_read(question)
    rev_before = circle.session.last_rev
    services.questions_reveal(actor=circle.facilitator, session=circle.session)
    question.refresh_from_db()
    assert question.rev > rev_before  # a sync after the old rev brings it
    assert permissions.session_access(circle.bart, circle.refresh()).may_read(
        Contribution.objects.select_related("phase").get(pk=question.pk)
    )


def test_the_presenter_cannot_write_in_a_phase_for_the_others():
    circle = Circle(method_key="roddel")
    circle.to_phase(Collects.NOTES)  # Roddelen: the others talk, the presenter reads
    assert circle.refresh().current_phase.name == "Roddelen"
    with pytest.raises(ValidationError) as refused:
        circle.write(circle.presenter, "Mag ik iets zeggen?")
    assert refused.value.code == "not_in_this_phase"
    circle.write(circle.anna, "Ik vermoed dat de moeder zich schaamt.")
    assert permissions.session_access(circle.presenter, circle.session).may_read(Contribution.objects.get())


def test_only_the_presenter_writes_the_reflection_and_nobody_writes_where_the_group_talks():
    circle = Circle()
    services.session_start(actor=circle.facilitator, session=circle.session)
    with pytest.raises(ValidationError) as refused:  # the intake: the presenter talks, nothing is collected
        circle.write(circle.presenter, "Dit is mijn incident")
    assert refused.value.code == "not_in_this_phase"
    circle.to_phase(Collects.REFLECTION)
    with pytest.raises(ValidationError):
        circle.write(circle.anna, "Mijn reflectie")
    assert circle.write(circle.presenter, "Ik neem mee dat ik sneller mag bellen.").kind == Collects.REFLECTION


def test_advice_cards_and_the_advice_the_presenter_takes():
    circle = Circle()
    circle.to_phase(Collects.ADVICE)
    card = circle.write(circle.anna, "Spreek af in het consultatiebureau zelf.")
    with pytest.raises(PermissionDenied):
        services.advice_take(actor=circle.anna, contribution=card, taken=True)
    services.advice_take(actor=circle.presenter, contribution=card, taken=True)
    card.refresh_from_db()
    assert card.taken


def test_a_contribution_sent_twice_is_stored_once_and_numbers_have_no_gaps():
    circle = Circle()
    circle.to_phase(Collects.NOTES)
    first = circle.write(circle.anna, "Eerste", client_id="zelfde")
    again = circle.write(circle.anna, "Eerste", client_id="zelfde")
    second = circle.write(circle.bart, "Tweede")
    assert first.pk == again.pk
    assert [c.seq for c in Contribution.objects.order_by("seq")] == [first.seq, second.seq] == [1, 2]


def test_nothing_is_written_while_paused_or_before_the_start_and_the_refusal_says_why():
    circle = Circle()
    with pytest.raises(ValidationError) as refused:
        circle.write(circle.anna, "Te vroeg")
    assert refused.value.code == "not_running"
    circle.to_phase(Collects.NOTES)
    services.session_pause(actor=circle.facilitator, session=circle.session)
    with pytest.raises(ValidationError) as refused:
        circle.write(circle.anna, "Tijdens de pauze")
    assert refused.value.code == "paused"


def test_outsiders_cannot_read_or_write_and_a_secret_groups_session_does_not_exist_for_them():
    circle = Circle(visibility=IntervisionGroup.Visibility.SECRET)
    circle.to_phase(Collects.NOTES)
    outsider = UserFactory()
    access = permissions.session_access(outsider, circle.session)
    assert not access.can_read and access.is_hidden
    with pytest.raises(Session.DoesNotExist):
        circle.write(outsider, "Hallo")
    closed = Circle()
    closed.to_phase(Collects.NOTES)
    with pytest.raises(PermissionDenied):
        closed.write(outsider, "Hallo")


def test_action_points_are_agreed_in_their_phase_and_followed_up_at_the_next_session():
    circle = Circle()
    with pytest.raises(PermissionDenied):
        services.action_point_add(actor=circle.anna, session=circle.session, who="Ilse", what="Bellen")
    circle.to_phase(Collects.ACTIONS)
    with pytest.raises(ValidationError) as refused:
        circle.write(circle.anna, "Een gewoon bericht")
    assert refused.value.code == "use_action_points"
    due = timezone.localdate() + timedelta(days=14)
    point = services.action_point_add(
        actor=circle.anna, session=circle.session, who="Ilse", what="Huisbezoek voorstellen", due=due
    )
    services.session_end(actor=circle.facilitator, session=circle.session)
    next_session = services.session_plan(
        actor=circle.facilitator,
        group=circle.group,
        method=circle.method,
        title="Volgende",
        planned_for=timezone.now() + timedelta(days=28),
        presenter=circle.anna,
    )
    with pytest.raises(ValidationError) as refused:  # a session does not follow itself up
        services.action_point_follow_up(actor=circle.presenter, point=point, done=True, in_session=circle.session)
    assert refused.value.code == "not_a_follow_up"
    services.action_point_follow_up(
        actor=circle.presenter, point=point, done=True, note="Het huisbezoek liep goed.", in_session=next_session
    )
    point.refresh_from_db()
    assert point.done_at and point.follow_up == "Het huisbezoek liep goed." and point.followed_up_in == next_session
    assert not point.is_open


def test_retention_removes_case_texts_and_keeps_the_records_structure():
    circle = Circle()
    services.session_case_save(actor=circle.presenter, session=circle.session, text="De casus")
    circle.to_phase(Collects.QUESTIONS)
    circle.write(circle.anna, "Een vraag")
    circle.to_phase(Collects.ACTIONS)
    services.action_point_add(actor=circle.anna, session=circle.session, who="Ilse", what="Bellen")
    services.session_end(actor=circle.facilitator, session=circle.session)
    assert services.sessions_retention_apply(now=timezone.now() + timedelta(days=300)) == 0
    assert services.sessions_retention_apply(now=timezone.now() + timedelta(days=400)) == 1
    session = circle.refresh()
    assert session.case_text == "" and session.content_removed_at is not None
    assert list(Contribution.objects.values_list("text", flat=True)) == [""]
    assert ActionPoint.objects.get().what == "Bellen"
    assert session.phases.count() == circle.method.phases.count()
    assert services.sessions_retention_apply(now=timezone.now() + timedelta(days=800)) == 0
