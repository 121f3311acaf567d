"""Report photos: refused when too large, decoded by Pillow, resized and re-encoded.

Re-encoding the pixels alone into a fresh JPEG drops every piece of metadata the phone wrote
(EXIF with the GPS position and the phone's serial, XMP, comments): nothing of the original file
is kept. The orientation the camera recorded is applied to the pixels first, so that the picture
stays upright without its EXIF tag.
"""

import uuid
import warnings
from io import BytesIO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP", "HEIF", "MPO"}
JPEG_QUALITY = 80
# Multipart framing and the form's other fields around the photo.
REQUEST_OVERHEAD_BYTES = 64 * 1024


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".replace(".", ",")


def too_large_message() -> str:
    return _(
        "Foto terlalu besar; paling besar %(limit)s MB. Kirim ulang dengan foto yang lebih kecil."
    ) % {"limit": megabytes(settings.FIELD_PHOTO_MAX_BYTES)}


def request_too_large(content_length: str | None) -> bool:
    """True when the declared body cannot hold a photo within the limit: refused before a byte
    of it is read (a guard on a slow network must not wait for an upload that will fail)."""
    try:
        length = int(content_length or 0)
    except ValueError:
        return False
    return length > settings.FIELD_PHOTO_MAX_BYTES + REQUEST_OVERHEAD_BYTES


def photo_prepare(upload) -> ContentFile:
    """A resized JPEG without metadata, or ValidationError with a message for the guard."""
    if upload.size > settings.FIELD_PHOTO_MAX_BYTES:
        raise ValidationError(too_large_message(), code="too_large")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            upload.seek(0)
            with Image.open(upload) as image:
                if image.format not in ALLOWED_FORMATS:
                    raise ValidationError(_("Berkas ini bukan foto (JPEG, PNG atau WebP)."))
                image.load()
                upright = ImageOps.exif_transpose(image)
                pixels = upright.convert("RGB")
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ValidationError(_("Foto rusak atau tidak dapat dibaca."), code="image") from exc
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
        raise ValidationError(_("Ukuran foto (piksel) terlalu besar."), code="image") from exc
    side = settings.FIELD_PHOTO_MAX_SIDE
    pixels.thumbnail((side, side), Image.Resampling.LANCZOS)
    out = BytesIO()
    # No exif=, no icc_profile=: the new file carries pixels only.
    pixels.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    return ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.jpg")
