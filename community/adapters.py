from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings


class AccountAdapter(DefaultAccountAdapter):
    """Sign-up can be closed by the platform administrator (SIGNUP_OPEN=false)."""

    def is_open_for_signup(self, request):
        return getattr(settings, "SAMENHUIS_SIGNUP_OPEN", True)
