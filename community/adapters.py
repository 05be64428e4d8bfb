from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from allauth.utils import build_absolute_uri
from django.conf import settings
from django.urls import reverse


class AccountAdapter(DefaultAccountAdapter):
    """Sign-up can be closed by the platform administrator (SIGNUP_OPEN=false), and allauth's
    mails speak as Samenhuis (docs/accounts.md "Mails")."""

    def is_open_for_signup(self, request):
        return getattr(settings, "SAMENHUIS_SIGNUP_OPEN", True)

    def send_mail(self, template_prefix, email, context):
        """Give every allauth mail what our templates (templates/account/email/, templates/mfa/email/)
        greet, link and sign with. allauth's own templates greet with the current site, which
        without django.contrib.sites is the request's host ("Hallo van 127.0.0.1:8401!")."""
        request = allauth_context.request
        samenhuis = {
            "recipient_name": _recipient_name(context.get("user")),
            "site_url": _absolute(request, "/"),
            "password_reset_url": _absolute(request, reverse("account_reset_password")),
            "signup_open": self.is_open_for_signup(request),
            "confirmation_days": account_settings.EMAIL_CONFIRMATION_EXPIRE_DAYS,
        }
        super().send_mail(template_prefix, email, {**samenhuis, **context})

    def get_http_user_agent(self, request):
        """Empty when the browser sends none (allauth says "Unspecified", in English); the notice
        then leaves the line out."""
        return request.META.get("HTTP_USER_AGENT", "")

    def send_notification_mail(self, template_prefix, user, context=None, email=None):
        """allauth leaves the person out of a notice's context; the greeting needs their name."""
        super().send_notification_mail(template_prefix, user, {"user": user, **(context or {})}, email)


def _recipient_name(user) -> str:
    """The display name the person chose, or nothing (then the mail says just "Hallo,")."""
    profile = getattr(user, "profile", None)
    return profile.display_name if profile is not None else ""


def _absolute(request, path: str) -> str:
    """Links the way allauth builds its own (the request's address); BASE_URL outside a request."""
    if request is None:
        return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path
    return build_absolute_uri(request, path)
