"""The CMS menu "Community": organisations, their people and the custom regions, in one place
for platform administrators (docs/community.md).

Who may use it is `permissions.is_platform_admin` (superusers and holders of
`community.manage_community`), not Django's add/change/delete permissions: an editor with CMS
access sees no menu, and every URL sends them back to the CMS home with Wagtail's "no
permission" message (403 for script requests). Every save is one service call, so the rule
that one Huis covers a municipality holds here exactly as it does in the rest of the app;
a refusal becomes an error on the form, with nothing saved and the input kept.

Also the audit trail under Settings, which only superusers read and nobody edits, and the hooks
that tell community/signals.py who changed someone's CMS roles (docs/privacy.md, "Audit trail").

Also what the community shows on a member's start page (community/start.py, samenhuis/start.py);
the groups and mentions panels are the rooms' (rooms/start.py).
"""

import django_filters
from django.contrib import messages
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, ProtectedError
from django.forms import CheckboxSelectMultiple
from django.shortcuts import redirect
from django.urls import path
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.log_actions import log
from wagtail.permission_policies import BaseDjangoAuthPermissionPolicy, BasePermissionPolicy
from wagtail.permissions import register_permission_policy

from samenhuis.start import START_PANELS

from . import services, start
from .forms.admin import MembershipAdminForm, OrganisationAdminForm, RegionAdminForm
from .forms.memberships import ProposalDecisionAdminForm
from .models import AuditEvent, Membership, MembershipRequest, Organisation, Region, User
from .permissions import MANAGE_COMMUNITY, is_platform_admin
from .services.audit import audit_cms_roles_of_new_account
from .services.places import membership_delete
from .signals import audit_actor_set

# Permission policies ---------------------------------------------------------------------------


class CommunityAdminPolicy(BaseDjangoAuthPermissionPolicy):
    """Every action on these models is for platform administrators, and only for them."""

    def __init__(self, model):
        # `manage_community` is declared on Organisation; look the permission up there.
        super().__init__(model, auth_model=Organisation)

    def user_has_permission(self, user, action):
        return is_platform_admin(user)

    def user_has_any_permission(self, user, actions):
        return is_platform_admin(user)

    def users_with_any_permission(self, actions):
        return self._get_users_with_any_permission_codenames({MANAGE_COMMUNITY.split(".", 1)[1]})


class RegionAdminPolicy(CommunityAdminPolicy):
    """Generated regions (provinces, reference regions, ...) follow the reference data only."""

    def user_has_permission_for_instance(self, user, action, instance):
        if action in ("change", "delete") and instance.is_generated:
            return False
        return self.user_has_permission(user, action)

    def instances_user_has_any_permission_for(self, user, actions):
        regions = super().instances_user_has_any_permission_for(user, actions)
        if set(actions) <= {"change", "delete"}:
            regions = regions.filter(kind=Region.Kind.CUSTOM)
        return regions


class ProposalAdminPolicy(CommunityAdminPolicy):
    """Proposed organisations come from members: administrators decide them (change), nobody adds
    or deletes them here."""

    def user_has_permission(self, user, action):
        return action not in ("add", "delete") and is_platform_admin(user)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


# Registered before the viewsets, which would otherwise fall back to Django's model permissions.
register_permission_policy(Organisation, CommunityAdminPolicy(Organisation))
register_permission_policy(MembershipRequest, ProposalAdminPolicy(MembershipRequest))
register_permission_policy(Membership, CommunityAdminPolicy(Membership))
register_permission_policy(Region, RegionAdminPolicy(Region))


class AuditTrailPolicy(BasePermissionPolicy):
    """Superusers read the audit trail; nobody adds, changes or deletes a line, superusers included:
    a trail that can be edited accounts for nothing (docs/privacy.md, "Audit trail")."""

    def user_has_permission(self, user, action):
        return action == "view" and user.is_active and user.is_superuser

    def users_with_any_permission(self, actions):
        if "view" not in actions:
            return User.objects.none()
        return User.objects.filter(is_active=True, is_superuser=True)


register_permission_policy(AuditEvent, AuditTrailPolicy(AuditEvent))


# Saving through the services -------------------------------------------------------------------


class ServiceSaveMixin:
    """A create or edit view whose save is one service call (`service_save`).

    The service's ValidationError lands on the form: each message on the field its code names
    in `error_fields`, else on `error_field`, else above the form. The transaction around
    `save_instance` has rolled back by then, so nothing is saved and the input stays.
    """

    log_action = "wagtail.edit"
    error_field: str | None = None
    error_fields: dict[str, str] = {}

    def service_save(self, form):
        raise NotImplementedError

    def save_instance(self):
        instance = self.service_save(self.form)
        changed = self.log_action == "wagtail.create" or self.form.has_changed()
        log(instance=instance, action=self.log_action, user=self.request.user, content_changed=changed)
        return instance

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ValidationError as error:
            self.form_errors_add(form, error)
            self.produced_error_code = "validation_error"
            self.produced_error_message = self.get_error_message()
            return self.form_invalid(form)

    def form_errors_add(self, form, error: ValidationError) -> None:
        if hasattr(error, "error_dict"):
            for name, errors in error.error_dict.items():
                form.add_error(name if name in form.fields else None, errors)
            return
        for item in error.error_list:
            form.add_error(self.error_fields.get(item.code, self.error_field), item)


class CreateMixin(ServiceSaveMixin):
    log_action = "wagtail.create"


# Organisations ---------------------------------------------------------------------------------


class OrganisationSaveMixin:
    error_field = "municipalities"

    def service_save(self, form):
        return services.organisation_save(
            organisation=form.instance,
            municipalities=form.cleaned_data["municipalities"],
            life_domains=form.cleaned_data["life_domains"],
            partners=form.cleaned_data["partners"],
        )


class OrganisationIndexView(generic.IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().annotate(municipality_count=Count("areas"))


class OrganisationCreateView(OrganisationSaveMixin, CreateMixin, generic.CreateView):
    pass


class OrganisationEditView(OrganisationSaveMixin, ServiceSaveMixin, generic.EditView):
    pass


def municipality_count_column():
    return Column(
        "municipality_count", label=gettext_lazy("Municipalities"), sort_key="municipality_count", width="15%"
    )


class OrganisationViewSet(ModelViewSet):
    model = Organisation
    name = "community_organisations"
    url_prefix = "community/organisations"
    icon = "home"
    index_view_class = OrganisationIndexView
    add_view_class = OrganisationCreateView
    edit_view_class = OrganisationEditView
    copy_view_enabled = False
    add_to_reference_index = False
    list_display = ["name", "kind", municipality_count_column()]
    list_filter = ["kind"]
    search_fields = ["name"]
    search_backend_name = None
    ordering = ["name"]
    edit_handler = ObjectList(
        [
            FieldPanel("name"),
            FieldPanel("slug"),
            FieldPanel("kind"),
            FieldPanel("description"),
            FieldPanel("recognised_on"),
            MultiFieldPanel(
                [
                    FieldPanel("website"),
                    FieldRowPanel([FieldPanel("email"), FieldPanel("phone")]),
                    FieldPanel("street"),
                    FieldRowPanel([FieldPanel("postcode"), FieldPanel("city")]),
                ],
                heading=gettext_lazy("Contact"),
            ),
            FieldPanel("logo"),
            FieldPanel("life_domains"),
            FieldPanel("partners"),
            FieldPanel("municipalities"),
        ],
        base_form_class=OrganisationAdminForm,
    )

    def get_permissions_to_register(self):
        # The one permission that opens this menu; Django's add/change/delete ones do nothing here.
        app_label, codename = MANAGE_COMMUNITY.split(".", 1)
        return Permission.objects.filter(content_type__app_label=app_label, codename=codename)


# Memberships -----------------------------------------------------------------------------------


class MembershipSaveMixin:
    error_field = "organisation"

    def service_save(self, form):
        return services.membership_save(
            membership=form.instance if form.instance.pk else None,
            person=form.cleaned_data["person"],
            organisation=form.cleaned_data["organisation"],
            role=form.cleaned_data["role"],
            actor=self.request.user,
        )


class MembershipIndexView(generic.IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("person__profile", "organisation")


class MembershipCreateView(MembershipSaveMixin, CreateMixin, generic.CreateView):
    pass


class MembershipEditView(MembershipSaveMixin, ServiceSaveMixin, generic.EditView):
    pass


class MembershipDeleteView(generic.DeleteView):
    """Unlinking is `services.membership_delete`, which writes the line in the audit trail."""

    def delete_action(self):
        with transaction.atomic():
            log(instance=self.object, action="wagtail.delete", user=self.request.user, deleted=True)
            membership_delete(actor=self.request.user, membership=self.object)


class MembershipViewSet(ModelViewSet):
    model = Membership
    name = "community_memberships"
    url_prefix = "community/memberships"
    icon = "user"
    index_view_class = MembershipIndexView
    add_view_class = MembershipCreateView
    edit_view_class = MembershipEditView
    delete_view_class = MembershipDeleteView
    copy_view_enabled = False
    add_to_reference_index = False
    list_display = ["person", "organisation", "role"]
    list_filter = ["role", "organisation"]
    search_fields = ["person__email", "person__profile__display_name", "organisation__name"]
    search_backend_name = None
    edit_handler = ObjectList(
        [FieldPanel("person"), FieldPanel("organisation"), FieldPanel("role")], base_form_class=MembershipAdminForm
    )

    def get_permissions_to_register(self):
        return Permission.objects.none()


# Regions ---------------------------------------------------------------------------------------


class RegionSaveMixin:
    error_fields = {"generated_name": "name", "empty": "municipalities"}

    def service_save(self, form):
        return services.region_save(
            region=form.instance if form.instance.pk else None,
            name=form.cleaned_data["name"],
            description=form.cleaned_data["description"],
            municipalities=form.cleaned_data["municipalities"],
        )


class CustomRegionsOnly:
    """Generated regions are listed for reference but cannot be opened for editing or deleted."""

    def get_queryset(self):
        return Region.objects.filter(kind=Region.Kind.CUSTOM)


class RegionIndexView(generic.IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().annotate(municipality_count=Count("municipalities"))

    def get_edit_url(self, instance):
        return None if instance.is_generated else super().get_edit_url(instance)

    def get_delete_url(self, instance):
        return None if instance.is_generated else super().get_delete_url(instance)


class RegionCreateView(RegionSaveMixin, CreateMixin, generic.CreateView):
    pass


class RegionEditView(CustomRegionsOnly, RegionSaveMixin, ServiceSaveMixin, generic.EditView):
    pass


class RegionDeleteView(CustomRegionsOnly, generic.DeleteView):
    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ProtectedError as error:
            groups = sorted({str(group) for group in error.protected_objects})
            messages.error(
                self.request,
                _("%(region)s is not deleted: these intervision groups belong to it: %(groups)s.")
                % {"region": self.object, "groups": ", ".join(groups)},
            )
            return redirect(self.edit_url_name, self.object.pk)


class RegionViewSet(ModelViewSet):
    model = Region
    name = "community_regions"
    url_prefix = "community/regions"
    icon = "globe"
    index_view_class = RegionIndexView
    add_view_class = RegionCreateView
    edit_view_class = RegionEditView
    delete_view_class = RegionDeleteView
    copy_view_enabled = False
    add_to_reference_index = False
    list_display = ["name", "kind", municipality_count_column()]
    list_filter = ["kind"]
    search_fields = ["name"]
    search_backend_name = None
    ordering = ["kind", "name"]
    edit_handler = ObjectList(
        [FieldPanel("name"), FieldPanel("description"), FieldPanel("municipalities")],
        base_form_class=RegionAdminForm,
    )

    def get_permissions_to_register(self):
        return Permission.objects.none()


# Proposed organisations -------------------------------------------------------------------------


def _open_proposals(user):
    """What `user` may decide: open proposals, not their own (docs/community.md)."""
    return MembershipRequest.objects.filter(
        status=MembershipRequest.Status.PENDING, organisation__isnull=True, proposed_name__gt=""
    ).exclude(person=user)


class ProposalIndexView(generic.IndexView):
    page_title = gettext_lazy("Proposed organisations")

    def get_base_queryset(self):
        return super().get_base_queryset().filter(proposed_name__gt="").select_related("person__profile")

    def get_edit_url(self, instance):
        if instance.is_pending and instance.person_id != self.request.user.pk:
            return super().get_edit_url(instance)
        return None


class ProposalDecideView(ServiceSaveMixin, generic.EditView):
    """Accept (the organisation as corrected on the form), merge with a listed one, or decline with
    a reason: one service call each (`services.organisation_proposal_*`). A Huis claiming a covered
    municipality is an error at the municipalities, naming the Huis that covers it."""

    page_title = gettext_lazy("Decide on the proposal")
    submit_button_label = gettext_lazy("Save the decision")
    template_name = "community/memberships/admin_proposal_decide.html"
    error_field = "proposed_municipalities"
    error_fields = {"exists": "proposed_name", "reason_required": "reason", "handled": None, "not_proposal": None}

    def get_queryset(self):
        return _open_proposals(self.request.user).select_related("person__profile")

    def service_save(self, form):
        data, user, proposal = form.cleaned_data, self.request.user, form.instance
        decision = data["decision"]
        if decision == ProposalDecisionAdminForm.ACCEPT:
            organisation = services.organisation_proposal_accept(
                actor=user,
                proposal=proposal,
                name=data["proposed_name"],
                kind=data["proposed_kind"],
                website=data["proposed_website"],
                municipalities=data["proposed_municipalities"],
            )
            log(instance=organisation, action="wagtail.create", user=user)
            self.outcome = _("%(organisation)s was added, and %(person)s is linked to it.")
        elif decision == ProposalDecisionAdminForm.MERGE:
            organisation = data["merge_into"]
            services.organisation_proposal_merge(actor=user, proposal=proposal, organisation=organisation)
            self.outcome = _("%(person)s is linked to %(organisation)s.")
        else:
            organisation = None
            services.organisation_proposal_decline(actor=user, proposal=proposal, reason=data["reason"])
            self.outcome = _("The proposal of %(person)s was declined; they read your reason.")
        self.outcome %= {"organisation": organisation, "person": proposal.person}
        return MembershipRequest.objects.get(pk=proposal.pk)

    def get_success_message(self):
        return self.outcome

    def get_success_buttons(self):
        return []  # a decided proposal is not opened again


class ProposalViewSet(ModelViewSet):
    model = MembershipRequest
    name = "community_proposals"
    url_prefix = "community/proposals"
    icon = "plus"
    menu_label = gettext_lazy("Proposed organisations")
    index_view_class = ProposalIndexView
    edit_view_class = ProposalDecideView
    copy_view_enabled = False
    inspect_view_enabled = True
    inspect_view_fields = [
        "proposed_name",
        "proposed_kind",
        "proposed_website",
        "proposed_municipalities",
        "person",
        "role",
        "message",
        "status",
        "organisation",
        "decline_reason",
        "created_at",
        "decided_at",
    ]
    add_to_reference_index = False
    list_display = ["proposed_name", "proposed_kind", "person", "status", "created_at"]
    list_filter = ["status", "proposed_kind"]
    search_fields = ["proposed_name", "person__profile__display_name", "person__email"]
    search_backend_name = None
    ordering = ["-created_at"]
    edit_handler = ObjectList(
        [
            FieldPanel("decision"),
            MultiFieldPanel(
                [
                    FieldPanel("proposed_name"),
                    FieldPanel("proposed_kind"),
                    FieldPanel("proposed_website"),
                    FieldPanel("proposed_municipalities"),
                ],
                heading=gettext_lazy("To accept: the organisation as it will be added"),
            ),
            FieldPanel("merge_into"),
            FieldPanel("reason"),
        ],
        base_form_class=ProposalDecisionAdminForm,
    )

    def get_permissions_to_register(self):
        return Permission.objects.none()


# The menu --------------------------------------------------------------------------------------


class CommunityViewSetGroup(ViewSetGroup):
    menu_label = gettext_lazy("Community")
    menu_icon = "group"
    menu_order = 310
    items = (OrganisationViewSet, MembershipViewSet, ProposalViewSet, RegionViewSet)


@hooks.register("register_admin_viewset")
def register_community_viewsets():
    return CommunityViewSetGroup()


# The audit trail --------------------------------------------------------------------------------


def _audit_label(field: str):
    return capfirst(AuditEvent._meta.get_field(field).verbose_name)


def _audit_when(event: AuditEvent) -> str:
    return date_format(timezone.localtime(event.at), "DATETIME_FORMAT")


def _audit_who(event: AuditEvent) -> str:
    if event.actor is not None:
        return event.actor.display_name
    if event.detail.get("system"):
        return _("no account (a command or the system)")
    return _("deleted user")


class AuditFilterSet(WagtailFilterSet):
    action = django_filters.MultipleChoiceFilter(
        label=_audit_label("action"),
        choices=AuditEvent.Action.choices,
        widget=CheckboxSelectMultiple,
    )
    at = django_filters.DateFromToRangeFilter(label=_audit_label("at"), widget=DateRangePickerWidget)
    subject_id = django_filters.NumberFilter(label=_audit_label("subject_id"))

    class Meta:
        model = AuditEvent
        fields = ["action", "at", "subject_id"]


class AuditIndexView(generic.IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("actor__profile")


class AuditTrailViewSet(ModelViewSet):
    """The audit trail, read-only, for superusers (AuditTrailPolicy), newest first. Only the listing
    has an address: there is no form to add, change or delete a line. Reading it is not recorded."""

    model = AuditEvent
    name = "community_audit"
    url_prefix = "audit"
    icon = "history"
    add_to_settings_menu = True
    menu_order = 900
    index_view_class = AuditIndexView
    copy_view_enabled = False
    add_to_reference_index = False
    filterset_class = AuditFilterSet
    search_fields = ["target", "reason"]
    search_backend_name = None
    ordering = ["-at", "-id"]
    list_per_page = 50
    list_display = [
        Column("at", label=_audit_label("at"), accessor=_audit_when, width="16%"),
        Column("actor", label=_audit_label("actor"), accessor=_audit_who, width="14%"),
        Column("action", label=_audit_label("action"), accessor="get_action_display"),
        Column("subject_id", label=_audit_label("subject_id"), width="10%"),
        Column("target", label=_audit_label("target")),
        Column("reason", label=_audit_label("reason")),
    ]

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
        ]

    def register_admin_url_finder(self):
        pass  # a line has no edit screen to find

    def get_permissions_to_register(self):
        return Permission.objects.none()


@hooks.register("register_admin_viewset")
def register_audit_trail_viewset():
    return AuditTrailViewSet()


# Who changes roles in the CMS: community/signals.py records the change, these hooks tell it who.


@hooks.register("before_edit_user")
def audit_user_edited_by(request, user):
    audit_actor_set(user, request.user)


@hooks.register("after_create_user")
def audit_new_user_roles(request, user):
    audit_cms_roles_of_new_account(actor=request.user, person=user)


@hooks.register("before_bulk_action")
def audit_role_assigned_by(request, action_type, objects, action_class_instance):
    if action_type == "assign_role":
        audit_actor_set(action_class_instance.cleaned_form.cleaned_data["role"], request.user)


# The member start page (samenhuis/start.py) ------------------------------------------------------

hooks.register(START_PANELS, start.prompts)
hooks.register(START_PANELS, start.notifications)
