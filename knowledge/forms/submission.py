"""The "Deel een praktijk" form: parses and checks what a person writes and uploads;
knowledge.services decides and writes."""

import zipfile

from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from community.models import Municipality

from ..models import LifeDomain, OfferLevel, Pillar, TargetGroup, Theme
from ..models.practices import SUMMARY_MAX_LENGTH
from ..review import houses_of
from ..services import MAX_ATTACHMENTS, PracticeData, rich_text_to_text

MAX_ATTACHMENT_SIZE = 10 * 1024 * 1024
TEXT_MAX_LENGTH = 6000

# What a file must contain to be what its name says: OOXML and ODF files are ZIP archives.
ZIP_MEMBERS = {
    "docx": "word/document.xml",
    "pptx": "ppt/presentation.xml",
    "xlsx": "xl/workbook.xml",
}
ODF_MIMETYPES = {"odt": b"application/vnd.oasis.opendocument.text"}
ALLOWED_EXTENSIONS = ("pdf", *ZIP_MEMBERS, *ODF_MIMETYPES)


def file_is_what_its_name_says(uploaded) -> bool:
    extension = uploaded.name.rsplit(".", 1)[-1].lower() if "." in uploaded.name else ""
    uploaded.seek(0)
    try:
        if extension == "pdf":
            return uploaded.read(5) == b"%PDF-"
        if extension in ZIP_MEMBERS or extension in ODF_MIMETYPES:
            try:
                with zipfile.ZipFile(uploaded) as archive:
                    names = set(archive.namelist())
                    if extension in ZIP_MEMBERS:
                        return "[Content_Types].xml" in names and ZIP_MEMBERS[extension] in names
                    if "mimetype" not in names:
                        return False
                    # Read only the first bytes: a "mimetype" entry that unpacks to gigabytes is not read whole.
                    with archive.open("mimetype") as entry:
                        return entry.read(100).strip() == ODF_MIMETYPES[extension]
            except (zipfile.BadZipFile, KeyError, OSError):
                return False
        return False
    finally:
        uploaded.seek(0)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else [data] if data else []
        return [super(AttachmentsField, self).clean(item, initial) for item in files if item]


class TermsField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple


class PracticeSubmissionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(
        label=_("Summary"),
        max_length=SUMMARY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the practice is and for whom, in at most 300 characters."),
    )
    context = forms.CharField(
        label=_("Context and need"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Why did you start? Leave a blank line between paragraphs."),
    )
    approach = forms.CharField(
        label=_("Approach"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("What do you do, with whom, how often? Leave a blank line between paragraphs."),
    )
    results = forms.CharField(
        label=_("Results and impact"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    lessons = forms.CharField(
        label=_("Lessons and pitfalls"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    house = forms.ModelChoiceField(label=_("Huis van het Kind"), queryset=None, empty_label=None)
    municipalities = forms.ModelMultipleChoiceField(
        label=_("Municipalities"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Where the practice runs; they must belong to the chosen Huis."),
    )
    life_domains = TermsField(label=_("Life domains"), queryset=LifeDomain.objects.all())
    pillars = TermsField(label=_("Pillars"), queryset=Pillar.objects.all(), required=False)
    themes = TermsField(label=_("Themes"), queryset=Theme.objects.select_related("life_domain"), required=False)
    target_groups = TermsField(label=_("Target groups"), queryset=TargetGroup.objects.all(), required=False)
    offer_level = forms.ChoiceField(
        label=_("Offer level"), required=False, choices=[("", _("Not specified")), *OfferLevel.choices]
    )
    started_on = forms.DateField(
        label=_("Running since"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    contact_name = forms.CharField(label=_("Contact person"), max_length=120, required=False)
    contact_email = forms.EmailField(
        label=_("Contact e-mail address (optional)"),
        required=False,
        help_text=_("Shown to logged-in members only."),
    )
    attachments = AttachmentsField(
        label=_("Attachments (optional)"),
        required=False,
        help_text=_(
            "Up to 3 files of at most 10 MB each: PDF, Word (.docx), PowerPoint (.pptx), Excel (.xlsx) "
            "or OpenDocument text (.odt). When the form comes back with an error, choose the files again."
        ),
    )

    def __init__(self, *args, user, existing_attachments: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        self.existing_attachments = existing_attachments
        houses = houses_of(user).order_by("name")
        self.fields["house"].queryset = houses
        self.fields["municipalities"].queryset = (
            Municipality.objects.filter(areas__organisation__in=houses).distinct().order_by("name_nl")
        )
        self.fields["municipalities"].label_from_instance = lambda municipality: municipality.name_nl
        themes = list(self.fields["themes"].queryset)
        grouped: dict[str, list] = {}
        for theme in themes:
            grouped.setdefault(theme.life_domain.name, []).append((theme.pk, theme.name))
        self.fields["themes"].choices = list(grouped.items())
        if not self.is_bound and "house" not in self.initial:
            first = houses.first()
            if first is not None:
                self.initial["house"] = first.pk
                self.initial["municipalities"] = list(
                    Municipality.objects.filter(areas__organisation=first).values_list("pk", flat=True)
                )
        self.initial.setdefault("contact_name", user.display_name)

    def clean_attachments(self):
        files = self.cleaned_data["attachments"]
        if len(files) + self.existing_attachments > MAX_ATTACHMENTS:
            raise forms.ValidationError(
                _("At most %(count)d attachments per practice."), params={"count": MAX_ATTACHMENTS}
            )
        for uploaded in files:
            if uploaded.size > MAX_ATTACHMENT_SIZE:
                raise forms.ValidationError(
                    _("%(name)s is larger than %(size)s."),
                    params={"name": uploaded.name, "size": filesizeformat(MAX_ATTACHMENT_SIZE)},
                )
            if not file_is_what_its_name_says(uploaded):
                raise forms.ValidationError(
                    _("%(name)s is not a PDF, Word, PowerPoint, Excel or OpenDocument text file."),
                    params={"name": uploaded.name},
                )
        return files

    def clean(self):
        cleaned = super().clean()
        house = cleaned.get("house")
        municipalities = cleaned.get("municipalities")
        if house is not None and municipalities:
            outside = [m.name_nl for m in municipalities if not m.areas.filter(organisation=house).exists()]
            if outside:
                self.add_error(
                    "municipalities",
                    _("Not a municipality of %(house)s: %(names)s.") % {"house": house, "names": ", ".join(outside)},
                )
        return cleaned

    def practice_data(self) -> PracticeData:
        data = self.cleaned_data
        return PracticeData(
            title=data["title"],
            summary=data["summary"],
            house=data["house"],
            context=data["context"],
            approach=data["approach"],
            results=data["results"],
            lessons=data["lessons"],
            municipalities=list(data["municipalities"]),
            life_domains=list(data["life_domains"]),
            pillars=list(data["pillars"]),
            themes=list(data["themes"]),
            target_groups=list(data["target_groups"]),
            offer_level=data["offer_level"],
            started_on=data["started_on"],
            contact_name=data["contact_name"],
            contact_email=data["contact_email"],
        )


def initial_from_page(page) -> dict:
    """The form's starting values when a person edits their submission (its latest revision)."""
    return {
        "title": page.title,
        "summary": page.summary,
        "context": rich_text_to_text(page.context),
        "approach": rich_text_to_text(page.approach),
        "results": rich_text_to_text(page.results),
        "lessons": rich_text_to_text(page.lessons),
        "house": page.house_id,
        "municipalities": [m.pk for m in page.municipalities.all()],
        "life_domains": [t.pk for t in page.life_domains.all()],
        "pillars": [t.pk for t in page.pillars.all()],
        "themes": [t.pk for t in page.themes.all()],
        "target_groups": [t.pk for t in page.target_groups.all()],
        "offer_level": page.offer_level,
        "started_on": page.started_on,
        "contact_name": page.contact_name,
        "contact_email": page.contact_email,
    }
