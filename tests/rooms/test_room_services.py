"""Every rule of discussion rooms, through the services the views and sockets call."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.test import override_settings

from community import services
from community.models import IntervisionGroup, Notification, Profile
from knowledge.models import LifeDomain
from realtime.models import Presence
from rooms import permissions as room_permissions
from rooms import selectors as selectors
from rooms import services as room_services
from rooms.models import Message, MessageRevision, ModerationAction, Report, Room, RoomMember
from tests.factories import UserFactory, group_create
from tests.rooms.support import committed, group_room, heard, post, thematic_room

pytestmark = pytest.mark.django_db


def test_every_life_domain_has_its_thematic_room_and_every_group_its_room():
    assert LifeDomain.objects.count() == 10
    assert Room.objects.filter(kind=Room.Kind.PUBLIC, life_domain__isnull=False).count() == 10
    group = group_create()
    assert Room.objects.get(group=group).kind == Room.Kind.GROUP
    assert room_services.rooms_ensure() == 0  # idempotent


def test_messages_get_gap_free_sequence_numbers_and_revisions():
    room, author = thematic_room(), UserFactory()
    messages = [post(room, author, f"bericht {n}") for n in range(5)]
    assert [m.seq for m in messages] == [1, 2, 3, 4, 5]
    assert [m.rev for m in messages] == [1, 2, 3, 4, 5]
    room.refresh_from_db()
    assert (room.last_seq, room.last_rev) == (5, 5)
    room_services.room_message_edit(actor=author, message=messages[0], body="aangepast")
    room.refresh_from_db()
    assert (room.last_seq, room.last_rev) == (5, 6)


def test_a_rolled_back_post_gives_its_number_back():
    room, author = thematic_room(), UserFactory()
    post(room, author)
    with pytest.raises(RuntimeError), transaction.atomic():
        post(room, author)
        raise RuntimeError
    assert post(room, author).seq == 2


def test_a_retry_with_the_same_client_id_returns_the_stored_message():
    room, author = thematic_room(), UserFactory()
    first = post(room, author, "Eén keer", client_id="abc")
    again = post(room, author, "Eén keer", client_id="abc")
    assert again.pk == first.pk
    assert Message.objects.filter(room=room).count() == 1
    # The retry took the room's next numbers under its lock and gave them back.
    room.refresh_from_db()
    assert (room.last_seq, room.last_rev) == (first.seq, first.rev)
    assert post(room, author, "Daarna", client_id="def").seq == first.seq + 1
    other = UserFactory()
    assert post(room, other, "Zelfde sleutel, andere persoon", client_id="abc").pk != first.pk


@pytest.mark.parametrize("client_id", ["", "x" * 65, 12])
def test_client_id_is_required(client_id):
    with pytest.raises(ValidationError) as error:
        post(thematic_room(), UserFactory(), client_id=client_id)
    assert error.value.code == "invalid_field"


def test_length_and_empty_messages_are_refused_with_clear_errors():
    room, author = thematic_room(), UserFactory()
    with pytest.raises(ValidationError) as error:
        post(room, author, "x" * 4001)
    assert error.value.code == "too_long"
    assert "4.000" in error.value.messages[0]
    with pytest.raises(ValidationError) as error:
        post(room, author, "  \n ")
    assert error.value.code == "empty"
    assert post(room, author, "x" * 4000).seq == 1


@override_settings(SAMENHUIS_ROOM_RATE_LIMIT=(3, 10))
def test_rate_limit_per_person_is_configurable_and_says_how_long_to_wait():
    room, author = thematic_room(), UserFactory()
    for _ in range(3):
        post(room, author)
    with pytest.raises(room_services.RateLimited) as error:
        post(room, author)
    assert 1 <= error.value.retry_after <= 10
    assert error.value.code == "rate_limited"
    post(room, UserFactory())  # someone else is not limited
    # A retry of a stored post is answered with it, limit or not.
    stored = Message.objects.filter(room=room, author=author).earliest("seq")
    assert post(room, author, client_id=stored.client_id).pk == stored.pk


def test_markdown_subset_is_rendered_and_sanitised():
    room, author = thematic_room(), UserFactory()
    message = post(
        room,
        author,
        "**vet** en *schuin* <script>alert(1)</script> www.kindengezin.be ![foto](https://elders.be/x.png)"
        " [gevaar](javascript:alert(1))",
    )
    html = message.body_html
    assert "<strong>vet</strong>" in html and "<em>schuin</em>" in html
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert '<a href="http://www.kindengezin.be" rel="nofollow noopener">' in html
    assert "<img" not in html and '<a href="https://elders.be/x.png" rel="nofollow noopener">foto</a>' in html
    assert "javascript:" not in html.replace("[gevaar](javascript:alert(1))", "")


def test_replies_are_one_level_deep_and_counted():
    room, author, other = thematic_room(), UserFactory(), UserFactory()
    question = post(room, author, "Vraag")
    answer = post(room, other, "Antwoord", parent_seq=question.seq)
    answer_to_answer = post(room, author, "Dank", parent_seq=answer.seq)
    assert answer.parent_id == question.pk and answer_to_answer.parent_id == question.pk
    question.refresh_from_db()
    assert question.reply_count == 2
    assert question.rev == answer_to_answer.rev  # the count changed with the last reply
    parent, replies = selectors.thread(room, answer.seq)
    assert parent.pk == question.pk and [r.seq for r in replies] == [2, 3]
    page, has_more = selectors.messages_before(room)
    assert [m.seq for m in page] == [1] and not has_more
    with pytest.raises(ValidationError) as error:
        post(room, author, "?", parent_seq=99)
    assert error.value.code == "not_found"


def test_edit_keeps_the_history_and_marks_the_message():
    room, author = thematic_room(), UserFactory()
    message = post(room, author, "eerst")
    edited = room_services.room_message_edit(actor=author, message=message, body="daarna")
    assert edited.body == "daarna" and edited.edited_at is not None
    assert list(MessageRevision.objects.filter(message=message).values_list("body", flat=True)) == ["eerst"]
    assert selectors.message_payload(edited)["edited"] is True
    with pytest.raises(PermissionDenied):
        room_services.room_message_edit(actor=UserFactory(), message=edited, body="niet van jou")


def test_delete_is_soft_and_moderators_still_see_the_original():
    room, author = thematic_room(), UserFactory()
    message = post(room, author, "Oeps, verkeerde groep")
    with pytest.raises(PermissionDenied):
        room_services.room_message_delete(actor=UserFactory(), message=message)
    deleted = room_services.room_message_delete(actor=author, message=message)
    reader_view = selectors.message_payload(deleted)
    assert reader_view["deleted"] and reader_view["body_html"] == "" and "original_html" not in reader_view
    assert "Oeps" in selectors.message_payload(deleted, moderator=True)["original_html"]
    assert Message.objects.filter(pk=message.pk).exists()


def test_reactions_toggle_from_a_fixed_set():
    room, author, fan = thematic_room(), UserFactory(), UserFactory()
    message = post(room, author)
    message = room_services.room_message_react(actor=fan, message=message, emoji="👍")
    assert selectors.message_payload(message)["reactions"] == [{"emoji": "👍", "count": 1, "people": [fan.pk]}]
    message = room_services.room_message_react(actor=fan, message=message, emoji="👍")
    assert selectors.message_payload(message)["reactions"] == []
    with pytest.raises(ValidationError):
        room_services.room_message_react(actor=fan, message=message, emoji="🐍")


def test_mentions_only_name_people_who_may_read_the_room(django_capture_on_commit_callbacks):
    facilitator, member, outsider = (
        UserFactory(profile="Fien Faciliteert"),
        UserFactory(profile="Mo Lid"),
        UserFactory(profile="Olaf Buiten"),
    )
    room = group_room(facilitator=facilitator, members=[member])
    with django_capture_on_commit_callbacks(execute=True):
        message = post(room, facilitator, "Wat denk jij, @**Mo Lid**? En @**Olaf Buiten**?")
    assert set(message.mentions.all()) == {member}
    assert f'<span data-person="{member.pk}">@Mo Lid</span>' in message.body_html
    assert "@<strong>Olaf Buiten</strong>" in message.body_html
    assert Notification.objects.filter(recipient=member, text__contains="noemde je").exists()
    assert not Notification.objects.filter(recipient=outsider).exists()
    # Mo had no socket open: the mention also went by e-mail.
    assert [m.to for m in mail.outbox if "noemde je" in m.body] == [[member.email]]


def test_namesakes_are_told_apart_by_the_id_the_autocomplete_writes():
    room, author = thematic_room(), UserFactory(profile="Auteur")
    first, second = UserFactory(profile="Anna Peeters"), UserFactory(profile="Anna Peeters")
    with committed():
        message = post(room, author, f"Dag @**Anna Peeters|{second.pk}**, en @**Niemand|{first.pk + second.pk + 99}**")
    assert set(message.mentions.all()) == {second}
    assert message.body_html == (
        f'<p>Dag <span data-person="{second.pk}">@Anna Peeters</span>, en @<strong>Niemand</strong></p>'
    )
    # The id decides, and the span shows that person's own name; digits that are not ASCII are text.
    with committed():
        renamed = post(room, author, f"Hoi @**Iemand anders|{first.pk}** en @**Ben|²**")
    assert f'<span data-person="{first.pk}">@Anna Peeters</span>' in renamed.body_html
    assert "@<strong>Ben|²</strong>" in renamed.body_html
    # Written by hand, without an id, the name reaches every reader who carries it.
    with committed():
        by_hand = post(room, author, "Dag @**anna peeters**")
    assert set(by_hand.mentions.all()) == {first, second}
    assert Notification.objects.filter(recipient=first).count() == 2
    assert Notification.objects.filter(recipient=second).count() == 2


def test_an_edit_tells_only_the_people_it_newly_mentions(django_capture_on_commit_callbacks):
    room = thematic_room()
    author, first, second = UserFactory(profile="Auteur"), UserFactory(profile="Eerste"), UserFactory(profile="Tweede")
    room_services.room_notify_set(person=UserFactory(), room=room, notify="all")  # hears every new message, not edits
    with committed():
        message = post(room, author, "Hallo @**Eerste**")
    assert Notification.objects.filter(recipient=first).count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        room_services.room_message_edit(actor=author, message=message, body="Hallo @**Eerste** en @**Tweede**")
        room_services.room_message_edit(actor=author, message=message, body="Hallo @**Eerste** en @**Tweede**!")
    assert Notification.objects.filter(recipient=first).count() == 1  # already told
    assert [n.text.split(":")[0] for n in Notification.objects.filter(recipient=second)] == [
        f"Auteur noemde je in {room.name}"
    ]
    assert Notification.objects.exclude(recipient__in=[first, second]).count() == 1  # the "all" listener, once


def test_replies_notify_the_author_in_app_and_not_by_mail_when_online(django_capture_on_commit_callbacks):
    room, author, other = thematic_room(), UserFactory(), UserFactory()
    question = post(room, author, "Vraag")
    Presence.objects.create(channel_name="test!1", person=author, stream="")
    with django_capture_on_commit_callbacks(execute=True):
        post(room, other, "Antwoord", parent_seq=question.seq)
    assert Notification.objects.filter(recipient=author, text__contains="antwoordde").count() == 1
    assert not [m for m in mail.outbox if author.email in m.to]


def test_notification_setting_nothing_silences_and_all_hears_everything():
    room, author, quiet, keen = (
        thematic_room(),
        UserFactory(profile="Auteur"),
        UserFactory(profile="Stil"),
        UserFactory(),
    )
    room_services.room_notify_set(person=quiet, room=room, notify=RoomMember.Notify.NOTHING)
    room_services.room_notify_set(person=keen, room=room, notify=RoomMember.Notify.ALL)
    with committed():
        post(room, author, "Hallo @**Stil**")
    assert not Notification.objects.filter(recipient=quiet).exists()
    assert Notification.objects.filter(recipient=keen, text__contains="schreef").exists()
    with pytest.raises(ValidationError):
        room_services.room_notify_set(person=keen, room=room, notify="luid")


def test_group_rooms_follow_the_group_and_secret_rooms_do_not_exist_for_outsiders():
    member, outsider = UserFactory(), UserFactory()
    closed = group_room(members=[member])
    secret = group_room(visibility=IntervisionGroup.Visibility.SECRET, members=[member])
    post(closed, member)
    with pytest.raises(PermissionDenied):
        post(closed, outsider)
    with pytest.raises(Room.DoesNotExist):
        post(secret, outsider)
    admin = UserFactory(is_superuser=True)
    with pytest.raises(PermissionDenied):
        post(closed, admin)  # intervision is confidential, also for administrators
    assert {s.room for s in selectors.rooms_for(outsider)}.isdisjoint({closed, secret})
    assert {closed, secret} <= {s.room for s in selectors.rooms_for(member)}


def test_leaving_the_group_ends_access_and_closes_sockets(django_capture_on_commit_callbacks):
    member = UserFactory()
    room = group_room(visibility=IntervisionGroup.Visibility.OPEN, members=[member])

    def leave():
        with django_capture_on_commit_callbacks(execute=True):
            services.group_member_leave(actor=member, group=room.group)

    assert heard(room.channel_group, leave) == {"type": "room.access_changed", "person": member.pk}
    with pytest.raises(PermissionDenied):
        post(room, member)


def test_a_post_is_announced_after_commit_only(django_capture_on_commit_callbacks):
    room, author = thematic_room(), UserFactory()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        message = post(room, author, "Eerst bewaard")
    assert callbacks, "the broadcast waits for the commit"

    def commit():
        for callback in callbacks:
            callback()

    event = heard(room.channel_group, commit)
    assert event["type"] == "room.message" and event["rev"] == message.rev
    assert event["message"]["seq"] == message.seq and "Eerst bewaard" in event["message"]["body_html"]


def test_archived_rooms_are_read_only_and_muted_members_cannot_post():
    admin, member = UserFactory(is_superuser=True), UserFactory()
    room = thematic_room()
    message = post(room, member)
    room_services.room_member_mute(actor=admin, room=room, person=member, minutes=30, note="even afkoelen")
    with pytest.raises(ValidationError) as error:
        post(room, member)
    assert error.value.code == "muted"
    room_services.room_member_mute(actor=admin, room=room, person=member, minutes=None)
    post(room, member)
    room_services.room_archive(actor=admin, room=room, archived=True)
    room.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        post(room, member)
    assert error.value.code == "room_archived"
    with pytest.raises(ValidationError):
        room_services.room_message_react(actor=member, message=message, emoji="👍")
    assert list(ModerationAction.objects.filter(room=room).values_list("verb", flat=True)) == [
        "archived",
        "unmuted",
        "muted",
    ]
    with pytest.raises(PermissionDenied):
        room_services.room_member_mute(actor=member, room=room, person=admin, minutes=5)


def test_reports_reach_the_moderators_who_hide_or_dismiss_them():
    facilitator, member, reporter = UserFactory(), UserFactory(), UserFactory()
    room = group_room(facilitator=facilitator, members=[member, reporter])
    message = post(room, member, "Het gezin Janssens uit de Kerkstraat")
    report = room_services.room_message_report(reporter=reporter, message=message, reason=Report.Reason.PRIVACY)
    assert room_services.room_message_report(reporter=reporter, message=message, reason=Report.Reason.PRIVACY) == report
    assert selectors.open_reports(facilitator) == [report]
    assert selectors.open_reports(member) == []
    assert selectors.open_reports(UserFactory(is_superuser=True)) == []  # not the admins' group
    assert Notification.objects.filter(recipient=facilitator, text__contains="gemeld").exists()
    with pytest.raises(PermissionDenied):
        room_services.room_message_hide(actor=reporter, message=message, hidden=True)
    hidden = room_services.room_message_hide(actor=facilitator, message=message, hidden=True, note="privacy")
    assert selectors.message_payload(hidden)["hidden"] and selectors.message_payload(hidden)["body_html"] == ""
    report.refresh_from_db()
    assert report.outcome == Report.Outcome.HIDDEN and report.resolved_by == facilitator
    shown = room_services.room_message_hide(actor=facilitator, message=hidden, hidden=False)
    assert "Janssens" in selectors.message_payload(shown)["body_html"]
    second = room_services.room_message_report(reporter=reporter, message=shown, reason=Report.Reason.OTHER)
    room_services.room_report_dismiss(actor=facilitator, report=second)
    second.refresh_from_db()
    assert second.outcome == Report.Outcome.DISMISSED
    assert list(ModerationAction.objects.filter(room=room).values_list("verb", flat=True)) == [
        "dismissed",
        "unhidden",
        "hidden",
    ]
    with pytest.raises(ValidationError):
        room_services.room_message_report(reporter=member, message=shown, reason=Report.Reason.SPAM)  # own message


def test_a_read_position_with_a_known_last_message_costs_one_write(django_assert_num_queries):
    """A socket passes the person's access and the last message number it knows of: moving the
    position forward is one UPDATE, and a position already there writes nothing (each in a
    savepoint here: two statements more)."""
    room, author, reader = thematic_room(), UserFactory(), UserFactory()
    for _ in range(3):
        post(room, author)
    room_services.room_read(person=reader, room=room, seq=1)
    access = room_permissions.room_access(reader, room)
    with django_assert_num_queries(1 + 2):
        assert room_services.room_read(person=reader, room=room, seq=99, access=access, last_seq=2) == 2
    access = room_permissions.room_access(reader, room)
    with django_assert_num_queries(0 + 2):
        assert room_services.room_read(person=reader, room=room, seq=2, access=access, last_seq=3) == 2


def test_unread_counts_follow_the_read_position():
    room, author, reader = thematic_room(), UserFactory(), UserFactory()
    for _ in range(3):
        post(room, author)
    summary = {s.room.pk: s for s in selectors.rooms_for(reader)}
    assert summary[room.pk].unread is None  # not following this thematic room yet
    room_services.room_read(person=reader, room=room, seq=1)
    summary = {s.room.pk: s for s in selectors.rooms_for(reader)}
    assert summary[room.pk].unread == 2
    assert selectors.first_unread_seq(room, 1) == 2
    assert room_services.room_read(person=reader, room=room, seq=0) == 1  # never backwards
    assert room_services.room_read(person=reader, room=room, seq=999) == 3  # never past the end
    assert {s.room.pk: s for s in selectors.rooms_for(author)}[room.pk].unread == 0  # posting reads
    post(room, author)
    assert room_services.rooms_read_all(person=reader) == 1
    assert {s.room.pk: s for s in selectors.rooms_for(reader)}[room.pk].unread == 0


def test_sync_returns_each_changed_message_once_in_its_current_state():
    room, author = thematic_room(), UserFactory()
    first, second = post(room, author, "een"), post(room, author, "twee")
    after = second.rev
    room_services.room_message_edit(actor=author, message=first, body="een, herschreven")
    third = post(room, author, "drie")
    room_services.room_message_react(actor=author, message=first, emoji="💡")
    changed, has_more = selectors.messages_after_rev(room, after)
    assert [m.seq for m in changed] == [third.seq, first.seq]
    assert "herschreven" in changed[1].body_html and not has_more


def test_sync_pages_never_split_a_reply_from_its_threads_new_count():
    room, author = thematic_room(), UserFactory()
    question = post(room, author, "vraag")
    after = question.rev
    post(room, author, "tussendoor")
    reply = post(room, author, "antwoord", parent_seq=question.seq)  # the question takes the reply's rev
    seen, cursor, has_more = [], after, True
    while has_more:
        page, has_more = selectors.messages_after_rev(room, cursor, limit=2)
        seen += [(m.seq, m.rev) for m in page]
        cursor = page[-1].rev if page else cursor
    assert sorted(seen) == [(question.seq, reply.rev), (2, 2), (reply.seq, reply.rev)]


def test_history_pages_back_without_gaps():
    room, author = thematic_room(), UserFactory()
    for n in range(7):
        post(room, author, f"bericht {n}")
    page, has_more = selectors.messages_before(room, limit=3)
    assert [m.seq for m in page] == [5, 6, 7] and has_more
    page, has_more = selectors.messages_before(room, page[0].seq, limit=3)
    assert [m.seq for m in page] == [2, 3, 4] and has_more
    page, has_more = selectors.messages_before(room, page[0].seq, limit=3)
    assert [m.seq for m in page] == [1] and not has_more


def test_history_costs_the_same_number_of_queries_for_any_page(django_assert_num_queries):
    room, author, fan = thematic_room(), UserFactory(), UserFactory()
    for n in range(30):
        message = post(room, author, f"bericht {n}")
        room_services.room_message_react(actor=fan, message=message, emoji="🎉")
    with django_assert_num_queries(3):
        page, _ = selectors.messages_before(room)
        [selectors.message_payload(m) for m in page]


def test_mention_candidates_are_people_who_may_read_the_room():
    facilitator, member = UserFactory(profile="Anouk Faciliteert"), UserFactory(profile="Annelies Lid")
    UserFactory(profile="Annemie Buiten")
    room = group_room(facilitator=facilitator, members=[member])
    assert [p["name"] for p in selectors.mention_candidates(room, "ann", viewer=facilitator)] == ["Annelies Lid"]
    assert {p["name"] for p in selectors.mention_candidates(thematic_room(), "ann", viewer=facilitator)} >= {
        "Annemie Buiten",
        "Annelies Lid",
    }
    # A name matches from the start of one of its words, not from its middle.
    assert [p["name"] for p in selectors.mention_candidates(room, "lid", viewer=facilitator)] == ["Annelies Lid"]
    assert selectors.mention_candidates(room, "nnel", viewer=facilitator) == []


def test_people_who_show_their_profile_only_to_connections_cannot_be_found_or_named_by_others():
    hidden, stranger = UserFactory(profile="Verborgen Persoon"), UserFactory(profile="Vreemde Lezer")
    Profile.objects.filter(user=hidden).update(visibility=Profile.Visibility.CONNECTIONS)
    room = thematic_room()

    assert selectors.mention_candidates(room, "verb", viewer=stranger) == []
    by_id = post(room, stranger, f"@**?|{hidden.pk}**")
    assert "Verborgen Persoon" not in by_id.body_html
    by_name = post(room, stranger, "@**Verborgen Persoon**")  # the text as typed, not a mention
    assert "data-person" not in by_id.body_html + by_name.body_html
    assert not hidden.notifications.exists() and not by_id.mentions.exists() and not by_name.mentions.exists()

    # Someone who shares a group with them may.
    colleague = UserFactory(profile="Collega Groep")
    group_room(facilitator=colleague, members=[hidden])
    assert [p["name"] for p in selectors.mention_candidates(room, "verb", viewer=colleague)] == ["Verborgen Persoon"]
    message = post(room, colleague, "@**Verborgen Persoon**")
    assert list(message.mentions.all()) == [hidden]


def test_a_change_that_waited_judges_the_message_as_the_change_before_it_left_it():
    admin, author = UserFactory(is_superuser=True), UserFactory()
    room = thematic_room()
    message = post(room, author, "Eerste versie")
    stale = Message.objects.get(pk=message.pk)  # what an edit had read before the hide took the lock
    room_services.room_message_hide(actor=admin, message=message, hidden=True)
    with pytest.raises(ValidationError) as error:
        room_services.room_message_edit(actor=author, message=stale, body="Stiekem herschreven")
    assert error.value.code == "removed"
    room_services.room_message_hide(actor=admin, message=stale, hidden=True)  # already hidden: nothing logged
    assert ModerationAction.objects.filter(message=message).count() == 1
