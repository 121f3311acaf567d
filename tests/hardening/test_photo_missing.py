"""A report whose photo file is gone (a restore without the photo folder, a purge cut short)
answers 404 at /laporan/<id>/foto/, not a server error."""

import uuid

import pytest

from field.services import situation_report_create
from tests.field.helpers import jpeg


@pytest.fixture(autouse=True)
def photo_root(settings, tmp_path):
    settings.FIELD_PHOTO_ROOT = tmp_path / "field-photos"
    return settings.FIELD_PHOTO_ROOT


@pytest.fixture
def report(election_day, field_officer):
    report, _created = situation_report_create(
        person=field_officer.personnel,
        kind="gangguan",
        text="Massa berkumpul.",
        urgent=False,
        idempotency_key=uuid.uuid4(),
        photo=jpeg((800, 600)),
    )
    return report


def test_a_photo_that_is_there_is_served(login, command_staff, report):
    response = login(command_staff).get(f"/laporan/{report.pk}/foto/")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"


@pytest.mark.parametrize("persona", ["command_staff", "field_officer"])
def test_a_photo_whose_file_is_gone_is_a_404(request, login, persona, report, photo_root):
    (photo_root / report.photo.name).unlink()

    response = login(request.getfixturevalue(persona)).get(f"/laporan/{report.pk}/foto/")

    assert response.status_code == 404
