"""Intervision sessions (docs/intervision.md): methods as data, a session run phase by phase, its
contributions and action points, and the group's settings for them.

A method is a sequence of phases; the shipped methods (`group` empty) are made after every migrate
from intervision/methods.py and a group's facilitators copy and adapt one for their group. A
session copies its method's phases when it is planned (`SessionPhase`), so changing the method
later changes no session, and the record keeps what was run with the durations it took.

A session is a stream of the delivery core (realtime/): every change takes the session's next
`rev` in the transaction that stores it, contributions also the next `seq`, and the client's
`client_id` makes a contribution idempotent.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from community.models import IntervisionGroup

TEXT_MAX_LENGTH = 4000
CASE_MAX_LENGTH = 8000


class Speakers(models.TextChoices):
    """Who may contribute in a phase."""

    EVERYONE = "everyone", _("Everyone")
    PRESENTER = "presenter", _("Only the case presenter")
    OTHERS = "others", _("Everyone but the case presenter")
    FACILITATOR = "facilitator", _("Only the facilitator")


class Collects(models.TextChoices):
    """What a phase collects from those who may contribute."""

    NOTHING = "nothing", _("Nothing: the group talks")
    NOTES = "notes", _("Notes, visible to all")
    QUESTIONS = "questions", _("Questions, shown together when the facilitator reveals them")
    ADVICE = "advice", _("Advice cards; the presenter marks the advice they take")
    ACTIONS = "actions", _("Action points: who does what, by when")
    REFLECTION = "reflection", _("The presenter's reflection")


class Method(models.Model):
    name = models.CharField(_("name"), max_length=120)
    key = models.SlugField(_("key"), max_length=60, blank=True, help_text=_("Set for the methods Samenhuis ships."))
    description = models.TextField(_("description"), max_length=2000, blank=True)
    group = models.ForeignKey(
        IntervisionGroup,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="methods",
        verbose_name=_("group"),
        help_text=_("Empty for the methods every group may use."),
    )
    based_on = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="copies")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("method")
        verbose_name_plural = _("methods")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["key"], condition=Q(group__isnull=True) & ~Q(key=""), name="method_key_unique"
            )
        ]

    def __str__(self):
        return self.name

    @property
    def minutes(self) -> int:
        return sum(phase.minutes for phase in self.phases.all())


class PhaseFields(models.Model):
    """What a phase is, on a method and on a session."""

    name = models.CharField(_("name"), max_length=120)
    purpose = models.TextField(_("purpose and guidance"), max_length=2000, blank=True)
    minutes = models.PositiveSmallIntegerField(_("suggested duration (minutes)"), default=10)
    speakers = models.CharField(
        _("who may contribute"), max_length=12, choices=Speakers.choices, default=Speakers.EVERYONE
    )
    collects = models.CharField(
        _("what it collects"), max_length=12, choices=Collects.choices, default=Collects.NOTHING
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        abstract = True
        ordering = ["position", "id"]


class MethodPhase(PhaseFields):
    method = models.ForeignKey(Method, on_delete=models.CASCADE, related_name="phases")

    class Meta(PhaseFields.Meta):
        verbose_name = _("phase")
        verbose_name_plural = _("phases")

    def __str__(self):
        return f"{self.method}: {self.name}"


class GroupSessionSettings(models.Model):
    """A group's rules for its sessions; a group without a row has the defaults."""

    group = models.OneToOneField(IntervisionGroup, on_delete=models.CASCADE, related_name="session_settings")
    retention_months = models.PositiveSmallIntegerField(
        _("keep case texts for (months)"),
        default=12,
        help_text=_("After this, case texts and contributions are removed; the record's structure stays."),
    )
    observers_allowed = models.BooleanField(_("observers allowed"), default=False)

    class Meta:
        verbose_name = _("session settings")
        verbose_name_plural = _("session settings")

    def __str__(self):
        return str(self.group)


class Session(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        LIVE = "live", _("Running")
        PAUSED = "paused", _("Paused")
        ENDED = "ended", _("Ended")

    group = models.ForeignKey(IntervisionGroup, on_delete=models.CASCADE, related_name="sessions")
    meeting = models.ForeignKey(
        "events.GroupMeeting",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sessions",
        verbose_name=_("meeting"),
    )
    method = models.ForeignKey(Method, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("method"))
    title = models.CharField(_("title"), max_length=150)
    planned_for = models.DateTimeField(_("planned for"))
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,  # a deleted account leaves the record (docs/privacy.md, "Deleting")
        null=True,
        related_name="facilitated_sessions",
        verbose_name=_("facilitator"),
    )
    presenter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,  # a deleted account leaves the record (docs/privacy.md, "Deleting")
        null=True,
        related_name="presented_sessions",
        verbose_name=_("case presenter"),
    )
    timekeeper = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="timed_sessions",
        verbose_name=_("timekeeper"),
    )
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.PLANNED)
    case_text = models.TextField(_("case intake"), max_length=CASE_MAX_LENGTH, blank=True)
    case_updated_at = models.DateTimeField(null=True, blank=True, editable=False)
    current_phase = models.ForeignKey(
        "SessionPhase", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    # While running: when the current phase's time is up (server time). While paused: the seconds
    # that were left, kept in `paused_left`.
    phase_ends_at = models.DateTimeField(null=True, blank=True, editable=False)
    paused_left = models.PositiveIntegerField(null=True, blank=True, editable=False)
    started_at = models.DateTimeField(null=True, blank=True, editable=False)
    ended_at = models.DateTimeField(null=True, blank=True, editable=False)
    content_removed_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text=_("When the retention period removed the case texts.")
    )
    last_seq = models.BigIntegerField(default=0, editable=False)
    last_rev = models.BigIntegerField(default=0, editable=False)
    # The `rev` of the last change to the session's observers: a `sync` after an older rev carries
    # the list again (intervision/consumers.py).
    observers_rev = models.BigIntegerField(default=0, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("intervision session")
        verbose_name_plural = _("intervision sessions")
        ordering = ["-planned_for", "-id"]
        indexes = [models.Index(fields=["group", "planned_for"], name="session_group_planned_idx")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("intervision:session", kwargs={"pk": self.pk})

    @property
    def channel_group(self) -> str:
        return f"session-{self.pk}"

    @property
    def stream(self) -> str:
        return f"session:{self.pk}"

    @property
    def is_running(self) -> bool:
        return self.status in (self.Status.LIVE, self.Status.PAUSED)


class SessionObserver(models.Model):
    """Someone outside the group whom a facilitator let follow one session, when the group allows
    observers: they read it while it is planned or running, never write, and lose it at the end
    (docs/intervision.md, "Observers"). A group that stops allowing observers removes those of its
    sessions that have not ended."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="observers")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="observed_sessions", verbose_name=_("person")
    )
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("observer")
        verbose_name_plural = _("observers")
        ordering = ["added_at", "id"]
        constraints = [models.UniqueConstraint(fields=["session", "person"], name="session_observer_unique")]

    def __str__(self):
        return f"{self.session}: {self.person}"


class SessionPhase(PhaseFields):
    """A phase of one session: copied from the method when the session is planned, with what happened."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="phases")
    started_at = models.DateTimeField(null=True, blank=True)
    seconds_used = models.PositiveIntegerField(default=0, help_text=_("Time spent in the phase, pauses left out."))
    extended_minutes = models.PositiveSmallIntegerField(default=0)
    revealed_at = models.DateTimeField(null=True, blank=True, help_text=_("When blind questions were shown to all."))

    class Meta(PhaseFields.Meta):
        verbose_name = _("session phase")
        verbose_name_plural = _("session phases")

    def __str__(self):
        return f"{self.session}: {self.name}"


class Contribution(models.Model):
    """A question, note, advice card or reflection, in the phase it was written in."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="contributions")
    phase = models.ForeignKey(SessionPhase, on_delete=models.CASCADE, related_name="contributions")
    kind = models.CharField(max_length=12, choices=Collects.choices)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    text = models.TextField(max_length=TEXT_MAX_LENGTH)
    seq = models.BigIntegerField(editable=False)
    rev = models.BigIntegerField(editable=False)
    client_id = models.CharField(max_length=64, default=uuid.uuid4)
    taken = models.BooleanField(_("taken by the presenter"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["seq"]
        constraints = [
            models.UniqueConstraint(fields=["session", "seq"], name="contribution_seq_unique"),
            models.UniqueConstraint(fields=["session", "author", "client_id"], name="contribution_client_id_unique"),
        ]
        indexes = [models.Index(fields=["session", "rev"], name="contribution_session_rev_idx")]

    def __str__(self):
        return f"{self.session} #{self.seq}"


class ActionPoint(models.Model):
    """Who does what by when, agreed in a session; followed up at the group's next session."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="action_points")
    who = models.CharField(_("who"), max_length=120)
    what = models.CharField(_("what"), max_length=500)
    due = models.DateField(_("by when"), null=True, blank=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    follow_up = models.TextField(_("how it went"), max_length=TEXT_MAX_LENGTH, blank=True)
    followed_up_in = models.ForeignKey(Session, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    rev = models.BigIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("action point")
        verbose_name_plural = _("action points")
        ordering = ["created_at", "id"]

    def __str__(self):
        return self.what

    @property
    def is_open(self) -> bool:
        return self.done_at is None
