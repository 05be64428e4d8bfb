"""Signal receivers of the community app; connected in CommunityConfig.ready()."""

from django.contrib.auth.signals import user_logged_out
from django.dispatch import receiver

from . import services


@receiver(user_logged_out)
def close_sockets_of_ended_session(sender, request, user, **kwargs):
    if user is not None and request is not None and request.session.session_key:
        services.sessions_close_now(user_id=user.pk, session_key=request.session.session_key)
