"""Front-end pages of the knowledge app outside Wagtail's page tree: sharing a practice and
"Mijn bijdragen". Thin: the rules are in knowledge.review, the writes in knowledge.services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from . import review, services
from .forms.submission import PracticeSubmissionForm, initial_from_page
from .models import PracticePage


def _refused(request):
    return render(request, "knowledge/submission/not_allowed.html", status=403)


@login_required
def practice_share(request):
    if not review.can_submit_practice(request.user):
        return _refused(request)
    services.practice_index()
    form = PracticeSubmissionForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        page = services.practice_submit(
            user=request.user, data=form.practice_data(), attachments=form.cleaned_data["attachments"]
        )
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
        services.practice_resubmit(
            user=request.user, page=page, data=form.practice_data(), attachments=form.cleaned_data["attachments"]
        )
        messages.success(request, _("Your changes are with the editors again."))
        return redirect("knowledge:my_submissions")
    return render(
        request,
        "knowledge/submission/form.html",
        {"form": form, "practice": draft, "status": review.submission_status(page), "attachments": attachments},
    )
