"""Events: public ones as Wagtail pages under the agenda, group meetings inside intervision groups.

Registrations, the waitlist and RSVPs are plain rows written by `events.services`; who may see
or do what is answered by `events.permissions`. See docs/events.md.
"""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page
from wagtail.search import index

from knowledge.blocks import RICH_TEXT_FEATURES
from knowledge.restrictions import RememberedViewRestrictionsMixin

from .admin_forms import EventPageForm
from .routes import AgendaRoutesMixin, EventRoutesMixin

# First path segments under /agenda/ that events/urls.py routes itself.
RESERVED_SLUGS = {"mijn", "kalender", "groepen", "archief"}  # addresses the agenda answers itself
MOMENT_YEARS = (2000, 2100)
MOMENT_RANGE_ERROR = _("Choose a date between 2000 and 2100.")


def moment_storable(moment) -> bool:
    """Within the years an agenda needs; year 1, say, cannot even be converted to UTC."""
    return MOMENT_YEARS[0] <= moment.year <= MOMENT_YEARS[1]


class EventType(models.TextChoices):
    NETWORK_AFTERNOON = "netwerknamiddag", _("Network afternoon")
    TRAINING = "vorming", _("Training")
    STUDY_DAY = "studiedag", _("Study day")
    WEBINAR = "webinar", _("Webinar")


class AgendaPage(AgendaRoutesMixin, RememberedViewRestrictionsMixin, Page):
    """The public agenda (one per site): upcoming events with filters, the archive and the feed."""

    intro = models.TextField(_("introduction"), blank=True, max_length=600)

    content_panels = [*Page.content_panels, FieldPanel("intro")]

    parent_page_types = ["knowledge.HomePage"]
    subpage_types = ["events.EventPage"]
    max_count = 1

    class Meta:
        verbose_name = _("agenda")


class EventPage(EventRoutesMixin, RememberedViewRestrictionsMixin, Page):
    base_form_class = EventPageForm

    event_type = models.CharField(_("type"), max_length=16, choices=EventType.choices)
    starts_at = models.DateTimeField(_("starts"), help_text=_("Belgian time."))
    ends_at = models.DateTimeField(_("ends"), help_text=_("Belgian time."))
    summary = models.TextField(_("summary"), max_length=300, help_text=_("Shown in the agenda and in calendars."))
    description = RichTextField(_("description"), features=RICH_TEXT_FEATURES, blank=True)

    is_online = models.BooleanField(_("online"), default=False)
    venue = models.CharField(_("venue"), max_length=120, blank=True)
    street = models.CharField(_("street and number"), max_length=150, blank=True)
    postcode = models.CharField(_("postcode"), max_length=4, blank=True)
    city = models.CharField(_("city"), max_length=80, blank=True)
    online_url = models.URLField(
        _("link to join online"), blank=True, help_text=_("Shown only to people with a confirmed seat.")
    )

    organiser = models.ForeignKey(
        "community.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
        verbose_name=_("organiser"),
        help_text=_("Its coordinators and staff see the attendees."),
    )
    region = models.ForeignKey(
        "community.Region",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
        verbose_name=_("region"),
    )
    life_domains = ParentalManyToManyField(
        "knowledge.LifeDomain", blank=True, related_name="events", verbose_name=_("life domains")
    )

    registration_required = models.BooleanField(_("registration through Samenhuis"), default=True)
    capacity = models.PositiveIntegerField(
        _("capacity"), null=True, blank=True, help_text=_("Empty: no limit. When full, people join the waitlist.")
    )
    registration_deadline = models.DateTimeField(
        _("registration deadline"), null=True, blank=True, help_text=_("Empty: registration closes at the start.")
    )
    is_cancelled = models.BooleanField(
        _("cancelled"), default=False, help_text=_("Stays in the agenda and in calendars, marked as cancelled.")
    )
    # RFC 5545 SEQUENCE: raised when the time, the place or the status changes (see `save`).
    schedule_sequence = models.PositiveIntegerField(default=0, editable=False)

    content_panels = [
        *Page.content_panels,
        FieldPanel("event_type"),
        FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")]),
        FieldPanel("summary"),
        FieldPanel("description"),
        InlinePanel("programme", label=_("Programme")),
        MultiFieldPanel(
            [
                FieldPanel("is_online"),
                FieldPanel("venue"),
                FieldPanel("street"),
                FieldRowPanel([FieldPanel("postcode"), FieldPanel("city")]),
                FieldPanel("online_url"),
            ],
            heading=_("Where"),
        ),
        MultiFieldPanel(
            [FieldPanel("organiser"), FieldPanel("region"), FieldPanel("life_domains")], heading=_("Who and what")
        ),
        MultiFieldPanel(
            [
                FieldPanel("registration_required"),
                FieldRowPanel([FieldPanel("capacity"), FieldPanel("registration_deadline")]),
                FieldPanel("is_cancelled"),
            ],
            heading=_("Registration"),
        ),
        InlinePanel("questions", label=_("Registration questions")),
        InlinePanel("materials", label=_("Materials")),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("description"),
        index.SearchField("venue"),
        index.SearchField("city"),
        index.FilterField("event_type"),
        index.FilterField("starts_at"),
    ]

    parent_page_types = ["events.AgendaPage"]
    subpage_types = []
    route_select_related = ("organiser", "region")

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")

    SCHEDULE_FIELDS = ("starts_at", "ends_at", "is_online", "venue", "street", "postcode", "city", "is_cancelled")

    def clean(self):
        super().clean()
        errors = {
            name: MOMENT_RANGE_ERROR
            for name in ("starts_at", "ends_at", "registration_deadline")
            if getattr(self, name) and not moment_storable(getattr(self, name))
        }
        if errors:
            raise ValidationError(errors)
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = _("The end must come after the start.")
        if self.registration_deadline and self.starts_at and self.registration_deadline > self.starts_at:
            errors["registration_deadline"] = _("Registration must close before the event starts.")
        if self.slug in RESERVED_SLUGS:
            errors["slug"] = _("This address is taken by the agenda itself; choose another slug.")
        if not self.is_online and not (self.venue or self.city):
            errors["venue"] = _("Give a venue or a city, or mark the event as online.")
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        # A calendar replaces its copy of an event only when SEQUENCE goes up (RFC 5545 3.8.7.4).
        # Publishing restores the page from a revision that holds an older count, so the count
        # comes from the row as it is now.
        if self.pk and kwargs.get("update_fields") is None:
            before = EventPage.objects.filter(pk=self.pk).values("schedule_sequence", *self.SCHEDULE_FIELDS).first()
            if before:
                changed = any(before[name] != getattr(self, name) for name in self.SCHEDULE_FIELDS)
                self.schedule_sequence = before["schedule_sequence"] + (1 if changed else 0)
        super().save(*args, **kwargs)

    @property
    def registration_closes_at(self):
        return self.registration_deadline or self.starts_at

    @property
    def has_started(self) -> bool:
        return self.starts_at <= timezone.now()

    @property
    def is_past(self) -> bool:
        return self.ends_at <= timezone.now()

    @property
    def location_text(self) -> str:
        if self.is_online:
            return str(_("Online"))
        postal = " ".join(part for part in (self.postcode, self.city) if part)
        return ", ".join(part for part in (self.venue, self.street, postal) if part)

    @property
    def calendar_uid(self) -> str:
        return f"event-{self.pk}@samenhuis"


class ProgrammeSlot(Orderable):
    page = ParentalKey(EventPage, on_delete=models.CASCADE, related_name="programme")
    starts_at = models.TimeField(_("from"))
    ends_at = models.TimeField(_("until"), null=True, blank=True)
    title = models.CharField(_("title"), max_length=150)
    speakers = models.CharField(_("speakers"), max_length=200, blank=True)

    panels = [
        FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")]),
        FieldPanel("title"),
        FieldPanel("speakers"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("programme item")
        verbose_name_plural = _("programme")


class RegistrationQuestion(Orderable):
    class Kind(models.TextChoices):
        TEXT = "text", _("Free text")
        CHOICE = "choice", _("One of a list")
        YES_NO = "yes_no", _("Yes or no")

    page = ParentalKey(EventPage, on_delete=models.CASCADE, related_name="questions")
    label = models.CharField(_("question"), max_length=150)
    help_text = models.CharField(_("explanation"), max_length=250, blank=True)
    kind = models.CharField(_("kind of answer"), max_length=8, choices=Kind.choices, default=Kind.TEXT)
    options = models.TextField(_("options"), blank=True, help_text=_("For 'one of a list': one option per line."))
    required = models.BooleanField(_("required"), default=False)

    panels = [
        FieldPanel("label"),
        FieldPanel("help_text"),
        FieldRowPanel([FieldPanel("kind"), FieldPanel("required")]),
        FieldPanel("options"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("registration question")
        verbose_name_plural = _("registration questions")

    def clean(self):
        super().clean()
        if self.kind == self.Kind.CHOICE and len(self.option_list) < 2:
            raise ValidationError({"options": _("Give at least two options, one per line.")})

    @property
    def option_list(self) -> list[str]:
        return [line.strip() for line in self.options.splitlines() if line.strip()]


class EventMaterial(Orderable):
    """What stays available after the event. Documents are Wagtail documents; their text is kept
    here for search (events/documents.py). Attendees-only documents answer 404 to others, also at
    Wagtail's own document address (events/wagtail_hooks.py)."""

    class Kind(models.TextChoices):
        PRESENTATION = "presentation", _("Presentations")
        DOCUMENT = "document", _("Documents")
        REPORT = "report", pgettext_lazy("event material", "Report")
        LINK = "link", _("Links")

    class Audience(models.TextChoices):
        PUBLIC = "public", _("Everyone")
        ATTENDEES = "attendees", _("Attendees only")

    page = ParentalKey(EventPage, on_delete=models.CASCADE, related_name="materials")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.DOCUMENT)
    title = models.CharField(_("title"), max_length=150)
    document = models.ForeignKey(
        "wagtaildocs.Document",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="event_materials",
        verbose_name=_("document"),
    )
    link_url = models.URLField(_("link"), blank=True)
    audience = models.CharField(_("visible to"), max_length=10, choices=Audience.choices, default=Audience.PUBLIC)
    extracted_text = models.TextField(blank=True, editable=False)
    extracted_from = models.PositiveIntegerField(null=True, blank=True, editable=False)  # the document read

    panels = [
        FieldRowPanel([FieldPanel("kind"), FieldPanel("audience")]),
        FieldPanel("title"),
        FieldPanel("document"),
        FieldPanel("link_url"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("material")
        verbose_name_plural = _("materials")

    def clean(self):
        super().clean()
        if bool(self.document_id) == bool(self.link_url):
            raise ValidationError(_("Choose a document or give a link, not both."))
        if self.document_id:
            from .documents import document_kind_matches

            document = self.document
            with document.open_file() as handle:
                if not document_kind_matches(handle, filename=document.file.name):
                    raise ValidationError(
                        {"document": _("This file's content does not match its extension; upload the real file.")}
                    )

    def save(self, *args, **kwargs):
        from .documents import document_text_extract

        if self.document_id != self.extracted_from:
            self.extracted_text = ""
            if self.document_id:
                document = self.document
                with document.open_file() as handle:
                    self.extracted_text = document_text_extract(handle, filename=document.file.name)
            self.extracted_from = self.document_id
        super().save(*args, **kwargs)

    @property
    def is_public(self) -> bool:
        return self.audience == self.Audience.PUBLIC


class Registration(models.Model):
    """One person's place at an event: a seat, a place on the waitlist, or cancelled.

    One row per person and event; registering again after cancelling reuses it, at the back of
    the queue (`queued_at`)."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Registered")
        WAITLISTED = "waitlisted", _("On the waitlist")
        CANCELLED = "cancelled", _("Cancelled")

    event = models.ForeignKey(EventPage, on_delete=models.CASCADE, related_name="registrations")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="registrations")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    answers = models.JSONField(
        _("answers"), default=list, blank=True
    )  # [{"question_id": id, "question": label, "answer": text}]
    queued_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    promoted_at = models.DateTimeField(null=True, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["queued_at", "id"]
        constraints = [models.UniqueConstraint(fields=["event", "person"], name="registration_once_per_event")]
        indexes = [models.Index(fields=["event", "status", "queued_at"], name="registration_queue_idx")]

    def __str__(self):
        return f"{self.person} - {self.event} ({self.status})"

    @property
    def is_confirmed(self) -> bool:
        return self.status == self.Status.CONFIRMED

    @property
    def is_waitlisted(self) -> bool:
        return self.status == self.Status.WAITLISTED

    @property
    def is_active(self) -> bool:
        return self.status != self.Status.CANCELLED


class GroupMeeting(models.Model):
    """An intervision meeting (intervisiemoment): visible, with its link, to the group's members only."""

    group = models.ForeignKey("community.IntervisionGroup", on_delete=models.CASCADE, related_name="meetings")
    title = models.CharField(_("title"), max_length=150, default=_("Intervision meeting"))
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    agenda = models.TextField(_("agenda"), max_length=4000, blank=True)
    online_url = models.URLField(_("link to the online meeting"), blank=True, help_text=_("A Jitsi or Teams link."))
    location = models.CharField(_("location"), max_length=200, blank=True)
    is_cancelled = models.BooleanField(_("cancelled"), default=False)
    sequence = models.PositiveIntegerField(default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("group meeting")
        verbose_name_plural = _("group meetings")
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="meeting_ends_after_start",
                violation_error_message=_("The end must come after the start."),
            )
        ]

    def __str__(self):
        return f"{self.group}: {self.title}"

    def get_absolute_url(self):
        return reverse("events:meeting", kwargs={"slug": self.group.slug, "pk": self.pk})

    @property
    def calendar_uid(self) -> str:
        return f"meeting-{self.pk}@samenhuis"

    @property
    def is_past(self) -> bool:
        return self.ends_at <= timezone.now()


class MeetingResponse(models.Model):
    class Answer(models.TextChoices):
        YES = "yes", _("I'll be there")
        MAYBE = "maybe", _("Maybe")
        NO = "no", _("I can't make it")

    meeting = models.ForeignKey(GroupMeeting, on_delete=models.CASCADE, related_name="responses")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="meeting_responses")
    answer = models.CharField(_("answer"), max_length=5, choices=Answer.choices)
    answered_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("answer to a meeting")
        verbose_name_plural = _("answers to meetings")
        constraints = [models.UniqueConstraint(fields=["meeting", "person"], name="meeting_response_once")]

    def __str__(self):
        return f"{self.person} - {self.meeting}: {self.answer}"


def calendar_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A person's private iCal feed. The token in its address is the only key: deleting the row
    revokes it, a new row (new token) regenerates it."""

    person = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed")
    token = models.CharField(max_length=64, unique=True, default=calendar_token, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("personal calendar feed")
        verbose_name_plural = _("personal calendar feeds")

    def __str__(self):
        return str(self.person)

    def get_absolute_url(self):
        return reverse("events:personal_feed", kwargs={"token": self.token})
