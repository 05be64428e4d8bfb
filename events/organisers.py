"""The CMS group for organisation staff who publish events: they may add, edit and publish pages
under the agenda only, and upload documents for the materials. Administrators put people in it
at /cms/users/; made after `migrate`, only where missing."""

from django.contrib.auth.models import Group, Permission
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission

ORGANISERS_GROUP = "Event organisers"


def organisers_group_ensure() -> Group | None:
    from .models import AgendaPage

    agenda = AgendaPage.objects.first()
    if agenda is None:
        return None
    group, _ = Group.objects.get_or_create(name=ORGANISERS_GROUP)
    group.permissions.add(Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"))
    for codename in ("add_page", "change_page", "publish_page"):
        permission = Permission.objects.get(content_type__app_label="wagtailcore", codename=codename)
        GroupPagePermission.objects.get_or_create(group=group, page=agenda, permission=permission)
    collection = Collection.get_first_root_node()
    for codename in ("add_document", "choose_document"):
        permission = Permission.objects.get(content_type__app_label="wagtaildocs", codename=codename)
        GroupCollectionPermission.objects.get_or_create(group=group, collection=collection, permission=permission)
    return group


def ensure_after_migrate(sender, using="default", **kwargs):
    if using == "default":
        organisers_group_ensure()
