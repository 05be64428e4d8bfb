"""Signals the community app sends, and its receivers (connected in CommunityConfig.ready())."""

from allauth.account.signals import password_changed, password_reset, password_set
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
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


# The audit trail of roles in the CMS (docs/privacy.md, "Audit trail") ----------------------------
#
# Whoever acts in the CMS is put on the object the change goes through by the hooks in
# community/wagtail_hooks.py (`audit_actor_set`): the edited user for the user screen, the role for
# the bulk "assign role". A change without one (a shell, a command) is recorded without an actor.
# A new account's roles are recorded by the `after_create_user` hook, not here: a new account is
# not a change of role, and the accounts that tests and commands create would fill the trail.

ROLE_FLAGS = ("is_superuser", "is_staff")
AUDIT_ACTOR = "_audit_actor"


def audit_actor_set(obj, actor) -> None:
    setattr(obj, AUDIT_ACTOR, actor)


def _audit_actor(obj):
    return getattr(obj, AUDIT_ACTOR, None)


@receiver(pre_save, sender=User)
def remember_role_flags_before_save(sender, instance, raw=False, update_fields=None, **kwargs):
    instance._role_flags_before = None
    if raw or instance._state.adding or instance.pk is None:
        return
    if update_fields is not None and not set(update_fields) & set(ROLE_FLAGS):
        return  # a login's last_login, a password: no role changes
    instance._role_flags_before = User.objects.filter(pk=instance.pk).values(*ROLE_FLAGS).first()


@receiver(post_save, sender=User)
def audit_role_flags(sender, instance, created, raw=False, **kwargs):
    from .services.audit import audit_cms_role

    before, instance._role_flags_before = getattr(instance, "_role_flags_before", None), None
    if created:
        instance._audit_created = True  # its groups, set right after, are not changes either
    if created or raw or before is None:
        return
    for flag in ROLE_FLAGS:
        now = bool(getattr(instance, flag))
        if bool(before[flag]) != now:
            audit_cms_role(actor=_audit_actor(instance), person=instance, flag=flag, on=now)


@receiver(m2m_changed, sender=User.groups.through)
def audit_cms_roles(sender, instance, action, reverse, pk_set, **kwargs):
    """Wagtail's roles are Django groups: `user.groups` changed from the user's side (the user
    screen), or `group.user_set` from the role's (the bulk "assign role")."""
    from django.contrib.auth.models import Group

    from .services.audit import audit_cms_role

    if action == "pre_clear":
        related = instance.user_set if reverse else instance.groups
        instance._roles_cleared = set(related.values_list("pk", flat=True))
        return
    if action == "post_clear":
        pk_set = instance.__dict__.pop("_roles_cleared", set())
    elif action not in ("post_add", "post_remove"):
        return
    if not pk_set or (not reverse and getattr(instance, "_audit_created", False)):
        return
    on, actor = action == "post_add", _audit_actor(instance)
    if reverse:
        for person_id in sorted(pk_set):
            audit_cms_role(actor=actor, person=person_id, role=instance, on=on)
    else:
        for role in Group.objects.filter(pk__in=pk_set).order_by("name"):
            audit_cms_role(actor=actor, person=instance, role=role, on=on)
