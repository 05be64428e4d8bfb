"""Accounts, profiles and the personal notification stream."""

import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from samenhuis.files import private_storage


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """An account: the e-mail address is the login; there is no username."""

    username = None
    email = models.EmailField(_("e-mail address"), unique=True)

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    # Whether the account was active when loaded, so a save can tell a deactivation apart.
    loaded_is_active: bool | None = None

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        if "is_active" in field_names:
            instance.loaded_is_active = instance.is_active
        return instance

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        """What others see: the profile's display name, never the e-mail address."""
        profile = getattr(self, "profile", None)
        if profile is not None and profile.display_name:
            return profile.display_name
        return super().get_full_name() or _("Member %(number)s") % {"number": self.pk}

    def get_full_name(self):
        # Wagtail's admin shows get_full_name(), falling back to the login (the e-mail address).
        return self.display_name

    def get_short_name(self):
        return self.display_name


def avatar_upload_to(instance, filename):
    # A random name: the file name a person uploads can carry their real name.
    return f"avatars/{uuid.uuid4().hex}.{filename.rsplit('.', 1)[-1].lower()}"


class Profile(models.Model):
    """What a person shows of themselves, and to whom (see docs/privacy.md).

    Kept small on purpose: a name, a function, expertise and a short bio. The e-mail address
    stays hidden unless the person shares it; `community.permissions` decides who sees what.
    """

    class Visibility(models.TextChoices):
        MEMBERS = "members", _("All members of the platform")
        CONNECTIONS = "connections", _("Only people in my organisations and groups")
        PUBLIC = "public", _("Everyone, also visitors without an account")

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    display_name = models.CharField(
        _("display name"),
        max_length=80,
        help_text=_("The name other members see, for example your first name and your Huis."),
    )
    function = models.CharField(
        _("function"), max_length=120, blank=True, help_text=_("For example: coordinator, family supporter.")
    )
    bio = models.TextField(_("about me"), max_length=600, blank=True)
    expertise = models.ManyToManyField(
        "knowledge.LifeDomain", blank=True, related_name="experts", verbose_name=_("expertise")
    )
    # Served only by community.views.people.member_avatar, after the visibility check.
    avatar = models.ImageField(_("photo"), upload_to=avatar_upload_to, storage=private_storage, blank=True)
    visibility = models.CharField(
        _("who may see my profile"), max_length=12, choices=Visibility.choices, default=Visibility.MEMBERS
    )
    share_email = models.BooleanField(_("show my e-mail address to those who may see my profile"), default=False)

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")
        ordering = ["display_name"]

    def __str__(self):
        return self.display_name


class Notification(models.Model):
    """One item in a person's notification stream; the websocket only announces new ones."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    text = models.CharField(_("text"), max_length=300)
    url = models.CharField(_("link"), max_length=500, blank=True)
    # Whom the text names, if anyone: deleting that account rewrites the text without the name.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-id"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread_idx")]

    def __str__(self):
        return self.text

    def as_event(self) -> dict:
        """The JSON shape the websocket and the page share (docs/realtime.md)."""
        return {
            "id": self.pk,
            "text": self.text,
            "url": self.url,
            "created_at": self.created_at.isoformat(),
            "read": self.read_at is not None,
        }
