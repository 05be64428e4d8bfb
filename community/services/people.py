"""Profiles: what a person shows of themselves."""

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
    """Save the profile; `avatar` must already be checked by `community.uploads.image_clean`."""
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
    profile.full_clean()
    profile.save()
    profile.expertise.set(expertise)
    if old_avatar and old_avatar != (profile.avatar.name if profile.avatar else ""):
        storage = profile.avatar.storage
        transaction.on_commit(lambda: storage.delete(old_avatar))
    return profile
