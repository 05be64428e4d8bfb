"""Fixtures the community tests share."""

import pytest
from django.contrib.auth.models import Group, Permission

from tests.factories import UserFactory


@pytest.fixture
def superuser(db):
    return UserFactory(is_superuser=True, is_staff=True, profile="Beheer Samenhuis")


@pytest.fixture
def administrator(db):
    """Not a superuser: CMS access plus `community.manage_community`, as a "Beheerders" group has."""
    group = Group.objects.create(name="Beheerders")
    group.permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"),
        Permission.objects.get(content_type__app_label="community", codename="manage_community"),
    )
    user = UserFactory(profile="Ilse Beheerder")
    user.groups.add(group)
    return user
