"""The personnel and TPS imports, set-based: queries that do not grow with the rows, every error
of every row at once with the row's name, history in bulk, the database as the last line."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from deployments.imports import (
    PersonnelResource,
    import_job_apply,
    import_job_claim,
    import_job_create,
    import_job_validate,
)
from deployments.models import ImportJob, Personnel
from tests.admin.helpers import PERSONNEL_COLUMNS, TPS_COLUMNS, csv_bytes, row
from tests.factories import (
    SQUARE,
    DesaFactory,
    LinmasFactory,
    PersonnelFactory,
    PolsekFactory,
    SatlinmasFactory,
)
from tps.models import TPS

pytestmark = pytest.mark.django_db

# validate: the job read and marked (3), its row count, units, desa, the file's people (one
# query per 2,000 NRPs), the savepoint around the rows (2), the outcome stored;
# apply: the job read, claimed and counted, units, desa, people, the savepoints (4), one INSERT
# per 2,000 people and one for their history rows (or one UPDATE and one history INSERT), the
# coverage bookkeeping after the commit (none in a test: nothing commits), the outcome stored.
QUERIES = 28


@pytest.fixture
def polsek(mojoroto):
    return PolsekFactory(kecamatan=mojoroto)


def person(n: int, **values) -> list:
    base = {
        "matra": "Polri",
        "nrp_no_registrasi": f"{85000000 + n}",
        "nama": f"Petugas {n}",
        "pangkat": "Bripka",
        "satuan": "Polsek Mojoroto",
    }
    return row(PERSONNEL_COLUMNS, **{**base, **values})


def imported(rows: list, by, *, kind=ImportJob.Kind.PERSONNEL) -> ImportJob:
    columns = PERSONNEL_COLUMNS if kind == ImportJob.Kind.PERSONNEL else TPS_COLUMNS
    job = import_job_create(
        kind=kind,
        file_name="personel.csv",
        content=csv_bytes(columns, rows),
        background=False,
        by=by,
    )
    job = import_job_validate(job_id=job.pk)
    if job.status != ImportJob.Status.READY:
        return job
    import_job_claim(job=job)
    return import_job_apply(job_id=job.pk, by_id=by.pk)


# PostgreSQL's count: SQLite's 999-variable limit splits bulk writes into more batches as the
# rows grow, so the constant holds on the production database only (deselected, and counted as
# not run, without it).
@pytest.mark.services
def test_an_import_costs_the_same_queries_for_10_and_200_people(
    ops_admin, polsek, django_assert_max_num_queries
):
    counts = {}
    for first, size in ((0, 10), (1_000, 200)):
        rows = [person(first + n) for n in range(size)]
        with CaptureQueriesContext(connection) as queries:
            job = imported(rows, ops_admin)
        assert job.status == ImportJob.Status.DONE, job.errors[:3]
        counts[size] = len(queries)
    renamed = [person(1_000 + n, nama=f"Petugas Baru {n}") for n in range(200)]
    with django_assert_max_num_queries(QUERIES):
        updated = imported(renamed, ops_admin)

    assert counts[10] == counts[200] <= QUERIES
    assert updated.counts == {"new": 0, "update": 200, "skip": 0, "invalid": 0}
    assert Personnel.objects.count() == 210
    assert Personnel.objects.get(identifier="85001007").name == "Petugas Baru 7"


def test_every_error_of_every_row_is_reported_at_once_beside_the_rows_name(ops_admin, polsek):
    rows = [
        person(1),
        person(2, telepon="12345", pangkat="Jenderal", satuan="Polsek Atlantis"),
        person(3, matra="Marinir", nama="Budi Santoso"),
        person(4, nrp_no_registrasi="", nama="Tanpa Nomor", aktif="Mungkin"),
    ]

    job = imported(rows, ops_admin)

    assert job.status == ImportJob.Status.INVALID
    found = {(e["lines"], e["name"], e["column"]) for e in job.errors}
    assert found == {
        ("3", "Petugas 2 (85000002)", "Telepon"),
        ("3", "Petugas 2 (85000002)", "Pangkat"),
        ("3", "Petugas 2 (85000002)", "Satuan"),
        ("4", "Budi Santoso (85000003)", "Matra"),
        ("5", "Tanpa Nomor", "NRP/No. Registrasi"),
        ("5", "Tanpa Nomor", "Aktif"),
    }
    messages = {e["column"]: e["message"] for e in job.errors if e["lines"] == "3"}
    assert messages["Pangkat"] == "Pangkat Polri tidak dikenal: Jenderal."
    assert job.counts == {"new": 1, "update": 0, "skip": 0, "invalid": 3}
    assert not Personnel.objects.exists()


def test_an_update_is_written_with_its_history_user_and_reason_and_shown_first(ops_admin, polsek):
    officer = PersonnelFactory(unit=polsek, identifier="85000001", name="Petugas Lama")

    job = imported([person(1), person(2)], ops_admin)

    assert job.status == ImportJob.Status.DONE, job.errors
    officer.refresh_from_db()
    assert officer.name == "Petugas 1"
    changed = next(r for r in job.rows if r["kind"] == "update")
    assert changed["changes"] == ["Nama: Petugas Lama → Petugas 1"]
    record = officer.history.first()
    assert (record.history_type, record.history_user) == ("~", ops_admin)
    assert "personel.csv" in record.history_change_reason
    added = Personnel.objects.get(identifier="85000002").history.get()
    assert (added.history_type, added.history_user) == ("+", ops_admin)


def test_the_database_refuses_what_validation_let_through_and_nothing_stays(
    ops_admin, polsek, monkeypatch
):
    # As if a rule were forgotten: the phone is no longer checked, its constraint still holds.
    monkeypatch.setattr(PersonnelResource, "check_into", lambda self, instance, errors: None)
    rows = [*(person(n) for n in range(3)), person(3, telepon="12345")]

    job = imported(rows, ops_admin)

    assert job.status == ImportJob.Status.INVALID
    assert "Kesalahan basis data" in job.errors[0]["message"]
    assert "deployments_personnel_phone_e164" in job.errors[0]["message"]
    assert not Personnel.objects.exists()
    assert not Personnel.history.exists()


def test_a_number_written_otherwise_is_a_duplicate_in_the_file_and_in_the_database(
    ops_admin, mojoroto
):
    satlinmas = SatlinmasFactory(desa=DesaFactory(kecamatan=mojoroto, code="3571011001"))
    LinmasFactory(unit=satlinmas, identifier="LM-3571011001-01", name="Sutrisno")

    def linmas(identifier: str, name: str) -> list:
        return row(
            PERSONNEL_COLUMNS,
            matra="Linmas",
            nrp_no_registrasi=identifier,
            nama=name,
            satuan=satlinmas.code,
        )

    job = imported(
        [
            linmas("lm.3571011001.01", "Sutrisno"),
            linmas("LM-3571011001-02", "Suparman"),
            linmas("LM 3571011001 02", "Suparman"),
            linmas("LM-3571011001-01", "Sutrisno"),
        ],
        ops_admin,
    )

    assert job.status == ImportJob.Status.INVALID
    # Row 5 writes the registered number exactly, and row 2 the same one otherwise.
    assert [(e["lines"], e["message"]) for e in job.errors] == [
        ("2", "Duplikat baris 5 (Matra, NRP/No. Registrasi sama)."),
        (
            "2",
            "lm.3571011001.01 sudah terdaftar sebagai LM-3571011001-01 (Sutrisno). Tulis "
            "nomornya persis seperti terdaftar agar datanya diperbarui.",
        ),
        ("3", "Duplikat baris 4 (Matra, NRP/No. Registrasi sama)."),
        ("4", "Duplikat baris 3 (Matra, NRP/No. Registrasi sama)."),
        ("5", "Duplikat baris 2 (Matra, NRP/No. Registrasi sama)."),
    ]
    assert Personnel.objects.count() == 1


# PostgreSQL's count: SQLite's 999-variable limit splits bulk writes into more batches as the
# rows grow, so the constant holds on the production database only (deselected, and counted as
# not run, without it).
@pytest.mark.services
def test_a_tps_import_costs_the_same_queries_for_10_and_200_stations(ops_admin, mojoroto):
    desa = DesaFactory(kecamatan=mojoroto, code="3571011001", boundary=SQUARE)

    def station(n: int, **values) -> list:
        base = {"kode_desa": desa.code, "no_tps": n, "lintang": "-7,815", "bujur": "111,985"}
        return row(TPS_COLUMNS, **{**base, **values})

    counts = {}
    for first, size in ((1, 10), (11, 200)):
        rows = [station(first + n) for n in range(size)]
        with CaptureQueriesContext(connection) as queries:
            job = imported(rows, ops_admin, kind=ImportJob.Kind.TPS)
        assert job.status == ImportJob.Status.DONE, job.errors[:3]
        counts[size] = len(queries)
    moved = imported([station(5, kerawanan="Rawan")], ops_admin, kind=ImportJob.Kind.TPS)

    assert counts[10] == counts[200] <= QUERIES
    assert TPS.objects.count() == 210
    assert moved.counts == {"new": 0, "update": 1, "skip": 0, "invalid": 0}
    changed = TPS.objects.get(number=5)
    assert changed.kerawanan == "rawan"
    assert changed.history.first().history_user == ops_admin
