"""Signals the community app sends, and its receivers (connected in CommunityConfig.ready())."""

from allauth.account.signals import password_changed, password_reset, password_set
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal, receiver

from realtime import sockets

from .models import Organisation, Profile, User

# Sent by the group services inside their transaction, for higher apps that keep something per
# group (the rooms: rooms/signals.py). A receiver that needs the commit schedules it itself.
# group_created(sender=IntervisionGroup, group): a group was created.
group_created = Signal()
# group_access_changed(sender=IntervisionGroup, group, person): the person left or was removed,
# or their role changed: what they may do in the group's places is to be read again.
group_access_changed = Signal()


@receiver(user_logged_out)
def close_sockets_of_ended_session(sender, request, user, **kwargs):
    if user is not None and request is not None and request.session.session_key:
        sockets.sessions_close_now(user_id=user.pk, session_key=request.session.session_key)


@receiver(post_save, sender=User)
def close_sockets_of_deactivated_account(sender, instance, created, **kwargs):
    # Deactivation can happen anywhere (Wagtail's user admin, a shell); the model is the one place to see it.
    if not created and instance.loaded_is_active and not instance.is_active:
        sockets.sockets_close_on_commit(user_id=instance.pk, code=sockets.CLOSE_UNAUTHENTICATED)
    instance.loaded_is_active = instance.is_active


@receiver([password_changed, password_reset, password_set])
def reconnect_sockets_after_password_change(sender, request, user, **kwargs):
    sockets.sockets_close_on_commit(user_id=user.pk, code=sockets.CLOSE_RECONNECT)


@receiver(user_logged_in)
def record_login(sender, request, user, **kwargs):
    """A login record (docs/privacy.md, register "login_records"), with the session the login opened."""
    if request is None:
        return
    session = getattr(request, "session", None)
    if session is not None and session.session_key is None:
        session.save()
    from .services.records import login_record

    login_record(
        person=user,
        ip_address=request.META.get("REMOTE_ADDR"),
        user_agent=request.META.get("HTTP_USER_AGENT", ""),
        session_key=(session.session_key or "") if session is not None else "",
    )


@receiver(user_logged_in)
def accept_invitation_opened_before_login(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        from .views.groups import invitation_accept_after_login

        invitation_accept_after_login(request, user)


@receiver(post_delete, sender=Profile)
@receiver(post_delete, sender=Organisation)
def delete_uploaded_image_with_its_owner(sender, instance, **kwargs):
    """A deleted account takes its photo along (docs/privacy.md); an organisation its logo."""
    image = instance.avatar if sender is Profile else instance.logo
    if image:
        storage, name = image.storage, image.name
        transaction.on_commit(lambda: storage.delete(name))
