from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.conf import settings
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from knowledge.models import LifeDomain

from .. import services
from ..models import Profile
from ..uploads import image_clean

AVATAR_BOX = 400  # pixels: the stored photo fits in a square of this size


def _profile_field(name: str):
    return Profile._meta.get_field(name)


class SignupForm(AllauthSignupForm):
    """allauth's sign-up plus the one thing every member shows: a display name."""

    display_name = forms.CharField(
        label=_("Display name"),
        max_length=80,
        help_text=_("The name other members see, for example your first name and your Huis."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )

    field_order = ["display_name", "email", "password1", "password2"]

    def save(self, request):
        with transaction.atomic():
            user = super().save(request)
            services.profile_create(user=user, display_name=self.cleaned_data["display_name"])
        return user


class ProfileForm(forms.Form):
    """What a person shows of themselves. A plain form, not a ModelForm: the profile changes
    only through `services.profile_update`, and a refused upload must not touch the profile
    the page is showing. Labels and help come from the model, so they read the same in the CMS."""

    display_name = forms.CharField(
        label=_("Display name"),
        max_length=_profile_field("display_name").max_length,
        help_text=_profile_field("display_name").help_text,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    function = forms.CharField(
        label=capfirst(_profile_field("function").verbose_name),
        max_length=_profile_field("function").max_length,
        required=False,
        help_text=_profile_field("function").help_text,
        widget=forms.TextInput(attrs={"autocomplete": "organization-title"}),
    )
    bio = forms.CharField(
        label=capfirst(_profile_field("bio").verbose_name),
        max_length=_profile_field("bio").max_length,
        required=False,
        help_text=_("A few sentences about your work and what colleagues can ask you."),
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    expertise = forms.ModelMultipleChoiceField(
        label=capfirst(_profile_field("expertise").verbose_name),
        queryset=LifeDomain.objects.all(),
        required=False,
        help_text=_("The life domains colleagues can ask you about."),
        widget=forms.CheckboxSelectMultiple,
    )
    avatar = forms.FileField(
        label=capfirst(_profile_field("avatar").verbose_name),
        required=False,
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}),
    )
    remove_avatar = forms.BooleanField(label=_("Remove my photo"), required=False)
    visibility = forms.ChoiceField(
        label=capfirst(_profile_field("visibility").verbose_name),
        choices=Profile.Visibility.choices,
        # A client that leaves the choice out (an older form) keeps the current one, see clean_visibility.
        required=False,
        help_text=_("Who can open your profile page and find you in the member directory."),
        widget=forms.RadioSelect,
    )
    share_email = forms.BooleanField(label=capfirst(_profile_field("share_email").verbose_name), required=False)

    def __init__(self, *args, profile: Profile | None = None, **kwargs):
        self.profile = profile
        if profile is not None:
            kwargs.setdefault(
                "initial",
                {
                    "display_name": profile.display_name,
                    "function": profile.function,
                    "bio": profile.bio,
                    "expertise": list(profile.expertise.all()),
                    "visibility": profile.visibility,
                    "share_email": profile.share_email,
                },
            )
        super().__init__(*args, **kwargs)
        self.fields["visibility"].initial = Profile.Visibility.MEMBERS
        self.fields["avatar"].help_text = _(
            "JPEG, PNG, WebP or GIF, at most %(size)s. We make it smaller and remove hidden data such as the location."
        ) % {"size": filesizeformat(settings.SAMENHUIS_AVATAR_MAX_BYTES)}
        if profile is None or not profile.avatar:
            del self.fields["remove_avatar"]

    def clean_avatar(self):
        upload = self.cleaned_data.get("avatar")
        if not upload:
            return None
        return image_clean(upload, max_bytes=settings.SAMENHUIS_AVATAR_MAX_BYTES, box=AVATAR_BOX)

    def clean_visibility(self):
        if self.cleaned_data.get("visibility"):
            return self.cleaned_data["visibility"]
        return self.profile.visibility if self.profile is not None else Profile.Visibility.MEMBERS
