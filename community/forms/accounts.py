from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from .. import services
from ..models import Profile


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


class ProfileForm(forms.ModelForm):
    class Meta:
        model = Profile
        fields = ["display_name"]
