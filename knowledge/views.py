"""Front-end pages of the knowledge app outside Wagtail's page tree: sharing a practice and
"Mijn bijdragen". Thin: the rules are in knowledge.review, the writes in knowledge.services.
A form refused because something changed after its page was loaded (the account no longer
linked to a Huis, the editors took the practice up) answers with its own status and the text
to copy (samenhuis/refusals.py)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from samenhuis.refusals import kept_from_form, refusal_response

from . import review, services
from .forms.submission import PracticeSubmissionForm, initial_from_page
from .models import PracticePage


def _refused(request):
    return render(request, "knowledge/submission/not_allowed.html", status=403)


def _share_refused(request, form):
    return refusal_response(
        request,
        status=403,
        title=_("Your practice was not sent"),
        reason=_("Your account is not linked to a Huis van het Kind (any more), so you cannot share a practice."),
        advice=_("Ask to be linked to your Huis; once its coordinators agree, paste your text back in."),
        kept=kept_from_form(form),
        action=(reverse("community:membership_request"), _("Link me to my Huis")),
    )


def _edit_refused(request, form):
    return refusal_response(
        request,
        status=409,
        title=_("Your changes were not sent"),
        reason=_(
            "The editors have taken up your practice since you opened this page (it is in review, "
            "published or declined), so it can no longer be changed here."
        ),
        advice=_("Copy your changes if you want to keep them: the editors will tell you if they need them."),
        kept=kept_from_form(form),
        back=reverse("knowledge:my_submissions"),
    )


@login_required
def practice_share(request):
    if not review.can_submit_practice(request.user):
        if request.method == "POST":
            return _share_refused(request, PracticeSubmissionForm(request.POST, user=request.user))
        return _refused(request)
    services.practice_index()
    form = PracticeSubmissionForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            page = services.practice_submit(
                user=request.user, data=form.practice_data(), attachments=form.cleaned_data["attachments"]
            )
        except PermissionDenied:
            return _share_refused(request, form)
        messages.success(
            request, _("Thank you! “%(title)s” is now with the editors for review.") % {"title": page.title}
        )
        return redirect("knowledge:my_submissions")
    return render(request, "knowledge/submission/form.html", {"form": form})


@login_required
def my_submissions(request):
    return render(
        request,
        "knowledge/submission/my_submissions.html",
        {
            "submissions": review.submissions_of(request.user),
            "can_submit": review.can_submit_practice(request.user),
        },
    )


@login_required
def submission_edit(request, pk):
    page = get_object_or_404(PracticePage, pk=pk, submitted_by=request.user)
    if not review.can_edit_submission(request.user, page):
        if request.method == "POST":
            return _edit_refused(request, PracticeSubmissionForm(request.POST, user=request.user))
        raise Http404
    draft = page.get_latest_revision_as_object()
    attachments = list(draft.attachments.all())
    form = PracticeSubmissionForm(
        request.POST or None,
        request.FILES or None,
        user=request.user,
        initial=initial_from_page(draft),
        existing_attachments=len(attachments),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.practice_resubmit(
                user=request.user, page=page, data=form.practice_data(), attachments=form.cleaned_data["attachments"]
            )
        except PermissionDenied:  # the editors acted between the check above and the lock
            return _edit_refused(request, form)
        messages.success(request, _("Your changes are with the editors again."))
        return redirect("knowledge:my_submissions")
    return render(
        request,
        "knowledge/submission/form.html",
        {"form": form, "practice": draft, "status": review.submission_status(page), "attachments": attachments},
    )
