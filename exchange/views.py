"""The pages of needs, offers, matches and roadmaps, below /uitwisseling/ (docs/exchange.md). They
work without JavaScript: plain forms and page refreshes. Thin: who may see and do what is
`exchange.permissions`, every change one call of `exchange.services`.

Anonymous visitors read public offers and are sent to log in for everything else. A roadmap that
is not shared is 404 for everyone but its Huis's coordinators and administrators. A form refused by
the services comes back with its error (400) and the person's input.
"""

import csv
from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from community.models import Organisation
from knowledge.models import LifeDomain, Theme

from . import permissions, poster, selectors, services
from .forms import (
    NeedCloseForm,
    NeedFilterForm,
    NeedForm,
    OfferFilterForm,
    OfferForm,
    PreferenceForm,
    RegionForm,
    RoadmapEntryForm,
)
from .models import Match, Need, Offer, Roadmap


def member_view(*, methods=("GET",)):
    """For logged-in members: anonymous visitors are sent to log in."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not permissions.is_member(request.user):
                return redirect_to_login(request.get_full_path())
            if request.method not in methods:
                return HttpResponseNotAllowed(methods)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def _forbidden(request, reason: str):
    return render(request, "exchange/forbidden.html", {"reason": reason}, status=403)


def _refused(form, error: ValidationError) -> None:
    """The services' refusal on the form: on its field when it names one the form has."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _back(request, default: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


def index(request):
    user = request.user
    context = {
        "is_member": permissions.is_member(user),
        "can_publish_offer": permissions.offer_organisations_of(user).exists(),
        "can_publish_need": permissions.houses_coordinated_by(user).exists(),
    }
    return render(request, "exchange/index.html", context)


@member_view(methods=("GET", "POST"))
def preferences(request):
    """How the member hears of new matches: in the app only (the default) or by e-mail too."""
    data = request.POST if request.method == "POST" else None
    form = PreferenceForm(data, initial={"new_matches": selectors.new_matches_notice_of(request.user)})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.preference_set(actor=request.user, new_matches=form.cleaned_data["new_matches"])
            except ValidationError as error:
                _refused(form, error)
            else:
                messages.success(request, _("Your choice is saved."))
                return redirect("exchange:preferences")
    return render(request, "exchange/preferences.html", {"form": form}, status=status)


# Offers ------------------------------------------------------------------------------------------


def offer_list(request):
    form = OfferFilterForm(request.GET or None)
    valid = form.is_valid() if form.is_bound else False
    data = form.cleaned_data if valid else {}
    page_obj = selectors.offer_list(
        viewer=request.user,
        life_domain=data.get("domein"),
        region=data.get("regio"),
        format=data.get("vorm") or "",
        page=request.GET.get("pagina"),
    )
    can_publish = permissions.offer_organisations_of(request.user).exists()
    return render(request, "exchange/offer_list.html", {"form": form, "page_obj": page_obj, "can_publish": can_publish})


def offer_detail(request, pk):
    offer = selectors.offer_detail(pk)
    if offer is None:
        raise Http404
    if not permissions.can_see_offer(request.user, offer):
        return redirect_to_login(request.get_full_path())
    can_edit = permissions.can_edit_offer(request.user, offer)
    viewer = permissions.match_viewer(request.user)
    needs = selectors.with_matches(selectors.needs_matching(offer, viewer=request.user), offer=offer)
    for ranked in needs:
        _handshake(ranked, viewer, need=ranked.item, offer=offer)
    context = {
        "offer": offer,
        "can_edit": can_edit,
        "needs": needs,
        "contact": selectors.offer_contact(offer),
        "is_member": permissions.is_member(request.user),
    }
    return render(request, "exchange/offer_detail.html", context)


def _handshake(ranked, viewer, *, need: Need, offer: Offer) -> None:
    """What a matching pair's row shows this viewer: whether they may say "interested" for their
    side, and both contacts once one side did."""
    match = ranked.match or Match(need=need, offer=offer)
    match.need, match.offer = need, offer
    side = viewer.side(match)
    ranked.side = side if need.is_open else None
    ranked.interested = bool(
        side and ranked.match and (match.house_interested_at if side == "house" else match.organisation_interested_at)
    )
    ranked.contacts = (
        (selectors.need_contact(need), selectors.offer_contact(offer)) if viewer.sees_contacts(match) else None
    )


def _offer_form_page(request, *, offer=None):
    organisations = permissions.offer_organisations_of(request.user)
    if offer is None and not organisations.exists():
        return _forbidden(request, _("Only the staff of an organisation publish its offers."))
    initial = OfferForm.initial_for(offer) if offer else {"audience": "public"}
    form = OfferForm(request.POST or None, organisations=organisations, initial=initial)
    if offer is not None:
        form.fields["organisation"].disabled = True
        form.fields["organisation"].queryset = Organisation.objects.filter(pk=offer.organisation_id)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                if offer is None:
                    offer = services.offer_publish(
                        actor=request.user, organisation=form.cleaned_data["organisation"], **form.service_data()
                    )
                else:
                    services.offer_update(actor=request.user, offer=offer, **form.service_data())
            except ValidationError as error:
                _refused(form, error)
            except PermissionDenied:
                return _forbidden(request, _("Only the staff of an organisation publish its offers."))
            else:
                return redirect(offer.get_absolute_url())
    return render(request, "exchange/offer_form.html", {"form": form, "offer": offer}, status=status)


@member_view(methods=("GET", "POST"))
def offer_publish(request):
    return _offer_form_page(request)


@member_view(methods=("GET", "POST"))
def offer_edit(request, pk):
    offer = get_object_or_404(Offer, pk=pk)
    if not permissions.can_edit_offer(request.user, offer):
        return _forbidden(request, _("Only the staff of an organisation change its offers."))
    return _offer_form_page(request, offer=offer)


# Needs -------------------------------------------------------------------------------------------


@member_view()
def need_list(request):
    form = NeedFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    page_obj = selectors.need_list(
        viewer=request.user,
        life_domain=data.get("domein"),
        region=data.get("regio"),
        status=data.get("status") or Need.Status.OPEN,
        page=request.GET.get("pagina"),
    )
    can_publish = permissions.houses_coordinated_by(request.user).exists()
    return render(request, "exchange/need_list.html", {"form": form, "page_obj": page_obj, "can_publish": can_publish})


@member_view()
def need_detail(request, pk):
    need = selectors.need_detail(pk)
    if need is None:
        raise Http404
    can_edit = permissions.can_edit_need(request.user, need)
    viewer = permissions.match_viewer(request.user)
    offers = selectors.with_matches(selectors.offers_matching(need, viewer=request.user), need=need)
    for ranked in offers:
        _handshake(ranked, viewer, need=need, offer=ranked.item)
    context = {
        "need": need,
        "can_edit": can_edit,
        "offers": offers,
        "history": selectors.need_history(need),
    }
    return render(request, "exchange/need_detail.html", context)


def _need_form_page(request, *, need=None):
    houses = permissions.houses_coordinated_by(request.user)
    if need is None and not houses.exists():
        return _forbidden(request, _("Only the coordinators of a Huis van het Kind publish its needs."))
    initial = NeedForm.initial_for(need) if need is not None else _need_initial(request, houses)
    form = NeedForm(request.POST or None, houses=houses, initial=initial)
    if need is not None:
        form.fields["house"].disabled = True
        form.fields["house"].queryset = Organisation.objects.filter(pk=need.house_id)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                if need is None:
                    need = services.need_publish(
                        actor=request.user, house=form.cleaned_data["house"], **form.service_data()
                    )
                else:
                    services.need_update(actor=request.user, need=need, **form.service_data())
            except ValidationError as error:
                _refused(form, error)
            except PermissionDenied:
                return _forbidden(request, _("Only the coordinators of a Huis van het Kind publish its needs."))
            else:
                return redirect(need.get_absolute_url())
    return render(request, "exchange/need_form.html", {"form": form, "need": need}, status=status)


def _need_initial(request, houses) -> dict:
    """A new need's form: the Huis's municipalities, and what a roadmap gap passed on
    (`?domein=<slug>&thema=<id>&huis=<slug>`)."""
    initial = {"urgency": "normal"}
    house = houses.filter(slug=request.GET.get("huis", "")).first() or (houses.first() if houses.count() == 1 else None)
    if house is not None:
        initial["house"] = house.pk
        initial["municipalities"] = services.house_municipalities(house)
    domain = LifeDomain.objects.filter(slug=request.GET.get("domein", "")).first()
    if domain is not None:
        initial["life_domains"] = [domain]
        theme_id = request.GET.get("thema", "")
        theme = Theme.objects.filter(pk=theme_id, life_domain=domain).first() if theme_id.isdigit() else None
        if theme is not None:
            initial["theme"] = theme.pk
            initial["title"] = _("Offer for %(theme)s") % {"theme": theme.name}
        else:
            initial["title"] = _("Offer for %(domain)s") % {"domain": domain.name}
    return initial


@member_view(methods=("GET", "POST"))
def need_publish(request):
    return _need_form_page(request)


@member_view(methods=("GET", "POST"))
def need_edit(request, pk):
    need = get_object_or_404(Need, pk=pk)
    if not permissions.can_edit_need(request.user, need):
        return _forbidden(request, _("Only the coordinators of the Huis change its needs."))
    if not need.is_open:
        return redirect(need.get_absolute_url())
    return _need_form_page(request, need=need)


@member_view(methods=("GET", "POST"))
def need_close(request, pk):
    need = get_object_or_404(Need.objects.select_related("house"), pk=pk)
    if not permissions.can_edit_need(request.user, need):
        return _forbidden(request, _("Only the coordinators of the Huis close its needs."))
    if not need.is_open:
        return redirect(need.get_absolute_url())
    matched = Offer.objects.filter(matches__need=need).select_related("organisation").order_by("title")
    form = NeedCloseForm(request.POST or None, offers=permissions.offers_visible_to(request.user) & matched)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.need_close(
                    actor=request.user,
                    need=need,
                    answered_by=form.cleaned_data["answered_by"],
                    note=form.cleaned_data["note"],
                )
            except ValidationError as error:
                _refused(form, error)
            else:
                return redirect(need.get_absolute_url())
    return render(request, "exchange/need_close.html", {"form": form, "need": need}, status=status)


@member_view(methods=("POST",))
def need_reopen(request, pk):
    need = get_object_or_404(Need, pk=pk)
    if not permissions.can_edit_need(request.user, need):
        return _forbidden(request, _("Only the coordinators of the Huis reopen its needs."))
    services.need_reopen(actor=request.user, need=need)
    return redirect(need.get_absolute_url())


@member_view(methods=("POST",))
def match_interest(request, need_pk, offer_pk):
    need = get_object_or_404(Need, pk=need_pk)
    offer = get_object_or_404(Offer, pk=offer_pk)
    if not permissions.can_see_offer(request.user, offer):
        raise Http404
    try:
        services.match_interest(actor=request.user, need=need, offer=offer)
    except PermissionDenied:
        return _forbidden(request, _("Only the Huis's coordinators and the organisation's staff answer a match."))
    except ValidationError as error:
        return render(
            request, "exchange/forbidden.html", {"reason": " ".join(error.messages), "back": need}, status=409
        )
    return redirect(_back(request, need.get_absolute_url()))


# Roadmaps ----------------------------------------------------------------------------------------


def _roadmap_or_404(request, slug, year) -> Roadmap:
    roadmap = Roadmap.objects.select_related("house").filter(house__slug=slug, year=year).first()
    if roadmap is None or not permissions.can_see_roadmap(request.user, roadmap):
        raise Http404
    return roadmap


@member_view()
def roadmap_home(request):
    """The member's Huizen and their roadmaps; one Huis: straight to this year's roadmap."""
    houses = list(permissions.houses_coordinated_by(request.user).order_by("name")[:50])
    year = selectors.today().year
    if len(houses) == 1 and Roadmap.objects.filter(house=houses[0], year=year).exists():
        return redirect("exchange:roadmap", slug=houses[0].slug, year=year)
    roadmaps = {
        (r.house_id, r.year): r for r in Roadmap.objects.filter(house__in=houses).only("house_id", "year", "shared")
    }
    rows = [(house, sorted((y for (h, y) in roadmaps if h == house.pk), reverse=True)) for house in houses]
    shared = (
        permissions.roadmaps_visible_to(request.user)
        .filter(shared=True)
        .exclude(house__in=houses)
        .select_related("house")
        .order_by("house__name", "-year")[:50]
    )
    return render(request, "exchange/roadmap_home.html", {"rows": rows, "year": year, "shared": shared})


@member_view(methods=("POST",))
def roadmap_start(request, slug):
    house = get_object_or_404(Organisation, slug=slug, kind=Organisation.Kind.HOUSE)
    if not permissions.can_edit_roadmap(request.user, house):
        raise Http404
    year = selectors.today().year
    services.roadmap_start(actor=request.user, house=house, year=year)
    return redirect("exchange:roadmap", slug=house.slug, year=year)


@member_view()
def roadmap_detail(request, slug, year):
    roadmap = _roadmap_or_404(request, slug, year)
    rows = selectors.roadmap_rows(roadmap)
    can_edit = permissions.can_edit_roadmap(request.user, roadmap.house)
    previous = selectors.roadmap_previous(roadmap)
    region = selectors.house_region(roadmap.house)
    context = {
        "roadmap": roadmap,
        "rows": rows,
        "can_edit": can_edit,
        "previous": previous,
        "changes": selectors.roadmap_compare(roadmap, previous),
        "gaps": selectors.roadmap_gaps(roadmap, rows, viewer=request.user) if can_edit else [],
        "region": region,
        "coverage": selectors.region_roadmap_coverage(region, roadmap.year) if region else [],
        "years": list(
            Roadmap.objects.filter(house_id=roadmap.house_id).order_by("-year").values_list("year", flat=True)
        ),
        "this_year": selectors.today().year,
    }
    return render(request, "exchange/roadmap_detail.html", context)


@member_view()
def roadmap_poster(request, slug, year):
    roadmap = _roadmap_or_404(request, slug, year)
    return render(
        request, "exchange/roadmap_poster.html", {"roadmap": roadmap, "rows": selectors.roadmap_rows(roadmap)}
    )


@member_view()
def roadmap_poster_pdf(request, slug, year):
    """The poster as a one-page A4 PDF (exchange/poster.py), for whoever may see the roadmap."""
    roadmap = _roadmap_or_404(request, slug, year)
    content = poster.roadmap_poster_pdf(roadmap, selectors.roadmap_rows(roadmap))
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="routekaart-{roadmap.house.slug}-{roadmap.year}.pdf"'
    return response


@member_view(methods=("GET", "POST"))
def roadmap_domain_edit(request, slug, year, domain):
    roadmap = _roadmap_or_404(request, slug, year)
    if not permissions.can_edit_roadmap(request.user, roadmap.house):
        raise Http404
    life_domain = get_object_or_404(LifeDomain, slug=domain)
    entries = list(
        roadmap.entries.filter(life_domain=life_domain)
        .select_related("theme")
        .prefetch_related("partners", "target_groups")
        .order_by("theme__sort_order", "theme__name", "pk")
    )
    if not entries:
        raise Http404
    forms = [
        RoadmapEntryForm(request.POST or None, prefix=f"thema-{entry.pk}", initial=RoadmapEntryForm.initial_for(entry))
        for entry in entries
    ]
    status = 200
    if request.method == "POST":
        status = 400
        if all(form.is_valid() for form in forms):
            try:
                services.roadmap_domain_update(
                    actor=request.user,
                    roadmap=roadmap,
                    life_domain=life_domain,
                    entries=[{"entry": entry, **form.cleaned_data} for entry, form in zip(entries, forms, strict=True)],
                )
            except ValidationError as error:
                forms[0].add_error(None, error)
            else:
                return redirect("exchange:roadmap", slug=slug, year=year)
    context = {"roadmap": roadmap, "life_domain": life_domain, "rows": list(zip(entries, forms, strict=True))}
    return render(request, "exchange/roadmap_domain_form.html", context, status=status)


@member_view(methods=("POST",))
def roadmap_share(request, slug, year):
    roadmap = _roadmap_or_404(request, slug, year)
    if not permissions.can_edit_roadmap(request.user, roadmap.house):
        raise Http404
    services.roadmap_share(actor=request.user, roadmap=roadmap, shared=request.POST.get("shared") == "1")
    return redirect("exchange:roadmap", slug=slug, year=year)


# The supra-local overview ------------------------------------------------------------------------


def _my_domains(request) -> list[LifeDomain] | None:
    """With `?mijn=1`: the life domains of the member's organisations (None: every domain)."""
    if request.GET.get("mijn") != "1":
        return None
    domains = LifeDomain.objects.filter(organisations__in=permissions.offer_organisations_of(request.user)).distinct()
    return list(domains.order_by("sort_order", "name")) or None


def _overview(request, domains: list[LifeDomain] | None):
    form = RegionForm(request.GET or None)
    if not (form.is_bound and form.is_valid()):
        return form, None
    return form, selectors.region_overview(form.cleaned_data["regio"], viewer=request.user, life_domains=domains)


@member_view()
def region_overview(request):
    mine = _my_domains(request)
    form, overview = _overview(request, mine)
    domains, provinces = selectors.province_coverage(viewer=request.user, life_domains=mine)
    context = {"form": form, "overview": overview, "province_domains": domains, "provinces": provinces}
    return render(request, "exchange/region_overview.html", context)


@member_view()
def region_overview_csv(request):
    _form, overview = _overview(request, _my_domains(request))
    if overview is None:
        raise Http404
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="aanbod-{overview.region.slug}.csv"'
    response.write("\ufeff")  # Excel opens UTF-8 with a byte order mark
    writer = csv.writer(response, delimiter=";")
    writer.writerow([_("Municipality"), _("NIS code"), *(domain.name for domain in overview.domains)])
    for municipality, counts in overview.table:
        writer.writerow([municipality.name_nl, municipality.nis_code, *counts])
    writer.writerow([])
    writer.writerow([_("Life domain"), _("Open needs"), _("Answered"), _("Closed without an answer")])
    for domain, open_count, answered, not_answered in overview.needs_by_domain:
        writer.writerow([domain.name, open_count, answered, not_answered])
    return response
