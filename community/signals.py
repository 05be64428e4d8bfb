"""Signal receivers of the community app; connected in CommunityConfig.ready()."""

from allauth.account.signals import password_changed, password_reset, password_set
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from . import services
from .models import Organisation, Profile, User


@receiver(user_logged_out)
def close_sockets_of_ended_session(sender, request, user, **kwargs):
    if user is not None and request is not None and request.session.session_key:
        services.sessions_close_now(user_id=user.pk, session_key=request.session.session_key)


@receiver(post_save, sender=User)
def close_sockets_of_deactivated_account(sender, instance, created, **kwargs):
    # Deactivation can happen anywhere (Wagtail's user admin, a shell); the model is the one place to see it.
    if not created and instance.loaded_is_active and not instance.is_active:
        services.sockets_close_on_commit(user_id=instance.pk, code=services.CLOSE_UNAUTHENTICATED)
    instance.loaded_is_active = instance.is_active


@receiver([password_changed, password_reset, password_set])
def reconnect_sockets_after_password_change(sender, request, user, **kwargs):
    services.sockets_close_on_commit(user_id=user.pk, code=services.CLOSE_RECONNECT)


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
