"""CMS hooks of the project itself: the rule every document download passes (samenhuis/documents.py)."""

from wagtail import hooks

from .documents import document_readers_only

hooks.register("before_serve_document", document_readers_only)
