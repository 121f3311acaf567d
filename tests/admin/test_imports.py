"""Imports from XLSX and CSV: every rule per row, all-or-nothing, re-import changes nothing."""

import io
import zipfile
from datetime import datetime

import pytest
from django.conf import settings
from django.urls import reverse
from openpyxl import load_workbook

from deployments.imports import (
    annex_bytes,
    export_bytes,
    import_job_apply,
    import_job_claim,
    import_job_create,
    import_job_validate,
    template_bytes,
)
from deployments.imports.sheets import INTERACTIVE_ROW_LIMIT, SheetError, read_sheet
from deployments.models import Assignment, ImportJob, Personnel, PostKind
from deployments.phases import WIB
from tests.admin.helpers import (
    ASSIGNMENT_COLUMNS,
    PERSONNEL_COLUMNS,
    TPS_COLUMNS,
    csv_bytes,
    row,
    xlsx,
)
from tests.factories import (
    AssignmentFactory,
    PersonnelFactory,
    PostFactory,
    SprinFactory,
)
from tps.models import TPS

P, T, A = ImportJob.Kind.PERSONNEL, ImportJob.Kind.TPS, ImportJob.Kind.ASSIGNMENT


def validate(kind, content, *, name="data.xlsx", by=None, background=False) -> ImportJob:
    job = import_job_create(
        kind=kind, file_name=name, content=content, background=background, by=by
    )
    return import_job_validate(job_id=job.pk)


def apply(job: ImportJob, by) -> ImportJob:
    import_job_claim(job=job)
    return import_job_apply(job_id=job.pk, by_id=by.pk)


def errors_of(job: ImportJob) -> list[str]:
    return [f"{e['lines']}|{e['column']}|{e['message']}" for e in job.errors]


def person_row(**values):
    base = {
        "matra": "Polri",
        "nrp_no_registrasi": "85061234",
        "nama": "Andi Wijaya",
        "pangkat": "Bripka",
        "satuan": "Polsek Mojoroto",
    }
    return row(PERSONNEL_COLUMNS, **{**base, **values})


def duty_row(**values):
    base = {
        "matra": "Polri",
        "nrp_no_registrasi": "85061234",
        "kode_desa": "3571011001",
        "no_tps": "006",
        "jenis_pos": "Pam TPS",
        "mulai": "26/11/2024 13.00",
        "selesai": "28/11/2024 18.00",
    }
    return row(ASSIGNMENT_COLUMNS, **{**base, **values})


# Personnel


@pytest.mark.django_db
def test_personnel_import_previews_then_writes_with_the_importing_user(
    ops_admin, polsek_mojoroto, bandar_lor
):
    content = xlsx(
        PERSONNEL_COLUMNS,
        [
            person_row(nrp_no_registrasi="8506 1234", telepon="0812-3456-7890"),
            person_row(nrp_no_registrasi="85061235", nama="Budi Santoso", pangkat="briptu"),
            row(
                PERSONNEL_COLUMNS,
                matra="Linmas",
                nrp_no_registrasi="LM-3571011001-01",
                nama="Sutrisno",
                satuan=f"satlinmas-{bandar_lor.code}",
                kode_desa_asal="35.71.01.1001",
            ),
        ],
    )
    from tests.factories import SatlinmasFactory

    SatlinmasFactory(desa=bandar_lor)

    job = validate(P, content, by=ops_admin)
    previewed, status = Personnel.objects.count(), job.status
    done = apply(job, ops_admin)

    assert status == ImportJob.Status.READY, errors_of(job)
    assert job.counts == {"new": 3, "update": 0, "skip": 0, "invalid": 0}
    assert "NRP 8506 1234 ditulis 85061234." in job.rows[0]["notes"]
    assert previewed == 0
    assert done.status == ImportJob.Status.DONE
    andi = Personnel.objects.get(identifier="85061234")
    assert andi.phone == "+6281234567890"
    assert Personnel.objects.get(identifier="85061235").rank == "Briptu"
    assert Personnel.objects.get(force="LINMAS").home_desa == bandar_lor
    record = andi.history.get()
    assert record.history_user == ops_admin
    assert "data.xlsx" in record.history_change_reason


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("values", "column", "message"),
    [
        ({"nrp_no_registrasi": "8506123"}, "NRP/No. Registrasi", "NRP Polri terdiri atas 8 angka"),
        ({"telepon": "12345"}, "Telepon", "Nomor telepon tidak valid"),
        ({"pangkat": "Jenderal"}, "Pangkat", "Pangkat Polri tidak dikenal"),
        ({"satuan": "Polsek Atlantis"}, "Satuan", "Satuan Polsek Atlantis tidak dikenal"),
        ({"kode_desa_asal": "3571019999"}, "Kode Desa Asal", "Kode desa 3571019999 tidak dikenal"),
        ({"matra": "Marinir"}, "Matra", "Matra tidak dikenal: Marinir"),
    ],
)
def test_personnel_import_refuses_each_rule_with_line_and_column(
    ops_admin, polsek_mojoroto, values, column, message
):
    content = xlsx(
        PERSONNEL_COLUMNS, [person_row(nrp_no_registrasi="85060001"), person_row(**values)]
    )

    job = validate(P, content, by=ops_admin)

    assert job.status == ImportJob.Status.INVALID
    assert any(e.startswith(f"3|{column}|") and message in e for e in errors_of(job)), errors_of(
        job
    )
    assert not Personnel.objects.exists()


@pytest.mark.django_db
def test_personnel_import_refuses_to_deactivate_someone_holding_future_duties(
    ops_admin, officer, tps_006, settings
):
    settings.OPSBOARD_NOW = datetime(2024, 11, 20, tzinfo=WIB)
    AssignmentFactory(personnel=officer, tps=[tps_006])

    job = validate(P, xlsx(PERSONNEL_COLUMNS, [person_row(aktif="Tidak")]), by=ops_admin)

    assert job.status == ImportJob.Status.INVALID
    assert "nonaktifkan lewat admin" in errors_of(job)[0]


# TPS


@pytest.mark.django_db
def test_tps_import_refuses_a_point_outside_the_kecamatan_and_warns_outside_the_desa(
    ops_admin, bandar_lor
):
    rows = [
        row(TPS_COLUMNS, kode_desa="3571011001", no_tps="1", lintang="-7,815", bujur="111,985"),
        row(TPS_COLUMNS, kode_desa="3571011001", no_tps="2", lintang=-7.815, bujur=111.995),
        row(TPS_COLUMNS, kode_desa="3571011001", no_tps="3", lintang=-7.6, bujur=111.7),
    ]

    job = validate(T, xlsx(TPS_COLUMNS, rows), by=ops_admin)

    assert job.status == ImportJob.Status.INVALID
    (error,) = errors_of(job)
    assert error.startswith("4|Lintang|Titik berada di luar Bandar Lor dan di luar Kecamatan")
    warned = next(r for r in job.rows if r["lines"] == "3")
    assert "masih di Kecamatan Mojoroto" in warned["notes"][0]
    assert not TPS.objects.exists()


@pytest.mark.django_db
def test_tps_import_refuses_unknown_desa_codes(ops_admin, bandar_lor):
    rows = [row(TPS_COLUMNS, kode_desa="9999999999", no_tps="1", lintang=-7.815, bujur=111.985)]

    job = validate(T, xlsx(TPS_COLUMNS, rows), by=ops_admin)

    assert errors_of(job) == ["2|Kode Desa|Kode desa 9999999999 tidak dikenal."]


# Assignments


@pytest.mark.django_db
def test_assignment_import_merges_rows_of_one_pair_into_one_assignment(
    ops_admin, operation, officer, tps_006, tps_burengan
):
    rows = [
        duty_row(),
        duty_row(kode_desa="3571011002", no_tps=6),
    ]

    job = apply(validate(A, xlsx(ASSIGNMENT_COLUMNS, rows), by=ops_admin), ops_admin)

    assert job.status == ImportJob.Status.DONE, errors_of(job)
    assignment = Assignment.objects.get()
    assert set(assignment.tps.all()) == {tps_006, tps_burengan}
    assert assignment.starts_at == datetime(2024, 11, 26, 13, 0, tzinfo=WIB)
    assert assignment.history.first().history_user == ops_admin


@pytest.mark.django_db
def test_assignment_import_refuses_an_overlap_naming_the_other(
    ops_admin, operation, officer, tps_006
):
    AssignmentFactory(personnel=officer, kind=PostKind.POSKO, post=PostFactory(name="Posko KPU"))

    job = validate(A, xlsx(ASSIGNMENT_COLUMNS, [duty_row()]), by=ops_admin)

    assert job.status == ImportJob.Status.INVALID
    assert "tumpang tindih" in errors_of(job)[0]
    assert "Posko KPU" in errors_of(job)[0]


@pytest.mark.django_db
def test_assignment_import_refuses_an_overlap_inside_the_file(
    ops_admin, operation, officer, tps_006
):
    rows = [duty_row(), duty_row(mulai="27/11/2024 08.00", selesai="27/11/2024 20.00")]

    job = validate(A, xlsx(ASSIGNMENT_COLUMNS, rows), by=ops_admin)

    assert job.status == ImportJob.Status.INVALID
    assert errors_of(job)[0].startswith("3|")
    assert "tumpang tindih" in errors_of(job)[0]
    assert not Assignment.objects.exists()


@pytest.mark.django_db
def test_assignment_import_refuses_a_linmas_at_a_tps_of_another_desa(
    ops_admin, operation, linmas_bandar_lor, tps_burengan
):
    rows = [
        duty_row(
            matra="Linmas",
            nrp_no_registrasi="LM-3571011001-01",
            kode_desa="3571011002",
            mulai="26/11/2024 16.00",
        )
    ]

    job = validate(A, xlsx(ASSIGNMENT_COLUMNS, rows), by=ops_admin)

    assert job.status == ImportJob.Status.INVALID
    assert "menjaga TPS di desanya sendiri" in errors_of(job)[0]


@pytest.mark.django_db
def test_assignment_import_checks_the_name_against_the_nrp(ops_admin, operation, officer, tps_006):
    job = validate(A, xlsx(ASSIGNMENT_COLUMNS, [duty_row(nama="Budi Santoso")]), by=ops_admin)

    assert "2|Nama|Berbeda dengan data personel 85061234 (Andi Wijaya)" in errors_of(job)[0]


@pytest.mark.django_db
def test_an_import_that_fails_on_its_last_row_writes_nothing(
    ops_admin, operation, polsek_mojoroto, tps_006
):
    people = [PersonnelFactory(unit=polsek_mojoroto) for _ in range(5)]
    rows = [duty_row(nrp_no_registrasi=p.identifier) for p in people]
    job = validate(A, xlsx(ASSIGNMENT_COLUMNS, rows), by=ops_admin)
    status = job.status
    # Between the preview and the confirmation another admin books the last person.
    AssignmentFactory(personnel=people[-1], kind=PostKind.POSKO, post=PostFactory())

    done = apply(job, ops_admin)

    assert status == ImportJob.Status.READY
    assert done.status == ImportJob.Status.INVALID
    assert errors_of(done)[0].startswith("6|")
    assert Assignment.objects.filter(kind=PostKind.PAM_TPS).count() == 0
    assert all(not p.history.exclude(history_type="+").exists() for p in people)


@pytest.mark.django_db
def test_the_dry_run_with_a_bad_last_row_writes_nothing(
    ops_admin, operation, polsek_mojoroto, tps_006
):
    people = [PersonnelFactory(unit=polsek_mojoroto) for _ in range(3)]
    rows = [duty_row(nrp_no_registrasi=p.identifier) for p in people]
    rows.append(duty_row(nrp_no_registrasi="99999999"))

    job = validate(A, xlsx(ASSIGNMENT_COLUMNS, rows), by=ops_admin)

    assert job.status == ImportJob.Status.INVALID
    assert job.counts["new"] == 3
    assert errors_of(job) == [
        "5|NRP/No. Registrasi|Personel Polri 99999999 belum terdaftar; impor data personel dulu."
    ]
    assert not Assignment.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("mulai", "selesai"),
    [
        ("26/11/2024 13.00", "28/11/2024 18:00"),
        ("2024-11-26 13:00", "2024-11-28 18.00"),
        (datetime(2024, 11, 26, 13, 0), datetime(2024, 11, 28, 18, 0)),
    ],
)
def test_assignment_import_reads_excel_dates_and_both_written_forms(
    ops_admin, operation, officer, tps_006, mulai, selesai
):
    content = xlsx(ASSIGNMENT_COLUMNS, [duty_row(mulai=mulai, selesai=selesai)])

    job = apply(validate(A, content, by=ops_admin), ops_admin)

    assignment = Assignment.objects.get()
    assert job.status == ImportJob.Status.DONE
    assert assignment.starts_at == datetime(2024, 11, 26, 13, 0, tzinfo=WIB)
    assert assignment.ends_at == datetime(2024, 11, 28, 18, 0, tzinfo=WIB)


@pytest.mark.django_db
def test_a_date_alone_as_the_end_means_the_whole_day(ops_admin, operation, officer, tps_006):
    content = xlsx(ASSIGNMENT_COLUMNS, [duty_row(mulai="26/11/2024", selesai="28/11/2024")])

    apply(validate(A, content, by=ops_admin), ops_admin)

    assignment = Assignment.objects.get()
    assert assignment.ends_at == datetime(2024, 11, 29, 0, 0, tzinfo=WIB)


@pytest.mark.django_db
@pytest.mark.parametrize("written", ["26 Nov 2024", "11/26/2024 13.00", "26/11/24"])
def test_assignment_import_refuses_other_date_forms_per_row(
    ops_admin, operation, officer, tps_006, written
):
    job = validate(A, xlsx(ASSIGNMENT_COLUMNS, [duty_row(mulai=written)]), by=ops_admin)

    assert job.status == ImportJob.Status.INVALID
    assert errors_of(job)[0].startswith("2|Mulai|")


# Round trips


@pytest.fixture
def roster(operation, officer, polsek_mojoroto, linmas_bandar_lor, tps_006, tps_burengan):
    partner = PersonnelFactory(unit=polsek_mojoroto, name="Budi Santoso")
    sprin = SprinFactory(number="Sprin/2301/XI/OPS.1.3./2024")
    window = {
        "starts_at": datetime(2024, 11, 26, 13, 0, tzinfo=WIB),
        "ends_at": datetime(2024, 11, 28, 18, 0, tzinfo=WIB),
        "sprin": sprin,
    }
    AssignmentFactory(personnel=officer, tps=[tps_006, tps_burengan], **window)
    AssignmentFactory(personnel=partner, tps=[tps_006, tps_burengan], **window)
    AssignmentFactory(personnel=linmas_bandar_lor, tps=[tps_006], **window)
    AssignmentFactory(
        personnel=PersonnelFactory(unit=polsek_mojoroto),
        kind=PostKind.POSKO,
        post=PostFactory(name="Posko Ops Polres Kediri Kota"),
        **window,
    )
    return Assignment.objects.all()


@pytest.mark.django_db
@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_reimporting_an_exported_roster_changes_nothing(ops_admin, roster, file_format):
    content = export_bytes(A, Assignment.objects.all(), file_format=file_format)
    history_before = Assignment.history.count()

    job = apply(validate(A, content, name=f"roster.{file_format}", by=ops_admin), ops_admin)

    assert job.status == ImportJob.Status.DONE, errors_of(job)
    assert job.counts == {"new": 0, "update": 0, "skip": 4, "invalid": 0}
    assert Assignment.history.count() == history_before


@pytest.mark.django_db
def test_reimporting_exported_personnel_and_tps_changes_nothing(ops_admin, roster):
    people = export_bytes(P, Personnel.objects.all(), file_format="xlsx")
    stations = export_bytes(T, TPS.objects.all(), file_format="csv")

    first = apply(validate(P, people, by=ops_admin), ops_admin)
    second = apply(validate(T, stations, name="tps.csv", by=ops_admin), ops_admin)

    assert first.counts["skip"] == Personnel.objects.count() and first.counts["update"] == 0
    assert second.counts == {"new": 0, "update": 0, "skip": 2, "invalid": 0}


@pytest.mark.django_db
def test_a_changed_row_is_shown_with_old_and_new_values(ops_admin, roster):
    workbook = load_workbook(io.BytesIO(export_bytes(A, roster, file_format="xlsx")))
    sheet = workbook.active
    headers = [c.value for c in sheet[1]]
    for cells in sheet.iter_rows(min_row=2):
        if cells[headers.index("Nama Pos")].value == "Posko Ops Polres Kediri Kota":
            cells[headers.index("Selesai")].value = datetime(2024, 11, 28, 20, 0)
    out = io.BytesIO()
    workbook.save(out)

    job = validate(A, out.getvalue(), by=ops_admin)

    assert job.counts == {"new": 0, "update": 1, "skip": 3, "invalid": 0}
    changed = next(r for r in job.rows if r["kind"] == "update")
    assert changed["changes"] == ["Selesai: 28/11/2024 18.00 → 28/11/2024 20.00"]


@pytest.mark.django_db
def test_the_sprin_annex_of_a_kecamatan_lists_its_roster_in_the_import_columns(
    ops_admin, roster, mojoroto, pesantren, tps_b
):
    AssignmentFactory(tps=[tps_b])  # Pesantren: not in Mojoroto's annex

    content = annex_bytes(mojoroto)

    sheet = load_workbook(io.BytesIO(content)).active
    lines = list(sheet.iter_rows(values_only=True))
    assert list(lines[0]) == list(ASSIGNMENT_COLUMNS)
    assert len(lines) == 1 + 6  # two pairs' rows per TPS, the Linmas, the Posko
    job = validate(A, content, by=ops_admin)
    assert job.counts == {"new": 0, "update": 0, "skip": 4, "invalid": 0}


@pytest.mark.django_db
@pytest.mark.parametrize(("kind", "columns"), [(P, PERSONNEL_COLUMNS), (A, ASSIGNMENT_COLUMNS)])
def test_templates_carry_the_fixed_headers(kind, columns):
    xlsx_template = load_workbook(io.BytesIO(template_bytes(kind, file_format="xlsx")))
    csv_template = template_bytes(kind, file_format="csv").decode("utf-8-sig")

    assert [c.value for c in xlsx_template.active[1]] == list(columns)
    assert xlsx_template.sheetnames[1] == "Petunjuk"
    assert csv_template.splitlines()[0] == ",".join(columns)


# Bad input: a clear message and nothing written


@pytest.mark.django_db
def test_wrong_columns_are_refused_naming_them(ops_admin, polsek_mojoroto):
    columns = [*PERSONNEL_COLUMNS[:-1], "NIK"]
    content = xlsx(columns, [[*person_row()[:-1], "3571010101010001"]])

    job = validate(P, content, by=ops_admin)

    assert job.status == ImportJob.Status.INVALID
    assert "kolom tidak ada: Aktif" in job.message
    assert "kolom tidak dikenal: NIK" in job.message
    assert not Personnel.objects.exists()


@pytest.mark.django_db
def test_a_csv_that_is_not_utf8_is_refused(ops_admin, polsek_mojoroto):
    content = csv_bytes(PERSONNEL_COLUMNS, [person_row(nama="Andi Wijaya’s")], encoding="cp1252")

    job = validate(P, content, name="personel.csv", by=ops_admin)

    assert job.status == ImportJob.Status.INVALID
    assert "bukan UTF-8" in job.message


@pytest.mark.django_db
def test_a_semicolon_csv_from_indonesian_excel_is_read(ops_admin, polsek_mojoroto):
    content = csv_bytes(PERSONNEL_COLUMNS, [person_row()], delimiter=";")

    job = validate(P, content, name="personel.csv", by=ops_admin)

    assert job.status == ImportJob.Status.READY, job.message


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"\x89PNG\r\n\x1a\n" + bytes(200), "foto.xlsx", "bukan XLSX yang sah"),
        (b"%PDF-1.7\n\x00\x01\x02", "sprin.csv", "bukan CSV maupun XLSX"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), "lama.xls", "Format .xls"),
    ],
)
def test_a_file_that_is_not_a_spreadsheet_is_refused(ops_admin, content, name, message):
    job = validate(P, content, name=name, by=ops_admin)

    assert job.status == ImportJob.Status.INVALID
    assert message in job.message


@pytest.mark.django_db
def test_a_zip_that_is_not_a_workbook_is_refused(ops_admin):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("foto.jpg", b"x" * 100)

    with pytest.raises(SheetError) as refused:  # when the upload is kept: nothing is stored
        validate(P, out.getvalue(), name="data.xlsx", by=ops_admin)

    assert "bukan buku kerja Excel" in str(refused.value)
    assert not ImportJob.objects.exists()


@pytest.mark.django_db
def test_a_zip_bomb_disguised_as_xlsx_is_refused_before_it_is_opened(ops_admin, monkeypatch):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        chunk = b"<row>" + b"0" * (1024 * 1024) + b"</row>"
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            for _ in range(300):  # 300 MB inflated, a few hundred KB on the wire
                member.write(chunk)
    opened = []
    import openpyxl

    monkeypatch.setattr(openpyxl, "load_workbook", lambda *a, **k: opened.append(1))

    with pytest.raises(SheetError) as refused:  # when the upload is kept: nothing is stored
        validate(P, out.getvalue(), name="data.xlsx", by=ops_admin)

    assert len(out.getvalue()) < 2 * 1024 * 1024
    assert "membengkak" in str(refused.value)
    assert not ImportJob.objects.exists()
    assert opened == []


@pytest.mark.django_db
def test_formulas_are_refused_per_cell(ops_admin, polsek_mojoroto):
    content = xlsx(PERSONNEL_COLUMNS, [person_row(), person_row(nrp_no_registrasi="=85061230+5")])

    job = validate(P, content, by=ops_admin)

    assert job.status == ImportJob.Status.INVALID
    assert errors_of(job) == [
        "3|NRP/No. Registrasi|Sel berisi rumus (=85061230+5). Tempel sebagai nilai."
    ]


@pytest.mark.django_db
def test_duplicate_rows_are_refused_both_naming_the_other(ops_admin, polsek_mojoroto):
    content = xlsx(
        PERSONNEL_COLUMNS, [person_row(), person_row(), person_row(nrp_no_registrasi="85061299")]
    )

    job = validate(P, content, by=ops_admin)

    # Which of the two is right is for the admin to say: both rows carry the error.
    assert job.status == ImportJob.Status.INVALID
    assert errors_of(job) == [
        "2||Duplikat baris 3 (Matra, NRP/No. Registrasi sama).",
        "3||Duplikat baris 2 (Matra, NRP/No. Registrasi sama).",
    ]
    assert [e["name"] for e in job.errors] == ["Andi Wijaya (85061234)"] * 2
    assert not Personnel.objects.exists()


@pytest.mark.django_db
def test_duplicate_assignment_rows_are_refused(ops_admin, operation, officer, tps_006):
    job = validate(A, xlsx(ASSIGNMENT_COLUMNS, [duty_row(), duty_row()]), by=ops_admin)

    assert errors_of(job) == ["3||Duplikat baris 2 (penugasan dan TPS yang sama)."]


@pytest.mark.django_db
def test_too_many_rows_are_refused_while_reading(ops_admin, polsek_mojoroto):
    rows = [
        person_row(nrp_no_registrasi=f"{85000000 + n}") for n in range(INTERACTIVE_ROW_LIMIT + 10)
    ]
    content = csv_bytes(PERSONNEL_COLUMNS, rows)

    job = validate(P, content, name="besar.csv", by=ops_admin)

    assert job.status == ImportJob.Status.INVALID
    assert "lebih dari 5.000 baris data (terbaca sampai baris 5.002)" in job.message
    assert job.counts == {}
    assert not Personnel.objects.exists()


def test_the_row_limit_stops_reading_at_the_first_row_over_it():
    rows = [person_row(nrp_no_registrasi=f"{85000000 + n}") for n in range(30)]
    content = csv_bytes(PERSONNEL_COLUMNS, rows)

    with pytest.raises(SheetError) as excinfo:
        read_sheet(content, "x.csv", columns=PERSONNEL_COLUMNS, row_limit=10)
    sheet = read_sheet(content, "x.csv", columns=PERSONNEL_COLUMNS, row_limit=30)

    assert "terbaca sampai baris 12" in str(excinfo.value)
    assert len(sheet.rows) == 30


@pytest.mark.django_db
def test_a_file_over_the_size_limit_is_refused_before_parsing(login, ops_admin):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = login(ops_admin)
    # Over the sheet's limit but within the request cap (tests/hardening/test_request_size.py):
    # read, then refused by the importer with its own message.
    over = settings.IMPORT_MAX_BYTES + 512 * 1024
    big = SimpleUploadedFile("besar.xlsx", b"PK\x03\x04" + bytes(over))

    response = client.post(reverse("admin:deployments_importjob_add"), {"kind": P, "upload": big})

    assert response.status_code == 422
    assert "Berkas terlalu besar" in response.content.decode()
    assert not ImportJob.objects.exists()


# Through the admin's pages


@pytest.mark.django_db
def test_upload_preview_confirm_through_the_admin(
    login, ops_admin, polsek_mojoroto, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = login(ops_admin)
    upload = SimpleUploadedFile("personel.xlsx", xlsx(PERSONNEL_COLUMNS, [person_row()]))

    with django_capture_on_commit_callbacks(execute=True):
        uploaded = client.post(
            reverse("admin:deployments_importjob_add"), {"kind": P, "upload": upload}
        )
    preview = client.get(uploaded["Location"])
    job = ImportJob.objects.get()
    written_by_preview = Personnel.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = client.post(reverse("admin:deployments_importjob_confirm", args=[job.pk]))
    done_page = client.get(confirmed["Location"]).content.decode()
    again = client.post(reverse("admin:deployments_importjob_confirm", args=[job.pk]))

    assert uploaded.status_code == 302
    assert "Konfirmasi impor" in preview.content.decode()
    assert written_by_preview == 0
    assert confirmed.status_code == 302
    assert "<strong>Selesai</strong>" in done_page
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    assert Personnel.objects.count() == 1
    assert again.status_code == 302
    assert "tidak dalam status siap" in client.get(again["Location"]).content.decode()


@pytest.mark.django_db
def test_command_staff_cannot_upload_or_confirm(login, command_staff, ops_admin, polsek_mojoroto):
    job = validate(P, xlsx(PERSONNEL_COLUMNS, [person_row()]), by=ops_admin)
    client = login(command_staff)

    upload = client.get(reverse("admin:deployments_importjob_add"))
    page = client.get(reverse("admin:deployments_importjob_change", args=[job.pk]))
    confirm = client.post(reverse("admin:deployments_importjob_confirm", args=[job.pk]))

    assert upload.status_code == 403
    assert page.status_code == 200
    assert "Konfirmasi impor" not in page.content.decode()
    assert confirm.status_code == 403
    assert not Personnel.objects.exists()


@pytest.mark.django_db
def test_a_background_job_is_checked_by_the_task_and_records_its_progress(
    login, ops_admin, polsek_mojoroto, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = login(ops_admin)
    rows = [person_row(nrp_no_registrasi=f"{85000000 + n}") for n in range(300)]
    upload = SimpleUploadedFile("personel.csv", csv_bytes(PERSONNEL_COLUMNS, rows))

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:deployments_importjob_add"),
            {"kind": P, "upload": upload, "background": "on"},
        )
    job = ImportJob.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("admin:deployments_importjob_confirm", args=[job.pk]))
    job.refresh_from_db()

    assert job.background is True
    assert job.status == ImportJob.Status.DONE
    assert (job.processed_rows, job.total_rows, job.percent) == (300, 300, 100)
    assert Personnel.objects.count() == 300


@pytest.mark.django_db
def test_the_page_lists_errors_beside_names_and_offers_every_one_as_csv(
    login, ops_admin, polsek_staff, polsek_mojoroto, monkeypatch
):
    from audit.models import AuditEvent
    from deployments.admin import imports as import_admin

    monkeypatch.setattr(import_admin, "ERRORS_SHOWN", 2)
    rows = [
        person_row(nama="=HYPERLINK(1)", nrp_no_registrasi="85060001"),
        person_row(nrp_no_registrasi="85060002", telepon="12345", pangkat="Jenderal"),
    ]
    job = validate(P, xlsx(PERSONNEL_COLUMNS, rows), by=ops_admin)
    client = login(ops_admin)

    page = client.get(reverse("admin:deployments_importjob_change", args=[job.pk])).content
    download = client.get(reverse("admin:deployments_importjob_errors_csv", args=[job.pk]))
    outsider = login(polsek_staff).get(
        reverse("admin:deployments_importjob_errors_csv", args=[job.pk])
    )

    html = page.decode()
    assert "<td>Andi Wijaya (85060002)</td>" in html
    assert "Ditampilkan 2 kesalahan pertama; 1 kesalahan lain ada di CSV." in html
    lines = download.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "Baris,Nama,Kolom,Alasan"
    assert len(lines) == 1 + 3
    # A name a spreadsheet would run stays text in the CSV.
    assert lines[1].startswith("2,'=HYPERLINK(1) (85060001),Nama,Sel berisi rumus")
    assert download["Content-Disposition"].startswith('attachment; filename="kesalahan-impor-')
    assert AuditEvent.objects.get(kind="export").detail["rows"] == 3
    assert outsider.status_code in (302, 403)
