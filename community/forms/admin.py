"""Forms of the CMS menu "Community" (`community.wagtail_hooks`).

They only parse and check input: saving goes through `community.services`, so the rule that one
Huis covers a municipality holds here exactly as it does everywhere else.
"""

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Q
from django.forms.models import ModelChoiceIterator
from django.template.defaultfilters import filesizeformat
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from knowledge.models import LifeDomain

from ..models import Membership, Municipality, Organisation, Region, User
from ..uploads import image_clean

LOGO_BOX = 600  # pixels: the stored logo fits in a square of this size


def _label(model, name: str):
    """The model field's own label, so the CMS reads the same as everywhere else."""
    return capfirst(model._meta.get_field(name).verbose_name)


class MunicipalityChoiceIterator(ModelChoiceIterator):
    """The municipalities grouped by province (Brussels last), so a list of 304 stays scannable."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        groups: dict[str, list] = {}
        for municipality in self.queryset:
            groups.setdefault(municipality.area_name, []).append(self.choice(municipality))
        yield from groups.items()


class MunicipalitiesField(forms.ModelMultipleChoiceField):
    iterator = MunicipalityChoiceIterator

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _label(Region, "municipalities"))
        super().__init__(
            queryset=Municipality.objects.order_by("-gewest", "province", "name_nl"),
            widget=forms.CheckboxSelectMultiple,
            **kwargs,
        )


class HttpsURLField(forms.URLField):
    """An address typed without a scheme is taken as https://, as browsers do today."""

    def __init__(self, **kwargs):
        kwargs.setdefault("assume_scheme", "https")
        super().__init__(**kwargs)


class OrganisationAdminForm(WagtailAdminModelForm):
    municipalities = MunicipalitiesField(
        required=False,
        help_text=_(
            "Where the organisation works. For a Huis van het Kind this is the area it covers: "
            "a municipality belongs to one Huis only."
        ),
    )
    life_domains = forms.ModelMultipleChoiceField(
        label=_label(Organisation, "life_domains"),
        queryset=LifeDomain.objects.order_by("sort_order", "name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    partners = forms.ModelMultipleChoiceField(
        label=_label(Organisation, "partners"),
        queryset=Organisation.objects.order_by("name"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 12}),
        help_text=_("Hold Ctrl (Cmd on a Mac) to choose more than one."),
    )
    logo = forms.FileField(
        label=_label(Organisation, "logo"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}),
    )

    class Meta:
        model = Organisation
        fields = [
            "name",
            "slug",
            "kind",
            "description",
            "website",
            "email",
            "phone",
            "street",
            "postcode",
            "city",
            "logo",
            "life_domains",
            "partners",
            "recognised_on",
            "municipalities",
        ]
        field_classes = {"website": HttpsURLField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False
        self.fields["slug"].help_text = _("The address of its page; left empty, it is made from the name.")
        self.fields["logo"].help_text = _(
            "JPEG, PNG, WebP or GIF, at most %(size)s. We make it smaller and remove hidden data."
        ) % {"size": filesizeformat(settings.SAMENHUIS_LOGO_MAX_BYTES)}
        if self.instance.pk:
            self.fields["partners"].queryset = self.fields["partners"].queryset.exclude(pk=self.instance.pk)
            if not self.is_bound:
                self.initial["municipalities"] = list(self.instance.municipalities.values_list("pk", flat=True))

    def clean_logo(self):
        upload = self.cleaned_data.get("logo")
        if isinstance(upload, UploadedFile):
            return image_clean(upload, max_bytes=settings.SAMENHUIS_LOGO_MAX_BYTES, box=LOGO_BOX)
        return upload  # the stored logo, or False to remove it


class MembershipAdminForm(WagtailAdminModelForm):
    person = forms.ModelChoiceField(
        label=_label(Membership, "person"),
        queryset=User.objects.filter(is_active=True).select_related("profile").order_by("email"),
    )
    organisation = forms.ModelChoiceField(
        label=_label(Membership, "organisation"), queryset=Organisation.objects.order_by("name")
    )

    class Meta:
        model = Membership
        fields = ["person", "organisation", "role"]

    def validate_unique(self):
        """One link per person and organisation is `services.membership_save`'s rule, with its message."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        person = self.fields["person"]
        person.label_from_instance = lambda user: f"{user.display_name} <{user.email}>"
        if self.instance.person_id:
            # A deactivated account keeps its memberships; they stay editable.
            current = Q(is_active=True) | Q(pk=self.instance.person_id)
            person.queryset = User.objects.filter(current).select_related("profile").order_by("email")


class RegionAdminForm(WagtailAdminModelForm):
    municipalities = MunicipalitiesField(required=True)

    class Meta:
        model = Region
        fields = ["name", "description", "municipalities"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["municipalities"] = list(self.instance.municipalities.values_list("pk", flat=True))
