"""Forms of account deletion: the person's own (password, and the second factor if they use one)
and an administrator's (a reason). Both let the deleter choose who takes over the groups the person
is the only facilitator of."""

from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from django import forms
from django.utils.translation import gettext_lazy as _

from .deletion import Handover


class HandoverFields:
    """One choice per group that would lose its last facilitator; the longest-standing member first."""

    def handover_fields_add(self, handovers: list[Handover]) -> None:
        self.handovers = handovers
        for handover in handovers:
            self.fields[f"handover_{handover.group.pk}"] = forms.TypedChoiceField(
                label=_("Who becomes facilitator of %(group)s?") % {"group": handover.group.name},
                choices=[(person.pk, person.display_name) for person in handover.candidates],
                coerce=int,
                initial=handover.default.pk,
                required=False,  # left out: the longest-standing member
                empty_value=None,
            )

    def handover_choices(self) -> dict:
        chosen = {}
        for handover in self.handovers:
            pk = self.cleaned_data.get(f"handover_{handover.group.pk}")
            chosen[handover.group.pk] = next((c for c in handover.candidates if c.pk == pk), handover.default)
        return chosen


class AccountDeleteForm(HandoverFields, forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    understood = forms.BooleanField(
        label=_("I understand that my account and my data are deleted for good; this cannot be undone."),
        error_messages={"required": _("Tick the box to confirm that you want to delete your account.")},
    )

    def __init__(self, *args, person, handovers: list[Handover], **kwargs):
        super().__init__(*args, **kwargs)
        self.person = person
        self.authenticators = list(
            Authenticator.objects.filter(
                user=person, type__in=[Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES]
            )
        )
        if any(a.type == Authenticator.Type.TOTP for a in self.authenticators):
            self.fields["code"] = forms.CharField(
                label=_("Code from your authenticator app"),
                help_text=_("Or one of your recovery codes."),
                widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
            )
        self.handover_fields_add(handovers)

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.person.check_password(password):
            raise forms.ValidationError(_("This is not your password."), code="password")
        return password

    def clean_code(self):
        code = self.cleaned_data["code"].replace(" ", "")
        for authenticator in self.authenticators:
            kind = TOTP if authenticator.type == Authenticator.Type.TOTP else RecoveryCodes
            if kind(authenticator).validate_code(code):
                return code
        raise forms.ValidationError(_("This code is not right, or no longer valid."), code="code")


class AdminAccountDeleteForm(HandoverFields, forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        help_text=_("Kept in the audit trail for two years; name no one."),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        error_messages={"required": _("Give the reason for deleting this account.")},
    )

    def __init__(self, *args, handovers: list[Handover], **kwargs):
        super().__init__(*args, **kwargs)
        self.handover_fields_add(handovers)
