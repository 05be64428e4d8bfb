"""Who may download a Wagtail document: one rule for every document, whichever app attached it.

A document is content of the pages that link to it. It is served

- to anyone a live page that links to it lets in (the page's view restrictions, checked on this
  request), or
- to those who manage it: its uploader, whoever may change it in the CMS, and whoever may edit
  a page that links to it (a practice in review, an event not yet published).

Anything else — a file that only a draft links to (a re-submitted practice, material added to a
published event and not yet published), a file that a page no longer links to after an edit, a
revert or an unpublish, a file nothing links to — answers 404. "Links to" is Wagtail's reference
index, which follows the rows of the pages (their live content: drafts live in revisions only),
including their inline children, rich text and StreamField; a live page's link is confirmed on
the page itself before anyone may read the file through it. Apps narrow this further with their
own `before_serve_document` hooks (events: attendees-only materials). See docs/privacy.md.

Addresses are guessable (a sequential id and the uploader's file name), so nothing here may rest
on an address being unknown.
"""

from django.contrib.contenttypes.models import ContentType
from django.http import Http404
from wagtail.models import Page, ReferenceIndex


def linking_pages(document) -> list[Page]:
    """The pages that Wagtail's reference index says link to the document, in any state."""
    object_ids = ReferenceIndex.get_references_to(document).filter(
        base_content_type=ContentType.objects.get_for_model(Page)
    )
    # The index keeps object ids as text (any model's key): compare them as page ids in Python.
    page_ids = {int(object_id) for object_id in object_ids.values_list("object_id", flat=True)}
    return list(Page.objects.filter(pk__in=page_ids).specific()) if page_ids else []


def links_to(page: Page, document) -> bool:
    """Whether the page's stored content links to the document now. The index can lag behind:
    it is updated when a page row is saved, before its inline children are, so a child removed
    by a publish or a revert stays indexed. What makes a file public is read from the page itself,
    with the extraction the index itself uses (two underscored classmethods of Wagtail's
    ReferenceIndex, stable since 4.1; tests/knowledge/test_document_access.py fails if they change)."""
    target = (ReferenceIndex._get_base_content_type(document).id, str(document.pk))
    return any(
        (content_type_id, object_id) == target
        for content_type_id, object_id, _model_path, _content_path in ReferenceIndex._extract_references_from_object(
            page
        )
    )


def may_manage(user, document, pages: list[Page]) -> bool:
    if not (user.is_authenticated and user.is_active):
        return False
    from wagtail.documents.permissions import permission_policy  # only importable once the apps are ready

    if document.uploaded_by_user_id == user.pk or permission_policy.user_has_permission_for_instance(
        user, "change", document
    ):
        return True
    return any(page.permissions_for_user(user).can_edit() for page in pages)


def published_for(request, document, pages: list[Page]) -> bool:
    return any(
        page.live
        and all(restriction.accept_request(request) for restriction in page.get_view_restrictions())
        and links_to(page, document)
        for page in pages
    )


def document_readers_only(document, request) -> None:
    """Wagtail's `before_serve_document` hook (registered in samenhuis/wagtail_hooks.py)."""
    pages = linking_pages(document)
    if published_for(request, document, pages) or may_manage(request.user, document, pages):
        return None
    raise Http404
