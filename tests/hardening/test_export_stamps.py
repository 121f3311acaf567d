"""Every export is one line in the audit log, and its file says who exported it and when.

The exports: the dashboard's gap and area tables (XLSX, CSV), the admin's lists of personnel,
TPS and assignments (XLSX, CSV) and its Sprin annex (XLSX), the printed assignment cards and
the printed minutes. The admin's files are imported back (deployments/imports.py): here they
are, and the stamp changes nothing of what the import reads.
"""

import csv
import io
from datetime import UTC, timedelta

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from audit.models import AuditEvent
from coordination.services import minutes_publish
from deployments.coverage import coverage_recompute
from deployments.imports import (
    AssignmentResource,
    PersonnelResource,
    TPSResource,
    import_job_apply,
    import_job_claim,
    import_job_create,
    import_job_validate,
)
from deployments.models import Force, ImportJob
from tests.factories import (
    AssignmentFactory,
    LinmasFactory,
    MeetingFactory,
    SatlinmasFactory,
    SecurityPatternFactory,
    TPSFactory,
)

pytestmark = pytest.mark.django_db


def _exports() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(kind=AuditEvent.Kind.EXPORT))


def _the_export() -> AuditEvent:
    lines = _exports()
    assert len(lines) == 1, lines
    return lines[0]


def _wib(event: AuditEvent) -> str:
    """The line's moment as the stamp must show it: UTC+7, whatever the server's zone."""
    return (event.at.astimezone(UTC) + timedelta(hours=7)).strftime("%d/%m/%Y %H.%M WIB")


def _file_name(response) -> str:
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="')
    return disposition.split('filename="', 1)[1].rstrip('"')


def _assert_real_time(event: AuditEvent) -> None:
    # The operation clock is pinned to 27 Nov 2024 in these tests; the log is not.
    assert abs(event.at - timezone.now()) < timedelta(minutes=1)


# The dashboard's tables


@pytest.fixture
def coverage(election_day, tps_a):
    """TPS A guarded by its Linmas, a second TPS of its desa without anyone: one gap."""
    SecurityPatternFactory(
        operation=election_day,
        kerawanan="kurang_rawan",
        force=Force.LINMAS,
        personnel_count=1,
        tps_count=1,
    )
    unit = SatlinmasFactory(desa=tps_a.desa)
    AssignmentFactory(personnel=LinmasFactory(unit=unit), tps=[tps_a])
    unguarded = TPSFactory(desa=tps_a.desa, number=7)
    coverage_recompute()
    return {"covered": tps_a, "unguarded": unguarded}


def test_the_gap_table_in_csv_is_logged_and_ends_with_who_exported_it_and_when(
    login, command_staff, coverage
):
    client = login(command_staff)

    response = client.get("/export/gaps/", {"format": "csv", "kecamatan": "357101"})

    lines = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    event = _the_export()
    assert (event.user, event.username, event.what) == (command_staff, "kabagops", "/export/gaps/")
    _assert_real_time(event)
    assert lines[0][0] == "Kode TPS"
    assert [row[0] for row in lines[1:-1]] == [coverage["unguarded"].code]
    assert lines[-1] == [f"Diekspor oleh kabagops pada {_wib(event)}"]
    assert event.detail == {
        "file": _file_name(response),
        "format": "csv",
        "rows": 1,
        "area": "Kecamatan Mojoroto",
        "phase": "pemungutan",
        "filters": {"kecamatan": "357101"},
    }
    assert _file_name(response) == (
        f"opsboard-kekurangan-{event.at.astimezone(UTC) + timedelta(hours=7):%Y%m%d-%H%M}"
        "-kabagops.csv"
    )


def test_the_area_table_in_xlsx_is_logged_and_notes_who_exported_it_and_when(
    login, command_staff, coverage
):
    command_staff.first_name, command_staff.last_name = "Bagus", "Prakoso"
    command_staff.save()
    client = login(command_staff)

    response = client.get("/export/areas/")

    event = _the_export()
    sheet = load_workbook(io.BytesIO(response.content)).active
    first_column = [row[0] for row in sheet.iter_rows(values_only=True)]
    stamp = f"Diekspor oleh Bagus Prakoso (kabagops) pada {_wib(event)}"
    assert stamp in first_column
    assert first_column.index(stamp) < first_column.index("Kode")  # above the table
    assert event.detail["file"] == _file_name(response)
    assert event.detail["file"].endswith("-kabagops.xlsx")
    assert event.detail["rows"] == 1  # one kecamatan with TPS in the snapshot
    assert (event.detail["format"], event.detail["filters"]) == ("xlsx", {})


def test_a_refused_or_bad_export_is_not_logged(login, command_staff, field_officer, coverage):
    bad = login(command_staff).get("/export/gaps/", {"format": "pdf"})
    refused = login(field_officer).get("/export/gaps/")

    assert (bad.status_code, refused.status_code) == (400, 302)
    assert _exports() == []


# The admin's lists and the Sprin annex: stamped, and still imported back unchanged


@pytest.fixture
def roster(election_day, tps_a, field_officer):
    """The guard of TPS A (field_officer) and a second Linmas of its desa at TPS A."""
    AssignmentFactory(personnel=LinmasFactory(unit=SatlinmasFactory(desa=tps_a.desa)), tps=[tps_a])
    return tps_a


def _reimport(kind: str, content: bytes, name: str, by) -> ImportJob:
    job = import_job_create(kind=kind, file_name=name, content=content, background=False, by=by)
    job = import_job_validate(job_id=job.pk)
    import_job_claim(job=job)
    return import_job_apply(job_id=job.pk, by_id=by.pk)


def _unchanged(job: ImportJob, rows: int) -> bool:
    return job.status == ImportJob.Status.DONE and job.counts == {
        "new": 0,
        "update": 0,
        "skip": rows,
        "invalid": 0,
    }


LISTS = [
    ("deployments/personnel", ImportJob.Kind.PERSONNEL, PersonnelResource, 2),
    ("tps/tps", ImportJob.Kind.TPS, TPSResource, 1),
    ("deployments/assignment", ImportJob.Kind.ASSIGNMENT, AssignmentResource, 2),
]


@pytest.mark.parametrize(("model", "kind", "resource", "rows"), LISTS)
def test_an_admin_list_in_xlsx_is_logged_stamped_beside_its_data_and_imports_back(
    login, ops_admin, roster, model, kind, resource, rows
):
    client = login(ops_admin)

    response = client.get(f"/admin/{model}/export/")

    event = _the_export()
    book = load_workbook(io.BytesIO(response.content))
    data = list(book.worksheets[0].iter_rows(values_only=True))
    guide = list(book["Petunjuk"].iter_rows(values_only=True))
    assert list(data[0]) == list(resource.columns)  # the import's header, first, untouched
    assert len(data) == 1 + rows
    assert guide[1:4] == [
        ("Diekspor oleh", "operator"),
        ("Waktu ekspor", _wib(event)),
        ("Jumlah baris", str(rows)),
    ]
    assert (event.user, event.what) == (ops_admin, f"/admin/{model}/export/")
    assert event.detail == {
        "file": _file_name(response),
        "format": "xlsx",
        "rows": rows,
        "filters": {},
    }
    assert _unchanged(_reimport(kind, response.content, "data.xlsx", ops_admin), rows)


@pytest.mark.parametrize(("model", "kind", "resource", "rows"), LISTS)
def test_an_admin_list_in_csv_is_logged_stamped_right_of_its_columns_and_imports_back(
    login, ops_admin, roster, model, kind, resource, rows
):
    client = login(ops_admin)

    response = client.get(f"/admin/{model}/export/", {"_format": "csv"})

    event = _the_export()
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    width = len(resource.columns)
    assert lines[0] == list(resource.columns)
    assert len(lines) == 1 + rows + 1
    assert lines[-1] == [""] * width + [f"Diekspor oleh operator pada {_wib(event)}"]
    assert _file_name(response).endswith("-operator.csv")
    assert (event.detail["format"], event.detail["rows"]) == ("csv", rows)
    assert _unchanged(_reimport(kind, response.content, "data.csv", ops_admin), rows)


def test_an_admin_export_logs_the_lists_filters_and_command_staff_exports_are_logged_too(
    login, command_staff, roster, mojoroto
):
    client = login(command_staff)

    response = client.get(
        "/admin/deployments/personnel/export/", {"kecamatan": str(mojoroto.pk), "q": "LM"}
    )

    assert response.status_code == 200
    event = _the_export()
    assert event.user == command_staff
    assert event.detail["filters"] == {"kecamatan": str(mojoroto.pk), "q": "LM"}


@pytest.mark.parametrize("params", [{"q": "LM\x00x"}, {"kecamatan": "\x00"}, {"q": "a" * 5000}])
def test_an_admin_export_with_hostile_filters_is_logged_without_a_500(
    login, ops_admin, roster, params
):
    response = login(ops_admin).get("/admin/deployments/personnel/export/", params)

    assert response.status_code == 200
    logged = _the_export().detail["filters"]
    assert list(logged) == list(params)
    assert all("\x00" not in value and len(value) <= 200 for value in logged.values())


def test_the_sprin_annex_is_logged_stamped_and_imports_back(login, ops_admin, roster, mojoroto):
    client = login(ops_admin)

    response = client.get(
        "/admin/deployments/assignment/lampiran-sprin/", {"kecamatan": mojoroto.pk}
    )

    event = _the_export()
    book = load_workbook(io.BytesIO(response.content))
    assert list(book["Petunjuk"].iter_rows(values_only=True))[1:3] == [
        ("Diekspor oleh", "operator"),
        ("Waktu ekspor", _wib(event)),
    ]
    assert event.detail == {
        "file": _file_name(response),
        "format": "xlsx",
        "rows": 2,
        "kecamatan": "357101",
        "phase": None,
    }
    assert _file_name(response).startswith("lampiran-sprin-357101-")
    assert _unchanged(
        _reimport(ImportJob.Kind.ASSIGNMENT, response.content, "annex.xlsx", ops_admin), 2
    )


def test_the_blank_template_holds_no_data_and_is_not_logged(login, ops_admin, roster):
    response = login(ops_admin).get("/admin/deployments/personnel/template/", {"_format": "csv"})

    assert response.content.decode("utf-8-sig").strip() == ",".join(PersonnelResource.columns)
    assert _exports() == []


# Printed pages: the cards and the minutes


def test_a_card_run_is_logged_and_every_card_says_who_printed_it_and_when(
    login, ops_admin, election_day, field_officer, mojoroto
):
    client = login(ops_admin)

    response = client.post("/lapangan/kartu/cetak/", {"kecamatan": mojoroto.pk})

    event = _the_export()
    body = response.content.decode()
    stamp = f"Dicetak oleh operator pada {_wib(event)}"
    assert body.count('class="card-item"') == 1
    assert body.count(stamp) == 2  # on the card, and above the sheet on screen
    assert event.what == "/lapangan/kartu/cetak/"
    assert event.detail == {"run": "kecamatan:357101", "cards": 1, "refused": 0}


def test_printing_the_minutes_is_logged_with_who_printed_them_at_the_foot(login, superuser):
    meeting = MeetingFactory(minutes="# Notulen\n\nRakor.")
    minutes_publish(meeting=meeting)
    client = login(superuser)

    response = client.get(f"/rapat/{meeting.pk}/cetak/", headers={"Accept-Language": "en"})

    event = _the_export()
    html = response.content.decode()
    foot = html[html.index('<footer class="doc-foot">') :]
    assert f"Dicetak oleh root pada {_wib(event)} dari Opsboard." in foot
    assert event.detail == {"meeting": meeting.pk, "number": meeting.number, "revision": 1}
    assert event.what == f"/rapat/{meeting.pk}/cetak/"
