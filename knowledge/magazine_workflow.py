"""The magazine's two-step editorial workflow: redactie, then eindredactie.

Two Wagtail groups get CMS access and page permissions on the magazine: "Redactie" writes and
edits, "Eindredactie" also publishes. The Wagtail workflow "Magazine" (two group approval
tasks, in that order) is assigned to the magazine index, so every issue and article passes
both steps; the last approval publishes, or schedules when a go-live date is set. Ensured
after `migrate` and by the demo content; idempotent. See docs/knowledge.md.
"""

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

WORKFLOW_NAME = "Magazine"
REDACTIE = "Redactie"
EINDREDACTIE = "Eindredactie"

PAGE_PERMISSIONS = {
    REDACTIE: ("add_page", "change_page"),
    EINDREDACTIE: ("add_page", "change_page", "publish_page"),
}
COLLECTION_PERMISSIONS = (
    ("wagtailimages", ("add_image", "choose_image")),
    ("wagtaildocs", ("add_document", "choose_document")),
)


def ensure_after_migrate(sender, using="default", **kwargs):
    if using == "default":
        magazine_workflow_ensure()


@transaction.atomic
def magazine_workflow_ensure() -> Workflow:
    """Groups, tasks and workflow; page permissions and the assignment once the magazine exists."""
    from .models import MagazineIndexPage

    access_admin = Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    groups = {}
    for name in (REDACTIE, EINDREDACTIE):
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(access_admin)
        groups[name] = group
        collection = Collection.get_first_root_node()
        if collection is not None:
            for app_label, codenames in COLLECTION_PERMISSIONS:
                for codename in codenames:
                    permission = Permission.objects.get(content_type__app_label=app_label, codename=codename)
                    GroupCollectionPermission.objects.get_or_create(
                        group=group, collection=collection, permission=permission
                    )

    workflow, _ = Workflow.objects.get_or_create(name=WORKFLOW_NAME, defaults={"active": True})
    for sort_order, name in enumerate((REDACTIE, EINDREDACTIE)):
        task = GroupApprovalTask.objects.filter(name=name).first()
        if task is None:
            task = GroupApprovalTask.objects.create(name=name)
            task.groups.set([groups[name]])
        WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": sort_order})

    magazine = MagazineIndexPage.objects.first()
    if magazine is not None:
        WorkflowPage.objects.get_or_create(page=magazine, defaults={"workflow": workflow})
        for name, codenames in PAGE_PERMISSIONS.items():
            for codename in codenames:
                permission = Permission.objects.get(content_type__app_label="wagtailcore", codename=codename)
                GroupPagePermission.objects.get_or_create(group=groups[name], page=magazine, permission=permission)
    return workflow
