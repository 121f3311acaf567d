"""Situation reports: stored once per key, photos limited, resized, stripped and private."""

from io import BytesIO

import pytest
from django.conf import settings
from django.test import Client
from PIL import Image

from field.models import SituationReport
from tests.field.helpers import jpeg, key

URL = "/me/lapor/"
JSON = {"HTTP_ACCEPT": "application/json"}


def _report(client, **data):
    fields = {"kind": "gangguan", "text": "Massa berkumpul di depan TPS.", "idempotency_key": key()}
    fields.update(data)
    return client.post(URL, fields, **JSON)


def test_stores_kind_text_tps_and_urgency(login, field_officer, guard, tps_a):
    response = _report(login(field_officer), urgent="on", tps=tps_a.pk)

    report = SituationReport.objects.get()
    assert response.status_code == 201
    assert (report.kind, report.urgent, report.tps, report.person) == (
        "gangguan",
        True,
        tps_a,
        guard,
    )
    assert report.text == "Massa berkumpul di depan TPS."
    assert report.via_posko is False


def test_a_report_sent_twice_is_stored_once_and_the_second_gets_the_first(
    login, field_officer, guard
):
    client = login(field_officer)
    same = key()

    first = _report(client, idempotency_key=same)
    second = _report(client, idempotency_key=same, text="Kiriman ulang dari antrean luring.")

    assert (first.status_code, second.status_code) == (201, 200)
    assert second.json()["id"] == first.json()["id"]
    assert SituationReport.objects.count() == 1
    assert SituationReport.objects.get().text == "Massa berkumpul di depan TPS."


def test_the_same_key_from_two_people_is_two_reports(
    login, field_officer, field_officer_other_tps, guard
):
    same = key()
    _report(login(field_officer), idempotency_key=same)

    _report(login(field_officer_other_tps), idempotency_key=same)

    assert SituationReport.objects.count() == 2


def test_a_disturbance_needs_a_few_words(login, field_officer, guard):
    response = _report(login(field_officer), text="")

    assert response.status_code == 422
    assert "Tuliskan singkat apa yang terjadi." in str(response.json())
    assert not SituationReport.objects.exists()


def test_all_quiet_needs_no_text(login, field_officer, guard):
    response = _report(login(field_officer), kind="aman", text="")

    assert response.status_code == 201


def test_without_javascript_an_invalid_report_rerenders_the_form_with_422(
    login, field_officer, guard
):
    response = login(field_officer).post(URL, {"kind": "hoaks", "idempotency_key": key()})

    assert response.status_code == 422
    assert "Tuliskan singkat apa yang terjadi." in response.content.decode()


def test_the_photo_is_resized_and_its_metadata_stripped(login, field_officer, guard, photo_root):
    response = _report(login(field_officer), photo=jpeg((2400, 1800)))

    report = SituationReport.objects.get()
    with Image.open(report.photo.path) as stored:
        size, exif, info = stored.size, stored.getexif(), dict(stored.info)
    assert response.status_code == 201
    assert size == (settings.FIELD_PHOTO_MAX_SIDE, 1200)
    assert len(exif) == 0
    assert "exif" not in info
    assert report.photo.path.startswith(str(photo_root))
    assert not report.photo.path.startswith(str(settings.MEDIA_ROOT))


def test_a_photo_over_the_limit_is_refused_before_the_body_is_read(
    login, field_officer, guard, settings
):
    settings.FIELD_PHOTO_MAX_BYTES = 20 * 1024
    big = jpeg((3000, 3000))
    big.size = len(big.read())
    big.seek(0)
    assert big.size > settings.FIELD_PHOTO_MAX_BYTES + 64 * 1024

    response = _report(login(field_officer), photo=big)

    assert response.status_code == 413
    assert "Foto terlalu besar; paling besar 0,0 MB" in response.json()["errors"]["photo"][0]
    assert not SituationReport.objects.exists()


def test_a_photo_just_over_the_limit_is_refused_with_a_message(
    login, field_officer, guard, settings
):
    photo = jpeg((800, 600))
    settings.FIELD_PHOTO_MAX_BYTES = len(photo.read()) - 1
    photo.seek(0)

    response = login(field_officer).post(
        URL, {"kind": "aman", "idempotency_key": key(), "photo": photo}
    )

    assert response.status_code == 422
    assert "Foto terlalu besar" in response.content.decode()
    assert not SituationReport.objects.exists()


def test_without_javascript_a_too_large_body_gets_the_form_back_with_413(
    login, field_officer, guard, settings
):
    settings.FIELD_PHOTO_MAX_BYTES = 1024

    response = login(field_officer).post(
        URL, {"kind": "aman", "idempotency_key": key(), "photo": jpeg((300, 300), noise=True)}
    )

    assert response.status_code == 413
    assert "Foto terlalu besar" in response.content.decode()
    assert 'name="kind"' in response.content.decode()


def test_a_file_that_is_not_a_photo_is_refused(login, field_officer, guard):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("foto.jpg", b"%PDF-1.4 bukan foto", content_type="image/jpeg")

    response = _report(login(field_officer), photo=fake)

    assert response.status_code == 422
    assert "Foto rusak atau tidak dapat dibaca." in str(response.json())
    assert not SituationReport.objects.exists()


def test_the_form_warns_not_to_photograph_ballots(login, field_officer, guard):
    body = login(field_officer).get("/me/").content.decode()

    assert "Jangan memotret surat suara, bilik suara, atau formulir hasil" in body


def test_the_csrf_check_still_applies_after_the_size_check(field_officer, guard):
    client = Client(enforce_csrf_checks=True)
    client.force_login(field_officer, backend="opsboard.auth.OpsboardBackend")

    response = client.post(URL, {"kind": "aman", "idempotency_key": key()})

    assert response.status_code == 403
    assert not SituationReport.objects.exists()


def test_the_photo_is_served_to_the_reporter_and_the_command_only(
    login, field_officer, field_officer_other_tps, command_staff, guard
):
    _report(login(field_officer), photo=jpeg((400, 300)))
    report = SituationReport.objects.get()
    url = f"/laporan/{report.pk}/foto/"

    mine = login(field_officer).get(url)
    command = login(command_staff).get(url)
    other = login(field_officer_other_tps).get(url)
    nobody = login(None).get(url)

    assert mine.status_code == 200
    assert mine["Content-Type"] == "image/jpeg"
    assert Image.open(BytesIO(b"".join(mine.streaming_content))).size == (400, 300)
    assert command.status_code == 200
    assert other.status_code == 404
    assert nobody.status_code == 302


def test_a_photo_has_no_public_url(login, field_officer, guard):
    _report(login(field_officer), photo=jpeg((400, 300)))

    with pytest.raises(ValueError):
        _url = SituationReport.objects.get().photo.url
