"""Active content in a PDF attachment is found however it is written: names with #xx escapes,
objects inside compressed object streams, any Flate stream; a stream that inflates without end
is refused as a decompression bomb. The PDFs are built by hand, a few objects each."""

import zlib

import pytest
from django.core.exceptions import ValidationError

from coordination.models import Attachment
from coordination.services import attachment_add
from tests.coordination.helpers import pdf
from tests.factories import MeetingFactory

pytestmark = pytest.mark.django_db

ACTIVE = "PDF berisi JavaScript"
PAGE_CONTENT = b"BT /F1 12 Tf 72 712 Td (Daftar hadir rakor) Tj ET\n" * 20


def stream(dictionary: bytes, data: bytes) -> bytes:
    return b"<< %s /Length %d >>\nstream\n%s\nendstream" % (dictionary, len(data), data)


def build_pdf(*objects: bytes, catalog: bytes = b"") -> bytes:
    """A PDF whose catalogue is object 1 and whose one page (object 3) shows object 4."""
    body = [
        b"<< /Type /Catalog /Pages 2 0 R %s >>" % catalog,
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        stream(b"/Filter /FlateDecode", zlib.compress(PAGE_CONTENT)),
        *objects,
    ]
    out = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"
    for number, obj in enumerate(body, start=1):
        out += b"%d 0 obj\n%s\nendobj\n" % (number, obj)
    return out + b"trailer\n<< /Root 1 0 R /Size %d >>\n%%%%EOF\n" % (len(body) + 1)


def object_stream(
    packed: bytes, *, filters: bytes = b"/Filter /FlateDecode", hexed: bool = False
) -> bytes:
    """Object 6 packed inside a Flate-compressed object stream (object 5)."""
    header = b"6 0 "
    data = zlib.compress(header + packed)
    if hexed:
        data = data.hex().encode() + b">"
    return stream(b"/Type /ObjStm /N 1 /First %d %s" % (len(header), filters), data)


def refused(content: bytes, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        attachment_add(meeting=MeetingFactory(), file=pdf(content=content), title="Lampiran")


def nothing_stored(attachment_root) -> bool:
    return not Attachment.objects.exists() and (
        not attachment_root.exists() or not any(attachment_root.rglob("*.*"))
    )


def test_accepts_a_plain_pdf_with_compressed_page_content(attachment_root):
    content = build_pdf(object_stream(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"))

    attachment = attachment_add(meeting=MeetingFactory(), file=pdf(content=content), title="Ok")

    assert attachment.content_type == "application/pdf"
    assert (attachment_root / attachment.file.name).read_bytes() == content


@pytest.mark.parametrize(
    "catalog",
    [
        b"/OpenAction << /S /J#61vaScript /J#53 (app.alert(1)) >>",
        b"/OpenAction << /#53 /#4a#61#76#61#53#63#72#69#70#74 /#4A#53 (app.alert(1)) >>",
        b"/AA << /WC << /S /Java#53cript /J#53 (app.alert(1)) >> >>",
    ],
    ids=["javascript-escaped", "every-letter-escaped", "additional-action-escaped"],
)
def test_refuses_javascript_spelled_with_hex_escapes(attachment_root, catalog):
    refused(build_pdf(catalog=catalog), ACTIVE)

    assert nothing_stored(attachment_root)


def test_refuses_javascript_inside_a_compressed_object_stream(attachment_root):
    content = build_pdf(
        object_stream(b"<< /S /JavaScript /JS (app.alert(1)) >>"), catalog=b"/OpenAction 6 0 R"
    )

    refused(content, ACTIVE)

    assert nothing_stored(attachment_root)


def test_refuses_an_open_action_to_javascript_hidden_in_any_flate_stream(attachment_root):
    # The filter's own name escaped, so a check that reads /Filter would not know to inflate.
    packed = object_stream(
        b"<< /S /J#61vaScript /JS (this.submitForm('http://x')) >>",
        filters=b"/Filter /Fl#61teDecode",
    ).replace(b"/Type /ObjStm", b"/Type /Obj#53tm")
    content = build_pdf(packed, catalog=b"/OpenAction 6 0 R")

    refused(content, ACTIVE)

    assert nothing_stored(attachment_root)


@pytest.mark.parametrize(
    "action",
    [
        b"<< /S /SubmitForm /F (http://contoh.invalid/) >>",
        b"<< /S /ImportData /F (data.fdf) >>",
        b"<< /S /GoToR /F (lain.pdf) /D [0 /Fit] >>",
        b"<< /S /GoToE /T << /R /C /N (x) >> >>",
        b"<< /S /Launch /F (cmd.exe) >>",
    ],
    ids=["submit-form", "import-data", "goto-remote", "goto-embedded", "launch"],
)
def test_refuses_actions_that_reach_outside_the_document_even_when_packed(attachment_root, action):
    content = build_pdf(object_stream(action), catalog=b"/OpenAction 6 0 R")

    refused(content, ACTIVE)

    assert nothing_stored(attachment_root)


def test_refuses_an_xfa_form(attachment_root):
    content = build_pdf(catalog=b"/AcroForm << /Fields [] /X#46A 5 0 R >>")

    refused(content, ACTIVE)

    assert nothing_stored(attachment_root)


def test_refuses_an_object_stream_whose_coding_cannot_be_inflated(attachment_root):
    packed = object_stream(
        b"<< /S /JavaScript /JS (app.alert(1)) >>",
        filters=b"/Filter [/ASCIIHexDecode /FlateDecode]",
        hexed=True,
    )

    refused(build_pdf(packed, catalog=b"/OpenAction 6 0 R"), "tidak dapat diperiksa")

    assert nothing_stored(attachment_root)


def test_refuses_a_stream_that_inflates_like_a_decompression_bomb(attachment_root):
    # 64 MB of zeros squeeze into about 64 kB: far past 50 times the file.
    bomb = stream(b"/Filter /FlateDecode", zlib.compress(b"\0" * (64 * 1024 * 1024), 9))

    refused(build_pdf(bomb), "terlalu besar saat dibuka")

    assert nothing_stored(attachment_root)
