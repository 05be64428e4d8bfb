"""Template context every page of the layout needs."""

from django.conf import settings
from django.utils.functional import SimpleLazyObject


def layout(request):
    context = {"signup_open": settings.SAMENHUIS_SIGNUP_OPEN}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        from community.selectors import notification_state_for

        context["notification_state"] = SimpleLazyObject(lambda: notification_state_for(user=user))
    return context
