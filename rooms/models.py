"""Discussion rooms: thematic rooms per life domain, one room per intervision group, and rooms an
administrator opens. The database is the record; websockets only announce (docs/realtime.md).

Two counters per room, both gap-free and both advanced in the transaction that writes:
- `seq` numbers the messages (replies included) in the order they were posted;
- `rev` numbers every change (a post, an edit, a deletion, a reaction, hiding). A message
  carries the `rev` of its latest change, so "everything after rev N" is one indexed query and
  returns each changed message once, in its current state.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from community.models import IntervisionGroup

# Files behind the room's check (samenhuis/files.py); the name stays importable from here for
# community's 0003_rooms.
from samenhuis.files import private_storage

MESSAGE_MAX_LENGTH = 4000


class Room(models.Model):
    class Kind(models.TextChoices):
        PUBLIC = "public", _("Thematic room")
        GROUP = "group", _("Group room")
        CUSTOM = "custom", _("Room opened by an administrator")

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=140, unique=True)
    description = models.TextField(_("description"), max_length=1000, blank=True)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.CUSTOM)
    life_domain = models.ForeignKey(
        "knowledge.LifeDomain",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="rooms",
        verbose_name=_("life domain"),
    )
    group = models.OneToOneField(
        IntervisionGroup, on_delete=models.CASCADE, null=True, blank=True, related_name="room", verbose_name=_("group")
    )
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True)
    last_seq = models.BigIntegerField(default=0, editable=False)
    last_rev = models.BigIntegerField(default=0, editable=False)
    last_message_at = models.DateTimeField(_("last activity"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "community_room"  # made by the community app, before rooms had their own
        verbose_name = _("room")
        verbose_name_plural = _("rooms")
        ordering = ["kind", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="group", group__isnull=False) | (~Q(kind="group") & Q(group__isnull=True)),
                name="room_group_iff_group_kind",
            ),
            models.UniqueConstraint(
                fields=["life_domain"], condition=Q(kind="public"), name="one_thematic_room_per_life_domain"
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("rooms:room", kwargs={"slug": self.slug})

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    @property
    def channel_group(self) -> str:
        """The channel-layer group every socket reading this room joins."""
        return f"room-{self.pk}"

    @property
    def stream(self) -> str:
        """The room's name in the delivery core (presence: `realtime.presence`)."""
        return f"room:{self.pk}"


class RoomMember(models.Model):
    """A person's state in a room: how far they read, what they want to hear, whether they are muted.

    Who may read a room is not stored here: group rooms follow the group's membership, thematic
    and administrators' rooms are open to every member of the platform. The row appears the
    first time someone reads or posts."""

    class Notify(models.TextChoices):
        ALL = "all", _("Every new message")
        MENTIONS = "mentions", _("Only mentions and replies to my messages")
        NOTHING = "nothing", _("Nothing")

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="room_states")
    last_read_seq = models.BigIntegerField(default=0)
    notify = models.CharField(_("notifications"), max_length=8, choices=Notify.choices, default=Notify.MENTIONS)
    muted_until = models.DateTimeField(_("muted until"), null=True, blank=True)
    joined_at = models.DateTimeField(auto_now_add=True)

    # What `permissions.room_access` reads along with the person's group role, in one query.
    class Meta:
        db_table = "community_roommember"  # made by the community app, before rooms had their own
        verbose_name = _("room member")
        verbose_name_plural = _("room members")
        constraints = [models.UniqueConstraint(fields=["room", "person"], name="room_member_unique")]

    def __str__(self):
        return f"{self.person} in {self.room}"

    @property
    def is_muted(self) -> bool:
        return self.muted_until is not None and self.muted_until > timezone.now()


class Message(models.Model):
    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="messages")
    seq = models.BigIntegerField(editable=False)
    rev = models.BigIntegerField(editable=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="room_messages"
    )
    # The client's idempotency key: a retry with the same key returns the stored message.
    client_id = models.CharField(max_length=64)
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies", verbose_name=_("reply to")
    )
    body = models.TextField(_("message"), max_length=MESSAGE_MAX_LENGTH)
    body_html = models.TextField(editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    edited_at = models.DateTimeField(null=True, blank=True, editable=False)
    deleted_at = models.DateTimeField(null=True, blank=True, editable=False)
    hidden_at = models.DateTimeField(null=True, blank=True, editable=False)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reply_count = models.PositiveIntegerField(default=0, editable=False)
    mentions = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="mentioned_in")

    class Meta:
        db_table = "community_message"  # made by the community app, before rooms had their own
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["seq"]
        constraints = [
            models.UniqueConstraint(fields=["room", "seq"], name="message_seq_unique_per_room"),
            models.UniqueConstraint(fields=["room", "author", "client_id"], name="message_client_id_unique"),
        ]
        indexes = [
            models.Index(fields=["room", "rev"], name="message_room_rev_idx"),
            models.Index(fields=["room", "parent", "seq"], name="message_room_thread_idx"),
            models.Index(fields=["author", "created_at"], name="message_author_recent_idx"),
        ]

    def __str__(self):
        return f"{self.room} #{self.seq}"

    def get_absolute_url(self):
        return reverse("rooms:room_message", kwargs={"slug": self.room.slug, "seq": self.seq})

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

    @property
    def is_removed(self) -> bool:
        """Deleted by its author or hidden by a moderator: the text is not shown to readers."""
        return self.deleted_at is not None or self.hidden_at is not None


class MessageRevision(models.Model):
    """The text a message had before an edit; moderators can read the history."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "community_messagerevision"  # made by the community app, before rooms had their own
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.message} ({self.created_at:%Y-%m-%d %H:%M})"


class Reaction(models.Model):
    EMOJI = ("👍", "❤️", "🎉", "💡", "🙏", "✅")
    LABELS = {
        "👍": _("thumbs up"),
        "❤️": _("heart"),
        "🎉": _("party"),
        "💡": _("good idea"),
        "🙏": _("thank you"),
        "✅": _("done"),
    }

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="reactions")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    emoji = models.CharField(max_length=8, choices=[(emoji, emoji) for emoji in EMOJI])
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "community_reaction"  # made by the community app, before rooms had their own
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["message", "person", "emoji"], name="reaction_unique")]

    def __str__(self):
        return f"{self.emoji} on {self.message}"


def attachment_upload_to(instance, filename):
    # A random name on disk; the original name is kept in `name` and only sent to readers.
    return f"rooms/{instance.message.room_id}/{uuid.uuid4().hex}"


class Attachment(models.Model):
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(storage=private_storage, upload_to=attachment_upload_to, max_length=200)
    name = models.CharField(_("file name"), max_length=150)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()

    class Meta:
        db_table = "community_attachment"  # made by the community app, before rooms had their own
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["id"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse(
            "rooms:room_attachment",
            kwargs={"slug": self.message.room.slug, "pk": self.pk, "name": self.name},
        )


class Report(models.Model):
    class Reason(models.TextChoices):
        PRIVACY = "privacy", _("It names or shows a family, child or colleague")
        DISRESPECT = "disrespect", _("It is disrespectful or hurtful")
        SPAM = "spam", _("It is advertising or spam")
        OTHER = "other", _("Something else")

    class Outcome(models.TextChoices):
        OPEN = "open", _("Open")
        HIDDEN = "hidden", _("Message hidden")
        DISMISSED = "dismissed", _("No action needed")

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    reason = models.CharField(_("reason"), max_length=12, choices=Reason.choices)
    note = models.CharField(_("explanation"), max_length=500, blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        db_table = "community_report"  # made by the community app, before rooms had their own
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["message", "reporter"], condition=Q(outcome="open"), name="one_open_report_per_reporter"
            )
        ]

    def __str__(self):
        return f"{self.get_reason_display()}: {self.message}"


class ModerationAction(models.Model):
    """The moderation log: every hide, unhide, mute, unmute, report decision and archive."""

    class Verb(models.TextChoices):
        HIDDEN = "hidden", _("hid a message")
        UNHIDDEN = "unhidden", _("showed a hidden message again")
        MUTED = "muted", _("muted")
        UNMUTED = "unmuted", _("lifted the mute of")
        DISMISSED = "dismissed", _("dismissed a report")
        ARCHIVED = "archived", _("archived the room")
        REOPENED = "reopened", _("reopened the room")

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="moderation_log")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    verb = models.CharField(max_length=10, choices=Verb.choices)
    message = models.ForeignKey(Message, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.CharField(max_length=500, blank=True)
    until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        db_table = "community_moderationaction"  # made by the community app, before rooms had their own
        verbose_name = _("moderation action")
        verbose_name_plural = _("moderation log")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.room}: {self.actor} {self.verb}"
