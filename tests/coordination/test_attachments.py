"""Attachments: PDF and images only, checked by content and size, stored outside every public
URL and served only through the permission-checked view."""

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from coordination.models import Attachment
from coordination.services import attachment_add
from tests.coordination.helpers import PDF_BYTES, pdf, png, png_bytes
from tests.factories import MeetingFactory

pytestmark = pytest.mark.django_db


def test_a_pdf_is_stored_in_the_private_folder_with_a_random_name(attachment_root):
    meeting = MeetingFactory()

    attachment = attachment_add(meeting=meeting, file=pdf("Daftar Hadir.PDF"), title="Daftar hadir")

    assert attachment.content_type == "application/pdf"
    assert attachment.size == len(PDF_BYTES)
    assert attachment.original_name == "Daftar Hadir.PDF"
    path = attachment_root / attachment.file.name
    assert path.read_bytes() == PDF_BYTES
    assert attachment.file.name.startswith(f"rapat-{meeting.pk}/")
    assert attachment.file.name.endswith(".pdf") and "Daftar" not in attachment.file.name
    for public in (settings.MEDIA_ROOT, settings.STATIC_ROOT, settings.BASE_DIR / "static"):
        assert not str(path.resolve()).startswith(str(public.resolve()))


def test_the_type_comes_from_the_content_not_the_name(attachment_root):
    meeting = MeetingFactory()

    attachment = attachment_add(
        meeting=meeting, file=SimpleUploadedFile("foto.pdf", png_bytes()), title="Foto"
    )

    assert attachment.content_type == "image/png"
    assert attachment.file.name.endswith(".png")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("laporan.pdf", b"MZ\x90\x00 program windows", "bukan PDF"),
        ("foto.png", b"<html><script>alert(1)</script></html>", "bukan PDF"),
        ("foto.jpg", b"\xff\xd8\xff\xe0 bukan gambar sungguhan", "Gambar rusak"),
        ("terpotong.pdf", PDF_BYTES[:40], "tidak utuh"),
        (
            "aktif.pdf",
            PDF_BYTES.replace(
                b"/Type /Catalog", b"/Type /Catalog /OpenAction << /S /JavaScript >>"
            ),
            "JavaScript",
        ),
        ("gambar.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "bukan PDF"),
    ],
)
def test_refuses_what_is_not_really_a_pdf_or_image(attachment_root, name, content, message):
    meeting = MeetingFactory()

    with pytest.raises(ValidationError, match=message):
        attachment_add(meeting=meeting, file=SimpleUploadedFile(name, content), title="x")

    assert not Attachment.objects.exists()
    assert not attachment_root.exists() or not any(attachment_root.rglob("*.*"))


def test_refuses_a_file_over_the_size_limit(settings, attachment_root):
    settings.COORDINATION_ATTACHMENT_MAX_BYTES = 1024
    big = PDF_BYTES.replace(b"%%EOF", b"%" + b"x" * 2048 + b"\n%%EOF")

    with pytest.raises(ValidationError, match="terlalu besar: 0,0 MB"):
        attachment_add(meeting=MeetingFactory(), file=pdf(content=big), title="Besar")

    assert not Attachment.objects.exists()


def test_served_to_command_staff_through_the_view_only(login, command_staff):
    attachment = attachment_add(meeting=MeetingFactory(), file=pdf(), title="Daftar hadir")
    client = login(command_staff)

    response = client.get(attachment.get_absolute_url())

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="daftar-hadir.pdf"'
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert attachment.get_absolute_url().startswith("/rapat/lampiran/")


def test_an_image_is_shown_inline_with_the_type_found_in_it(login, command_staff):
    attachment = attachment_add(meeting=MeetingFactory(), file=png(), title="Foto apel")
    client = login(command_staff)

    response = client.get(attachment.get_absolute_url())

    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline")


def test_field_officer_and_anonymous_never_get_the_bytes(login, field_officer):
    attachment = attachment_add(meeting=MeetingFactory(), file=pdf(), title="Daftar hadir")

    as_officer = login(field_officer).get(attachment.get_absolute_url())
    as_anonymous = login(None).get(attachment.get_absolute_url())

    assert (as_officer.status_code, as_officer["Location"]) == (302, "/me/")
    assert as_anonymous.status_code == 302
    assert as_anonymous["Location"].startswith("/accounts/login/")


def test_an_unknown_file_name_is_not_found(login, command_staff):
    attachment_add(meeting=MeetingFactory(), file=pdf(), title="Daftar hadir")
    client = login(command_staff)

    responses = [
        client.get(f"/rapat/lampiran/{name}")
        for name in ("rapat-1/tidak-ada.pdf", "../../opsboard/settings.py", "%2e%2e/etc/passwd")
    ]

    assert [r.status_code for r in responses] == [404, 404, 404]


def test_admin_uploads_an_attachment_on_the_meeting_form(login, ops_admin):
    meeting = MeetingFactory()
    client = login(ops_admin)
    data = {
        "number": meeting.number,
        "title": meeting.title,
        "kind": meeting.kind,
        "held_at_0": "13/08/2024",
        "held_at_1": "09:00:00",
        "place": meeting.place,
        "chair": meeting.chair,
        "attachments-TOTAL_FORMS": "1",
        "attachments-INITIAL_FORMS": "0",
        "attachments-0-title": "Materi paparan",
        "attachments-0-file": SimpleUploadedFile("materi.exe.pdf", b"MZ bukan pdf"),
    }
    for prefix in (
        "agenda_items",
        "attendance",
        "statements",
        "decisions",
        "action_items",
        "revisions",
    ):
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}

    refused = client.post(f"/admin/coordination/meeting/{meeting.pk}/change/", data)
    data["attachments-0-file"] = pdf("materi.pdf")
    accepted = client.post(f"/admin/coordination/meeting/{meeting.pk}/change/", data)

    assert refused.status_code == 200
    assert "bukan PDF" in refused.content.decode()
    assert accepted.status_code == 302
    stored = meeting.attachments.get()
    assert (stored.content_type, stored.uploaded_by) == ("application/pdf", ops_admin)
