"""The review of practices that coordinators share: who may share, the Wagtail workflow editors
review them in, the status a submitter sees, and telling the submitter the outcome.

Editors review in the Wagtail admin with a plain `GroupApprovalTask` ("Request changes",
"Approve"); approving publishes. Rejecting ("this will not be published") is Wagtail's own
"Cancel workflow" on an unpublished submission; the "Reject submission" item in the page
editor's action menu asks for the reason first and logs it, then cancels. See
docs/knowledge.md, "Sharing a practice".
"""

from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.action_menu import ActionMenuItem
from wagtail.log_actions import log
from wagtail.models import GroupApprovalTask, PageLogEntry, Workflow, WorkflowPage, WorkflowState, WorkflowTask
from wagtail.signals import task_rejected, workflow_approved, workflow_cancelled

from community.mail import absolute_url, mail_send_on_commit
from community.models import Membership, Organisation
from community.services.notifications import notification_create

from .models import PracticeIndexPage, PracticePage

WORKFLOW_NAME = "Praktijken nakijken"
TASK_NAME = "Redactie keurt praktijk goed"
EDITORS_GROUP = "Editors"
DECLINE_LOG_ACTION = "knowledge.practice_decline"
SUBMITTER_ROLES = (Membership.Role.COORDINATOR, Membership.Role.STAFF)


# Who may share ------------------------------------------------------------------------------------


def houses_of(user):
    """The Huizen a person works for (coordinator or staff): the ones they may share a practice for."""
    if not (user.is_authenticated and user.is_active):
        return Organisation.objects.none()
    return Organisation.objects.filter(
        kind=Organisation.Kind.HOUSE, memberships__person=user, memberships__role__in=SUBMITTER_ROLES
    ).distinct()


def can_submit_practice(user) -> bool:
    """Coordinators and staff of a Huis van het Kind share practices; everyone else only reads them."""
    return houses_of(user).exists()


def can_edit_submission(user, page: PracticePage) -> bool:
    """Only the submitter, only before it is published, only while the editors asked for changes."""
    return (
        user.is_authenticated
        and page.submitted_by_id == user.pk
        and not page.live
        and submission_status(page).code == SubmissionStatus.CHANGES_REQUESTED
    )


# The workflow -------------------------------------------------------------------------------------


@transaction.atomic
def practice_workflow_ensure() -> Workflow:
    """The one-step review workflow on every practice listing; an editor's own choice of workflow
    for a listing is kept. Idempotent."""
    editors, _created = Group.objects.get_or_create(name=EDITORS_GROUP)
    workflow = Workflow.objects.filter(name=WORKFLOW_NAME).first() or Workflow.objects.create(name=WORKFLOW_NAME)
    task = GroupApprovalTask.objects.filter(name=TASK_NAME).first() or GroupApprovalTask.objects.create(name=TASK_NAME)
    task.groups.add(editors)
    if not WorkflowTask.objects.filter(workflow=workflow, task=task).exists():
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    for index in PracticeIndexPage.objects.all():
        WorkflowPage.objects.get_or_create(page=index, defaults={"workflow": workflow})
    return workflow


def ensure_after_migrate(sender, using="default", **kwargs):
    practice_workflow_ensure()


def practice_workflow_for(page: PracticePage) -> Workflow:
    return page.get_workflow() or (practice_workflow_ensure() and page.get_workflow())


# What the submitter sees --------------------------------------------------------------------------


@dataclass(frozen=True)
class SubmissionStatus:
    IN_REVIEW = "in_review"
    CHANGES_REQUESTED = "changes_requested"
    PUBLISHED = "published"
    REJECTED = "rejected"

    code: str
    comment: str = ""

    @property
    def label(self) -> str:
        return {
            self.IN_REVIEW: _("In review"),
            self.CHANGES_REQUESTED: _("Changes requested"),
            self.PUBLISHED: _("Published"),
            self.REJECTED: _("Not published"),
        }[self.code]


def _decline_comment(page: PracticePage, state: WorkflowState) -> str:
    entry = (
        PageLogEntry.objects.filter(page=page, action=DECLINE_LOG_ACTION, timestamp__gte=state.created_at)
        .order_by("-timestamp")
        .first()
    )
    return (entry.data or {}).get("comment", "") if entry else ""


def submission_status(page: PracticePage, state: WorkflowState | None = None) -> SubmissionStatus:
    if page.live:
        return SubmissionStatus(SubmissionStatus.PUBLISHED)
    if state is None:
        state = WorkflowState.objects.for_instance(page).select_related("current_task_state").order_by("-pk").first()
    if state is None or state.status in (WorkflowState.STATUS_IN_PROGRESS, WorkflowState.STATUS_APPROVED):
        return SubmissionStatus(SubmissionStatus.IN_REVIEW)
    if state.status == WorkflowState.STATUS_NEEDS_CHANGES:
        comment = state.current_task_state.comment if state.current_task_state else ""
        return SubmissionStatus(SubmissionStatus.CHANGES_REQUESTED, comment)
    return SubmissionStatus(SubmissionStatus.REJECTED, _decline_comment(page, state))


@dataclass(frozen=True)
class Submission:
    page: PracticePage
    status: SubmissionStatus


def submissions_of(user) -> list[Submission]:
    """The person's submitted practices, newest first, each with its review status."""
    pages = list(PracticePage.objects.filter(submitted_by=user).order_by("-pk"))
    states = {}
    for state in (
        WorkflowState.objects.filter(
            base_content_type=PracticePage().get_base_content_type(), object_id__in=[str(page.pk) for page in pages]
        )
        .select_related("current_task_state")
        .order_by("pk")
    ):
        states[state.object_id] = state
    return [Submission(page, submission_status(page, states.get(str(page.pk)))) for page in pages]


# Telling the submitter ----------------------------------------------------------------------------


def _submitted_practice(workflow_state: WorkflowState) -> PracticePage | None:
    if workflow_state.base_content_type_id != PracticePage().get_base_content_type().pk:
        return None
    page = PracticePage.objects.filter(pk=workflow_state.object_id).select_related("submitted_by").first()
    if page is None or page.submitted_by is None:
        return None
    return page


def _tell_submitter(page: PracticePage, status: SubmissionStatus) -> None:
    person = page.submitted_by
    my_submissions = reverse("knowledge:my_submissions")
    if status.code == SubmissionStatus.PUBLISHED:
        text = _("Your practice “%(title)s” is published.") % {"title": page.title}
        url = page.url or my_submissions
    elif status.code == SubmissionStatus.CHANGES_REQUESTED:
        text = _("The editors ask for changes to your practice “%(title)s”.") % {"title": page.title}
        url = my_submissions
    else:
        text = _("The editors will not publish your practice “%(title)s”.") % {"title": page.title}
        url = my_submissions
    notification_create(recipient=person, text=text, url=url)
    mail_send_on_commit(
        to=[person.email],
        # mail_send_on_commit looks under community/email/; our templates live in knowledge/email/.
        template=f"knowledge/email/practice_{status.code}",
        context={
            "person": person,
            "page": page,
            "comment": status.comment,
            "page_url": absolute_url(page.url) if status.code == SubmissionStatus.PUBLISHED and page.url else "",
            "submissions_url": absolute_url(my_submissions),
        },
    )


def on_task_rejected(sender, instance, user=None, **kwargs):
    page = _submitted_practice(instance.workflow_state)
    if page is not None:
        _tell_submitter(page, SubmissionStatus(SubmissionStatus.CHANGES_REQUESTED, instance.comment))


def on_workflow_approved(sender, instance, user=None, **kwargs):
    page = _submitted_practice(instance)
    if page is not None:
        _tell_submitter(page, submission_status(page, instance))


def on_workflow_cancelled(sender, instance, user=None, **kwargs):
    """Cancelled: rejected, unless an editor published the page directly (the publish cancels it)."""
    page = _submitted_practice(instance)
    if page is not None:
        _tell_submitter(page, submission_status(page, instance))


task_rejected.connect(on_task_rejected, dispatch_uid="knowledge-practice-task-rejected")
workflow_approved.connect(on_workflow_approved, dispatch_uid="knowledge-practice-workflow-approved")
workflow_cancelled.connect(on_workflow_cancelled, dispatch_uid="knowledge-practice-workflow-cancelled")


# Rejecting in the admin ---------------------------------------------------------------------------


def can_decline(user, page: PracticePage) -> bool:
    """Whoever may approve the current review task may also reject the submission."""
    task_state = page.current_workflow_task_state
    if task_state is None or page.live:
        return False
    return any(name == "approve" for name, *_rest in task_state.task.specific.get_actions(page, user))


@transaction.atomic
def practice_decline(*, page: PracticePage, user, comment: str) -> None:
    """Stop the review: the practice will not be published. The reason is logged, then the
    workflow is cancelled, which tells the submitter (on_workflow_cancelled)."""
    if not can_decline(user, page):
        raise PermissionDenied
    log(instance=page, action=DECLINE_LOG_ACTION, user=user, data={"comment": comment})
    page.current_workflow_state.cancel(user=user)


class DeclineForm(forms.Form):
    comment = forms.CharField(
        label=gettext_lazy("Why will this practice not be published?"),
        help_text=gettext_lazy("The submitter reads this in the e-mail and on “My contributions”."),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )


def decline_view(request, page_id):
    page = get_object_or_404(PracticePage, pk=page_id)
    if not can_decline(request.user, page):
        raise PermissionDenied
    form = DeclineForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        practice_decline(page=page, user=request.user, comment=form.cleaned_data["comment"])
        messages.success(request, _("The submission is rejected and the submitter has been told."))
        return redirect("wagtailadmin_pages:edit", page.pk)
    return render(request, "knowledge/submission/admin_decline.html", {"page": page, "form": form})


class DeclineMenuItem(ActionMenuItem):
    label = gettext_lazy("Reject submission")
    name = "action-decline-practice"
    icon_name = "cross"
    order = 60

    def is_shown(self, context):
        page = context.get("page")
        return (
            context["view"] == "edit" and isinstance(page, PracticePage) and can_decline(context["request"].user, page)
        )

    def get_url(self, context):
        return reverse("knowledge_practice_decline", args=[context["page"].pk])


@hooks.register("register_admin_urls")
def _admin_urls():
    return [path("praktijken/<int:page_id>/afwijzen/", decline_view, name="knowledge_practice_decline")]


@hooks.register("register_page_action_menu_item")
def _decline_menu_item():
    return DeclineMenuItem()


@hooks.register("register_log_actions")
def _log_actions(actions):
    actions.register_action(DECLINE_LOG_ACTION, gettext_lazy("Reject submission"), gettext_lazy("Submission rejected"))
