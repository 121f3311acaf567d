"""Report photos: refused when too large, decoded by Pillow, resized and re-encoded.

Re-encoding the pixels alone into a fresh JPEG drops every piece of metadata the phone wrote
(EXIF with the GPS position and the phone's serial, XMP, comments, ICC profile, PNG text):
nothing of the original file is kept. The orientation the camera recorded is applied to the
pixels first, so that the picture stays upright without its EXIF tag.

A small file can hold a huge picture (a flat 88-megapixel JPEG is 1.4 MB and decodes to a quarter
of a gigabyte), so the size in pixels is read from the header and checked before anything is
decoded; a JPEG is then decoded at reduced scale (libjpeg's DCT scaling), close to the size it is
stored at; and only PROCESSING_SLOTS photos are decoded at once in a process.
"""

import threading
import uuid
import warnings
from io import BytesIO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP", "HEIF", "MPO"}
# JPEGs are decoded at 1/2, 1/4 or 1/8 scale (Image.draft), so a 50 MP camera's photo (the
# "48 MP"/"50 MP" mode of cheap phones) costs a sixteenth of its full size; the other formats are
# decoded whole, at 4 bytes a pixel, and get a lower limit.
MAX_PIXELS_SCALED = 52_000_000
MAX_PIXELS_WHOLE = 25_000_000
SCALED_FORMATS = {"JPEG", "MPO"}
# Photos decoded at once per process (~100 MB each at worst); a report that finds them all busy
# waits SLOT_WAIT_SECONDS, then is answered 503 and the phone's queue sends it again later.
PROCESSING_SLOTS = 2
SLOT_WAIT_SECONDS = 10.0
_slots = threading.BoundedSemaphore(PROCESSING_SLOTS)
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


class PhotoBusy(Exception):
    """Every processing slot stayed taken: nothing was stored, the phone may send it again."""

    def __init__(self) -> None:
        super().__init__(busy_message())


def busy_message() -> str:
    return _("Server sibuk memproses foto; coba kirim lagi sebentar lagi.")


def pixels_too_large_message() -> str:
    return _(
        "Ukuran foto (piksel) terlalu besar. Kirim foto kamera biasa atau tangkapan layar, "
        "bukan gambar raksasa."
    )


def photo_prepare(upload) -> ContentFile:
    """A resized JPEG without metadata, or ValidationError with a message for the guard;
    PhotoBusy when no processing slot frees up in time."""
    if upload.size > settings.FIELD_PHOTO_MAX_BYTES:
        raise ValidationError(too_large_message(), code="too_large")
    if not _slots.acquire(timeout=SLOT_WAIT_SECONDS):
        raise PhotoBusy()
    try:
        pixels = _decode(upload)
    finally:
        _slots.release()
    out = BytesIO()
    # No exif=, icc_profile=, comment= or xmp=, and pixels.info emptied (Pillow writes a comment
    # it finds there): the new file carries pixels only.
    pixels.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    return ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.jpg")


def _decode(upload) -> Image.Image:
    side = settings.FIELD_PHOTO_MAX_SIDE
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            upload.seek(0)
            # Image.open reads the header only: nothing is decoded before the checks below.
            with Image.open(upload) as image:
                if image.format not in ALLOWED_FORMATS:
                    raise ValidationError(_("Berkas ini bukan foto (JPEG, PNG atau WebP)."))
                width, height = image.size
                limit = MAX_PIXELS_SCALED if image.format in SCALED_FORMATS else MAX_PIXELS_WHOLE
                if width * height > limit:
                    raise ValidationError(pixels_too_large_message(), code="image")
                if image.format in SCALED_FORMATS:
                    image.draft("RGB", (side, side))
                image.load()
                upright = ImageOps.exif_transpose(image)
                pixels = upright.convert("RGB")
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ValidationError(_("Foto rusak atau tidak dapat dibaca."), code="image") from exc
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
        raise ValidationError(pixels_too_large_message(), code="image") from exc
    pixels.thumbnail((side, side), Image.Resampling.LANCZOS)
    pixels.info.clear()
    return pixels
