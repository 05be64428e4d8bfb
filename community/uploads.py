"""Image uploads (avatars, logos) are judged by their content, not by their name or MIME header.

Pillow must be able to decode the file as one of the allowed formats within the size limits;
the image is then re-encoded, which drops metadata such as the GPS position in a phone photo.
"""

import io
import uuid

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
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
