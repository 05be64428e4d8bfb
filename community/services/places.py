"""Regions and organisations: the writes administrators make."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.dispatch import Signal
from django.utils.functional import lazy
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import AuditEvent, Membership, Municipality, Organisation, OrganisationArea, Region
from .audit import audit_record, audit_words
from .slugs import slug_unique

# What the audit trail says about a person's role in an organisation (docs/privacy.md, "Audit trail").
MEMBERSHIP_CREATED = gettext_lazy("organisation %(organisation)s: linked as %(role)s")
MEMBERSHIP_CHANGED = gettext_lazy("organisation %(organisation)s: role changed from %(was)s to %(role)s")
MEMBERSHIP_DELETED = gettext_lazy("organisation %(organisation)s: link as %(role)s removed")

# Sent after the commit whenever a region's municipalities or an organisation's areas changed
# (this module writes them in bulk, which sends no model signals); lists that filter on places
# (knowledge.practice_cache) listen.
places_changed = Signal()


def _places_changed() -> None:
    transaction.on_commit(lambda: places_changed.send(sender=Region))


def municipalities_from_codes(codes) -> list[Municipality]:
    """Look up NIS codes; unknown codes raise one error that names all of them."""
    wanted = [code.strip() for code in codes if code.strip()]
    found = {m.nis_code: m for m in Municipality.objects.filter(nis_code__in=wanted)}
    unknown = sorted({code for code in wanted if code not in found})
    if unknown:
        raise ValidationError(
            _("Unknown NIS codes: %(codes)s. Nothing was changed.") % {"codes": ", ".join(unknown)},
            code="unknown_municipality",
        )
    return [found[code] for code in dict.fromkeys(wanted)]


@transaction.atomic
def region_save(*, region: Region | None = None, name: str, description: str = "", municipalities) -> Region:
    """Create or change a custom region; generated regions follow the reference data only."""
    if region is not None and region.is_generated:
        raise ValidationError(_("This region comes from the reference data and cannot be changed here."))
    municipalities = list(municipalities)
    if not municipalities:
        raise ValidationError(_("A region needs at least one municipality."), code="empty")
    generated = Region.objects.filter(kind__in=Region.GENERATED_KINDS).filter(
        Q(name__iexact=name.strip()) | Q(slug=slugify(name))
    )
    if generated.exists():
        # A second "Kempen" next to the reference region would make every region filter ambiguous.
        raise ValidationError(
            _("%(name)s is a region from the reference data; choose another name for a custom region.")
            % {"name": generated.first().name},
            code="generated_name",
        )
    region = region or Region(kind=Region.Kind.CUSTOM)
    region.name = name.strip()
    region.description = description.strip()
    if not region.slug:
        region.slug = slug_unique(region, region.name, fallback="regio")
    region.full_clean()
    region.save()
    region.municipalities.set(municipalities)
    _places_changed()
    return region


def region_import(*, name: str, nis_codes, description: str | None = None) -> Region:
    """Create or replace the custom region `name` from a list of NIS codes (manage.py import_region).
    Without a description, a re-import keeps the one the region has."""
    municipalities = municipalities_from_codes(nis_codes)
    region = Region.objects.filter(kind=Region.Kind.CUSTOM, name=name.strip()).first()
    if description is None:
        description = region.description if region is not None else ""
    return region_save(region=region, name=name, description=description, municipalities=municipalities)


def coverage_conflicts(*, organisation: Organisation, municipalities) -> list[str]:
    """Messages for municipalities another Huis already covers; empty when the claim is free."""
    if organisation.kind != Organisation.Kind.HOUSE:
        return []
    taken = (
        OrganisationArea.objects.filter(covers=True, municipality__in=list(municipalities))
        .exclude(organisation_id=organisation.pk)
        .select_related("organisation", "municipality")
        .order_by("municipality__name_nl")
    )
    return [
        _("%(municipality)s is already covered by %(house)s.")
        % {"municipality": area.municipality.name_nl, "house": area.organisation.name}
        for area in taken
    ]


@transaction.atomic
def organisation_areas_set(*, organisation: Organisation, municipalities) -> None:
    """Set where an organisation works. For a Huis this is its coverage, which is exclusive:
    a municipality another Huis covers is refused with a message naming that Huis."""
    municipalities = list(municipalities)
    conflicts = coverage_conflicts(organisation=organisation, municipalities=municipalities)
    if conflicts:
        raise ValidationError(conflicts, code="already_covered")
    covers = organisation.kind == Organisation.Kind.HOUSE
    wanted = {m.pk for m in municipalities}
    OrganisationArea.objects.filter(organisation=organisation).exclude(municipality_id__in=wanted).delete()
    OrganisationArea.objects.filter(organisation=organisation).exclude(covers=covers).update(covers=covers)
    present = set(OrganisationArea.objects.filter(organisation=organisation).values_list("municipality_id", flat=True))
    try:
        with transaction.atomic():
            OrganisationArea.objects.bulk_create(
                OrganisationArea(organisation=organisation, municipality_id=pk, covers=covers)
                for pk in sorted(wanted - present)
            )
    except IntegrityError as error:
        # Another administrator claimed one of these municipalities at the same moment.
        raise ValidationError(
            coverage_conflicts(organisation=organisation, municipalities=municipalities)
            or _("One of these municipalities was just claimed by another Huis."),
            code="already_covered",
        ) from error
    _places_changed()


@transaction.atomic
def organisation_save(*, organisation: Organisation, municipalities, life_domains=(), partners=()) -> Organisation:
    """Create or change an organisation with its working area, life domains and partners."""
    if not organisation.slug:
        organisation.slug = slug_unique(organisation, organisation.name, fallback="organisatie")
    organisation.full_clean()
    municipalities = list(municipalities)
    # Refuse a taken municipality before saving, so a refused form stores no logo file either.
    conflicts = coverage_conflicts(organisation=organisation, municipalities=municipalities)
    if conflicts:
        raise ValidationError(conflicts, code="already_covered")
    organisation.save()
    organisation_areas_set(organisation=organisation, municipalities=municipalities)
    organisation.life_domains.set(life_domains)
    organisation.partners.set([partner for partner in partners if partner.pk != organisation.pk])
    return organisation


def _role_label(role: str):
    """The role's name in lower case, lazily: `audit_words` writes it in the site's language."""
    label = Membership.Role(role).label if role in Membership.Role.values else role
    return lazy(lambda: str(label).lower(), str)()


def _membership_audit(actor, membership: Membership, words, *, was: str | None = None) -> None:
    values = {"organisation": membership.organisation.name, "role": _role_label(membership.role)}
    if was is not None:
        values["was"] = _role_label(was)
    audit_record(
        actor=actor,
        action=AuditEvent.Action.ROLE_CHANGED,
        subject=membership.person_id,
        target=audit_words(words, **values),
        detail={"organisation": membership.organisation_id, "role": membership.role, **({"was": was} if was else {})},
    )


@transaction.atomic
def membership_save(
    *, membership: Membership | None = None, person, organisation: Organisation, role: str, actor=None
) -> Membership:
    """Link a person to an organisation in a role, or change an existing link; one per pair. A new
    link and a changed role are a line in the audit trail, by `actor` (none: a command or a job)."""
    membership = membership or Membership()
    before = (
        Membership.objects.filter(pk=membership.pk).values_list("person_id", "organisation_id", "role").first()
        if membership.pk
        else None
    )
    duplicate = _("%(person)s is already linked to %(organisation)s; change that membership instead.") % {
        "person": person,
        "organisation": organisation,
    }
    if Membership.objects.filter(person=person, organisation=organisation).exclude(pk=membership.pk).exists():
        raise ValidationError(duplicate, code="duplicate")
    membership.person, membership.organisation, membership.role = person, organisation, role
    membership.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            membership.save()
    except IntegrityError as error:
        # Another administrator made the same link at the same moment.
        raise ValidationError(duplicate, code="duplicate") from error
    if before is None or before[:2] != (membership.person_id, membership.organisation_id):
        _membership_audit(actor, membership, MEMBERSHIP_CREATED)
    elif before[2] != role:
        _membership_audit(actor, membership, MEMBERSHIP_CHANGED, was=before[2])
    return membership


@transaction.atomic
def membership_delete(*, actor, membership: Membership) -> None:
    """Unlink a person from an organisation (administrators, in the CMS): a line in the audit trail."""
    membership = Membership.objects.select_related("organisation").select_for_update(of=("self",)).get(pk=membership.pk)
    membership.delete()
    _membership_audit(actor, membership, MEMBERSHIP_DELETED)
