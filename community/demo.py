"""Demo accounts for `manage.py load_demo`: one per role, e-mail verified, known password.

The addresses use the reserved .test domain, so no demo mail can reach a real person.
"""

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page

from . import services
from .models import User

DEMO_PASSWORD = "samenhuis-demo"  # noqa: S105 - printed on purpose; demo data only


@dataclass(frozen=True)
class DemoAccount:
    role: str
    email: str
    display_name: str
    superuser: bool = False
    editor: bool = False


DEMO_ACCOUNTS = [
    DemoAccount("redacteur", "redactie@samenhuis.test", "Sofie Redactie", editor=True),
    DemoAccount("coördinator", "coordinator@samenhuis.test", "An Peeters (Huis van het Kind Geel)"),
    DemoAccount("gespreksleider", "gespreksleider@samenhuis.test", "Karim Gespreksleider"),
    DemoAccount("beheerder", "beheer@samenhuis.test", "Beheer Samenhuis", superuser=True),
]


def editors_group_ensure() -> Group:
    """Wagtail's "Editors" group: admin access, pages under the home page, images and documents."""
    group, _ = Group.objects.get_or_create(name="Editors")
    group.permissions.add(Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"))
    home = Page.objects.filter(depth=2).first()
    if home is not None:
        for codename in ("add_page", "change_page", "publish_page"):
            permission = Permission.objects.get(content_type__app_label="wagtailcore", codename=codename)
            GroupPagePermission.objects.get_or_create(group=group, page=home, permission=permission)
    collection = Collection.get_first_root_node()
    for app_label, codenames in (
        ("wagtailimages", ("add_image", "choose_image")),
        ("wagtaildocs", ("add_document", "choose_document")),
    ):
        for codename in codenames:
            permission = Permission.objects.get(content_type__app_label=app_label, codename=codename)
            GroupCollectionPermission.objects.get_or_create(group=group, collection=collection, permission=permission)
    return group


@transaction.atomic
def demo_accounts_ensure() -> list[DemoAccount]:
    for account in DEMO_ACCOUNTS:
        user = User.objects.filter(email=account.email).first()
        if user is None:
            user = User.objects.create_user(
                email=account.email,
                password=DEMO_PASSWORD,
                is_staff=account.superuser,
                is_superuser=account.superuser,
            )
            services.profile_create(user=user, display_name=account.display_name)
        EmailAddress.objects.update_or_create(
            user=user, email=account.email, defaults={"verified": True, "primary": True}
        )
        if account.editor:
            user.groups.add(editors_group_ensure())
    return DEMO_ACCOUNTS
