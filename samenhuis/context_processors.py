"""Template context every page of the layout needs."""

from django.utils.functional import SimpleLazyObject


def layout(request):
    def notification_state():
        from community.selectors import notification_state_for

        return notification_state_for(user=request.user)

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"notification_state": SimpleLazyObject(notification_state)}
