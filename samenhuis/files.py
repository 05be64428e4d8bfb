"""Where uploads live and how a file behind a permission check is sent.

Two roots, and no file in both (docs/operations.md, "Files"):

- MEDIA_ROOT, served at MEDIA_URL (by the proxy in production, by `public_media` in
  development): only what anyone may see — CMS images and their renditions, organisation logos.
- PRIVATE_MEDIA_ROOT (the "private" storage): everything a view checks before sending it —
  Wagtail documents (practice attachments, event materials, magazine PDFs), profile photos and
  room attachments. No URL maps onto this directory in any configuration; a checked view sends
  the file itself, or hands it to the proxy with X-Accel-Redirect / X-Sendfile
  (`SAMENHUIS_PRIVATE_FILES_SENDFILE`, see `sendfile`).

Wagtail's Document model keeps its file field on the default storage and cannot be given
another one without swapping the document model, so the default storage (`UploadStorage`) puts
the names under Wagtail's `documents/` folder in the private root; our own private fields name
the private storage (`private_storage`) explicitly.
"""

import os
from urllib.parse import quote

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.http import Http404, HttpResponse
from django.utils._os import safe_join
from django.views.decorators.http import require_safe
from django.views.static import serve
from wagtail.utils import sendfile_streaming_backend
from wagtail.utils.sendfile import sendfile as wagtail_sendfile

# Folders of the default storage that hold files behind a check: Wagtail's documents.
PRIVATE_FOLDERS = ("documents/",)


def private_storage():
    """The storage of files behind a permission check. A callable, so migrations name it instead
    of freezing one settings file's directory."""
    return storages["private"]


class UploadStorage(FileSystemStorage):
    """The default storage: MEDIA_ROOT, except the folders in PRIVATE_FOLDERS, whose files the
    private storage keeps (in its own directory, without a URL; Wagtail then serves them through
    its checked view). Every operation on a name asks `_for(name)` which of the two holds it."""

    @staticmethod
    def is_private(name: str) -> bool:
        return name.replace("\\", "/").lstrip("/").startswith(PRIVATE_FOLDERS)

    def _for(self, name: str) -> FileSystemStorage | None:
        return private_storage() if self.is_private(name) else None

    def _open(self, name, mode="rb"):
        return (self._for(name) or super())._open(name, mode)

    def _save(self, name, content):
        return (self._for(name) or super())._save(name, content)

    def delete(self, name):
        return (self._for(name) or super()).delete(name)

    def exists(self, name):
        return (self._for(name) or super()).exists(name)

    def listdir(self, path):
        return (self._for(path.rstrip("/") + "/") or super()).listdir(path)

    def path(self, name):
        return (self._for(name) or super()).path(name)

    def size(self, name):
        return (self._for(name) or super()).size(name)

    def get_accessed_time(self, name):
        return (self._for(name) or super()).get_accessed_time(name)

    def get_created_time(self, name):
        return (self._for(name) or super()).get_created_time(name)

    def get_modified_time(self, name):
        return (self._for(name) or super()).get_modified_time(name)

    def url(self, name):
        if self.is_private(name):
            raise NotImplementedError("Files behind a permission check have no public URL.")
        return super().url(name)


@require_safe
def public_media(request, path):
    """MEDIA_URL in development and on a machine without a proxy: MEDIA_ROOT only, which holds
    no private file (see the module docstring). Off unless SAMENHUIS_SERVE_MEDIA is set."""
    if not settings.SAMENHUIS_SERVE_MEDIA:
        raise Http404
    return serve(request, path, document_root=settings.MEDIA_ROOT)


def sendfile(request, filename, **kwargs):
    """Wagtail's sendfile backend interface (`SENDFILE_BACKEND = "samenhuis.files"`), also used by
    `private_file_response`: stream the file from Python, or let the proxy send it.

    - "" (default): the file is streamed by the application (Wagtail's streaming backend, which
      answers If-Modified-Since).
    - "x-accel-redirect" (nginx): an empty answer with `X-Accel-Redirect:
      SAMENHUIS_PRIVATE_FILES_INTERNAL_URL + the path below the private root`; nginx serves that
      `internal` location from PRIVATE_MEDIA_ROOT.
    - "x-sendfile" (Apache mod_xsendfile, lighttpd): an empty answer with the absolute path.
    """
    method = settings.SAMENHUIS_PRIVATE_FILES_SENDFILE
    if not method:
        return sendfile_streaming_backend.sendfile(request, filename, **kwargs)
    response = HttpResponse()
    if method == "x-sendfile":
        response["X-Sendfile"] = filename
        return response
    relative = os.path.relpath(filename, private_storage().location)
    if relative.startswith(".."):
        raise Http404("Only files below the private root are handed to the proxy.")
    response["X-Accel-Redirect"] = settings.SAMENHUIS_PRIVATE_FILES_INTERNAL_URL + quote(relative.replace(os.sep, "/"))
    return response


def private_file_response(
    request, fieldfile, *, filename: str, content_type: str, attachment: bool, cache_control: str
) -> HttpResponse:
    """Send a file of the private storage after the caller's permission check: never cached by a
    shared cache, never sniffed, never run as a page (the same headers Wagtail's document view
    sends)."""
    try:
        path = safe_join(fieldfile.storage.location, fieldfile.name)
    except (AttributeError, ValueError) as error:  # not a file-system storage, or a name escaping it
        raise Http404 from error
    response = wagtail_sendfile(
        request, path, attachment=attachment, attachment_filename=filename, mimetype=content_type, backend=sendfile
    )
    response["Cache-Control"] = cache_control
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'"
    return response
