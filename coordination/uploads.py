"""Checks on uploaded attachments: type from the content, size from settings.

The name and the browser's Content-Type are the uploader's claims; the bytes are what a reader's
PDF viewer or browser will actually parse. Images must open and verify with Pillow (which also
refuses decompression bombs); a PDF must look like one from its header to its trailer and carry
no JavaScript, launch, form-submission or external action, written plainly, with #xx escapes in
its names, or packed into compressed (object) streams.
"""

import re
import warnings
import zlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

# Names whose presence alone makes a PDF active: scripts, program launches, embedded files and
# media, form submission and data import, jumps into other files, and XFA forms (which carry
# their own scripts). /OpenAction and /AA are fine on their own (a catalogue may open at page 1);
# what they point at is one of these and is caught by it.
PDF_FORBIDDEN = re.compile(
    rb"/(JavaScript|JS|Launch|EmbeddedFiles?|RichMedia|SubmitForm|ImportData|GoToR|GoToE|XFA)"
    rb"(?=[\x00\t\n\x0c\r /<>\[\]()%{}]|$)"
)
# A name is everything up to the next delimiter or white space (PDF 32000-1, 7.3.5).
PDF_NAME = re.compile(rb"/[^\x00\t\n\x0c\r /<>\[\]()%{}]*")
PDF_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
# Where a stream's data begins; its dictionary sits between the previous stream and here.
PDF_STREAM = re.compile(rb"(?<!end)stream[ \t]*(?:\r\n|\n|\r)")
PDF_OBJECT_STREAM = re.compile(rb"/Type\s*/ObjStm(?![^\x00\t\n\x0c\r /<>\[\]()%{}])")
# Filters and parameters that leave an object stream's names unreadable after a plain inflate.
PDF_OPAQUE_CODING = re.compile(
    rb"/(ASCIIHexDecode|AHx|ASCII85Decode|A85|LZWDecode|LZW|RunLengthDecode|RL|Crypt|Predictor)"
    rb"(?![^\x00\t\n\x0c\r /<>\[\]()%{}])"
)
# Inflated bytes allowed per upload, all streams together: 50 times the file, at least 1 MB
# (a short text PDF legitimately inflates well past 50 times its tiny size), at most 100 MB.
PDF_INFLATE_RATIO = 50
PDF_INFLATE_FLOOR = 1024 * 1024
PDF_INFLATE_CEILING = 100 * 1024 * 1024
_INFLATE_CHUNK = 1024 * 1024
_INPUT_CHUNK = 64 * 1024
_NAME_OVERLAP = 512  # longer than any name (127 bytes, escapes tripled), so none is cut in two

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
    check_pdf_content(data)
    return "application/pdf"


def _active_error() -> ValidationError:
    return ValidationError(
        _("PDF berisi JavaScript, lampiran tersemat atau perintah menjalankan program."),
        code="pdf_active",
    )


def _normalise_names(data: bytes) -> bytes:
    """`/J#61vaScript` is `/JavaScript` to every reader: decode the #xx escapes in names."""
    return PDF_NAME.sub(
        lambda name: PDF_NAME_ESCAPE.sub(lambda e: bytes([int(e[1], 16)]), name[0]), data
    )


def _has_active_names(data: bytes) -> bool:
    return PDF_FORBIDDEN.search(_normalise_names(data)) is not None


class _Inflater:
    """Inflates the Flate streams of one PDF within one output budget, scanning as it goes."""

    def __init__(self, data: bytes) -> None:
        self.data = memoryview(data)
        self.budget = min(
            PDF_INFLATE_CEILING, max(PDF_INFLATE_FLOOR, PDF_INFLATE_RATIO * len(data))
        )

    def inflate_and_scan(self, start: int) -> bool | None:
        """Whether the stream at `start` inflated to its end (None: it is not zlib data)."""
        inflater = zlib.decompressobj()
        position, pending = start, b""
        carried = b""
        produced = False
        while True:
            if not pending:
                # The input in slices: the rest of a 10 MB file is not copied for every chunk.
                pending = self.data[position : position + _INPUT_CHUNK]
                position += len(pending)
                if not pending:
                    return False  # the file ended inside the stream
            try:
                # At most one byte past the budget: enough to know it was exceeded.
                out = inflater.decompress(pending, min(_INFLATE_CHUNK, self.budget + 1))
            except zlib.error:
                return False if produced else None
            produced = produced or bool(out)
            self.budget -= len(out)
            if self.budget < 0:
                raise ValidationError(
                    _("PDF berisi bagian terkompresi yang terlalu besar saat dibuka."),
                    code="pdf",
                )
            window = carried + out
            if _has_active_names(window):
                raise _active_error()
            carried = window[-_NAME_OVERLAP:]
            if inflater.eof:
                return True
            pending = inflater.unconsumed_tail


def check_pdf_content(data: bytes) -> None:
    """Refuse a PDF that carries active content, wherever it is written or compressed."""
    if _has_active_names(data):
        raise _active_error()
    inflater = _Inflater(data)
    previous = 0
    for match in PDF_STREAM.finditer(data):
        # Every stream is tried, whatever its /Filter says: the dictionary is not parsed, so an
        # oddly written filter name cannot make a compressed stream escape the scan.
        start = match.end()
        inflated = inflater.inflate_and_scan(start)
        if inflated is None and data[start : start + 1].isspace():
            inflated = inflater.inflate_and_scan(start + 1)  # a reader tolerant of a stray EOL
        head = _normalise_names(data[previous : match.start()])
        previous = start
        # Objects packed in an object stream are only visible once it is decoded; one that a
        # plain inflate cannot read fully could hide any of the names above.
        packed = PDF_OBJECT_STREAM.search(head) and b"/Filter" in head
        if packed and (not inflated or PDF_OPAQUE_CODING.search(head)):
            raise ValidationError(
                _("PDF memakai pemadatan objek yang tidak dapat diperiksa."), code="pdf"
            )


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
