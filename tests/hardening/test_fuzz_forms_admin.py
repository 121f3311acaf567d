"""The admin's import upload and the changelists of TPS, personnel and assignments, fuzzed.

An upload is answered with the upload form again (422, with the reason) or a redirect to the
import job; the job's check then ends "ready" or "invalid" with its reasons, never "failed"
(the importer's 500), and confirming a ready job writes its rows or nothing. A changelist
answers any search or filter value without a 500 and writes nothing (an export only its line
in the audit log).
"""

import csv
import io

import pytest
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from deployments.coverage import coverage_recompute
from deployments.imports import (
    AssignmentResource,
    PersonnelResource,
    TPSResource,
    import_job_create,
    import_job_validate,
)
from deployments.models import ImportJob
from tests.admin.helpers import xlsx
from tests.api.helpers import linmas_pair_at, polri_pair_covering
from tests.factories import PersonnelFactory, PolsekFactory, SprinFactory
from tests.hardening.conftest import FUZZ
from tests.hardening.fuzz_forms import (
    check_answer,
    form_data,
    garbage,
    query,
    row_counts,
    uploads,
    written,
)

FREE_OFFICER = "85069999"  # a Polri officer of the roster without any assignment
# A row of each kind that the import accepts (against the `roster` fixture), cell by cell.
GOOD_CELLS = {
    ImportJob.Kind.PERSONNEL: {
        "Matra": ["Polri"],
        "NRP/No. Registrasi": ["85069901", "8506 9902"],
        "Nama": ["Andi Wijaya"],
        "Pangkat": ["Bripka", "briptu"],
        "Korps": [""],
        "Satuan": ["Polsek Mojoroto", "polsek-357101"],
        "Telepon": ["0812-3456-7890", ""],
        "Kode Desa Asal": ["3571011001", ""],
        "Aktif": ["Ya", ""],
    },
    ImportJob.Kind.TPS: {
        "Kode Desa": ["3571011001", "35.71.01.1001"],
        "No. TPS": ["7", "TPS 008"],
        "Alamat": ["Jl. Merdeka 1", ""],
        "Lintang": ["-7.815", "-7,8151"],
        "Bujur": ["111.985"],
        "Jumlah Pemilih": ["300", ""],
        "Kerawanan": ["Rawan", ""],
    },
    ImportJob.Kind.ASSIGNMENT: {
        "Matra": ["Polri"],
        "NRP/No. Registrasi": [FREE_OFFICER],
        "Nama": ["", "Budi Santoso"],
        "Pangkat": [""],
        "Satuan": [""],
        "Kode Desa": ["3571011001"],
        "No. TPS": ["006", "6"],
        "Jenis Pos": ["Pam TPS"],
        "Nama Pos": [""],
        "Mulai": ["26/11/2024 13.00", "2024-11-26 13:00"],
        "Selesai": ["28/11/2024 18.00", "28/11/2024"],
        "No. Sprin": ["", "Sprin/1/XI/2024"],
        "Tgl. Sprin": [""],
    },
}
COLUMNS = {
    ImportJob.Kind.PERSONNEL: PersonnelResource.columns,
    ImportJob.Kind.TPS: TPSResource.columns,
    ImportJob.Kind.ASSIGNMENT: AssignmentResource.columns,
}
# The domain tables an applied import of each kind may write (with their history).
IMPORT_TABLES = {
    ImportJob.Kind.PERSONNEL: ("deployments_personnel", "deployments_historicalpersonnel"),
    ImportJob.Kind.TPS: ("tps_tps", "tps_historicaltps"),
    ImportJob.Kind.ASSIGNMENT: (
        "deployments_assignment",
        "deployments_assignment_tps",
        "deployments_historicalassignment",
    ),
}


def _sheet(kind: str):
    """Rows of the kind's template, each good but for a cell or two (left empty, garbage, or
    several values in one); sometimes a header with a column missing or a stranger."""
    columns = COLUMNS[kind]
    good = {c: st.sampled_from(GOOD_CELLS[kind][c]) for c in columns}
    cells = st.one_of(form_data(good, strangers=False), form_data(good, strangers=False, least=1))
    row = cells.map(lambda r: [_cell(r.get(c, "")) for c in columns])
    header = st.one_of(
        st.just(list(columns)),
        st.just(list(columns)),
        st.just(list(columns[:-1])),
        st.just([*columns, "Kolom Lain"]),
        st.just([c.upper() for c in columns]),
    )
    return st.tuples(header, st.lists(row, min_size=1, max_size=3))


def _cell(value) -> str:
    return ";".join(value) if isinstance(value, list) else value


def _csv(header, rows, delimiter) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def _xlsx(header, rows) -> bytes:
    # openpyxl cannot store control characters: a real XLSX never holds them.
    def clean(value):
        return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value

    return xlsx([clean(h) for h in header], [[clean(v) for v in row] for row in rows])


def _spreadsheet(kind: str):
    from tests.hardening.fuzz_forms import upload

    return st.one_of(
        st.builds(
            lambda sheet, delimiter: upload(_csv(*sheet, delimiter), "data.csv", "text/csv"),
            _sheet(kind),
            st.sampled_from([",", ";", "\t"]),
        ),
        st.builds(
            lambda sheet: upload(_xlsx(*sheet), "data.xlsx", "application/octet-stream"),
            _sheet(kind),
        ),
        uploads,
    )


def _check_reasons(job: ImportJob) -> None:
    """Every refused cell says what was expected: an exception from inside the import (shown as
    "Kesalahan basis data: invalid literal for int()…") is a crash, not a reason."""
    crashes = [e for e in job.errors if e["message"].startswith("Kesalahan basis data")]
    assert not crashes, crashes


@pytest.fixture
def roster(election_day, field_officer, tps_a, tps_b, ops_admin):
    """TPS, people and assignments in both kecamatan, a snapshot, a Sprin, and Polsek
    Mojoroto (the unit the personnel sheets name)."""
    polsek = PolsekFactory(kecamatan=tps_a.desa.kecamatan)
    PersonnelFactory(unit=polsek, identifier=FREE_OFFICER, name="Budi Santoso")
    SprinFactory(number="Sprin/1/XI/2024")
    for tps in (tps_a, tps_b):
        polri_pair_covering([tps])
        linmas_pair_at(tps)
    coverage_recompute()
    return {"tps": [tps_a, tps_b]}


@pytest.mark.django_db
def test_import_upload_answers_any_file_and_a_refused_or_failed_import_writes_nothing(
    roster, ops_admin, django_capture_on_commit_callbacks
):
    client = Client()
    client.force_login(ops_admin, backend="opsboard.auth.OpsboardBackend")
    seen: set[str] = set()

    @FUZZ
    @given(
        kind=st.sampled_from(sorted(COLUMNS)),
        data=st.data(),
        background=st.sampled_from([None, "on"]),
        kind_sent=st.one_of(st.none(), st.none(), st.none(), garbage),
    )
    def answers(kind, data, background, kind_sent):
        upload = data.draw(_spreadsheet(kind))
        sent = {"kind": kind if kind_sent is None else kind_sent, "upload": upload}
        if background:
            sent["background"] = background
        before = row_counts()

        with django_capture_on_commit_callbacks(execute=True):
            response = client.post("/admin/deployments/importjob/add/", sent)

        check_answer(response, sent, allowed=(302, 422))
        change = written(before, row_counts())
        if response.status_code == 422:
            seen.add("refused")
            assert change == {}, change
            return
        job = ImportJob.objects.latest("pk")
        assert change == {"deployments_importjob": 1}, change
        assert job.status in (ImportJob.Status.READY, ImportJob.Status.INVALID), job.message
        assert job.message or job.status == ImportJob.Status.READY
        _check_reasons(job)
        seen.add(job.status)
        if job.status != ImportJob.Status.READY:
            return
        before = row_counts()

        with django_capture_on_commit_callbacks(execute=True):
            confirmed = client.post(f"/admin/deployments/importjob/{job.pk}/confirm/")

        check_answer(confirmed, sent, allowed=(302,))
        job.refresh_from_db()
        assert job.status in (ImportJob.Status.DONE, ImportJob.Status.INVALID), job.message
        _check_reasons(job)
        seen.add(job.status)
        change = written(before, row_counts())
        if job.status != ImportJob.Status.DONE:
            assert change == {}, change
        else:
            # Its own rows (and their history), and the coverage its changes recompute.
            tables = IMPORT_TABLES[kind] + ("opsboard_auditevent",)
            assert all(
                t.startswith(tables) or t.startswith("deployments_coverage") for t in change
            ), change

    answers()

    assert {ImportJob.Status.INVALID, ImportJob.Status.READY} <= seen


@pytest.mark.parametrize(
    ("kind", "column", "cell", "reason"),
    [
        # Found by the fuzzing above: "²" passed isdigit() and int() refused it, so the check
        # of a TPS sheet failed as a whole ("Pemeriksaan gagal; hubungi admin").
        (ImportJob.Kind.TPS, "No. TPS", "²", "Bukan bilangan bulat: ²."),
        (ImportJob.Kind.TPS, "No. TPS", "9" * 5000, "di luar batas 1–999"),
        (ImportJob.Kind.TPS, "Jumlah Pemilih", "¹²³", "Bukan bilangan bulat: ¹²³."),
        # These were refused, but as "Kesalahan basis data: [<class 'decimal.InvalidOperation'>]"
        # and "… date value out of range".
        (ImportJob.Kind.TPS, "Lintang", "1e40", "Angka terlalu besar: 1e40."),
        (ImportJob.Kind.ASSIGNMENT, "Selesai", "31/12/9999", "Tanggal di luar jangkauan"),
    ],
    ids=["superscript", "5000-digits", "superscripts", "1e40", "last-day"],
)
@pytest.mark.django_db
def test_an_unreadable_cell_is_refused_with_its_reason(
    roster, ops_admin, kind, column, cell, reason
):
    row = [GOOD_CELLS[kind][c][0] for c in COLUMNS[kind]]
    row[COLUMNS[kind].index(column)] = cell
    job = import_job_create(
        kind=kind,
        file_name="data.csv",
        content=_csv(list(COLUMNS[kind]), [row], ","),
        background=False,
        by=ops_admin,
    )

    job = import_job_validate(job_id=job.pk)

    assert job.status == ImportJob.Status.INVALID, job.message
    assert [e["column"] for e in job.errors] == [column]
    assert reason in job.errors[0]["message"]


CHANGELISTS = {
    "/admin/tps/tps/": [
        "q",
        "kerawanan__exact",
        "cakupan",
        "kecamatan",
        "desa__id__exact",
        "is_synthetic__exact",
        "o",
        "p",
        "all",
    ],
    "/admin/deployments/personnel/": [
        "q",
        "force__exact",
        "active__exact",
        "kecamatan",
        "unit__kind__exact",
        "unit__id__exact",
        "o",
        "p",
    ],
    "/admin/deployments/assignment/": [
        "q",
        "kind__exact",
        "phase__id__exact",
        "status__exact",
        "personnel__force__exact",
        "kecamatan",
        "tps__kerawanan__exact",
        "linmas_other_desa__exact",
        "sprin__id__exact",
        "starts_at__year",
        "starts_at__month",
        "starts_at__day",
        "o",
        "p",
    ],
}


@pytest.mark.parametrize("path", sorted(CHANGELISTS))
@pytest.mark.django_db
def test_changelists_and_their_exports_answer_any_search_or_filter_and_write_only_the_log(
    path, roster, ops_admin, command_staff, polsek_editor_other
):
    clients = []
    for user in (ops_admin, command_staff, polsek_editor_other):
        clients.append(Client())
        clients[-1].force_login(user, backend="opsboard.auth.OpsboardBackend")
    seen: set[int] = set()

    @FUZZ
    @given(client=st.sampled_from(clients), export=st.booleans(), data=st.data())
    def answers(client, export, data):
        params = data.draw(query(CHANGELISTS[path] + (["_format"] if export else [])))
        before = row_counts()

        response = client.get(path + ("export/" if export else ""), params)

        seen.add(response.status_code)
        check_answer(response, params, allowed=(200, 302, 400))
        change = written(before, row_counts())
        if export and response.status_code == 200:
            assert change == {"opsboard_auditevent": 1}, change
        else:
            assert change == {}, change
        if response.status_code == 302:  # the changelist's "?e=1": unreadable filters
            assert "e=1" in response["Location"] or response["Location"] == path, response[
                "Location"
            ]

    answers()

    assert 200 in seen


# Found by the fuzzing above (each a 500)


@pytest.mark.parametrize(
    ("path", "params"),
    [
        # isdigit() let these through to int() in the kecamatan filter.
        ("/admin/tps/tps/", {"kecamatan": "²"}),
        ("/admin/deployments/personnel/", {"kecamatan": "9" * 5000}),
        # Django's date hierarchy steps from 9999 to a year 10000 that Python has not.
        ("/admin/deployments/assignment/", {"starts_at__year": "9999"}),
        ("/admin/deployments/assignment/", {"starts_at__year": "9" * 30}),
        # Year 1 in WIB begins in year 0 UTC: SQLite's adapter could not convert it.
        ("/admin/deployments/assignment/", {"starts_at__year": "1"}),
        # PostgreSQL refuses a NUL in a query when the list renders.
        ("/admin/tps/tps/", {"kerawanan__exact": "\x00"}),
    ],
    ids=["superscript", "5000-digits", "year-9999", "year-30-digits", "year-1", "nul"],
)
@pytest.mark.django_db
def test_a_changelist_filter_it_cannot_read_is_ignored_or_refused_without_a_500(
    roster, ops_admin, path, params
):
    client = Client()
    client.force_login(ops_admin, backend="opsboard.auth.OpsboardBackend")

    response = client.get(path, params)

    assert response.status_code in (200, 302)
    if response.status_code == 302:
        assert response["Location"] == path + "?e=1"
