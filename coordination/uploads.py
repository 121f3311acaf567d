"""Checks on uploaded attachments: type from the content, size from settings.

The name and the browser's Content-Type are the uploader's claims; the bytes are what a reader's
PDF viewer or browser will actually parse. Images must open and verify with Pillow (which also
refuses decompression bombs); a PDF must look like one from its header to its trailer and carry
no JavaScript or launch action.
"""

import re
import warnings

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

PDF_FORBIDDEN = re.compile(rb"/(JavaScript|JS|Launch|EmbeddedFile|RichMedia)\b")
PILLOW_FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp"}


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".replace(".", ",")


def sniff_attachment(file) -> str:
    """The attachment's real type, read from its bytes; ValidationError when it is not allowed."""
    file.seek(0)
    head = file.read(16)
    file.seek(0)
    if head.startswith(b"%PDF-"):
        return _check_pdf(file)
    if head.startswith(b"\x89PNG\r\n\x1a\n") or head[:3] == b"\xff\xd8\xff":
        return _check_image(file)
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return _check_image(file)
    raise ValidationError(
        _("Isi berkas bukan PDF, PNG, JPEG atau WebP (nama berkasnya tidak menentukan)."),
        code="type",
    )


def _check_pdf(file) -> str:
    data = file.read()
    file.seek(0)
    if b"%%EOF" not in data[-2048:]:
        raise ValidationError(_("Berkas PDF tidak utuh (tidak ada penutup %%EOF)."), code="pdf")
    if PDF_FORBIDDEN.search(data):
        raise ValidationError(
            _("PDF berisi JavaScript, lampiran tersemat atau perintah menjalankan program."),
            code="pdf_active",
        )
    return "application/pdf"


def _check_image(file) -> str:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(file) as image:
                kind = PILLOW_FORMATS.get(image.format or "")
                image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ValidationError(_("Gambar rusak atau tidak dapat dibaca."), code="image") from exc
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
        raise ValidationError(_("Gambar terlalu besar ukurannya (piksel)."), code="image") from exc
    finally:
        file.seek(0)
    if kind is None:
        raise ValidationError(_("Jenis gambar tidak diizinkan."), code="type")
    return kind


def validate_attachment(file) -> None:
    """Field validator: size limit and content type of a new upload."""
    if getattr(file, "_committed", False):
        return  # stored earlier and checked then; not read back on every save
    limit = settings.COORDINATION_ATTACHMENT_MAX_BYTES
    if file.size > limit:
        raise ValidationError(
            _("Berkas terlalu besar: %(size)s MB; paling besar %(limit)s MB.")
            % {"size": _megabytes(file.size), "limit": _megabytes(limit)},
            code="size",
        )
    sniff_attachment(file)
