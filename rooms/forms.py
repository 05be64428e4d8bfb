"""Forms of the room pages (they work without JavaScript); the services decide, these only parse."""

import re
import uuid

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from community.uploads import ATTACHMENT_EXTENSIONS, ATTACHMENTS_PER_MESSAGE, attachment_clean

from .models import MESSAGE_MAX_LENGTH, Reaction, Report, RoomMember


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(MultipleFileField, self).clean(item, initial) for item in files]


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Message"),
        required=False,
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "**bold**, *italic*, `code`, > quote, lists and links. Mention someone with @ and their name, "
            "for example @An Peeters."
        ),
    )
    files = MultipleFileField(
        label=_("Attachments"),
        required=False,
        help_text=_("Up to %(count)s files of at most 20 MB: %(types)s.")
        % {"count": ATTACHMENTS_PER_MESSAGE, "types": ", ".join(ATTACHMENT_EXTENSIONS)},
    )
    # Rendered with every form: a second submission of the same form (a double click, the back
    # button, a retry after a time-out) returns the message stored the first time.
    client_id = forms.CharField(widget=forms.HiddenInput, max_length=64)
    # The people the autocomplete chose, in the order the text names them (static/js/room.js):
    # it tells namesakes apart. Without JavaScript it stays empty and the names are looked up.
    mentions = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].widget.attrs["maxlength"] = MESSAGE_MAX_LENGTH
        self.fields["files"].widget.attrs["accept"] = ",".join(f".{ext}" for ext in ATTACHMENT_EXTENSIONS)
        if not self.is_bound:
            self.initial["client_id"] = uuid.uuid4().hex

    def clean_mentions(self):
        return [int(pk) for pk in re.findall(r"[0-9]{1,9}", self.cleaned_data["mentions"]) if int(pk)][:50]

    def clean_files(self):
        files = self.cleaned_data["files"]
        if len(files) > ATTACHMENTS_PER_MESSAGE:
            raise forms.ValidationError(
                _("Attach at most %(count)s files to one message.") % {"count": ATTACHMENTS_PER_MESSAGE}
            )
        checked, errors = [], []
        for upload in files:
            try:
                checked.append(attachment_clean(upload, max_bytes=settings.SAMENHUIS_ATTACHMENT_MAX_BYTES))
            except forms.ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise forms.ValidationError(errors)
        return checked

    def clean(self):
        data = super().clean()
        if not (data.get("body") or "").strip() and not data.get("files") and "files" not in self.errors:
            self.add_error("body", _("Write a message first."))
        return data


class EditForm(forms.Form):
    body = forms.CharField(label=_("Message"), max_length=MESSAGE_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 5}))


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why do you report this message?"), choices=Report.Reason.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Explanation for the moderators (optional)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReactForm(forms.Form):
    emoji = forms.ChoiceField(choices=[(emoji, emoji) for emoji in Reaction.EMOJI])


class NotifyForm(forms.Form):
    notify = forms.ChoiceField(label=_("Notify me of"), choices=RoomMember.Notify.choices, widget=forms.RadioSelect)


class MuteForm(forms.Form):
    DURATIONS = [
        (15, _("15 minutes")),
        (60, _("1 hour")),
        (60 * 24, _("1 day")),
        (60 * 24 * 7, _("1 week")),
        (0, _("Lift the mute")),
    ]
    person = forms.IntegerField(widget=forms.HiddenInput)
    minutes = forms.TypedChoiceField(label=_("Mute for"), choices=DURATIONS, coerce=int)
    note = forms.CharField(label=_("Reason (for the moderation log)"), required=False, max_length=500)
