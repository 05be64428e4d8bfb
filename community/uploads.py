"""Uploads (avatars, logos, room attachments) are judged by their content, not by their name or MIME header.

Pillow must be able to decode the file as one of the allowed formats within the size limits;
the image is then re-encoded, which drops metadata such as the GPS position in a phone photo.
"""

import io
import uuid
from dataclasses import dataclass
from pathlib import Path

import filetype
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
MAX_PIXELS = 40_000_000  # refuse decompression bombs well before Pillow's own limit


def image_clean(upload, *, max_bytes: int, box: int) -> ContentFile:
    """Return a re-encoded copy of `upload` no larger than `box` by `box` pixels, or raise ValidationError."""
    if upload.size > max_bytes:
        raise ValidationError(
            _("The image is %(size)s; the limit is %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(max_bytes)},
            code="too_large",
        )
    try:
        upload.seek(0)
        with Image.open(upload) as probe:
            image_format = probe.format
            width, height = probe.size
            probe.verify()
        if image_format not in ALLOWED_FORMATS:
            raise ValidationError(_("Upload a JPEG, PNG, WebP or GIF image."), code="format")
        if width * height > MAX_PIXELS:
            raise ValidationError(_("The image has too many pixels."), code="too_many_pixels")
        upload.seek(0)
        with Image.open(upload) as image:
            image.load()
            image = image.convert("RGBA" if image.mode in ("RGBA", "LA", "P") else "RGB")
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        raise ValidationError(_("This file is not an image we can read."), code="invalid") from error
    image.thumbnail((box, box))
    output = io.BytesIO()
    image.save(
        output, format="PNG" if image.mode == "RGBA" else "JPEG", **({} if image.mode == "RGBA" else {"quality": 88})
    )
    extension = "png" if image.mode == "RGBA" else "jpg"
    return ContentFile(output.getvalue(), name=f"{uuid.uuid4().hex}.{extension}")


# Room attachments -------------------------------------------------------------------------------

# What a room accepts, by the type its content shows (not its name or the browser's header).
ATTACHMENT_TYPES = {
    "application/pdf": ("pdf",),
    "image/png": ("png",),
    "image/jpeg": ("jpg", "jpeg"),
    "image/gif": ("gif",),
    "image/webp": ("webp",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ("docx",),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ("xlsx",),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": ("pptx",),
    "application/vnd.oasis.opendocument.text": ("odt",),
    "application/vnd.oasis.opendocument.spreadsheet": ("ods",),
    "application/vnd.oasis.opendocument.presentation": ("odp",),
    "text/plain": ("txt", "csv", "md"),
}
ATTACHMENT_EXTENSIONS = sorted({extension for extensions in ATTACHMENT_TYPES.values() for extension in extensions})
ATTACHMENTS_PER_MESSAGE = 5


@dataclass(frozen=True)
class CheckedFile:
    name: str
    content_type: str
    size: int
    content: File


def _sniff(head: bytes) -> str | None:
    kind = filetype.guess(head)
    if kind is not None:
        return kind.mime
    if b"\x00" in head:
        return None
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        # A multi-byte character cut off at the end of the sample is still text.
        if error.start < len(head) - 4:
            return None
    return "text/plain"


def attachment_clean(upload, *, max_bytes: int) -> CheckedFile:
    """Accept an upload for a room when its content is one of ATTACHMENT_TYPES, its name's
    extension agrees with that content, and it is no larger than `max_bytes`."""
    name = Path(upload.name or "").name.strip()[:150] or "bijlage"
    if upload.size > max_bytes:
        raise ValidationError(
            _("%(name)s is %(size)s; the limit is %(limit)s.")
            % {"name": name, "size": filesizeformat(upload.size), "limit": filesizeformat(max_bytes)},
            code="too_large",
        )
    if upload.size == 0:
        raise ValidationError(_("%(name)s is empty.") % {"name": name}, code="empty_file")
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    content_type = _sniff(head)
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    allowed = ", ".join(ATTACHMENT_EXTENSIONS)
    if content_type not in ATTACHMENT_TYPES:
        raise ValidationError(
            _("%(name)s is not a file type rooms accept. Accepted: %(types)s.") % {"name": name, "types": allowed},
            code="file_type",
        )
    if extension not in ATTACHMENT_TYPES[content_type]:
        raise ValidationError(
            _("The content of %(name)s does not match its extension. Accepted: %(types)s.")
            % {"name": name, "types": allowed},
            code="file_type",
        )
    if content_type == "text/plain" and extension == "csv":
        content_type = "text/csv"
    return CheckedFile(name=name, content_type=content_type, size=upload.size, content=File(upload, name=name))
