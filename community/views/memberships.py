"""Linking yourself to an organisation: find it, ask to be linked in a role, or propose one that is
not listed; the deciders answer. Thin: the rules are `community.permissions`, the changes
`community.services.memberships`; a refused request re-renders its form with the message and
what the person typed (docs/community.md, "Linking yourself to an organisation").

Proposals are decided in the CMS (`community.wagtail_hooks`); requests on `membership_request_decide`.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from .. import permissions, services
from ..forms.memberships import (
    MembershipDecisionForm,
    MembershipRequestForm,
    OrganisationProposalForm,
    OrganisationSearchForm,
)
from ..models import Membership, MembershipRequest, Organisation
from ..selectors import memberships
from ..selectors.organisations import directory_search

SEARCH_RESULTS = 20


# A refusal about one field is shown at that field, the others above the form.
FIELD_OF_REFUSAL = {"already_covered": "municipalities", "no_municipality": "municipalities", "exists": "name"}


def _refused(form, error: ValidationError) -> None:
    for item in error.error_list:
        field = FIELD_OF_REFUSAL.get(item.code)
        form.add_error(field if field in form.fields else None, item)


@login_required
@require_safe
def membership_request(request):
    """The start: search an organisation by name or municipality, see your requests and links."""
    form = OrganisationSearchForm(request.GET or None)
    query = form.query()
    results = list(directory_search(query=query)[: SEARCH_RESULTS + 1]) if query else []
    own = list(memberships.membership_requests_of(person=request.user))
    pending = [item for item in own if item.is_pending]
    linked_ids = set(Membership.objects.filter(person=request.user).values_list("organisation_id", flat=True))
    return render(
        request,
        "community/memberships/start.html",
        {
            "form": form,
            "query": query,
            "results": results[:SEARCH_RESULTS],
            "more_results": len(results) > SEARCH_RESULTS,
            "linked_ids": linked_ids,
            "pending_ids": {item.organisation_id for item in pending if item.organisation_id},
            "pending": [
                (item, permissions.membership_deciders_named(request.user, item.organisation)) for item in pending
            ],
            "decided": [item for item in own if not item.is_pending][:10],
            "memberships": Membership.objects.filter(person=request.user).select_related("organisation"),
            "to_decide_count": memberships.membership_requests_to_decide(user=request.user).count(),
        },
    )


def _ask_page(request, organisation, form, *, status=200):
    return render(
        request,
        "community/memberships/request_form.html",
        {
            "organisation": organisation,
            "form": form,
            "deciders": permissions.membership_deciders_named(request.user, organisation),
            "is_member": Membership.objects.filter(person=request.user, organisation=organisation).exists(),
            "pending": MembershipRequest.objects.filter(
                person=request.user, organisation=organisation, status=MembershipRequest.Status.PENDING
            ).first(),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def membership_request_organisation(request, slug):
    """Ask to be linked to one organisation; the page says who decides."""
    organisation = get_object_or_404(Organisation, slug=slug)
    form = MembershipRequestForm(request.POST or None)
    if request.method == "POST":
        if not form.is_valid():
            return _ask_page(request, organisation, form, status=400)
        try:
            services.membership_request_create(
                actor=request.user,
                organisation=organisation,
                role=form.cleaned_data["role"],
                message=form.cleaned_data["message"],
            )
        except ValidationError as error:
            _refused(form, error)
            return _ask_page(request, organisation, form, status=409)
        messages.success(request, _("Your request has been sent. You hear it as soon as someone decides."))
        return redirect("community:membership_request")
    return _ask_page(request, organisation, form)


def _propose_page(request, form, *, status=200):
    return render(
        request,
        "community/memberships/propose_form.html",
        {"form": form, "deciders": permissions.membership_deciders_named(request.user, None)},
        status=status,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def organisation_propose(request):
    """Propose an organisation that is not listed yet; the platform administrators decide."""
    form = OrganisationProposalForm(request.POST or None, initial={"name": request.GET.get("naam", "")[:150]})
    if request.method == "POST":
        if not form.is_valid():
            return _propose_page(request, form, status=400)
        data = form.cleaned_data
        try:
            services.organisation_propose(
                actor=request.user,
                name=data["name"],
                kind=data["kind"],
                municipalities=data["municipalities"],
                website=data["website"],
                role=data["role"],
                message=data["message"],
            )
        except ValidationError as error:
            _refused(form, error)
            return _propose_page(request, form, status=409)
        messages.success(
            request, _("Your proposal has been sent to the platform administrators. You hear it when they decide.")
        )
        return redirect("community:membership_request")
    return _propose_page(request, form)


@login_required
@require_POST
def membership_request_withdraw(request, pk):
    membership_request = MembershipRequest.objects.filter(pk=pk, person=request.user).first()
    if membership_request is None:
        raise Http404
    try:
        services.membership_request_withdraw(actor=request.user, membership_request=membership_request)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request, _("Your request for %(organisation)s was withdrawn.") % {"organisation": membership_request}
        )
    return redirect("community:membership_request")


# Deciding --------------------------------------------------------------------------------------------


@login_required
@require_safe
def membership_requests_manage(request):
    """The open requests this person decides: for the organisations they coordinate, and for a
    platform administrator also those of organisations without coordinators."""
    return render(
        request,
        "community/memberships/manage.html",
        {"requests": memberships.membership_requests_to_decide(user=request.user)},
    )


def _decide_page(request, membership_request, form, *, is_own: bool, status=200):
    return render(
        request,
        "community/memberships/decide.html",
        {"membership_request": membership_request, "form": form, "is_own": is_own},
        status=status,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def membership_request_decide(request, pk):
    """One request, to approve or decline with a reason. Only its deciders and the person who asked
    see it (the latter without the buttons); anyone else gets 404."""
    membership_request = get_object_or_404(
        MembershipRequest.objects.select_related("organisation", "person__profile"), pk=pk, organisation__isnull=False
    )
    is_own = membership_request.person_id == request.user.pk
    if not is_own and not permissions.can_decide_membership_request(request.user, membership_request):
        raise Http404
    form = MembershipDecisionForm(request.POST or None)
    if request.method != "POST":
        return _decide_page(request, membership_request, form, is_own=is_own)
    if is_own:
        form.is_valid()
        form.add_error(None, _("Someone else decides on your own request."))
        return _decide_page(request, membership_request, form, is_own=is_own, status=403)
    if not form.is_valid():
        return _decide_page(request, membership_request, form, is_own=is_own, status=400)
    approve = form.cleaned_data["decision"] == "approve"
    try:
        services.membership_request_decide(
            actor=request.user,
            membership_request=membership_request,
            approve=approve,
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as error:
        _refused(form, error)
        return _decide_page(request, membership_request, form, is_own=is_own, status=409)
    person = membership_request.person.display_name
    if approve:
        messages.success(
            request,
            _("%(person)s is now linked to %(organisation)s.")
            % {"person": person, "organisation": membership_request.organisation},
        )
    else:
        messages.success(request, _("The request of %(person)s was declined.") % {"person": person})
    return redirect("community:membership_requests_manage")
