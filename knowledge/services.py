"""Writes of the knowledge app that do not go through the Wagtail admin: sharing a practice.

A shared practice is a draft child of the practice listing (never live), owned and submitted by
the person, with one revision per (re)submission, in the review workflow of knowledge.review.
Publishing is only ever done by Wagtail when an editor approves. See docs/knowledge.md.
"""

import html
import itertools
import re
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import Http404
from django.utils.html import escape, strip_tags
from django.utils.text import slugify
from wagtail.documents import get_document_model
from wagtail.models import Collection, WorkflowState
from wagtail.users.models import UserProfile

from community.models import Municipality, Organisation

from . import review
from .models import LifeDomain, Pillar, PracticeAttachment, PracticeIndexPage, PracticePage, TargetGroup, Theme

CONTRIBUTIONS_COLLECTION = "Bijdragen"
MAX_ATTACHMENTS = 3


@dataclass
class PracticeData:
    """What a person writes in "Deel een praktijk"; the long texts are plain text."""

    title: str
    summary: str
    house: Organisation
    context: str = ""
    approach: str = ""
    results: str = ""
    lessons: str = ""
    municipalities: list[Municipality] = field(default_factory=list)
    life_domains: list[LifeDomain] = field(default_factory=list)
    pillars: list[Pillar] = field(default_factory=list)
    themes: list[Theme] = field(default_factory=list)
    target_groups: list[TargetGroup] = field(default_factory=list)
    offer_level: str = ""
    started_on: date | None = None
    contact_name: str = ""
    contact_email: str = ""


def text_to_rich_text(text: str) -> str:
    """Plain text to Wagtail rich text: escaped, a paragraph per blank-line-separated block."""
    blocks = [block.strip() for block in re.split(r"\n\s*\n", text.replace("\r\n", "\n")) if block.strip()]
    return "".join(
        "<p>" + "<br/>".join(escape(line.strip()) for line in block.split("\n")) + "</p>" for block in blocks
    )


def rich_text_to_text(value: str) -> str:
    """The way back, for editing a submission: paragraphs become blank-line-separated blocks."""
    blocks = re.findall(r"<(?:p|h3|li)[^>]*>(.*?)</(?:p|h3|li)>", value or "", flags=re.S)
    return "\n\n".join(html.unescape(strip_tags(re.sub(r"<br\s*/?>", "\n", block))) for block in blocks)


def practice_index() -> PracticeIndexPage:
    index = PracticeIndexPage.objects.first()
    if index is None:
        raise Http404("There is no practice listing yet.")
    return index


def _contributions_collection() -> Collection:
    root = Collection.get_first_root_node()
    existing = root.get_children().filter(name=CONTRIBUTIONS_COLLECTION).first()
    return existing or root.add_child(name=CONTRIBUTIONS_COLLECTION)


def attachment_title(filename: str) -> str:
    """A file's own title, as Wagtail's upload form makes it: the name without its extension, with
    dashes and underscores as spaces ("draaiboek_babbelbox-2024.pdf": "Draaiboek babbelbox 2024")."""
    stem = filename.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    words = " ".join(re.sub(r"[-_]+", " ", stem).split())
    return (words[:1].upper() + words[1:])[:255] or filename[:255]


def _documents_store(*, user, files: list[UploadedFile]) -> list:
    """Store the (already checked) files as Wagtail documents in the "Bijdragen" collection."""
    Document = get_document_model()
    collection = _contributions_collection()
    documents = []
    for uploaded in files:
        document = Document(
            title=attachment_title(uploaded.name), file=uploaded, collection=collection, uploaded_by_user=user
        )
        document._set_document_file_metadata()
        document.save()
        documents.append(document)
    return documents


def _free_slug(parent, base: str) -> str:
    taken = set(parent.get_children().filter(slug__startswith=base).values_list("slug", flat=True))
    candidates = itertools.chain([base], (f"{base}-{n}" for n in itertools.count(2)))
    return next(slug for slug in candidates if slug not in taken)


def _apply(page: PracticePage, data: PracticeData) -> None:
    page.title = data.title
    page.summary = data.summary
    page.context = text_to_rich_text(data.context)
    page.approach = text_to_rich_text(data.approach)
    page.results = text_to_rich_text(data.results)
    page.lessons = text_to_rich_text(data.lessons)
    page.house = data.house
    page.municipalities = list(data.municipalities)
    page.life_domains = list(data.life_domains)
    page.pillars = list(data.pillars)
    page.themes = list(data.themes)
    page.target_groups = list(data.target_groups)
    page.offer_level = data.offer_level
    page.started_on = data.started_on
    page.contact_name = data.contact_name
    page.contact_email = data.contact_email


def _wagtail_review_mails_off(user) -> None:
    """Wagtail mails the requester of a workflow with links into the admin; a submitter without
    admin access gets our own mails (knowledge.review) instead."""
    if user.has_perm("wagtailadmin.access_admin"):
        return
    profile = UserProfile.get_for_user(user)
    if profile.approved_notifications or profile.rejected_notifications:
        profile.approved_notifications = profile.rejected_notifications = False
        profile.save(update_fields=["approved_notifications", "rejected_notifications"])


def _check_house(user, house: Organisation) -> None:
    if not review.houses_of(user).filter(pk=house.pk).exists():
        raise PermissionDenied


@transaction.atomic
def practice_submit(*, user, data: PracticeData, attachments: list[UploadedFile] = ()) -> PracticePage:
    """Create the practice as a draft under the listing and start its review."""
    if not review.can_submit_practice(user):
        raise PermissionDenied
    _check_house(user, data.house)
    if len(attachments) > MAX_ATTACHMENTS:
        raise ValueError(f"At most {MAX_ATTACHMENTS} attachments.")
    index = practice_index()
    page = PracticePage(live=False, owner=user, submitted_by=user)
    _apply(page, data)
    if not slugify(data.title, allow_unicode=True):  # "???" or emoji only: Wagtail would make no address
        page.slug = _free_slug(index, "praktijk")
    page.attachments = [
        PracticeAttachment(document=document, sort_order=position)
        for position, document in enumerate(_documents_store(user=user, files=attachments))
    ]
    index.add_child(instance=page)
    page.save_revision(user=user, log_action=True)
    _wagtail_review_mails_off(user)
    review.practice_workflow_for(page).start(page, user)
    return page


@transaction.atomic
def practice_resubmit(
    *, user, page: PracticePage, data: PracticeData, attachments: list[UploadedFile] = ()
) -> PracticePage:
    """Save the changed submission as a new revision and put it back in review."""
    page = PracticePage.objects.select_for_update().get(pk=page.pk)
    if not review.can_edit_submission(user, page):
        raise PermissionDenied
    _check_house(user, data.house)
    draft = page.get_latest_revision_as_object()
    existing = list(draft.attachments.all())
    if len(existing) + len(attachments) > MAX_ATTACHMENTS:
        raise ValueError(f"At most {MAX_ATTACHMENTS} attachments.")
    _apply(draft, data)
    draft.attachments = [
        *existing,
        *(
            PracticeAttachment(document=document, sort_order=len(existing) + position)
            for position, document in enumerate(_documents_store(user=user, files=attachments))
        ),
    ]
    # The practice was never published (can_edit_submission), so its row may hold the submission
    # as the first one did: the reference index then knows the new attachments, and the reviewers,
    # who may edit the page, can open them (samenhuis/documents.py); nobody else can.
    draft.save()
    draft.save_revision(user=user, log_action=True)
    state = page.current_workflow_state
    if state is not None and state.status == WorkflowState.STATUS_NEEDS_CHANGES:
        state.resume(user=user)
    else:
        review.practice_workflow_for(page).start(page, user)
    return page
