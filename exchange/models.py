"""Needs and offers between Huizen van het Kind and supra-local organisations, matching between
them, and each Huis's roadmap over the life domains (docs/exchange.md).

An organisation's staff publish an `Offer` for the municipalities it covers (a region they chose
is stored with the municipalities it expands to, so matching never reads regions). A Huis's
coordinators publish a `Need` for their municipalities. A `Match` is a pair of a need and an offer
that the matching rule (`exchange.selectors`) found once: it remembers that both sides were told,
and who said "interested". A need is closed by its Huis, answered by an offer or not; every step
is in its history (`NeedEvent`).

A `Roadmap` is one year of a Huis's roadmap (a version); its `RoadmapEntry` rows say per life
domain and key theme what the Huis offers. A new year starts as a copy of the last one.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

TITLE_MAX_LENGTH = 150
TEXT_MAX_LENGTH = 4000
NOTE_MAX_LENGTH = 1000


class Audience(models.TextChoices):
    PUBLIC = "public", _("Everyone (public)")
    MEMBERS = "members", _("Logged-in members only")


class OfferFormat(models.TextChoices):
    TRAINING = "training", _("Training")
    COACHING = "coaching", _("Coaching")
    MATERIAL = "material", _("Material")
    REFERRAL = "referral", _("Referral")
    CONSULTATION = "consultation", _("Consultation")
    OTHER = "other", _("Other")


class Offer(models.Model):
    organisation = models.ForeignKey(
        "community.Organisation", on_delete=models.CASCADE, related_name="offers", verbose_name=_("organisation")
    )
    title = models.CharField(_("title"), max_length=TITLE_MAX_LENGTH)
    description = models.TextField(_("description"), max_length=TEXT_MAX_LENGTH)
    life_domains = models.ManyToManyField("knowledge.LifeDomain", related_name="offers", verbose_name=_("life domains"))
    target_groups = models.ManyToManyField(
        "knowledge.TargetGroup", blank=True, related_name="offers", verbose_name=_("target groups")
    )
    format = models.CharField(_("format"), max_length=16, choices=OfferFormat.choices)
    # What the publisher chose (shown), and the municipalities it expands to (matched on).
    regions = models.ManyToManyField("community.Region", blank=True, related_name="+", verbose_name=_("regions"))
    municipalities = models.ManyToManyField(
        "community.Municipality", related_name="offers", verbose_name=_("municipalities covered")
    )
    cost = models.CharField(_("cost"), max_length=200, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=120, blank=True)
    contact_email = models.EmailField(_("contact e-mail address"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    audience = models.CharField(_("who may read it"), max_length=8, choices=Audience.choices, default=Audience.PUBLIC)
    # When the scheduled job saw that `valid_until` had passed and took the offer out of search
    # (services.offers_expire); cleared when the offer is changed to a new date.
    expired_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("exchange:offer", kwargs={"pk": self.pk})


class Urgency(models.TextChoices):
    LOW = "low", _("Not urgent")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("Urgent")


class Need(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ANSWERED = "answered", _("Answered")
        NOT_ANSWERED = "not_answered", _("Closed without an answer")

    house = models.ForeignKey(
        "community.Organisation", on_delete=models.CASCADE, related_name="needs", verbose_name=_("Huis van het Kind")
    )
    title = models.CharField(_("what you are looking for"), max_length=TITLE_MAX_LENGTH)
    description = models.TextField(_("description"), max_length=TEXT_MAX_LENGTH, blank=True)
    life_domains = models.ManyToManyField("knowledge.LifeDomain", related_name="needs", verbose_name=_("life domains"))
    theme = models.ForeignKey(
        "knowledge.Theme",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="needs",
        verbose_name=_("key theme"),
    )
    target_groups = models.ManyToManyField(
        "knowledge.TargetGroup", blank=True, related_name="needs", verbose_name=_("target groups")
    )
    municipalities = models.ManyToManyField("community.Municipality", related_name="needs", verbose_name=_("region"))
    urgency = models.CharField(_("urgency"), max_length=8, choices=Urgency.choices, default=Urgency.NORMAL)
    needed_by = models.DateField(_("until when"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.OPEN)
    answered_by = models.ForeignKey(
        Offer,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="answered_needs",
        verbose_name=_("answered by"),
    )
    closing_note = models.TextField(_("note"), max_length=NOTE_MAX_LENGTH, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("need")
        verbose_name_plural = _("needs")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "created_at"], name="need_status_created_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(answered_by__isnull=True) | Q(status="answered"), name="need_answered_by_only_if_answered"
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("exchange:need", kwargs={"pk": self.pk})

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class Match(models.Model):
    """A need and an offer the matching rule paired (both sides were told once), and who of each
    side said "interested": from then on both sides see each other's contact."""

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="matches")
    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="matches")
    house_interested_at = models.DateTimeField(null=True, blank=True)
    house_interested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    organisation_interested_at = models.DateTimeField(null=True, blank=True)
    organisation_interested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("match")
        verbose_name_plural = _("matches")
        constraints = [models.UniqueConstraint(fields=["need", "offer"], name="match_unique_pair")]

    def __str__(self):
        return f"{self.need} ↔ {self.offer}"

    @property
    def has_interest(self) -> bool:
        return self.house_interested_at is not None or self.organisation_interested_at is not None


class NeedEvent(models.Model):
    """The history of a need: published, changed, interest on a match, closed, reopened."""

    class Kind(models.TextChoices):
        PUBLISHED = "published", _("Published")
        CHANGED = "changed", _("Changed")
        INTEREST = "interest", _("Interest in a match")
        CLOSED = "closed", _("Closed")
        REOPENED = "reopened", _("Reopened")

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    offer = models.ForeignKey(Offer, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    status = models.CharField(max_length=12, choices=Need.Status.choices, blank=True)
    note = models.TextField(max_length=NOTE_MAX_LENGTH, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("event of a need")
        verbose_name_plural = _("events of needs")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.need}: {self.get_kind_display()}"


class Roadmap(models.Model):
    """One year of a Huis's roadmap: the versions of a Huis are its years."""

    house = models.ForeignKey(
        "community.Organisation", on_delete=models.CASCADE, related_name="roadmaps", verbose_name=_("Huis van het Kind")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    shared = models.BooleanField(
        _("shared with other members"),
        default=False,
        help_text=_("Other members may then read this roadmap; otherwise only its Huis's coordinators."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("roadmap")
        verbose_name_plural = _("roadmaps")
        ordering = ["house__name", "-year"]
        constraints = [models.UniqueConstraint(fields=["house", "year"], name="roadmap_one_per_year")]

    def __str__(self):
        return f"{self.house} {self.year}"


class OfferStatus(models.TextChoices):
    NONE = "none", _("No offer")
    DEVELOPING = "developing", _("In development")
    AVAILABLE = "available", _("Available")


class RoadmapEntry(models.Model):
    """What a Huis offers for one key theme of a life domain (`theme` empty: the domain as a whole)."""

    roadmap = models.ForeignKey(Roadmap, on_delete=models.CASCADE, related_name="entries")
    life_domain = models.ForeignKey(
        "knowledge.LifeDomain", on_delete=models.CASCADE, related_name="+", verbose_name=_("life domain")
    )
    theme = models.ForeignKey(
        "knowledge.Theme",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("key theme"),
    )
    status = models.CharField(_("offer today"), max_length=10, choices=OfferStatus.choices, default=OfferStatus.NONE)
    partners = models.ManyToManyField(
        "community.Organisation", blank=True, related_name="+", verbose_name=_("partners")
    )
    target_groups = models.ManyToManyField(
        "knowledge.TargetGroup", blank=True, related_name="+", verbose_name=_("target groups")
    )
    notes = models.TextField(_("notes"), max_length=NOTE_MAX_LENGTH, blank=True)

    class Meta:
        verbose_name = _("roadmap entry")
        verbose_name_plural = _("roadmap entries")
        ordering = ["life_domain__sort_order", "theme__sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["roadmap", "life_domain", "theme"], name="roadmap_entry_unique"),
            models.UniqueConstraint(
                fields=["roadmap", "life_domain"], condition=Q(theme__isnull=True), name="roadmap_entry_unique_domain"
            ),
        ]

    def __str__(self):
        return f"{self.roadmap}: {self.theme or self.life_domain}"


class MatchNotice(models.TextChoices):
    APP = "app", _("In the app only")
    EMAIL = "email", _("In the app and by e-mail")


class ExchangePreference(models.Model):
    """How a person hears of new matches for their Huis's needs or their organisation's offers:
    always in the app, and by e-mail when they chose it. Without a row: in the app only. Kept by
    exchange, not on community's profile, because a lower app may not know about matches."""

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="exchange_preference"
    )
    new_matches = models.CharField(_("new matches"), max_length=8, choices=MatchNotice.choices, default=MatchNotice.APP)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("needs and offers preference")
        verbose_name_plural = _("needs and offers preferences")

    def __str__(self):
        return f"{self.person}: {self.get_new_matches_display()}"
