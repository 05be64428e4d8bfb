"""Profiles: what a person shows of themselves (docs/privacy.md)."""

from django.core.files.base import ContentFile
from django.db import transaction

from ..models import Profile, User


def profile_create(*, user: User, display_name: str) -> Profile:
    return Profile.objects.create(user=user, display_name=display_name.strip())


@transaction.atomic
def profile_update(
    *,
    user: User,
    display_name: str,
    function: str = "",
    bio: str = "",
    expertise=(),
    visibility: str = Profile.Visibility.MEMBERS,
    share_email: bool = False,
    avatar: ContentFile | None = None,
    remove_avatar: bool = False,
) -> Profile:
    """Save the profile; `avatar` must already be checked by `community.uploads.image_clean`.

    A new photo replaces the old one, and `remove_avatar` drops it; the file that is no
    longer used is deleted once the change is committed, never before (a rollback keeps it).
    """
    profile, _created = Profile.objects.select_for_update().get_or_create(user=user)
    profile.display_name = display_name.strip()
    profile.function = function.strip()
    profile.bio = bio.strip()
    profile.visibility = visibility
    profile.share_email = share_email
    old_avatar = profile.avatar.name if profile.avatar else ""
    if avatar is not None:
        profile.avatar.save(avatar.name, avatar, save=False)
    elif remove_avatar:
        profile.avatar = ""
    new_avatar = profile.avatar.name if profile.avatar else ""
    storage = profile.avatar.storage
    try:
        profile.full_clean()
        profile.save()
        profile.expertise.set(expertise)
    except Exception:
        # The new file is already written; nothing will refer to it.
        if new_avatar and new_avatar != old_avatar:
            storage.delete(new_avatar)
        raise
    if old_avatar and old_avatar != new_avatar:
        transaction.on_commit(lambda: storage.delete(old_avatar))
    return profile
